//! Reading an OpenElections precinct CSV into rows: the seven columns, the vote-type
//! columns present, and the rows that are not a candidate's (over and under votes, the
//! registered voters and ballots cast some states add as offices).

use crate::reason::SourceReason;
use std::collections::BTreeSet;

use crate::csv_source::{header_names, width_problem, Lines};
use crate::problem::SourceProblem;

/// The vote-type columns OpenElections files use, read where present (other extra columns
/// are ignored).
pub const VOTE_TYPE_COLUMNS: [&str; 12] = [
    "election_day",
    "early_voting",
    "early",
    "absentee",
    "absentee_mail",
    "mail",
    "mail_in",
    "provisional",
    "polling",
    "one_stop",
    "in_person",
    "advance",
];

/// Candidates that are not candidates: their votes are the contest's invalid votes.
const INVALID_CANDIDATES: [&str; 4] = ["over votes", "under votes", "overvotes", "undervotes"];

/// Offices that are not contests: counted per precinct by some states, skipped.
const NOT_CONTESTS: [&str; 3] = ["registered voters", "ballots cast", "ballots cast blank"];

/// What a row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// A candidate's votes.
    Candidate,
    /// Over or under votes: the contest's invalid votes.
    Invalid,
    /// Registered voters, ballots cast: not a contest.
    Skipped,
}

/// One data row, its text trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The line (from 1) it starts on.
    pub line: u64,
    pub county: String,
    pub precinct: String,
    pub office: String,
    pub district: String,
    pub party: String,
    pub candidate: String,
    pub votes: u32,
    /// Per vote-type column of the file (in [`Table::vote_types`] order): the count, or
    /// `None` for an empty cell.
    pub by_type: Vec<Option<u32>>,
    pub kind: RowKind,
}

/// A whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The vote-type columns present, in the file's order.
    pub vote_types: Vec<String>,
    pub rows: Vec<Row>,
}

impl Row {
    /// The pair's name in a definition: `candidate (party)`, or the candidate alone.
    pub fn pair_name(&self) -> String {
        pair_name(&self.candidate, &self.party)
    }
}

/// `candidate (party)`, or the candidate alone when the party is empty.
pub fn pair_name(candidate: &str, party: &str) -> String {
    if party.is_empty() {
        candidate.to_owned()
    } else {
        format!("{candidate} ({party})")
    }
}

/// The seven columns every file has.
const REQUIRED: [&str; 7] = super::COLUMNS;

/// One data row as read, borrowed from the record being read (so reading a file allocates
/// nothing per row): its text trimmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowRef<'a> {
    /// The line (from 1) it starts on.
    pub line: u64,
    pub county: &'a str,
    pub precinct: &'a str,
    pub office: &'a str,
    pub district: &'a str,
    pub party: &'a str,
    pub candidate: &'a str,
    pub votes: u32,
    /// Per vote-type column of the file (in [`Rows::vote_types`] order): the count, or
    /// `None` for an empty cell.
    pub by_type: &'a [Option<u32>],
    pub kind: RowKind,
}

impl RowRef<'_> {
    /// The row as owned text.
    pub fn to_row(&self) -> Row {
        Row {
            line: self.line,
            county: self.county.to_owned(),
            precinct: self.precinct.to_owned(),
            office: self.office.to_owned(),
            district: self.district.to_owned(),
            party: self.party.to_owned(),
            candidate: self.candidate.to_owned(),
            votes: self.votes,
            by_type: self.by_type.to_vec(),
            kind: self.kind,
        }
    }

    /// Whether `name` is this row's pair name, `candidate (party)` or the candidate alone
    /// (as [`pair_name`] spells it), compared without building it.
    pub fn names_pair(&self, name: &str) -> bool {
        if name == self.candidate {
            return true;
        }
        if self.party.is_empty() {
            return false;
        }
        let rest = name.as_bytes();
        rest.len() == self.candidate.len() + self.party.len() + 3
            && rest.starts_with(self.candidate.as_bytes())
            && rest[self.candidate.len()..].starts_with(b" (")
            && rest.ends_with(b")")
            && &rest[self.candidate.len() + 2..rest.len() - 1] == self.party.as_bytes()
    }
}

