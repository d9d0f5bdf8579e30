//! [`plan_import`]: every row checked against the state, nothing appended.
//!
//! For each data row, in file order, every problem is reported with its line:
//! - the row has another number of fields than the header;
//! - `station` or `contest` empty, not UTF-8, or not of this election;
//! - a cell that is not a count (naming the column and the text), a missing `votes_N`
//!   column for the row's contest, or a `votes_N` cell beyond the contest's pairs;
//! - the same station and contest on an earlier line of the file;
//! - every hard rule the sheet breaks (`TallySheet::hard_rule_violations`, each naming
//!   the rule and the numbers; the field is the first column the rule is about);
//! - the station already has a different sheet in the state (use `rekap correct`);
//! - anything else the model refuses for a `SheetSubmitted` by the importing operator
//!   (scope, a voided station, ...), as `State::decide` says.
//!
//! A row whose station already has a sheet with identical numbers (the current one, or a
//! submitted one a correction or a pending re-vote has since set aside) is already
//! imported: skipped and counted.
//! So re-running an import that stopped half-way plans only what is missing.

use std::io::Read;

use csv::ByteRecord;
use rekap_model::{
    Act, ApprovalCheck, ApprovalCheckFailure, ContestIdx, EntryKind, Envelope, Event,
    HardRuleViolation, PackedSheet, Refusal, RegionIdx, Role, RoleKind, State, StationId,
    StationStatus, TallySheet, VoterList,
};

use crate::columns::{shown, Column, Columns};
use crate::error::ImportError;
use crate::limits::ImportLimits;
use crate::problem::Problems;
use crate::reader::{limit_of, LimitExceeded, LimitedReader};
use crate::row::{read_sheet, votes_field, Cells, ContestShape};
use crate::seen::SeenRows;

/// What an import would append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPlan {
    /// One `SheetSubmitted` per row still missing from the state, in file order.
    pub to_submit: Vec<Event>,
    /// Rows skipped because the state already has their sheet with identical numbers.
    pub already_imported: usize,
    /// Data rows in the file (the header not counted).
    pub rows: usize,
}

/// Plans importing the sheets CSV `input` as the operator with public key `operator`:
/// reads every row, checks it against `state` exactly as the model will when the plan is
/// appended, and returns the events to append, or every problem of the file. Reads at most
/// `limits.max_file_bytes` from `input`.
pub fn plan_import(
    state: &State,
    operator: &[u8; 32],
    input: impl Read,
    limits: &ImportLimits,
) -> Result<ImportPlan, ImportError> {
    check_operator(state, operator)?;
    let reader = LimitedReader::new(input, limits.max_file_bytes, limits.max_line_bytes);
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let mut record = ByteRecord::new();
    let mut problems = Problems::new(limits.max_listed_problems);
    if !next_record(&mut csv, &mut record)? {
        problems.push(1, None, || {
            "the file is empty; a header row with the column names is required".to_string()
        });
        return Err(rejected(problems));
    }
    let columns = Columns::from_header(&record, &mut problems);
    let mut planner = Planner {
        state,
        envelope: Envelope {
            seq: state.last_seq().saturating_add(1),
            recorded_at_ms: 0,
            author: *operator,
        },
        columns: &columns,
        seen: SeenRows::new(state.election()),
        plan: ImportPlan {
            to_submit: Vec::new(),
            already_imported: 0,
            rows: 0,
        },
    };
    while next_record(&mut csv, &mut record)? {
        planner.plan.rows += 1;
        if planner.plan.rows as u64 > limits.max_rows {
            return Err(ImportError::TooManyRows {
                limit: limits.max_rows,
            });
        }
        // The parser's own line numbers are one short per CRLF line before the record.
        let line = match record.position() {
            Some(position) => csv.get_mut().line_of(position.byte()),
            None => planner.plan.rows as u64 + 1,
        };
        planner.row(&record, line, &mut problems);
    }
    if problems.is_empty() {
        Ok(planner.plan)
    } else {
        Err(rejected(problems))
    }
}

fn rejected(problems: Problems) -> ImportError {
    let (problems, unlisted, by_kind) = problems.into_parts();
    ImportError::Rejected {
        problems,
        unlisted,
        by_kind,
    }
}

fn next_record<R: Read>(
    csv: &mut csv::Reader<R>,
    record: &mut ByteRecord,
) -> Result<bool, ImportError> {
    csv.read_byte_record(record)
        .map_err(|error| match limit_of(&error) {
            Some(LimitExceeded::File { limit }) => ImportError::TooLarge { limit },
            Some(LimitExceeded::Line { line, limit }) => ImportError::LineTooLong { line, limit },
            None if matches!(error.kind(), csv::ErrorKind::Io(_)) => match error.into_kind() {
                csv::ErrorKind::Io(io) => ImportError::Io(io),
                kind => ImportError::Io(std::io::Error::other(format!("{kind:?}"))),
            },
            None => ImportError::Csv(error),
        })
}

