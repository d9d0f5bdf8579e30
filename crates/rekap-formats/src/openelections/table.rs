//! Reading an OpenElections precinct CSV into rows: the seven columns, the vote-type
//! columns present, and the rows that are not a candidate's (over and under votes, the
//! registered voters and ballots cast some states add as offices).

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

/// Reads `bytes` (the file `file`); every problem (line, column, reason) or the rows.
pub fn read_table(file: &str, bytes: &[u8]) -> Result<Table, Vec<SourceProblem>> {
    let lines = Lines::of(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.byte_records();
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(error)) => {
            return Err(vec![SourceProblem::new(
                file,
                "line 1",
                format!("not CSV: {error}"),
            )])
        }
        None => {
            return Err(vec![SourceProblem::new(
                file,
                "line 1",
                "the file is empty; a header row is required",
            )])
        }
    };
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
                "missing: an OpenElections precinct file has the columns county, precinct, \
                 office, district, party, candidate, votes",
            )),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let vote_types: Vec<(usize, String)> = names
        .iter()
        .enumerate()
        .filter(|(_, name)| VOTE_TYPE_COLUMNS.contains(&name.as_str()))
        .map(|(position, name)| (position, name.clone()))
        .collect();
    let mut rows = Vec::new();
    let mut seen = BTreeSet::new();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error
                    .position()
                    .map_or(0, |position| lines.line_of(position.byte() as usize));
                problems.push(SourceProblem::new(
                    file,
                    format!("line {line}"),
                    format!("not CSV: {error}"),
                ));
                break;
            }
        };
        let line = record
            .position()
            .map_or(0, |position| lines.line_of(position.byte() as usize));
        if let Some(problem) = width_problem(file, line, &record, names.len()) {
            problems.push(problem);
            continue;
        }
        if let Some(row) = read_row(file, line, &record, &required, &vote_types, &mut problems) {
            let key = (
                row.county.clone(),
                row.precinct.clone(),
                row.office.clone(),
                row.district.clone(),
                row.candidate.clone(),
                row.party.clone(),
            );
            if row.kind == RowKind::Candidate && !seen.insert(key) {
                problems.push(SourceProblem::new(
                    file,
                    format!("line {line}"),
                    "a second row for this county, precinct, office, district, party and \
                     candidate",
                ));
                continue;
            }
            rows.push(row);
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Table {
        vote_types: vote_types.into_iter().map(|(_, name)| name).collect(),
        rows,
    })
}

fn column_problem(file: &str, line: u64, column: &str, reason: &str) -> SourceProblem {
    SourceProblem {
        field: Some(column.to_owned()),
        ..SourceProblem::new(file, format!("line {line}"), reason)
    }
}

/// One row, or `None` after noting its problems.
fn read_row(
    file: &str,
    line: u64,
    record: &csv::ByteRecord,
    required: &[usize; 7],
    vote_types: &[(usize, String)],
    problems: &mut Vec<SourceProblem>,
) -> Option<Row> {
    let before = problems.len();
    let mut text = |index: usize| -> String {
        let column = REQUIRED[index];
        let cell = record.get(required[index]).unwrap_or_default();
        match std::str::from_utf8(cell) {
            Ok(cell) => cell.trim().to_owned(),
            Err(_) => {
                problems.push(column_problem(file, line, column, "not UTF-8 text"));
                String::new()
            }
        }
    };
    let [county, precinct, office, district, party, candidate, votes] =
        std::array::from_fn(&mut text);
    let kind = if NOT_CONTESTS.contains(&office.to_lowercase().as_str()) {
        RowKind::Skipped
    } else if INVALID_CANDIDATES.contains(&candidate.to_lowercase().as_str()) {
        RowKind::Invalid
    } else {
        RowKind::Candidate
    };
    // A registered-voters row names no candidate.
    let needed = [
        ("county", &county),
        ("precinct", &precinct),
        ("office", &office),
        ("candidate", &candidate),
    ];
    for (column, value) in needed {
        if value.is_empty() && (column != "candidate" || kind != RowKind::Skipped) {
            problems.push(column_problem(file, line, column, "empty"));
        }
    }
    let votes = count(file, line, "votes", &votes, problems).unwrap_or_default();
    let by_type = vote_types
        .iter()
        .map(|(position, name)| {
            let cell = record.get(*position).unwrap_or_default();
            let cell = String::from_utf8_lossy(cell);
            let cell = cell.trim();
            if cell.is_empty() {
                None
            } else {
                count(file, line, name, cell, problems)
            }
        })
        .collect();
    if problems.len() > before {
        return None;
    }
    Some(Row {
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

/// A count: digits only (a thousands separator `,` is allowed, as some files have it), at
/// most 4,294,967,295.
fn count(
    file: &str,
    line: u64,
    column: &str,
    cell: &str,
    problems: &mut Vec<SourceProblem>,
) -> Option<u32> {
    let digits: String = cell.chars().filter(|c| *c != ',').collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        problems.push(column_problem(
            file,
            line,
            column,
            &format!("{cell:?} is not a count (digits only)"),
        ));
        return None;
    }
    match digits.parse::<u32>() {
        Ok(value) => Some(value),
        Err(_) => {
            problems.push(column_problem(
                file,
                line,
                column,
                &format!("{cell} is larger than 4,294,967,295"),
            ));
            None
        }
    }
}
