//! A definition from an OpenElections precinct file, for the user to review before `rekap
//! init`: the state, its counties, each county's precincts as listed stations (named as the
//! file names them), a contest per office and district with its candidates as pairs (named
//! `candidate (party)`), the vote types whose column every row of the contest fills, and
//! for a contest on some precincts only, the counties or precincts it covers as parts.

use crate::reason::SourceReason;
use std::collections::{BTreeMap, BTreeSet};

use rekap_model::limits::{MAX_NAME_BYTES, MAX_PAIRS};
use serde_json::{json, Value};

use super::table::{RowKind, Table};
use crate::problem::SourceProblem;

/// What the definition is made with besides the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionOptions {
    /// The state's region code (letters, digits, `.`, `_`), e.g. `PA`.
    pub state: String,
    /// The election's name.
    pub name: String,
    /// Hex of the registrar's public key.
    pub registrar: String,
    /// Hex of an operator's public key to register at the state, if given.
    pub operator: Option<String>,
    /// The regions CSV's file name, as the definition refers to it; `None`: the regions
    /// inline.
    pub regions_csv: Option<String>,
}

/// The definition file's JSON and the regions CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenDefinition {
    pub json: String,
    pub regions_csv: String,
    pub counties: usize,
    pub precincts: usize,
    pub contests: usize,
}

/// The station code of each (county, precinct), and each county's region code.
pub struct Codes {
    pub counties: BTreeMap<String, String>,
    pub stations: BTreeMap<(String, String), String>,
}

/// Counties and precincts in the file's order, each given a code.
fn codes(table: &Table, state: &str) -> (Codes, Vec<String>, Vec<(String, String)>) {
    let mut county_order = Vec::new();
    let mut precinct_order = Vec::new();
    let mut codes = Codes {
        counties: BTreeMap::new(),
        stations: BTreeMap::new(),
    };
    let mut taken: BTreeSet<String> = BTreeSet::new();
    taken.insert(state.to_owned());
    for row in &table.rows {
        if !codes.counties.contains_key(&row.county) {
            let base = format!("{state}.{}", slug(&row.county, '_', true));
            let code = unique(&base, 32, '_', &mut taken);
            codes.counties.insert(row.county.clone(), code);
            county_order.push(row.county.clone());
        }
        let key = (row.county.clone(), row.precinct.clone());
        if !codes.stations.contains_key(&key) {
            let base = format!(
                "{}-{}",
                slug(&row.county, '_', true),
                slug(&row.precinct, '_', true)
            );
            let code = unique(&base, 36, '_', &mut taken);
            codes.stations.insert(key.clone(), code);
            precinct_order.push(key);
        }
    }
    (codes, county_order, precinct_order)
}

/// `text` as code characters: ASCII letters and digits kept (upper-cased if `upper`),
/// anything else one `separator`, none at either end.
pub fn slug(text: &str, separator: char, upper: bool) -> String {
    let mut out = String::new();
    for character in text.chars() {
        if character.is_ascii_alphanumeric() {
            out.push(if upper {
                character.to_ascii_uppercase()
            } else {
                character.to_ascii_lowercase()
            });
        } else if !out.is_empty() && !out.ends_with(separator) {
            out.push(separator);
        }
    }
    while out.ends_with(separator) {
        out.pop();
    }
    if out.is_empty() {
        out.push('X');
    }
    out
}

/// `base` cut to `limit` bytes, with `<separator>2`, `3`, ... until no code taken has it.
fn unique(base: &str, limit: usize, separator: char, taken: &mut BTreeSet<String>) -> String {
    let cut = |text: &str, room: usize| text.chars().take(room).collect::<String>();
    let mut code = cut(base, limit);
    let mut number = 2u32;
    while taken.contains(&code) {
        let suffix = format!("{separator}{number}");
        code = cut(base, limit.saturating_sub(suffix.len())) + &suffix;
        number += 1;
    }
    taken.insert(code.clone());
    code
}

/// The id of the contest for `office` and `district`: `office-district` in lowercase
/// code characters, at most 64 bytes.
pub fn contest_id(office: &str, district: &str) -> String {
    let office = slug(office, '-', false);
    let id = if district.is_empty() {
        office
    } else {
        format!("{office}-{}", slug(district, '-', false))
    };
    id.chars().take(64).collect()
}