/// A file whose header has been read: its rows are read one by one by [`Rows::for_each`].
pub struct Rows<'a> {
    file: &'a str,
    lines: Lines,
    reader: csv::Reader<&'a [u8]>,
    width: usize,
    required: [usize; 7],
    /// The vote-type columns present: position and name, in the file's order.
    types: Vec<(usize, String)>,
}

impl<'a> Rows<'a> {
    /// Reads the header of `bytes` (the file `file`): every problem of it, or the rows to
    /// read.
    pub fn open(file: &'a str, bytes: &'a [u8]) -> Result<Rows<'a>, Vec<SourceProblem>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut header = csv::ByteRecord::new();
        match reader.read_byte_record(&mut header) {
            Ok(true) => {}
            Ok(false) => {
                return Err(vec![SourceProblem::new(
                    file,
                    "line 1",
                    SourceReason::EmptyFile,
                )])
            }
            Err(error) => {
                return Err(vec![SourceProblem::new(
                    file,
                    "line 1",
                    SourceReason::NotCsv {
                        error: error.to_string(),
                    },
                )])
            }
        }
        let names: Vec<String> = header_names(&header)
            .iter()
            .map(|name| name.to_lowercase())
            .collect();
        let mut problems = Vec::new();
        let mut required = [0usize; 7];
        for (slot, column) in required.iter_mut().zip(REQUIRED) {
            match names.iter().position(|name| name == column) {
                Some(position) => *slot = position,
                None => problems.push(column_problem(
                    file,
                    1,
                    column,
                    SourceReason::MissingOpenElectionsColumn,
                )),
            }
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let types = names
            .iter()
            .enumerate()
            .filter(|(_, name)| VOTE_TYPE_COLUMNS.contains(&name.as_str()))
            .map(|(position, name)| (position, name.clone()))
            .collect();
        Ok(Rows {
            file,
            lines: Lines::of(bytes),
            reader,
            width: names.len(),
            required,
            types,
        })
    }

    /// The vote-type columns present, in the file's order.
    pub fn vote_types(&self) -> Vec<String> {
        self.types.iter().map(|(_, name)| name.clone()).collect()
    }

    /// Hands every well-formed row to `visit`, in the file's order; every problem of the
    /// rows (a malformed row is not handed on), or nothing.
    pub fn for_each(mut self, mut visit: impl FnMut(&RowRef<'_>)) -> Vec<SourceProblem> {
        let mut problems = Vec::new();
        let mut record = csv::ByteRecord::new();
        let mut by_type = Vec::with_capacity(self.types.len());
        loop {
            match self.reader.read_byte_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(error) => {
                    let line = error
                        .position()
                        .map_or(0, |position| self.lines.line_of(position.byte() as usize));
                    problems.push(SourceProblem::new(
                        self.file,
                        format!("line {line}"),
                        SourceReason::NotCsv {
                            error: error.to_string(),
                        },
                    ));
                    break;
                }
            }
            let line = record
                .position()
                .map_or(0, |position| self.lines.line_of(position.byte() as usize));
            if let Some(problem) = width_problem(self.file, line, record.len(), self.width) {
                problems.push(problem);
                continue;
            }
            let before = problems.len();
            let row = self.read_row(line, &record, &mut by_type, &mut problems);
            if problems.len() == before {
                if let Some(row) = row {
                    visit(&row);
                }
            }
        }
        problems
    }

    /// One row (problems noted in `problems`); `by_type` is the buffer its counts by type
    /// are read into.
    fn read_row<'r>(
        &self,
        line: u64,
        record: &'r csv::ByteRecord,
        by_type: &'r mut Vec<Option<u32>>,
        problems: &mut Vec<SourceProblem>,
    ) -> Option<RowRef<'r>> {
        let file = self.file;
        let mut text = |index: usize| -> &'r str {
            let cell = record.get(self.required[index]).unwrap_or_default();
            match std::str::from_utf8(cell) {
                Ok(cell) => cell.trim(),
                Err(_) => {
                    problems.push(column_problem(
                        file,
                        line,
                        REQUIRED[index],
                        SourceReason::NotUtf8,
                    ));
                    ""
                }
            }
        };
        let [county, precinct, office, district, party, candidate, votes] =
            std::array::from_fn(&mut text);
        let kind = if NOT_CONTESTS.iter().any(|name| same_lowercase(office, name)) {
            RowKind::Skipped
        } else if INVALID_CANDIDATES
            .iter()
            .any(|name| same_lowercase(candidate, name))
        {
            RowKind::Invalid
        } else {
            RowKind::Candidate
        };
        // A registered-voters row names no candidate.
        let needed = [
            ("county", county),
            ("precinct", precinct),
            ("office", office),
            ("candidate", candidate),
        ];
        for (column, value) in needed {
            if value.is_empty() && (column != "candidate" || kind != RowKind::Skipped) {
                problems.push(column_problem(file, line, column, SourceReason::Empty));
            }
        }
        let votes = count(file, line, "votes", votes, problems).unwrap_or_default();
        by_type.clear();
        for (position, name) in &self.types {
            let cell = record.get(*position).unwrap_or_default();
            let cell = String::from_utf8_lossy(cell);
            let cell = cell.trim();
            by_type.push(if cell.is_empty() {
                None
            } else {
                count(file, line, name, cell, problems)
            });
        }
        Some(RowRef {
            line,
            county,
            precinct,
            office,
            district,
            party,
            candidate,
            votes,
            by_type,
            kind,
        })
    }
}

