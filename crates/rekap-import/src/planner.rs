//! The checks of one sheet once its numbers are read, shared by the sheets CSV
//! ([`crate::plan_import`]) and sheets read from another format ([`crate::plan_sheets`]):
//! the station and contest known, not a repeat, the hard rules, what the state has, and the
//! model's decision.

use crate::reason::RowReason;
use rekap_model::{
    Act, ApprovalCheck, ApprovalCheckFailure, Contest, ContestIdx, EntryKind, Envelope, Event,
    HardRuleViolation, PackedSheet, Refusal, RegionIdx, Role, RoleKind, State, StationId,
    StationStatus, TallySheet, VoterList,
};

use crate::columns::shown;
use crate::error::ImportError;
use crate::plan::ImportPlan;
use crate::problem::Problems;
use crate::row::votes_field;
use crate::seen::SeenRows;

/// Refuses a key that may submit no sheet at all, once for the whole file.
pub(crate) fn check_operator(state: &State, key: &[u8; 32]) -> Result<(), ImportError> {
    let act = Act::SubmitSheet;
    let refusal = if *key == state.election().registrar() {
        Some(Refusal::RoleNotPermitted {
            act,
            role: RoleKind::Registrar,
        })
    } else {
        match state.officer(key) {
            None => Some(Refusal::UnknownAuthor { author: *key }),
            Some(officer) => match (officer.revoked_at, &officer.role) {
                (Some(at), _) => Some(Refusal::AuthorRevoked {
                    author: *key,
                    revoked_at: at.seq,
                }),
                (None, Role::Operator) => None,
                (None, role) => Some(Refusal::RoleNotPermitted {
                    act,
                    role: match role {
                        Role::Operator => RoleKind::Operator,
                        Role::Official => RoleKind::Official,
                        Role::Witness { .. } => RoleKind::Witness,
                        Role::Auditor => RoleKind::Auditor,
                    },
                }),
            },
        }
    };
    match refusal {
        Some(refusal) => Err(ImportError::NotAnOperator(refusal)),
        None => Ok(()),
    }
}

/// Sheets never ask for an approval check; anything that did would be refused.
struct NoApprovals;

impl ApprovalCheck for NoApprovals {
    fn check_approval(
        &self,
        _state: &State,
        _region: RegionIdx,
        _contest: ContestIdx,
        _digest: &[u8; 32],
    ) -> Result<(), ApprovalCheckFailure> {
        Err(ApprovalCheckFailure::Other {
            reason: "an import carries no plenary approvals".to_string(),
        })
    }
}

pub(crate) struct Planner<'a> {
    pub(crate) state: &'a State,
    envelope: Envelope,
    /// First line of each station and contest in the file.
    pub(crate) seen: SeenRows,
    pub(crate) plan: ImportPlan,
}

/// How a row's sheet compares with what the state has for its station.
enum Existing {
    None,
    Same,
    Different { since_seq: u64 },
}

