//! The other sources `rekap compare` reads, each into [`RegionFigures`] of one level.
//!
//! - The portal's aggregate JSON of a region: `chart` (the region's votes by candidate id),
//!   `table` (per child region code, votes by candidate id; other keys such as `psu`,
//!   `persen`, `status_progress` are skipped) and `progres` (`{"total": TPS, "progres":
//!   TPS counted}`, the region's coverage).
//! - A CSV of region totals with the columns `rekap totals --format csv` writes (`code`,
//!   `name`, `votes_N`, `valid`, `invalid`, `stations_reported`, `stations_expected`; others
//!   ignored), so that a round trip compares equal.
//! - A volunteers' per-TPS file (see [`crate::mapped`]), summed to the level asked for;
//!   its coverage is the stations it has of the stations of the contest in each region.

use crate::reason::{Expected, SourceReason};
use std::collections::BTreeMap;

use rekap_model::{ContestIdx, Election, Place};
use serde_json::Value;

use super::RegionFigures;
use crate::csv_source::{width_problem, Lines};
use crate::mapped::ColumnMapping;
use crate::problem::SourceProblem;
use crate::sirekap::{parse_json, pointer_of, Candidates};

/// Reads the portal's aggregate JSON of the region `own_code` (its file name, if it is a
/// region code): that region from `chart` and `progres`, and each child from `table`.
/// Candidate ids map through `candidates`; without it the keys must be ballot numbers.
pub fn portal_aggregate(
    file: &str,
    bytes: &[u8],
    own_code: Option<&str>,
    pairs: usize,
    candidates: Option<&Candidates>,
) -> Result<Vec<RegionFigures>, Vec<SourceProblem>> {
    let value = parse_json(file, bytes)?;
    let mut problems = Vec::new();
    let Some(root) = value.as_object() else {
        return Err(vec![SourceProblem::new(file, "", Expected::Object)]);
    };
    let mut regions = Vec::new();
    let votes_of = |at: &str, province: &str, value: &Value, problems: &mut Vec<SourceProblem>| {
        let Some(object) = value.as_object() else {
            problems.push(SourceProblem::new(file, at, Expected::VotesByCandidate));
            return None;
        };
        let mut votes = vec![0u64; pairs];
        for (id, count) in object {
            // Only candidate keys count: ids are digits; `psu`, `persen`, ... are not.
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let at = pointer_of(at, id);
            let number = match candidates {
                Some(candidates) => candidates.number(province, id),
                None => id.parse::<u32>().ok(),
            };
            let Some(slot) = number
                .and_then(|n| n.checked_sub(1))
                .and_then(|index| votes.get_mut(index as usize))
            else {
                problems.push(SourceProblem::new(
                    file,
                    at,
                    SourceReason::CandidateIdNoBallot {
                        id: id.to_owned(),
                        pairs: pairs as u64,
                    },
                ));
                continue;
            };
            match count {
                Value::Null => {}
                Value::Number(n) if n.as_u64().is_some() => *slot = n.as_u64().unwrap_or(0),
                _ => problems.push(SourceProblem::new(file, at, Expected::Count)),
            }
        }
        Some(votes)
    };
    if let (Some(code), Some(chart)) = (own_code, root.get("chart").filter(|c| !c.is_null())) {
        let province = code.get(..2).unwrap_or(code);
        if let Some(votes) = votes_of("/chart", province, chart, &mut problems) {
            let progress = root.get("progres");
            let number = |key: &str| progress.and_then(|p| p.get(key)).and_then(Value::as_u64);
            regions.push(RegionFigures {
                code: code.to_owned(),
                name: String::new(),
                votes,
                valid: None,
                invalid: None,
                stations_reported: number("progres"),
                stations_expected: number("total"),
            });
        }
    }
    match root.get("table") {
        None | Some(Value::Null) => {}
        Some(Value::Object(table)) => {
            for (code, row) in table {
                let at = pointer_of("/table", code);
                let province = code.get(..2).unwrap_or(code);
                if let Some(votes) = votes_of(&at, province, row, &mut problems) {
                    regions.push(RegionFigures {
                        code: code.clone(),
                        name: String::new(),
                        votes,
                        valid: None,
                        invalid: None,
                        stations_reported: None,
                        stations_expected: None,
                    });
                }
            }
        }
        Some(_) => problems.push(SourceProblem::new(file, "/table", Expected::ByRegionCode)),
    }
    if problems.is_empty() {
        Ok(regions)
    } else {
        Err(problems)
    }
}

