//! Sheets from an OpenElections precinct file: one sheet per precinct and contest, its
//! candidates' rows gathered into the pairs' votes (by vote type where the contest counts
//! so), valid = their sum, invalid = the over and under votes where the file gives them.
//!
//! A row finds its station by the county's and the precinct's names (a listed station named
//! as the precinct, held by a region named as the county), else by the precinct as a
//! station code; its contest by the id `definition --from openelections` gives it (office
//! and district, [`contest_id`]), else by the contest's name; its pair by the pair's name
//! (`candidate (party)`, or the candidate alone).

use crate::reason::SourceReason;
use std::collections::BTreeMap;
use std::sync::Arc;

use rekap_import::ImportLimits;
use rekap_model::{Contest, Election, State, StationId, TallySheet};

use super::definition::{contest_id, contest_name};
use super::table::{pair_name, second_row_problem, RowKind, RowRef, Rows};
use crate::problem::{FormatError, SourceProblem};
use crate::sourced::{plan_sourced, FieldNames, SourcedPlan, SourcedSheet};

/// What was read besides the sheets.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadCounts {
    pub rows: u64,
    /// Rows of offices that are not contests (registered voters, ballots cast).
    pub skipped: u64,
    /// Sheets without over or under votes: invalid recorded as absent.
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
    let election = state.election();
    let (gathered, counts) = gather(election, file, bytes).map_err(FormatError::rejected)?;
    // Planned first with each contest's column names shared by its sheets (no map per
    // sheet); only a refusal is planned again with every sheet's own lines, so that each
    // problem names the row its count came from.
    let file_name: Arc<str> = Arc::from(file);
    let shared = shared_fields(election);
    let sheets: Vec<SourcedSheet> = gathered
        .iter()
        .map(|sheet| finish(election, &file_name, sheet, shared[sheet.contest].clone()))
        .collect();
    match plan_sourced(state, operator, &sheets, limits) {
        Err(FormatError::Rejected { .. }) => {}
        planned => return Ok((planned?, counts)),
    }
    let sheets: Vec<SourcedSheet> = gathered
        .iter()
        .map(|sheet| {
            let fields = Arc::new(own_fields(election, sheet));
            finish(election, &file_name, sheet, fields)
        })
        .collect();
    Ok((plan_sourced(state, operator, &sheets, limits)?, counts))
}

/// Listed stations by holder's name, then station's name; `None` where two share both.
type StationsByName = BTreeMap<String, BTreeMap<String, Option<StationId>>>;

fn stations_by_name(election: &Election) -> StationsByName {
    let mut found: StationsByName = BTreeMap::new();
    let tree = election.tree();
    for index in 0..tree.station_count() {
        let station = StationId(index);
        let (Some(name), Some((holder, _))) =
            (election.station_name(station), tree.station_holder(station))
        else {
            continue;
        };
        let Some(holder) = election.region_entry(holder) else {
            continue;
        };
        found
            .entry(holder.name.clone())
            .or_default()
            .entry(name.to_owned())
            .and_modify(|known| *known = None)
            .or_insert(Some(station));
    }
    found
}

/// The sheet being gathered for one (station, contest), and the line of each count.
struct Gathering {
    first_line: u64,
    station: StationId,
    contest: usize,
    votes: Vec<u32>,
    by_type: Vec<u32>,
    invalid: Option<u32>,
    /// The line of each pair's row (0: none yet).
    pair_lines: Vec<u64>,
    /// The line of the last over or under votes row.
    invalid_line: u64,
}

// The last lookup of each kind is kept, since a file's rows come precinct by precinct and
// office by office: most rows find their station, contest and sheet without a map lookup.

/// The last (county, precinct) looked up and its station.
#[derive(Default)]
struct RecentPlace(Option<(String, String, Option<StationId>)>);

/// The last (office, district) looked up, its contest and the file's column of each of the
/// contest's vote types.
#[derive(Default)]
struct RecentContest(Option<ContestFound>);

/// Office, district, the contest found (if any) and the file's column of each of its vote
/// types.
type ContestFound = (String, String, Option<usize>, Vec<Option<usize>>);