impl<'a> Planner<'a> {
    /// A planner of sheets submitted by `operator` after the state's last record.
    pub(crate) fn new(state: &'a State, operator: &[u8; 32]) -> Planner<'a> {
        Planner {
            state,
            envelope: Envelope {
                seq: state.last_seq().saturating_add(1),
                recorded_at_ms: 0,
                author: *operator,
            },
            seen: SeenRows::new(state.election()),
            plan: ImportPlan {
                to_submit: Default::default(),
                already_imported: 0,
                rows: 0,
            },
        }
    }

    /// The station of `code`, or a problem at `line`.
    pub(crate) fn station(
        &self,
        code: &str,
        line: u64,
        problems: &mut Problems,
    ) -> Option<StationId> {
        let found = self.state.election().find_station(code);
        if found.is_none() {
            problems.push(line, Some("station"), || RowReason::UnknownStation {
                code: shown(code.as_bytes()),
            });
        }
        found
    }

    /// The contest of `id`, or a problem at `line`.
    pub(crate) fn contest(
        &self,
        id: &str,
        line: u64,
        problems: &mut Problems,
    ) -> Option<(ContestIdx, &'a Contest)> {
        let election = self.state.election();
        let found = election.contest_by_id(id);
        if found.is_none() {
            problems.push(line, Some("contest"), || RowReason::UnknownContest {
                id: shown(id.as_bytes()),
            });
        }
        found.and_then(|index| Some((index, election.contest(index)?)))
    }

    /// Checks the sheet of `code` (the station as the source spells it) for `contest`, read
    /// from `line` (`None`: its numbers could not all be read, the problems are listed):
    /// a repeat of an earlier line, the hard rules, what the state has, the model's
    /// decision. Returns whether its `SheetSubmitted` was planned.
    pub(crate) fn check(
        &mut self,
        line: u64,
        code: &str,
        station: StationId,
        contest_index: ContestIdx,
        sheet: Option<TallySheet>,
        problems: &mut Problems,
    ) -> bool {
        let election = self.state.election();
        let Some(contest) = election.contest(contest_index) else {
            return false;
        };
        if let Some(first) = self.seen.first_line(election, station, contest_index, line) {
            problems.push(line, Some("station"), || RowReason::SecondRow {
                code: code.to_string(),
                contest: contest.id.clone(),
                first,
            });
        }
        let Some(sheet) = sheet else {
            return false;
        };
        let pairs = contest.pairs.len() as u32;
        let vote_types = contest.vote_types.len() as u32;
        let violations =
            sheet.hard_rule_violations_typed(pairs, vote_types, election.station_capacity());
        let broken = !violations.is_empty();
        for violation in violations {
            let field = rule_field(&violation);
            let rule = Some(violation.rule());
            problems.push_rule(line, field, rule, || RowReason::HardRule(violation));
        }
        match self.existing(station, contest_index, &sheet) {
            Existing::Same => {
                self.plan.already_imported += 1;
                return false;
            }
            Existing::Different { since_seq } => {
                problems.push(line, None, || RowReason::DifferentSheet {
                    code: code.to_string(),
                    contest: contest.id.clone(),
                    since_seq,
                });
                return false;
            }
            Existing::None => {}
        }
        // The definition's spelling, whichever the file used (`6401012009001` or `-001`).
        let event = Event::SheetSubmitted {
            station: election
                .station_code(station)
                .unwrap_or_else(|| code.to_string()),
            contest: contest.id.clone(),
            sheet,
        };
        // The model's own checks of a submission, without building its effect (flags,
        // fingerprint, packed numbers): the answer `State::decide` gives, by construction.
        match self.state.check(&self.envelope, 0, &event, &NoApprovals) {
            Ok(()) if !broken && problems.is_empty() => {
                self.plan.to_submit.push(event);
                return true;
            }
            Ok(()) => {}
            // Already listed in full above.
            Err(Refusal::HardRule { .. }) => {}
            Err(refusal) => {
                let field = refusal_field(&refusal);
                let rule = Some(refusal.rule());
                problems.push_rule(line, field, rule, || RowReason::Refused(refusal));
            }
        }
        false
    }

    fn existing(&self, station: StationId, contest: ContestIdx, sheet: &TallySheet) -> Existing {
        let current = match self.state.station_status(station, contest) {
            Some(StationStatus::Counted(current)) => Some(current),
            // A re-vote is pending: the old sheet no longer counts, but a row with its
            // numbers is the old import, not the re-vote's result; never submit it again.
            Some(StationStatus::RevotePending(_)) => None,
            _ => return Existing::None,
        };
        let packed = PackedSheet::pack(sheet);
        let current_entry = current.and_then(|current| self.state.entry(current));
        let same_as_current = current_entry.and_then(|entry| entry.sheet.as_ref()) == Some(&packed);
        // The sheet this file submitted may since have been corrected or set aside for a
        // re-vote: the row was imported all the same.
        let same_as_submitted = || {
            self.state.history(station, contest).iter().any(|entry| {
                entry.kind == EntryKind::Submitted && entry.sheet.as_ref() == Some(&packed)
            })
        };
        if same_as_current || same_as_submitted() {
            return Existing::Same;
        }
        match current_entry {
            Some(entry) => Existing::Different {
                since_seq: entry.id.seq,
            },
            None => Existing::None,
        }
    }
}

fn list_total(list: VoterList) -> &'static str {
    match list {
        VoterList::Dpt => "voted_dpt",
        VoterList::Dpph => "voted_dpph",
        VoterList::Dptb => "voted_dptb",
    }
}

/// The first column a hard rule is about.
fn rule_field(violation: &HardRuleViolation) -> Option<&'static str> {
    Some(match violation {
        HardRuleViolation::WrongPairCount { .. } => return None,
        HardRuleViolation::PairVotesNotValid { .. } => "valid",
        HardRuleViolation::CastNotBallotsUsed { .. } => "ballots_used",
        HardRuleViolation::BallotsUsedNotVoted { .. } => "ballots_used",
        HardRuleViolation::VotedOverRegistered { list, .. } => list_total(*list),
        HardRuleViolation::MaleFemaleNotTotal { list, .. } => list_total(*list),
        HardRuleViolation::BallotsUnbalanced { .. } => "ballots_received",
        HardRuleViolation::OverCapacity { .. } => "dpt",
        HardRuleViolation::AbsentSectionHasNumbers => "dpt",
        HardRuleViolation::WrongVoteTypeCount { .. } => return None,
        HardRuleViolation::VoteTypesNotPairVotes { pair, .. } => votes_field(*pair as usize),
        HardRuleViolation::InvalidAbsentOnFullSheet => "invalid",
    })
}

/// The column a model refusal of a sheet is about.
fn refusal_field(refusal: &Refusal) -> Option<&'static str> {
    match refusal {
        Refusal::UnknownStation { .. }
        | Refusal::OutOfScope { .. }
        | Refusal::StationIsVoided { .. }
        | Refusal::SheetAlreadySubmitted { .. } => Some("station"),
        Refusal::UnknownContest { .. } | Refusal::NotInContest { .. } => Some("contest"),
        _ => None,
    }
}