/// A count in a CSV cell: digits only, surrounding spaces ignored; empty is `None`.
fn cell_count(cell: &str) -> Result<Option<u64>, SourceReason> {
    let digits = cell.trim();
    if digits.is_empty() {
        return Ok(None);
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SourceReason::NotAWholeNumber {
            cell: digits.to_owned(),
        });
    }
    digits
        .parse::<u64>()
        .map(Some)
        .map_err(|_| SourceReason::WholeNumberTooLarge {
            cell: digits.to_owned(),
        })
}

/// A data row: its line and its cells.
type CsvRow = (u64, Vec<String>);

/// The header and the rows of a CSV, or the problem.
fn csv_rows(file: &str, bytes: &[u8]) -> Result<(Vec<String>, Vec<CsvRow>), Vec<SourceProblem>> {
    let lines = Lines::of(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut rows = Vec::new();
    let mut header = Vec::new();
    let mut problems = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|error| {
            let line = error
                .position()
                .map_or(0, |p| lines.line_of(p.byte() as usize));
            vec![SourceProblem::new(
                file,
                format!("line {line}"),
                SourceReason::NotCsvText {
                    error: error.to_string(),
                },
            )]
        })?;
        let cells: Vec<String> = record
            .iter()
            .map(|cell| cell.trim_start_matches('\u{feff}').trim().to_owned())
            .collect();
        if index == 0 {
            header = cells;
            continue;
        }
        let line = record
            .position()
            .map_or(0, |p| lines.line_of(p.byte() as usize));
        // A row shorter or longer than the header is not read as zeros or cut short.
        problems.extend(width_problem(file, line, cells.len(), header.len()));
        rows.push((line, cells));
    }
    if header.is_empty() {
        return Err(vec![SourceProblem::new(
            file,
            "line 1",
            SourceReason::EmptyFile,
        )]);
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok((header, rows))
}

/// Reads a CSV of region totals (`rekap totals --format csv`'s columns).
pub fn region_totals_csv(
    file: &str,
    bytes: &[u8],
) -> Result<Vec<RegionFigures>, Vec<SourceProblem>> {
    let (header, rows) = csv_rows(file, bytes)?;
    let column = |name: &str| header.iter().position(|known| known == name);
    let Some(code_column) = column("code") else {
        return Err(vec![SourceProblem::new(
            file,
            "line 1",
            SourceReason::NoCodeColumn,
        )]);
    };
    let mut votes_columns = Vec::new();
    while let Some(position) = column(&format!("votes_{}", votes_columns.len() + 1)) {
        votes_columns.push(position);
    }
    let mut problems = Vec::new();
    let mut regions = Vec::new();
    for (line, cells) in rows {
        let mut read = |position: Option<usize>, name: &str| -> Option<u64> {
            let cell = cells.get(position?)?;
            match cell_count(cell) {
                Ok(count) => count,
                Err(reason) => {
                    problems.push(SourceProblem {
                        field: Some(name.to_owned()),
                        ..SourceProblem::new(file, format!("line {line}"), reason)
                    });
                    None
                }
            }
        };
        let votes = votes_columns
            .iter()
            .enumerate()
            .map(|(index, position)| {
                read(Some(*position), &format!("votes_{}", index + 1)).unwrap_or(0)
            })
            .collect();
        let region = RegionFigures {
            code: cells.get(code_column).cloned().unwrap_or_default(),
            name: column("name")
                .and_then(|p| cells.get(p))
                .cloned()
                .unwrap_or_default(),
            votes,
            valid: read(column("valid"), "valid"),
            invalid: read(column("invalid"), "invalid"),
            stations_reported: read(column("stations_reported"), "stations_reported"),
            stations_expected: read(column("stations_expected"), "stations_expected"),
        };
        if region.code.is_empty() {
            problems.push(SourceProblem::new(
                file,
                format!("line {line}"),
                SourceReason::EmptyCode,
            ));
        }
        regions.push(region);
    }
    if problems.is_empty() {
        Ok(regions)
    } else {
        Err(problems)
    }
}