/// Every sheet of the file gathered (or every problem), and what was read besides.
fn gather(
    election: &Election,
    file: &str,
    bytes: &[u8],
) -> Result<(Vec<Gathering>, ReadCounts), Vec<SourceProblem>> {
    let rows = Rows::open(file, bytes)?;
    let vote_types = rows.vote_types();
    let by_name = stations_by_name(election);
    let mut problems = Vec::new();
    let mut counts = ReadCounts::default();
    let mut gathered: Vec<Gathering> = Vec::new();
    let mut index_of: BTreeMap<(StationId, usize), usize> = BTreeMap::new();
    let mut recent_place = RecentPlace::default();
    let mut recent_contest = RecentContest::default();
    let mut recent_sheet: Option<(StationId, usize, usize)> = None;
    let table_problems = rows.for_each(|row| {
        counts.rows += 1;
        if row.kind == RowKind::Skipped {
            counts.skipped += 1;
            return;
        }
        let problem = |field: &str, reason: SourceReason| SourceProblem {
            field: Some(field.to_owned()),
            ..SourceProblem::new(file, format!("line {}", row.line), reason)
        };
        let Some(station) = recent_place.station(election, &by_name, row) else {
            problems.push(problem(
                "precinct",
                SourceReason::UnknownPrecinct {
                    precinct: row.precinct.to_owned(),
                    county: row.county.to_owned(),
                },
            ));
            return;
        };
        let Some((contest_index, columns)) = recent_contest.contest(election, &vote_types, row)
        else {
            problems.push(problem(
                "office",
                SourceReason::UnknownOffice {
                    name: contest_name(row.office, row.district),
                    id: contest_id(row.office, row.district),
                },
            ));
            return;
        };
        let contest = &election.contests()[contest_index];
        let slot = match recent_sheet {
            Some((at, of, slot)) if at == station && of == contest_index => slot,
            _ => {
                let slot = *index_of.entry((station, contest_index)).or_insert_with(|| {
                    gathered.push(Gathering::new(row.line, station, contest_index, contest));
                    gathered.len() - 1
                });
                recent_sheet = Some((station, contest_index, slot));
                slot
            }
        };
        let sheet = &mut gathered[slot];
        if row.kind == RowKind::Invalid {
            sheet.invalid = Some(sheet.invalid.unwrap_or(0).saturating_add(row.votes));
            sheet.invalid_line = row.line;
            return;
        }
        let Some(pair) = contest
            .pairs
            .iter()
            .position(|pair| row.names_pair(&pair.name))
        else {
            problems.push(problem(
                "candidate",
                SourceReason::UnknownCandidate {
                    name: pair_name(row.candidate, row.party),
                    contest: contest.id.to_owned(),
                },
            ));
            return;
        };
        if sheet.pair_lines[pair] != 0 {
            problems.push(second_row_problem(file, row.line));
            return;
        }
        sheet.votes[pair] = row.votes;
        sheet.pair_lines[pair] = row.line;
        let types = contest.vote_types.len();
        for (type_index, vote_type) in contest.vote_types.iter().enumerate() {
            let column = columns.get(type_index).copied().flatten();
            match column.and_then(|column| row.by_type.get(column).copied().flatten()) {
                Some(count) => sheet.by_type[pair * types + type_index] = count,
                None => problems.push(problem(
                    &vote_type.key,
                    SourceReason::MissingVoteType {
                        contest: contest.id.to_owned(),
                        vote_type: vote_type.key.to_owned(),
                    },
                )),
            }
        }
    });
    if !table_problems.is_empty() {
        return Err(table_problems);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    counts.invalid_unknown = gathered.iter().filter(|s| s.invalid.is_none()).count() as u64;
    Ok((gathered, counts))
}

impl Gathering {
    fn new(first_line: u64, station: StationId, index: usize, contest: &Contest) -> Gathering {
        let pairs = contest.pairs.len();
        Gathering {
            first_line,
            station,
            contest: index,
            votes: vec![0; pairs],
            by_type: vec![0; pairs * contest.vote_types.len()],
            invalid: None,
            pair_lines: vec![0; pairs],
            invalid_line: 0,
        }
    }
}

impl RecentPlace {
    /// The row's station: a listed station named as the precinct, held by a region named as
    /// the county, else the precinct read as a station code.
    fn station(
        &mut self,
        election: &Election,
        by_name: &StationsByName,
        row: &RowRef<'_>,
    ) -> Option<StationId> {
        if let Some((county, precinct, found)) = &self.0 {
            if county == row.county && precinct == row.precinct {
                return *found;
            }
        }
        let found = match by_name
            .get(row.county)
            .and_then(|precincts| precincts.get(row.precinct))
        {
            Some(found) => *found,
            None => election.find_station(row.precinct),
        };
        self.0 = Some((row.county.to_owned(), row.precinct.to_owned(), found));
        found
    }
}

impl RecentContest {
    /// The row's contest by id (office and district, [`contest_id`]), else by name, and
    /// the file's column of each of its vote types.
    fn contest(
        &mut self,
        election: &Election,
        vote_types: &[String],
        row: &RowRef<'_>,
    ) -> Option<(usize, &[Option<usize>])> {
        let cached = matches!(&self.0, Some((office, district, _, _))
            if office == row.office && district == row.district);
        if !cached {
            let id = contest_id(row.office, row.district);
            let name = contest_name(row.office, row.district);
            let contests = election.contests();
            let found = contests
                .iter()
                .position(|contest| contest.id == id)
                .or_else(|| contests.iter().position(|contest| contest.name == name));
            let columns = found.map_or_else(Vec::new, |index| {
                contests[index]
                    .vote_types
                    .iter()
                    .map(|vote_type| vote_types.iter().position(|key| *key == vote_type.key))
                    .collect()
            });
            self.0 = Some((
                row.office.to_owned(),
                row.district.to_owned(),
                found,
                columns,
            ));
        }
        let (_, _, found, columns) = self.0.as_ref()?;
        Some(((*found)?, columns.as_slice()))
    }
}

/// Per contest, the source's name of each sheets column its sheets share (the lines are
/// left out: [`own_fields`] adds them for a refusal).
fn shared_fields(election: &Election) -> Vec<FieldNames> {
    election
        .contests()
        .iter()
        .map(|contest| {
            let mut fields = base_fields();
            for number in 1..=contest.pairs.len() {
                fields.insert(format!("votes_{number}"), "votes".into());
                for vote_type in &contest.vote_types {
                    let column = format!("votes_{number}_{}", vote_type.key);
                    fields.insert(column, vote_type.key.clone());
                }
            }
            fields.insert("invalid".into(), "votes".into());
            Arc::new(fields)
        })
        .collect()
}

fn base_fields() -> BTreeMap<String, String> {
    let mut fields = BTreeMap::new();
    fields.insert("valid".into(), "votes".into());
    fields.insert("station".into(), "precinct".into());
    fields.insert("contest".into(), "office".into());
    fields
}

/// The source's name of each sheets column of one sheet, with the line of the row each
/// count came from.
fn own_fields(election: &Election, sheet: &Gathering) -> BTreeMap<String, String> {
    let contest = &election.contests()[sheet.contest];
    let mut fields = base_fields();
    for (pair, line) in sheet.pair_lines.iter().enumerate() {
        if *line == 0 {
            continue;
        }
        fields.insert(
            format!("votes_{}", pair + 1),
            format!("votes (line {line})"),
        );
        for vote_type in &contest.vote_types {
            fields.insert(
                format!("votes_{}_{}", pair + 1, vote_type.key),
                format!("{} (line {line})", vote_type.key),
            );
        }
    }
    if sheet.invalid_line != 0 {
        let line = sheet.invalid_line;
        fields.insert("invalid".into(), format!("votes (line {line})"));
    }
    fields
}

fn finish(
    election: &Election,
    file: &Arc<str>,
    sheet: &Gathering,
    fields: FieldNames,
) -> SourcedSheet {
    let valid: u64 = sheet.votes.iter().map(|votes| u64::from(*votes)).sum();
    SourcedSheet {
        file: file.clone(),
        at: format!("line {}", sheet.first_line),
        station: election.station_code(sheet.station).unwrap_or_default(),
        contest: election.contests()[sheet.contest].id.clone(),
        sheet: TallySheet {
            votes: sheet.votes.clone(),
            valid: u32::try_from(valid).unwrap_or(u32::MAX),
            invalid: sheet.invalid,
            votes_only: true,
            votes_by_type: sheet.by_type.clone(),
            ..TallySheet::default()
        },
        fields,
        source: None,
    }
}
