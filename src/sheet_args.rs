//! The numbers of one tally sheet as command-line flags (`submit`, `correct`). `correct`
//! starts from the station's current sheet and changes only the fields given.

use anyhow::bail;
use clap::Args;
use rekap_model::{Ballots, TallySheet, Turnout, VotedLists, VoterLists};

#[derive(Args, Clone, Debug)]
pub struct SheetArgs {
    /// Station code, e.g. 6472010001-001.
    #[arg(long, value_name = "STATION")]
    pub station: String,
    /// Contest id.
    #[arg(long, value_name = "CONTEST")]
    pub contest: String,
    /// Registered voters, permanent list (DPT). Required by submit.
    #[arg(long, value_name = "N")]
    pub dpt: Option<u32>,
    /// Registered voters transferred in (DPPh) [submit's default: 0].
    #[arg(long, value_name = "N")]
    pub dpph: Option<u32>,
    /// Other additional voters (DPTb) [submit's default: 0].
    #[arg(long, value_name = "N")]
    pub dptb: Option<u32>,
    /// Voters who voted from the DPT. Required by submit.
    #[arg(long, value_name = "N")]
    pub voted_dpt: Option<u32>,
    /// Of them, men (with --voted-dpt-female: the split of the sheet).
    #[arg(long, value_name = "N", requires = "voted_dpt_female")]
    pub voted_dpt_male: Option<u32>,
    /// Of them, women.
    #[arg(long, value_name = "N", requires = "voted_dpt_male")]
    pub voted_dpt_female: Option<u32>,
    /// Voters who voted from the DPPh [submit's default: 0].
    #[arg(long, value_name = "N")]
    pub voted_dpph: Option<u32>,
    #[arg(long, value_name = "N", requires = "voted_dpph_female")]
    pub voted_dpph_male: Option<u32>,
    #[arg(long, value_name = "N", requires = "voted_dpph_male")]
    pub voted_dpph_female: Option<u32>,
    /// Voters who voted from the DPTb [submit's default: 0].
    #[arg(long, value_name = "N")]
    pub voted_dptb: Option<u32>,
    #[arg(long, value_name = "N", requires = "voted_dptb_female")]
    pub voted_dptb_male: Option<u32>,
    #[arg(long, value_name = "N", requires = "voted_dptb_male")]
    pub voted_dptb_female: Option<u32>,
    /// Ballots received. Required by submit.
    #[arg(long, value_name = "N")]
    pub ballots_received: Option<u32>,
    /// Ballots used. Required by submit.
    #[arg(long, value_name = "N")]
    pub ballots_used: Option<u32>,
    /// Ballots returned damaged or wrongly marked [submit's default: 0].
    #[arg(long, value_name = "N")]
    pub ballots_damaged: Option<u32>,
    /// Ballots unused. Required by submit.
    #[arg(long, value_name = "N")]
    pub ballots_unused: Option<u32>,
    /// Votes per candidate pair in ballot-number order, comma-separated: --votes 120,95.
    /// Required by submit.
    #[arg(long, value_delimiter = ',', value_name = "N,N,...")]
    pub votes: Option<Vec<u32>>,
    /// Valid votes. Required by submit.
    #[arg(long, value_name = "N")]
    pub valid: Option<u32>,
    /// Invalid votes. Required by submit.
    #[arg(long, value_name = "N")]
    pub invalid: Option<u32>,
}

impl SheetArgs {
    /// The sheet of `submit`: every required field given, the others 0.
    pub fn sheet(&self) -> anyhow::Result<TallySheet> {
        self.sheet_over(None)
    }