/// Sums a per-TPS file (columns through `mapping`) to the regions of `level` in `contest`.
pub fn stations_to_regions(
    file: &str,
    bytes: &[u8],
    mapping: &ColumnMapping,
    election: &Election,
    contest: ContestIdx,
    level: u32,
) -> Result<Vec<RegionFigures>, Vec<SourceProblem>> {
    let (header, rows) = csv_rows(file, bytes)?;
    let pairs = election.contest(contest).map_or(0, |c| c.pairs.len());
    let column = |name: &str| {
        mapping
            .source_of(name)
            .and_then(|source| header.iter().position(|known| known == source))
    };
    let mut problems = Vec::new();
    let Some(station_column) = column("station") else {
        return Err(vec![SourceProblem::new(
            file,
            "line 1",
            SourceReason::NoStationColumn,
        )]);
    };
    let mut regions: BTreeMap<u32, RegionFigures> = BTreeMap::new();
    let mut counted: BTreeMap<u32, u64> = BTreeMap::new();
    for (line, cells) in rows {
        let at = format!("line {line}");
        let code = cells.get(station_column).cloned().unwrap_or_default();
        let Some(station) = election.find_station(&code) else {
            problems.push(SourceProblem::new(
                file,
                &at,
                SourceReason::UnknownStation { code },
            ));
            continue;
        };
        let Some(region) = election.tree().ancestor_at(Place::Station(station), level) else {
            continue;
        };
        if !election.contest_covers(contest, Place::Station(station)) {
            continue;
        }
        let mut read = |name: &str| -> u64 {
            let Some(cell) = column(name).and_then(|p| cells.get(p)) else {
                return 0;
            };
            match cell_count(cell) {
                Ok(count) => count.unwrap_or(0),
                Err(reason) => {
                    problems.push(SourceProblem {
                        field: mapping.source_of(name).map(str::to_owned),
                        ..SourceProblem::new(file, &at, reason)
                    });
                    0
                }
            }
        };
        let votes: Vec<u64> = (1..=pairs).map(|n| read(&format!("votes_{n}"))).collect();
        let (valid, invalid) = (read("valid"), read("invalid"));
        let entry = regions.entry(region.0).or_insert_with(|| RegionFigures {
            code: election.region_code(region).unwrap_or_default().to_owned(),
            name: election
                .region_entry(region)
                .map(|r| r.name.clone())
                .unwrap_or_default(),
            votes: vec![0; pairs],
            valid: Some(0),
            invalid: Some(0),
            stations_reported: Some(0),
            stations_expected: Some(stations_in_contest(election, contest, region)),
        });
        for (total, vote) in entry.votes.iter_mut().zip(votes) {
            *total += vote;
        }
        entry.valid = entry.valid.map(|v| v + valid);
        entry.invalid = entry.invalid.map(|v| v + invalid);
        *counted.entry(region.0).or_insert(0) += 1;
    }
    for (region, count) in counted {
        if let Some(entry) = regions.get_mut(&region) {
            entry.stations_reported = Some(count);
        }
    }
    if problems.is_empty() {
        Ok(regions.into_values().collect())
    } else {
        Err(problems)
    }
}

fn stations_in_contest(
    election: &Election,
    contest: ContestIdx,
    region: rekap_model::RegionIdx,
) -> u64 {
    election
        .tree()
        .stations_under(region)
        .filter(|station| {
            election.contest_covers(contest, Place::Station(rekap_model::StationId(*station)))
        })
        .count() as u64
}
