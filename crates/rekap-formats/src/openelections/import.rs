//! Sheets from an OpenElections precinct file: one sheet per precinct and contest, its
//! candidates' rows gathered into the pairs' votes (by vote type where the contest counts
//! so), valid = their sum, invalid = the over and under votes where the file gives them.
//!
//! A row finds its station by the county's and the precinct's names (a listed station named
//! as the precinct, held by a region named as the county), else by the precinct as a
//! station code; its contest by the id `definition --from openelections` gives it (office
//! and district, [`contest_id`]), else by the contest's name; its pair by the pair's name
//! (`candidate (party)`, or the candidate alone).

use std::collections::BTreeMap;
use std::sync::Arc;

use rekap_import::ImportLimits;
use rekap_model::{Election, State, TallySheet};

use super::definition::{contest_id, contest_name};
use super::table::{read_table, Row, RowKind, Table};
use crate::problem::{FormatError, SourceProblem};
use crate::sourced::{plan_sourced, SourcedPlan, SourcedSheet};

/// What was read besides the sheets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadCounts {
    pub rows: u64,
    /// Rows of offices that are not contests (registered voters, ballots cast).
    pub skipped: u64,
    /// Sheets without over or under votes: invalid recorded as 0.
    pub invalid_unknown: u64,
}

/// Plans importing the file `file` (`bytes`) as `operator`.
pub fn plan_openelections(
    state: &State,
    operator: &[u8; 32],
    file: &str,
    bytes: &[u8],
    limits: &ImportLimits,
) -> Result<(SourcedPlan, ReadCounts), FormatError> {
    let table = read_table(file, bytes).map_err(FormatError::rejected)?;
    let (sheets, counts) = sheets(state.election(), file, &table).map_err(FormatError::rejected)?;
    Ok((plan_sourced(state, operator, &sheets, limits)?, counts))
}

/// Listed stations by (holder's name, station's name); `None` where two share both.
fn stations_by_name(election: &Election) -> BTreeMap<(String, String), Option<String>> {
    let mut found = BTreeMap::new();
    let tree = election.tree();
    for index in 0..tree.station_count() {
        let station = rekap_model::StationId(index);
        let (Some(name), Some((holder, _))) =
            (election.station_name(station), tree.station_holder(station))
        else {
            continue;
        };
        let Some(holder) = election.region_entry(holder) else {
            continue;
        };
        let code = election.station_code(station);
        found
            .entry((holder.name.clone(), name.to_owned()))
            .and_modify(|known: &mut Option<String>| *known = None)
            .or_insert(code);
    }
    found
}

/// The sheet being gathered for one (station, contest).
struct Gathering {
    file: Arc<str>,
    first_line: u64,
    station: String,
    contest: usize,
    votes: Vec<u32>,
    by_type: Vec<u32>,
    invalid: Option<u32>,
    fields: BTreeMap<String, String>,
}

