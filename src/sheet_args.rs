//! The numbers of one tally sheet as command-line flags (`submit`, `correct`).

use clap::Args;
use rekap_model::{Ballots, TallySheet, Turnout, VotedLists, VoterLists};

#[derive(Args, Clone, Debug)]
pub struct SheetArgs {
    /// Station code, e.g. 6472010001-001.
    #[arg(long)]
    pub station: String,
    /// Contest id.
    #[arg(long)]
    pub contest: String,
    /// Registered voters, permanent list (DPT).
    #[arg(long)]
    pub dpt: u32,
    /// Registered voters transferred in (DPPh).
    #[arg(long, default_value_t = 0)]
    pub dpph: u32,
    /// Other additional voters (DPTb).
    #[arg(long, default_value_t = 0)]
    pub dptb: u32,
    /// Voters who voted from the DPT.
    #[arg(long)]
    pub voted_dpt: u32,
    #[arg(long, default_value_t = 0)]
    pub voted_dpph: u32,
    #[arg(long, default_value_t = 0)]
    pub voted_dptb: u32,
    #[arg(long)]
    pub ballots_received: u32,
    #[arg(long)]
    pub ballots_used: u32,
    /// Ballots returned damaged or wrongly marked.
    #[arg(long, default_value_t = 0)]
    pub ballots_damaged: u32,
    #[arg(long)]
    pub ballots_unused: u32,
    /// Votes per candidate pair in ballot-number order, comma-separated: --votes 120,95
    #[arg(long, value_delimiter = ',', required = true)]
    pub votes: Vec<u32>,
    #[arg(long)]
    pub valid: u32,
    #[arg(long)]
    pub invalid: u32,
}

impl SheetArgs {
    pub fn sheet(&self) -> TallySheet {
        let turnout = |total| Turnout {
            male: None,
            female: None,
            total,
        };
        TallySheet {
            registered: VoterLists {
                dpt: self.dpt,
                dpph: self.dpph,
                dptb: self.dptb,
            },
            voted: VotedLists {
                dpt: turnout(self.voted_dpt),
                dpph: turnout(self.voted_dpph),
                dptb: turnout(self.voted_dptb),
            },
            ballots: Ballots {
                received: self.ballots_received,
                used: self.ballots_used,
                damaged: self.ballots_damaged,
                unused: self.ballots_unused,
            },
            votes: self.votes.clone(),
            valid: self.valid,
            invalid: self.invalid,
            votes_only: false,
            votes_by_type: Vec::new(),
        }
    }
}
