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

use crate::reason::RowReason;
use std::io::Read;

use csv::ByteRecord;
use rekap_model::State;

use crate::columns::{shown, Column, Columns};
use crate::error::ImportError;
use crate::limits::ImportLimits;
use crate::parallel::{Split, Whole};
use crate::planned::PlannedEvents;
use crate::planner::{check_operator, Planner};
use crate::problem::Problems;
use crate::reader::{limit_of, LimitExceeded, LimitedReader};
use crate::row::{read_sheet, Cells, ContestShape};

/// What an import would append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportPlan {
    /// One `SheetSubmitted` per row still missing from the state, in file order.
    pub to_submit: PlannedEvents,
    /// Rows skipped because the state already has their sheet with identical numbers.
    pub already_imported: usize,
    /// Data rows in the file (the header not counted).
    pub rows: usize,
}

/// Plans importing the sheets CSV `input` as the operator with public key `operator`:
/// reads every row, checks it against `state` exactly as the model will when the plan is
/// appended, and returns the events to append, or every problem of the file. Reads at most
/// `limits.max_file_bytes` from `input`.
///
/// A large file is read whole and its rows checked in parts on every core
/// ([`plan_import_split`] with [`Split::default`]); the answer is always the one reading it
/// row by row gives.
pub fn plan_import(
    state: &State,
    operator: &[u8; 32],
    input: impl Read,
    limits: &ImportLimits,
) -> Result<ImportPlan, ImportError> {
    plan_import_split(state, operator, input, limits, &Split::default())
}

/// [`plan_import`], with the file split into parts as `split` says (none: row by row, as
/// one stream).
pub fn plan_import_split(
    state: &State,
    operator: &[u8; 32],
    input: impl Read,
    limits: &ImportLimits,
    split: &Split,
) -> Result<ImportPlan, ImportError> {
    check_operator(state, operator)?;
    if split.parts < 2 {
        return plan_rows(state, operator, input, limits);
    }
    match crate::parallel::read_whole(input, limits) {
        Whole::Read(bytes) => {
            match crate::parallel::plan_in_parts(state, operator, &bytes, limits, split) {
                Some(plan) => Ok(plan),
                // Anything to report, or a file that cannot be split safely: the rows one by
                // one, which says exactly what the file's problems are.
                None => plan_rows(state, operator, bytes.as_slice(), limits),
            }
        }
        Whole::Stopped { read, rest } => plan_rows(
            state,
            operator,
            std::io::Cursor::new(read).chain(rest),
            limits,
        ),
    }
}

/// Every row in file order on this thread, the file read as a stream.
fn plan_rows(
    state: &State,
    operator: &[u8; 32],
    input: impl Read,
    limits: &ImportLimits,
) -> Result<ImportPlan, ImportError> {
    let reader = LimitedReader::new(input, limits.max_file_bytes, limits.max_line_bytes);
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(reader);
    let mut record = ByteRecord::new();
    let mut problems = Problems::new(limits.max_listed_problems);
    if !next_record(&mut csv, &mut record)? {
        problems.push(1, None, || RowReason::EmptyFile);
        return Err(rejected(problems));
    }
    let columns = Columns::from_header(&record, &mut problems);
    let mut planner = Planner::new(state, operator);
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
        planner.row(&columns, &record, line, &mut problems);
    }
    if problems.is_empty() {
        Ok(planner.plan)
    } else {
        Err(rejected(problems))
    }
}

pub(crate) fn rejected(problems: Problems) -> ImportError {
    let (problems, unlisted, by_kind) = problems.into_parts();
    ImportError::Rejected {
        problems,
        unlisted,
        by_kind,
    }
}

pub(crate) fn next_record<R: Read>(
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

impl Planner<'_> {
    pub(crate) fn row(
        &mut self,
        columns: &Columns,
        record: &ByteRecord,
        line: u64,
        problems: &mut Problems,
    ) {
        if record.len() != columns.width {
            problems.push(line, None, || RowReason::FieldCount {
                fields: record.len() as u64,
                header: columns.width as u64,
            });
            return;
        }
        let cells = Cells {
            columns,
            record,
            line,
        };
        problems.start_row(
            columns
                .position(Column::Station)
                .map(|_| cells.text(Column::Station)),
        );
        let station = self
            .text(&cells, Column::Station, problems)
            .and_then(|code| Some((code, self.station(code, line, problems)?)));
        let contest = self
            .text(&cells, Column::Contest, problems)
            .and_then(|id| self.contest(id, line, problems));
        let shape = contest.map(|(_, contest)| ContestShape {
            id: &contest.id,
            pairs: contest.pairs.len(),
            vote_types: contest.vote_types.iter().map(|t| t.key.as_str()).collect(),
        });
        let sheet = read_sheet(&cells, shape.as_ref(), problems);
        if let (Some((code, station)), Some((contest, _))) = (station, contest) {
            self.check(line, code, station, contest, sheet, problems);
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
        cells.columns.position(column)?;
        let bytes = cells.text(column);
        if bytes.is_empty() {
            problems.push(cells.line, Some(column.name()), || RowReason::EmptyValue);
            return None;
        }
        match std::str::from_utf8(bytes) {
            Ok(text) => Some(text),
            Err(_) => {
                problems.push(cells.line, Some(column.name()), || RowReason::NotUtf8 {
                    cell: shown(bytes),
                });
                None
            }
        }
    }
}