/// Every sheet of the file, or every problem.
fn sheets(
    election: &Election,
    file: &str,
    table: &Table,
) -> Result<(Vec<SourcedSheet>, ReadCounts), Vec<SourceProblem>> {
    let by_name = stations_by_name(election);
    let mut problems = Vec::new();
    let mut counts = ReadCounts::default();
    let mut gathered: Vec<Gathering> = Vec::new();
    let mut index_of: BTreeMap<(String, usize), usize> = BTreeMap::new();
    let file_name: Arc<str> = Arc::from(file);
    for row in &table.rows {
        counts.rows += 1;
        if row.kind == RowKind::Skipped {
            counts.skipped += 1;
            continue;
        }
        let at = format!("line {}", row.line);
        let problem = |field: &str, reason: String| SourceProblem {
            field: Some(field.to_owned()),
            ..SourceProblem::new(file, at.clone(), reason)
        };
        let Some(station) = station_of(election, &by_name, row) else {
            problems.push(problem(
                "precinct",
                format!(
                    "no station of the definition is named {:?} in a region named {:?}, nor \
                     has that code",
                    row.precinct, row.county
                ),
            ));
            continue;
        };
        let Some(contest_index) = contest_of(election, row) else {
            problems.push(problem(
                "office",
                format!(
                    "no contest {:?} (id {:?}) in the definition",
                    contest_name(&row.office, &row.district),
                    contest_id(&row.office, &row.district)
                ),
            ));
            continue;
        };
        let contest = &election.contests()[contest_index];
        let types = contest.vote_types.len();
        let slot = *index_of
            .entry((station.clone(), contest_index))
            .or_insert_with(|| {
                gathered.push(Gathering {
                    file: file_name.clone(),
                    first_line: row.line,
                    station: station.clone(),
                    contest: contest_index,
                    votes: vec![0; contest.pairs.len()],
                    by_type: vec![0; contest.pairs.len() * types],
                    invalid: None,
                    fields: BTreeMap::new(),
                });
                gathered.len() - 1
            });
        let sheet = &mut gathered[slot];
        if row.kind == RowKind::Invalid {
            let invalid = sheet.invalid.unwrap_or(0).saturating_add(row.votes);
            sheet.invalid = Some(invalid);
            sheet
                .fields
                .insert("invalid".into(), format!("votes (line {})", row.line));
            continue;
        }
        let name = row.pair_name();
        let Some(pair) = contest
            .pairs
            .iter()
            .position(|pair| pair.name == name || pair.name == row.candidate)
        else {
            problems.push(problem(
                "candidate",
                format!("{name:?} is not a candidate of contest {}", contest.id),
            ));
            continue;
        };
        sheet.votes[pair] = row.votes;
        sheet.fields.insert(
            format!("votes_{}", pair + 1),
            format!("votes (line {})", row.line),
        );
        for (type_index, vote_type) in contest.vote_types.iter().enumerate() {
            let column = table
                .vote_types
                .iter()
                .position(|key| *key == vote_type.key);
            match column.and_then(|column| row.by_type.get(column).copied().flatten()) {
                Some(count) => sheet.by_type[pair * types + type_index] = count,
                None => problems.push(problem(
                    &vote_type.key,
                    format!(
                        "empty or absent; contest {} counts by vote type {}",
                        contest.id, vote_type.key
                    ),
                )),
            }
            sheet.fields.insert(
                format!("votes_{}_{}", pair + 1, vote_type.key),
                format!("{} (line {})", vote_type.key, row.line),
            );
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let sheets = gathered
        .into_iter()
        .map(|sheet| {
            if sheet.invalid.is_none() {
                counts.invalid_unknown += 1;
            }
            finish(election, sheet)
        })
        .collect();
    Ok((sheets, counts))
}

fn station_of(
    election: &Election,
    by_name: &BTreeMap<(String, String), Option<String>>,
    row: &Row,
) -> Option<String> {
    if let Some(found) = by_name.get(&(row.county.clone(), row.precinct.clone())) {
        return found.clone();
    }
    election
        .find_station(&row.precinct)
        .and_then(|station| election.station_code(station))
}

fn contest_of(election: &Election, row: &Row) -> Option<usize> {
    let id = contest_id(&row.office, &row.district);
    let name = contest_name(&row.office, &row.district);
    let contests = election.contests();
    contests
        .iter()
        .position(|contest| contest.id == id)
        .or_else(|| contests.iter().position(|contest| contest.name == name))
}

fn finish(election: &Election, sheet: Gathering) -> SourcedSheet {
    let valid: u64 = sheet.votes.iter().map(|votes| u64::from(*votes)).sum();
    let mut fields = sheet.fields;
    fields.insert("valid".into(), "votes".into());
    fields.insert("station".into(), "precinct".into());
    fields.insert("contest".into(), "office".into());
    SourcedSheet {
        file: sheet.file,
        at: format!("line {}", sheet.first_line),
        station: sheet.station,
        contest: election.contests()[sheet.contest].id.clone(),
        sheet: TallySheet {
            votes: sheet.votes,
            valid: u32::try_from(valid).unwrap_or(u32::MAX),
            invalid: sheet.invalid.unwrap_or(0),
            votes_only: true,
            votes_by_type: sheet.by_type,
            ..TallySheet::default()
        },
        fields: Arc::new(fields),
        source: None,
    }
}