/// Refuses a key that may submit no sheet at all, once for the whole file.
fn check_operator(state: &State, key: &[u8; 32]) -> Result<(), ImportError> {
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

struct Planner<'a> {
    state: &'a State,
    envelope: Envelope,
    columns: &'a Columns,
    /// First line of each station and contest in the file.
    seen: SeenRows,
    plan: ImportPlan,
}

/// How a row's sheet compares with what the state has for its station.
enum Existing {
    None,
    Same,
    Different { since_seq: u64 },
}

impl Planner<'_> {
    fn row(&mut self, record: &ByteRecord, line: u64, problems: &mut Problems) {
        if record.len() != self.columns.width {
            problems.push(line, None, || {
                format!(
                    "the row has {} fields, the header has {}",
                    record.len(),
                    self.columns.width
                )
            });
            return;
        }
        let cells = Cells {
            columns: self.columns,
            record,
            line,
        };
        problems.start_row(
            self.columns
                .position(Column::Station)
                .map(|_| cells.text(Column::Station)),
        );
        let election = self.state.election();
        let station = self
            .text(&cells, Column::Station, problems)
            .and_then(|code| {
                let found = election.find_station(code);
                if found.is_none() {
                    problems.push(line, Some("station"), || {
                        format!(
                            "{:?} is not a polling station of this election",
                            shown(code.as_bytes())
                        )
                    });
                }
                found.map(|id| (code, id))
            });
        let contest = self.text(&cells, Column::Contest, problems).and_then(|id| {
            let found = election.contest_by_id(id);
            if found.is_none() {
                problems.push(line, Some("contest"), || {
                    format!(
                        "{:?} is not a contest of this election",
                        shown(id.as_bytes())
                    )
                });
            }
            found.and_then(|index| Some((index, election.contest(index)?)))
        });
        let shape = contest.map(|(_, contest)| ContestShape {
            id: &contest.id,
            pairs: contest.pairs.len(),
            vote_types: contest.vote_types.iter().map(|t| t.key.as_str()).collect(),
        });
        let sheet = read_sheet(&cells, shape.as_ref(), problems);
        let (Some((code, station)), Some((contest_index, contest))) = (station, contest) else {
            return;
        };
        if let Some(first) = self.seen.first_line(election, station, contest_index, line) {
            problems.push(line, Some("station"), || {
                format!(
                    "{code} already has a row for contest {} on line {first}",
                    contest.id
                )
            });
        }
        let Some(sheet) = sheet else {
            return;
        };
        let pairs = contest.pairs.len() as u32;
        let vote_types = contest.vote_types.len() as u32;
        let violations =
            sheet.hard_rule_violations_typed(pairs, vote_types, election.station_capacity());
        let broken = !violations.is_empty();
        for violation in violations {
            let field = rule_field(&violation);
            let rule = Some(violation.rule());
            problems.push_rule(line, field, rule, || violation.to_string());
        }
        match self.existing(station, contest_index, &sheet) {
            Existing::Same => {
                self.plan.already_imported += 1;
                return;
            }
            Existing::Different { since_seq } => {
                problems.push(line, None, || {
                    format!(
                        "{code} already has a different sheet for {} (record {since_seq}); use `rekap correct`",
                        contest.id
                    )
                });
                return;
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
        match self.state.decide(&self.envelope, 0, &event, &NoApprovals) {
            Ok(_) if !broken && problems.is_empty() => self.plan.to_submit.push(event),
            Ok(_) => {}
            // Already listed in full above.
            Err(Refusal::HardRule { .. }) => {}
            Err(refusal) => {
                let field = refusal_field(&refusal);
                let rule = Some(refusal.rule());
                problems.push_rule(line, field, rule, || refusal.to_string());
            }
        }
    }

    /// A required text cell (station, contest) as UTF-8; a missing column was reported on
    /// the header line.
    fn text<'r>(
        &self,
        cells: &Cells<'r>,
        column: Column,
        problems: &mut Problems,
    ) -> Option<&'r str> {
        self.columns.position(column)?;
        let bytes = cells.text(column);
        if bytes.is_empty() {
            problems.push(cells.line, Some(column.name()), || {
                "empty; a value is required".to_string()
            });
            return None;
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(_) => {
                problems.push(cells.line, Some(column.name()), || {
                    format!("{:?} is not UTF-8 text", shown(bytes))
                });
                None
            }
        }
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
