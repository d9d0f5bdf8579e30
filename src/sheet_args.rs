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
    /// Of them, men (with --voted-dpph-female: the split of the sheet).
    #[arg(long, value_name = "N", requires = "voted_dpph_female")]
    pub voted_dpph_male: Option<u32>,
    /// Of them, women.
    #[arg(long, value_name = "N", requires = "voted_dpph_male")]
    pub voted_dpph_female: Option<u32>,
    /// Voters who voted from the DPTb [submit's default: 0].
    #[arg(long, value_name = "N")]
    pub voted_dptb: Option<u32>,
    /// Of them, men (with --voted-dptb-female: the split of the sheet).
    #[arg(long, value_name = "N", requires = "voted_dptb_female")]
    pub voted_dptb_male: Option<u32>,
    /// Of them, women.
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
    /// For a contest with vote types: each type's votes per pair in ballot-number order, one
    /// TYPE=N,N,... per type (the keys of the definition's vote_types, as in the sheets CSV's
    /// votes_<pair>_<type> columns): --votes-by-type election_day=100,80 mail=20,15. --votes
    /// may then be left out: it is the sum per pair.
    #[arg(long, value_name = "TYPE=N,N,...", num_args = 1..)]
    pub votes_by_type: Vec<String>,
}

impl SheetArgs {
    /// The sheet of `submit`: every required field given, the others 0. `vote_types` are the
    /// contest's vote type keys in the definition's order (needed only with --votes-by-type).
    pub fn sheet(&self, vote_types: &[String]) -> anyhow::Result<TallySheet> {
        self.sheet_over(None, vote_types)
    }

    /// Whether the sheet needs the contest's vote types (read from the store or server).
    pub fn gives_vote_types(&self) -> bool {
        !self.votes_by_type.is_empty()
    }

    /// The sheet of `correct`: the fields given, the rest from `current` (the station's
    /// current sheet). A turnout whose total is kept keeps its male/female split; a
    /// changed total needs its split again, if the sheet had one.
    pub fn sheet_over(
        &self,
        current: Option<&TallySheet>,
        vote_types: &[String],
    ) -> anyhow::Result<TallySheet> {
        let by_type = self.counts_by_type(vote_types)?;
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
        // A correction without --invalid keeps an absent invalid count absent (a full sheet
        // must then give it: R67).
        let invalid = match (self.invalid, base) {
            (None, Some(current)) if current.invalid.is_none() => None,
            (given, _) => Some(required(given, base.and_then(|b| b.invalid), "--invalid")),
        };
        let dpt_total = required(
            self.voted_dpt,
            base.map(|b| b.voted.dpt.total),
            "--voted-dpt",
        );
        let votes = match (&self.votes, base) {
            (Some(votes), _) => votes.clone(),
            (None, _) if by_type.is_some() => sums_per_pair(by_type.as_deref(), vote_types.len()),
            (None, Some(base)) => base.votes.clone(),
            (None, None) => {
                missing.push("--votes");
                Vec::new()
            }
        };
        if !missing.is_empty() {
            bail!(crate::lang::say_with(
                "command-sheet-args-sheet-needs-correct-takes-them",
                &[("join", &missing.join(", "))]
            ));
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
            // Without --votes-by-type a correction keeps the current counts by type (R64 then
            // refuses changed votes of a contest with vote types).
            votes_by_type: by_type
                .or_else(|| base.map(|b| b.votes_by_type.clone()))
                .unwrap_or_default(),
        })
    }

    /// --votes-by-type as the sheet holds it: per pair, one count per vote type in the
    /// definition's order; `None` when not given.
    fn counts_by_type(&self, vote_types: &[String]) -> anyhow::Result<Option<Vec<u32>>> {
        if self.votes_by_type.is_empty() {
            return Ok(None);
        }
        if vote_types.is_empty() {
            bail!(crate::lang::say_with(
                "command-sheet-args-votes-by-type-contest-has",
                &[("contest", &self.contest)]
            ));
        }
        let mut per_type: Vec<Option<Vec<u32>>> = vec![None; vote_types.len()];
        for item in &self.votes_by_type {
            let (key, counts) = item.split_once('=').ok_or_else(|| {
                anyhow::anyhow!(crate::lang::say_with(
                    "command-sheet-args-votes-by-type-expected-type",
                    &[("item", &item)]
                ))
            })?;
            let Some(index) = vote_types.iter().position(|known| known == key) else {
                bail!(crate::lang::say_with(
                    "command-sheet-args-votes-by-type-not-vote",
                    &[
                        ("key", &key),
                        ("contest", &self.contest),
                        ("join", &vote_types.join(", "))
                    ]
                ));
            };
            if per_type[index].is_some() {
                bail!(crate::lang::say_with(
                    "command-sheet-args-votes-by-type-given-twice",
                    &[("key", &key)]
                ));
            }
            let counts = counts
                .split(',')
                .map(|count| count.trim().parse::<u32>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| {
                    anyhow::anyhow!(crate::lang::say_with(
                        "command-sheet-args-votes-by-type-votes-are",
                        &[("item", &item)]
                    ))
                })?;
            per_type[index] = Some(counts);
        }
        let missing: Vec<&str> = vote_types
            .iter()
            .zip(&per_type)
            .filter(|(_, counts)| counts.is_none())
            .map(|(key, _)| key.as_str())
            .collect();
        if !missing.is_empty() {
            bail!(crate::lang::say_with(
                "command-sheet-args-votes-by-type-needs-every",
                &[("contest", &self.contest), ("join", &missing.join(", "))]
            ));
        }
        let per_type: Vec<Vec<u32>> = per_type.into_iter().flatten().collect();
        let pairs = per_type[0].len();
        if let Some((key, counts)) = vote_types
            .iter()
            .zip(&per_type)
            .find(|(_, counts)| counts.len() != pairs)
        {
            bail!(crate::lang::say_with(
                "command-sheet-args-votes-by-type-gives-counts",
                &[
                    ("key", &key),
                    ("counts", &crate::lang::number(counts.len() as u64)),
                    ("vote-types", &vote_types[0]),
                    ("pairs", &pairs)
                ]
            ));
        }
        Ok(Some(
            (0..pairs)
                .flat_map(|pair| per_type.iter().map(move |counts| counts[pair]))
                .collect(),
        ))
    }
}