/// The contest's name: the office, with the district after a comma.
pub fn contest_name(office: &str, district: &str) -> String {
    if district.is_empty() {
        office.to_owned()
    } else {
        format!("{office}, {district}")
    }
}

/// A vote type's name from its key: `early_voting` -> `Early voting`.
fn vote_type_name(key: &str) -> String {
    let words = key.replace('_', " ");
    let mut characters = words.chars();
    characters
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + characters.as_str())
        .unwrap_or_default()
}

/// One contest as it is gathered from the rows.
struct Gathered {
    office: String,
    district: String,
    first_line: u64,
    /// Pair names in the order they first appear.
    pairs: Vec<String>,
    stations: BTreeSet<String>,
    /// Per vote-type column: whether every candidate row of the contest fills it.
    types_filled: Vec<bool>,
}

/// Writes the definition of `table` (read from `file`), or every problem.
pub fn write_definition(
    file: &str,
    table: &Table,
    options: &DefinitionOptions,
) -> Result<WrittenDefinition, Vec<SourceProblem>> {
    let (codes, county_order, precinct_order) = codes(table, &options.state);
    let mut problems = Vec::new();
    let mut contests: Vec<Gathered> = Vec::new();
    let mut index_of: BTreeMap<(String, String), usize> = BTreeMap::new();
    for row in &table.rows {
        for (column, text) in [("county", &row.county), ("precinct", &row.precinct)] {
            if text.len() > MAX_NAME_BYTES {
                problems.push(SourceProblem {
                    field: Some(column.to_owned()),
                    ..SourceProblem::new(
                        file,
                        format!("line {}", row.line),
                        SourceReason::NameTooLong {
                            limit: MAX_NAME_BYTES as u64,
                        },
                    )
                });
            }
        }
        if row.kind == RowKind::Skipped {
            continue;
        }
        let key = (row.office.clone(), row.district.clone());
        let index = *index_of.entry(key).or_insert_with(|| {
            contests.push(Gathered {
                office: row.office.clone(),
                district: row.district.clone(),
                first_line: row.line,
                pairs: Vec::new(),
                stations: BTreeSet::new(),
                types_filled: vec![true; table.vote_types.len()],
            });
            contests.len() - 1
        });
        let contest = &mut contests[index];
        let station = &codes.stations[&(row.county.clone(), row.precinct.clone())];
        contest.stations.insert(station.clone());
        if row.kind == RowKind::Candidate {
            let name = row.pair_name();
            if !contest.pairs.contains(&name) {
                contest.pairs.push(name);
            }
            for (filled, count) in contest.types_filled.iter_mut().zip(&row.by_type) {
                *filled &= count.is_some();
            }
        }
    }
    let mut taken_ids = BTreeSet::new();
    let mut specs = Vec::new();
    for contest in &contests {
        let at = format!("line {}", contest.first_line);
        if contest.pairs.is_empty() {
            problems.push(SourceProblem::new(
                file,
                at.clone(),
                SourceReason::NoCandidateRows {
                    contest: contest_name(&contest.office, &contest.district),
                },
            ));
            continue;
        }
        if contest.pairs.len() > MAX_PAIRS {
            problems.push(SourceProblem::new(
                file,
                at.clone(),
                SourceReason::TooManyCandidates {
                    contest: contest_name(&contest.office, &contest.district),
                    count: contest.pairs.len() as u64,
                    limit: MAX_PAIRS as u64,
                },
            ));
            continue;
        }
        let id = contest_id(&contest.office, &contest.district);
        if !taken_ids.insert(id.clone()) {
            problems.push(SourceProblem::new(
                file,
                at,
                SourceReason::ContestIdTaken {
                    contest: contest_name(&contest.office, &contest.district),
                    id,
                },
            ));
            continue;
        }
        specs.push(contest_spec(&id, contest, table, &codes, &options.state));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let regions_csv = regions_csv(&options.state, &codes, &county_order, &precinct_order);
    let mut definition = json!({
        "format": rekap_model::file::DEFINITION_FILE_FORMAT,
        "name": options.name,
        "levels": [
            { "key": "state", "name_en": "State" },
            { "key": "county", "name_en": "County" },
            { "key": "precinct", "name_en": "Precinct" }
        ],
        "plenary_levels": ["state", "county"],
        "station_capacity": rekap_model::limits::MAX_STATION_CAPACITY,
        "registrar": options.registrar,
        "contests": specs,
    });
    match &options.regions_csv {
        Some(name) => definition["regions_csv"] = json!(name),
        None => definition["regions"] = inline_regions(&regions_csv),
    }
    if let Some(operator) = &options.operator {
        definition["officers"] =
            json!([{ "key": operator, "role": "operator", "scope": options.state }]);
    }
    let json = serde_json::to_string_pretty(&definition).unwrap_or_default() + "\n";
    Ok(WrittenDefinition {
        json,
        regions_csv,
        counties: county_order.len(),
        precincts: precinct_order.len(),
        contests: specs.len(),
    })
}

/// A contest's JSON: its scope the smallest region holding its precincts, and parts when it
/// covers only some of them (whole counties, else single precincts).
fn contest_spec(id: &str, contest: &Gathered, table: &Table, codes: &Codes, state: &str) -> Value {
    let mut by_county: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for ((county, _), station) in &codes.stations {
        let entry = by_county
            .entry(codes.counties[county].as_str())
            .or_default();
        entry.1 += 1;
        if contest.stations.contains(station) {
            entry.0 += 1;
        }
    }
    let touched: Vec<&str> = by_county
        .iter()
        .filter(|(_, (taking_part, _))| *taking_part > 0)
        .map(|(county, _)| *county)
        .collect();
    let scope = match touched.as_slice() {
        [only] => (*only).to_owned(),
        _ => state.to_owned(),
    };
    let everything = if scope == state {
        by_county.values().all(|(part, all)| part == all)
    } else {
        by_county[scope.as_str()].0 == by_county[scope.as_str()].1
    };
    let mut parts = Vec::new();
    if !everything {
        for ((county, _), station) in &codes.stations {
            let county = codes.counties[county].as_str();
            let (taking_part, all) = by_county[county];
            if taking_part == all && scope == state {
                if !parts.iter().any(|part| part == county) {
                    parts.push(county.to_owned());
                }
            } else if contest.stations.contains(station) {
                parts.push(station.clone());
            }
        }
    }
    let pairs: Vec<Value> = contest
        .pairs
        .iter()
        .enumerate()
        .map(|(index, name)| json!({ "number": index + 1, "name": name }))
        .collect();
    let vote_types: Vec<Value> = table
        .vote_types
        .iter()
        .zip(&contest.types_filled)
        .filter(|(_, filled)| **filled)
        .map(|(key, _)| json!({ "key": key, "name": vote_type_name(key) }))
        .collect();
    let mut spec = json!({
        "id": id,
        "name": contest_name(&contest.office, &contest.district),
        "scope": scope,
        "pairs": pairs,
    });
    if !parts.is_empty() {
        spec["parts"] = json!(parts);
    }
    if !vote_types.is_empty() {
        spec["vote_types"] = json!(vote_types);
    }
    spec
}

/// The regions CSV: the state, its counties, their precincts.
fn regions_csv(
    state: &str,
    codes: &Codes,
    county_order: &[String],
    precinct_order: &[(String, String)],
) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(["code", "parent", "level", "name", "stations"]);
    let _ = writer.write_record([state, "", "state", state, ""]);
    for county in county_order {
        let _ = writer.write_record([&codes.counties[county], state, "county", county, ""]);
    }
    for key in precinct_order {
        let _ = writer.write_record([
            &codes.stations[key],
            &codes.counties[&key.0],
            "precinct",
            &key.1,
            "",
        ]);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The regions CSV's rows as the definition's inline `regions`.
fn inline_regions(regions_csv: &str) -> Value {
    let mut reader = csv::Reader::from_reader(regions_csv.as_bytes());
    let rows: Vec<Value> = reader
        .records()
        .filter_map(Result::ok)
        .map(|record| {
            let parent = record.get(1).filter(|parent| !parent.is_empty());
            json!({
                "code": record.get(0),
                "parent": parent,
                "level": record.get(2),
                "name": record.get(3),
            })
        })
        .collect();
    Value::Array(rows)
}