    /// The sheet of `correct`: the fields given, the rest from `current` (the station's
    /// current sheet). A turnout whose total is kept keeps its male/female split; a
    /// changed total needs its split again, if the sheet had one.
    pub fn sheet_over(&self, current: Option<&TallySheet>) -> anyhow::Result<TallySheet> {
        let mut missing = Vec::new();
        let mut required = |given: Option<u32>, from: Option<u32>, flag: &'static str| {
            given.or(from).unwrap_or_else(|| {
                missing.push(flag);
                0
            })
        };
        let optional = |given: Option<u32>, from: Option<u32>| given.or(from).unwrap_or(0);
        let base = current;
        let registered = VoterLists {
            dpt: required(self.dpt, base.map(|b| b.registered.dpt), "--dpt"),
            dpph: optional(self.dpph, base.map(|b| b.registered.dpph)),
            dptb: optional(self.dptb, base.map(|b| b.registered.dptb)),
        };
        let ballots = Ballots {
            received: required(
                self.ballots_received,
                base.map(|b| b.ballots.received),
                "--ballots-received",
            ),
            used: required(
                self.ballots_used,
                base.map(|b| b.ballots.used),
                "--ballots-used",
            ),
            damaged: optional(self.ballots_damaged, base.map(|b| b.ballots.damaged)),
            unused: required(
                self.ballots_unused,
                base.map(|b| b.ballots.unused),
                "--ballots-unused",
            ),
        };
        let valid = required(self.valid, base.map(|b| b.valid), "--valid");
        let invalid = required(self.invalid, base.map(|b| b.invalid), "--invalid");
        let dpt_total = required(
            self.voted_dpt,
            base.map(|b| b.voted.dpt.total),
            "--voted-dpt",
        );
        let votes = match (&self.votes, base) {
            (Some(votes), _) => votes.clone(),
            (None, Some(base)) => base.votes.clone(),
            (None, None) => {
                missing.push("--votes");
                Vec::new()
            }
        };
        if !missing.is_empty() {
            bail!(
                "the sheet needs {} (correct takes them from the current sheet, but only from a \
                 local --store)",
                missing.join(", ")
            );
        }
        let voted = VotedLists {
            dpt: turnout(
                (Some(dpt_total), self.voted_dpt_male, self.voted_dpt_female),
                base.map(|b| b.voted.dpt),
                "--voted-dpt",
            )?,
            dpph: turnout(
                (
                    self.voted_dpph,
                    self.voted_dpph_male,
                    self.voted_dpph_female,
                ),
                base.map(|b| b.voted.dpph),
                "--voted-dpph",
            )?,
            dptb: turnout(
                (
                    self.voted_dptb,
                    self.voted_dptb_male,
                    self.voted_dptb_female,
                ),
                base.map(|b| b.voted.dptb),
                "--voted-dptb",
            )?,
        };
        let voter_section_given = [
            self.dpt,
            self.voted_dpt,
            self.ballots_received,
            self.ballots_used,
        ]
        .iter()
        .any(Option::is_some);
        Ok(TallySheet {
            registered,
            voted,
            ballots,
            votes,
            valid,
            invalid,
            votes_only: base.is_some_and(|b| b.votes_only) && !voter_section_given,
            // No flags give counts by vote type yet: a correction keeps the current ones
            // (R64 then refuses changed votes of a contest with vote types).
            votes_by_type: base.map(|b| b.votes_by_type.clone()).unwrap_or_default(),
        })
    }
}

/// One list's turnout: the total and split given, or kept from the current sheet.
fn turnout(
    (total, male, female): (Option<u32>, Option<u32>, Option<u32>),
    current: Option<Turnout>,
    flag: &str,
) -> anyhow::Result<Turnout> {
    let kept = current.unwrap_or(Turnout {
        male: None,
        female: None,
        total: 0,
    });
    let total = total.unwrap_or(kept.total);
    if male.is_some() {
        return Ok(Turnout {
            male,
            female,
            total,
        });
    }
    if total == kept.total {
        return Ok(Turnout { total, ..kept });
    }
    if kept.male.is_some() {
        bail!(
            "{flag} changes from {} to {total}: give {flag}-male and {flag}-female too (the \
             sheet records the split)",
            kept.total
        );
    }
    Ok(Turnout {
        male: None,
        female: None,
        total,
    })
}