/// Each pair's votes: the sum of its counts by type (which R64 holds equal to the sheet's).
fn sums_per_pair(by_type: Option<&[u32]>, types: usize) -> Vec<u32> {
    by_type
        .unwrap_or_default()
        .chunks(types.max(1))
        .map(|counts| {
            counts
                .iter()
                .fold(0u32, |sum, count| sum.saturating_add(*count))
        })
        .collect()
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
        bail!(crate::lang::say_with(
            "command-sheet-args-changes-from-give-male-female",
            &[
                ("flag", &flag),
                ("total", &kept.total),
                ("total2", &total),
                ("flag2", &flag),
                ("flag3", &flag)
            ]
        ));
    }
    Ok(Turnout {
        male: None,
        female: None,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Command {
        #[command(flatten)]
        sheet: SheetArgs,
    }

    fn args(extra: &[&str]) -> SheetArgs {
        let mut line = vec!["rekap", "--station", "S-1", "--contest", "c"];
        line.extend(extra);
        Command::parse_from(line).sheet
    }

    #[test]
    fn counts_by_type_are_laid_out_per_pair_and_sum_to_the_votes() {
        let types = ["election_day".to_owned(), "mail".to_owned()];
        let given = args(&[
            "--dpt",
            "30",
            "--voted-dpt",
            "24",
            "--ballots-received",
            "30",
            "--ballots-used",
            "24",
            "--ballots-unused",
            "6",
            "--valid",
            "24",
            "--invalid",
            "0",
            "--votes-by-type",
            "mail=3,4",
            "election_day=10,7",
        ]);
        let sheet = given.sheet(&types).expect("a sheet");
        assert_eq!(sheet.votes_by_type, vec![10, 3, 7, 4]);
        assert_eq!(sheet.votes, vec![13, 11]);
        // A correction of only the counts by type keeps everything else of the sheet.
        let correction = args(&["--votes-by-type", "election_day=9,7", "mail=4,4"]);
        let corrected = correction
            .sheet_over(Some(&sheet), &types)
            .expect("a corrected sheet");
        assert_eq!(corrected.votes_by_type, vec![9, 4, 7, 4]);
        assert_eq!(corrected.votes, vec![13, 11]);
        assert_eq!(corrected.registered, sheet.registered);
        // Without the flag a correction keeps the current counts by type.
        let kept = args(&["--valid", "24"]).sheet_over(Some(&sheet), &types);
        assert_eq!(kept.expect("kept").votes_by_type, sheet.votes_by_type);
    }
}