/// Whether `text` lowercased is `lowercase` (ASCII text compared in place; other text
/// lowercased as Unicode says).
fn same_lowercase(text: &str, lowercase: &str) -> bool {
    if text.is_ascii() {
        text.eq_ignore_ascii_case(lowercase)
    } else {
        text.to_lowercase() == lowercase
    }
}

/// Reads `bytes` (the file `file`) into owned rows; every problem (line, column, reason)
/// or the rows. A second candidate row for the same county, precinct, office, district,
/// party and candidate is a problem.
pub fn read_table(file: &str, bytes: &[u8]) -> Result<Table, Vec<SourceProblem>> {
    let rows_of_file = Rows::open(file, bytes)?;
    let vote_types = rows_of_file.vote_types();
    let mut rows = Vec::new();
    let mut seen = BTreeSet::new();
    let mut duplicates = Vec::new();
    let mut problems = rows_of_file.for_each(|row| {
        let key = (
            row.county.to_owned(),
            row.precinct.to_owned(),
            row.office.to_owned(),
            row.district.to_owned(),
            row.candidate.to_owned(),
            row.party.to_owned(),
        );
        if row.kind == RowKind::Candidate && !seen.insert(key) {
            duplicates.push((row.line, second_row_problem(file, row.line)));
            return;
        }
        rows.push(row.to_row());
    });
    // In line order with the other problems.
    problems.extend(duplicates.into_iter().map(|(_, problem)| problem));
    problems.sort_by_key(|problem| line_number(&problem.at));
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Table { vote_types, rows })
}

/// The problem of a second row for the same candidate in the same place and contest.
pub(crate) fn second_row_problem(file: &str, line: u64) -> SourceProblem {
    SourceProblem::new(
        file,
        format!("line {line}"),
        SourceReason::SecondCandidateRow,
    )
}

/// The number of a problem's `line N`, for keeping problems in line order.
fn line_number(at: &str) -> u64 {
    at.strip_prefix("line ")
        .and_then(|number| number.parse().ok())
        .unwrap_or(0)
}

fn column_problem(file: &str, line: u64, column: &str, reason: SourceReason) -> SourceProblem {
    SourceProblem {
        field: Some(column.to_owned()),
        ..SourceProblem::new(file, format!("line {line}"), reason)
    }
}

/// A count: digits only (a thousands separator `,` is allowed, as some files have it), at
/// most 4,294,967,295.
fn count(
    file: &str,
    line: u64,
    column: &str,
    cell: &str,
    problems: &mut Vec<SourceProblem>,
) -> Option<u32> {
    let mut digits = 0usize;
    let mut value: u64 = 0;
    for byte in cell.bytes().filter(|byte| *byte != b',') {
        if !byte.is_ascii_digit() {
            digits = 0;
            break;
        }
        digits += 1;
        value = value
            .saturating_mul(10)
            .saturating_add(u64::from(byte - b'0'));
    }
    if digits == 0 {
        problems.push(column_problem(
            file,
            line,
            column,
            SourceReason::NotACount {
                cell: cell.to_owned(),
            },
        ));
        return None;
    }
    match u32::try_from(value) {
        Ok(value) => Some(value),
        Err(_) => {
            problems.push(column_problem(
                file,
                line,
                column,
                SourceReason::CountTooLarge {
                    cell: cell.to_owned(),
                },
            ));
            None
        }
    }
}
