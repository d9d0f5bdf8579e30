//! The definition file (`rekap init --election FILE`): JSON, with the region tree either
//! inline (`regions`) or as a CSV the caller reads and passes in (`regions_csv` names it; the
//! model never opens a path).
//!
//! ```json
//! {
//!   "format": "rekap-election/1",
//!   "name": "Pilkada Kalimantan Timur 2024",
//!   "levels": "indonesia",
//!   "station_capacity": 600,
//!   "registrar": "<64 hex digits>",
//!   "contests": [
//!     { "id": "gubernur-64", "name": "Gubernur Kalimantan Timur", "scope": "64",
//!       "pairs": [ { "number": 1, "name": "Isran Noor - Hadi Mulyadi" },
//!                  { "number": 2, "name": "Rudy Mas'ud - Seno Aji" } ] }
//!   ],
//!   "regions_csv": "indonesia-regions-2024.csv",
//!   "include_regions": ["64"],
//!   "officers": [
//!     { "key": "<hex>", "role": "operator", "scope": "6472" },
//!     { "key": "<hex>", "role": { "witness": { "contest": "gubernur-64", "pair": 1 } },
//!       "scope": "64" }
//!   ]
//! }
//! ```
//!
//! - `levels`: `"indonesia"` (the preset) or a list of `{key, name_en, name_id}` top to leaf,
//!   the last being the polling station; `plenary_levels` (keys) is required for a list and
//!   overrides the preset's (district, regency, province) when given.
//! - `regions`: a list of `{code, parent, level, name, stations}` (`parent` null at the top,
//!   `stations` only on the level above the stations: a count, or station numbers as a
//!   string, `"1-12,14,149"`); or a CSV with the header
//!   `code,parent,level,name,stations` (read with the `csv` crate: RFC 4180 quoting, see
//!   [`parse_regions_csv`]).
//! - `include_regions`: keep only these regions, everything under them, and their ancestors
//!   (e.g. one province out of the national CSV).
//! - `soft_rules`: optional, any subset of [`SoftRules`]' fields.
//! - `officers`: registered at genesis; roles `operator`, `official`, `auditor`,
//!   `{"witness": {"contest", "pair"}}`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use serde::{Deserialize, Serialize};

use crate::definition::{
    indonesia_levels, CandidatePair, Contest, Election, ElectionDefinition, InitialOfficer, Level,
    RegionEntry, Role, SoftRules, VoteType, DEFINITION_FORMAT_VERSION,
};
use crate::error::{CsvProblem, DefinitionError, StationRowProblem};
use crate::limits::*;
use crate::numbers::StationNumbers;
use crate::stations::ListedStation;

/// The `format` a definition file must state.
pub const DEFINITION_FILE_FORMAT: &str = "rekap-election/1";
/// The header a regions CSV must have.
pub const REGIONS_CSV_HEADER: &str = "code,parent,level,name,stations";

/// The definition file as written by people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DefinitionFile {
    pub format: String,
    pub name: String,
    pub levels: LevelsSpec,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plenary_levels: Option<Vec<String>>,
    pub station_capacity: u32,
    /// Hex of the registrar's ed25519 public key.
    pub registrar: String,
    #[serde(default)]
    pub soft_rules: SoftRules,
    pub contests: Vec<ContestSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<RegionSpec>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions_csv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_regions: Option<Vec<String>>,
    #[serde(default)]
    pub officers: Vec<OfficerSpec>,
}

/// A preset name (`"indonesia"`) or explicit levels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum LevelsSpec {
    Preset(String),
    Levels(Vec<LevelSpec>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelSpec {
    pub key: String,
    pub name_en: String,
    /// The Indonesian name; an election elsewhere may leave it out (the English name is
    /// then used for both).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContestSpec {
    pub id: String,
    pub name: String,
    pub scope: String,
    /// Regions or stations under `scope` whose stations alone take part (any order).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<String>,
    pub pairs: Vec<PairSpec>,
    /// Ways of voting counted apart, in the order sheets give them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vote_types: Vec<VoteTypeSpec>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoteTypeSpec {
    pub key: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PairSpec {
    pub number: u32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionSpec {
    pub code: String,
    #[serde(default)]
    pub parent: Option<String>,
    pub level: String,
    pub name: String,
    /// A count (`12`) or station numbers as the regions CSV writes them (`"1-12,14,149"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stations: Option<StationsSpec>,
}

/// A holder region's stations in a definition file: a count, or numbers with gaps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StationsSpec {
    Count(u32),
    Numbers(String),
}

impl StationsSpec {
    /// The numbers, or what is wrong with them.
    fn numbers(&self, code: &str) -> Result<StationNumbers, DefinitionError> {
        match self {
            StationsSpec::Count(count) if *count > MAX_STATIONS_PER_REGION => {
                Err(DefinitionError::TooManyStationsInRegion {
                    code: code.to_owned(),
                    stations: *count,
                    limit: MAX_STATIONS_PER_REGION,
                })
            }
            StationsSpec::Count(count) => Ok(StationNumbers::counted(*count)),
            StationsSpec::Numbers(text) => {
                StationNumbers::parse(text).map_err(|problem| DefinitionError::BadStationNumbers {
                    code: code.to_owned(),
                    problem,
                })
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OfficerSpec {
    pub key: String,
    pub role: RoleSpec,
    pub scope: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RoleSpec {
    Operator,
    Official,
    Auditor,
    Witness { contest: String, pair: u32 },
}

fn parse_key(what: &'static str, text: &str) -> Result<[u8; 32], DefinitionError> {
    let bad = || DefinitionError::BadKey {
        what,
        key: text.chars().take(80).collect(),
    };
    let bytes = hex::decode(text.trim()).map_err(|_| bad())?;
    bytes.try_into().map_err(|_| bad())
}

fn level_index(levels: &[Level], key: &str) -> Result<u32, DefinitionError> {
    levels
        .iter()
        .position(|l| l.key == key)
        .map(|i| i as u32)
        .ok_or_else(|| DefinitionError::UnknownLevel {
            key: key.chars().take(MAX_LEVEL_KEY_BYTES + 1).collect(),
        })
}

impl DefinitionFile {
    /// Parses the JSON text of a definition file.
    pub fn from_json(text: &str) -> Result<DefinitionFile, DefinitionError> {
        if text.len() > MAX_DEFINITION_JSON_BYTES {
            return Err(DefinitionError::TooLong {
                field: "definition JSON",
                bytes: text.len() as u64,
                limit: MAX_DEFINITION_JSON_BYTES as u64,
            });
        }
        serde_json::from_str(text).map_err(|e| DefinitionError::Json(e.to_string()))
    }

    /// Builds and validates the election: regions from `regions` inline or from
    /// `regions_csv` (a reader the caller opened), never both.
    pub fn build<R: Read>(self, regions_csv: Option<R>) -> Result<Election, DefinitionError> {
        Election::new(self.into_definition(regions_csv)?)
    }

    /// Builds the canonical definition (sorted) without validating it; see [`Self::build`].
    pub fn into_definition<R: Read>(
        self,
        regions_csv: Option<R>,
    ) -> Result<ElectionDefinition, DefinitionError> {
        if self.format != DEFINITION_FILE_FORMAT {
            return Err(DefinitionError::UnsupportedFileFormat {
                found: self.format.chars().take(80).collect(),
                expected: DEFINITION_FILE_FORMAT,
            });
        }
        let mut levels = match &self.levels {
            LevelsSpec::Preset(name) if name == "indonesia" => indonesia_levels(),
            LevelsSpec::Preset(name) => {
                return Err(DefinitionError::UnknownLevel {
                    key: format!("preset {}", name.chars().take(40).collect::<String>()),
                })
            }
            LevelsSpec::Levels(specs) => {
                if specs.len() > MAX_LEVELS {
                    return Err(DefinitionError::TooMany {
                        field: "levels",
                        count: specs.len() as u64,
                        limit: MAX_LEVELS as u64,
                    });
                }
                if self.plenary_levels.is_none() {
                    return Err(DefinitionError::NoPlenaryLevel);
                }
                specs
                    .iter()
                    .map(|s| Level {
                        key: s.key.clone(),
                        name_en: s.name_en.clone(),
                        name_id: s.name_id.clone().unwrap_or_else(|| s.name_en.clone()),
                        holds_plenary: false,
                    })
                    .collect()
            }
        };
        if let Some(plenary) = &self.plenary_levels {
            for level in levels.iter_mut() {
                level.holds_plenary = false;
            }
            for key in plenary {
                let i = level_index(&levels, key)?;
                if let Some(level) = levels.get_mut(i as usize) {
                    level.holds_plenary = true;
                }
            }
        }
        let rows = match (self.regions, regions_csv) {
            (Some(_), Some(_)) => return Err(DefinitionError::RegionsGivenTwice),
            (Some(specs), None) => {
                if specs.len() > MAX_REGIONS {
                    return Err(DefinitionError::TooMany {
                        field: "regions",
                        count: specs.len() as u64,
                        limit: MAX_REGIONS as u64,
                    });
                }
                let mut rows = RegionRows::default();
                for r in specs {
                    let level = level_index(&levels, &r.level)?;
                    let stations = match &r.stations {
                        Some(spec) => spec.numbers(&r.code)?,
                        None => StationNumbers::none(),
                    };
                    rows.push(
                        &levels,
                        RegionEntry {
                            level,
                            code: r.code,
                            parent: r.parent.filter(|p| !p.is_empty()),
                            name: r.name,
                            stations,
                        },
                    )
                    .map_err(|problem| DefinitionError::BadStationRow { problem })?;
                }
                rows
            }
            (None, Some(reader)) => parse_region_rows(reader, &levels)?,
            (None, None) => {
                return Err(match self.regions_csv {
                    Some(name) => DefinitionError::RegionsCsvMissing { name },
                    None => DefinitionError::NoRegions,
                })
            }
        };
        let RegionRows {
            mut regions,
            mut stations,
        } = rows;
        if let Some(include) = &self.include_regions {
            regions = keep_subtrees(regions, include)?;
            let kept: BTreeSet<&str> = regions.iter().map(|r| r.code.as_str()).collect();
            stations.retain(|s| kept.contains(s.parent.as_str()));
        }
        regions.sort_by(|a, b| a.code.cmp(&b.code));
        stations.sort_by(|a, b| a.code.cmp(&b.code));
        for pair in stations.windows(2) {
            if let [a, b] = pair {
                if a.code == b.code {
                    return Err(DefinitionError::DuplicateRegion {
                        code: a.code.clone(),
                    });
                }
            }
        }
        for pair in regions.windows(2) {
            if let [a, b] = pair {
                if a.code == b.code {
                    return Err(DefinitionError::DuplicateRegion {
                        code: a.code.clone(),
                    });
                }
            }
        }
        if self.contests.len() > MAX_CONTESTS {
            return Err(DefinitionError::TooMany {
                field: "contests",
                count: self.contests.len() as u64,
                limit: MAX_CONTESTS as u64,
            });
        }
        let mut contests: Vec<Contest> = self
            .contests
            .into_iter()
            .map(|c| {
                let mut pairs: Vec<CandidatePair> = c
                    .pairs
                    .into_iter()
                    .map(|p| CandidatePair {
                        number: p.number,
                        name: p.name,
                    })
                    .collect();
                pairs.sort_by_key(|p| p.number);
                let mut parts = c.parts;
                parts.sort();
                Contest {
                    id: c.id,
                    name: c.name,
                    scope: c.scope,
                    parts,
                    pairs,
                    vote_types: c
                        .vote_types
                        .into_iter()
                        .map(|t| VoteType {
                            key: t.key,
                            name: t.name,
                        })
                        .collect(),
                }
            })
            .collect();
        contests.sort_by(|a, b| a.id.cmp(&b.id));
        if self.officers.len() > MAX_INITIAL_OFFICERS {
            return Err(DefinitionError::TooMany {
                field: "initial officers",
                count: self.officers.len() as u64,
                limit: MAX_INITIAL_OFFICERS as u64,
            });
        }
        let mut officers = self
            .officers
            .into_iter()
            .map(|o| {
                Ok(InitialOfficer {
                    key: parse_key("officer", &o.key)?,
                    role: match o.role {
                        RoleSpec::Operator => Role::Operator,
                        RoleSpec::Official => Role::Official,
                        RoleSpec::Auditor => Role::Auditor,
                        RoleSpec::Witness { contest, pair } => Role::Witness { contest, pair },
                    },
                    scope: o.scope,
                })
            })
            .collect::<Result<Vec<_>, DefinitionError>>()?;
        officers.sort_by_key(|a| a.key);
        Ok(ElectionDefinition {
            format_version: DEFINITION_FORMAT_VERSION,
            name: self.name,
            levels,
            regions,
            stations,
            contests,
            station_capacity: self.station_capacity,
            soft_rules: self.soft_rules,
            registrar: parse_key("registrar", &self.registrar)?,
            initial_officers: officers,
        })
    }
}

/// Keeps the listed regions, everything under them, and their ancestors.
fn keep_subtrees(
    regions: Vec<RegionEntry>,
    include: &[String],
) -> Result<Vec<RegionEntry>, DefinitionError> {
    let parents: BTreeMap<&str, Option<&str>> = regions
        .iter()
        .map(|r| (r.code.as_str(), r.parent.as_deref()))
        .collect();
    let listed: BTreeSet<&str> = include.iter().map(String::as_str).collect();
    let mut ancestors: BTreeSet<&str> = BTreeSet::new();
    for code in &listed {
        if !parents.contains_key(code) {
            return Err(DefinitionError::UnknownRegion {
                what: "included region",
                code: code.to_string(),
            });
        }
        let mut current = parents.get(code).copied().flatten();
        let mut steps = 0;
        while let Some(p) = current {
            ancestors.insert(p);
            current = parents.get(p).copied().flatten();
            steps += 1;
            if steps > MAX_LEVELS {
                break;
            }
        }
    }
    let keep = |code: &str| -> bool {
        if ancestors.contains(code) {
            return true;
        }
        let mut current = Some(code);
        let mut steps = 0;
        while let Some(c) = current {
            if listed.contains(c) {
                return true;
            }
            current = parents.get(c).copied().flatten();
            steps += 1;
            if steps > MAX_LEVELS {
                return false;
            }
        }
        false
    };
    let kept: Vec<bool> = regions.iter().map(|r| keep(&r.code)).collect();
    Ok(regions
        .into_iter()
        .zip(kept)
        .filter_map(|(r, k)| k.then_some(r))
        .collect())
}

fn csv_error(line: u64, problem: CsvProblem) -> DefinitionError {
    DefinitionError::Csv { line, problem }
}

/// The columns of a regions CSV, in order (the fields of [`REGIONS_CSV_HEADER`]).
const REGIONS_CSV_COLUMNS: [&str; 5] = ["code", "parent", "level", "name", "stations"];

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

/// A csv crate error as a [`DefinitionError::Csv`] naming the record's line and, for text
/// that is not UTF-8, the field.
fn csv_read_error(error: &csv::Error, line: u64) -> DefinitionError {
    match error.kind() {
        csv::ErrorKind::Utf8 { err, .. } => {
            let column = REGIONS_CSV_COLUMNS.get(err.field()).copied().unwrap_or("?");
            csv_error(line, CsvProblem::NotUtf8 { column })
        }
        _ => csv_error(line, CsvProblem::Syntax(error.to_string())),
    }
}

/// Reads a regions CSV (`code,parent,level,name,stations`) into entries in file order. The
/// `level` column holds level keys of `levels`; `stations` is empty, a count, or station
/// numbers with gaps (`1-12,14,149`, see [`StationNumbers::parse`]).
///
/// Parsing is the `csv` crate's (RFC 4180: quoted fields may hold commas, doubled quotes and
/// line breaks; LF, CRLF and CR end a record; blank lines are skipped); a UTF-8 byte order
/// mark is ignored. At most [`MAX_CSV_BYTES`] + 1 bytes are read into memory (`Read::take`),
/// a record may span at most [`MAX_CSV_LINE_BYTES`] and there may be at most
/// [`MAX_REGIONS`] records. Errors name the line a record starts on (the header is line 1),
/// the field and the reason.
pub fn parse_regions_csv<R: Read>(
    reader: R,
    levels: &[Level],
) -> Result<Vec<RegionEntry>, DefinitionError> {
    let rows = parse_region_rows(reader, levels)?;
    match rows.stations.first() {
        None => Ok(rows.regions),
        Some(station) => Err(DefinitionError::BadStationRow {
            problem: StationRowProblem::RegionsOnly {
                code: station.code.clone(),
            },
        }),
    }
}

/// The rows of a regions CSV or inline list: regions, and the stations listed as rows of the
/// station level.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionRows {
    pub regions: Vec<RegionEntry>,
    pub stations: Vec<ListedStation>,
}

impl RegionRows {
    /// Files a row as a region, or as a listed station when its level is the station level
    /// (then it needs a parent and no station count).
    fn push(&mut self, levels: &[Level], row: RegionEntry) -> Result<(), StationRowProblem> {
        let station_level = levels.len().saturating_sub(1) as u32;
        if row.level != station_level {
            self.regions.push(row);
            return Ok(());
        }
        if !row.stations.is_empty() {
            return Err(StationRowProblem::HasCount { code: row.code });
        }
        let Some(parent) = row.parent else {
            return Err(StationRowProblem::NoParent { code: row.code });
        };
        self.stations.push(ListedStation {
            code: row.code,
            parent,
            name: row.name,
        });
        Ok(())
    }
}

/// Reads a regions CSV like [`parse_regions_csv`], keeping rows of the station level as
/// listed stations (code, parent, name; `stations` empty).
pub fn parse_region_rows<R: Read>(
    reader: R,
    levels: &[Level],
) -> Result<RegionRows, DefinitionError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_CSV_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| DefinitionError::Read(e.to_string()))?;
    if bytes.len() > MAX_CSV_BYTES {
        return Err(DefinitionError::TooLong {
            field: "regions CSV",
            bytes: bytes.len() as u64,
            limit: MAX_CSV_BYTES as u64,
        });
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut record = csv::StringRecord::new();
    let mut out = RegionRows::default();
    // The line the parser stands on: 1 + the line breaks it has consumed.
    let mut line: u64 = 1;
    let mut header = true;
    loop {
        let before = reader.position().byte();
        let read = reader.read_record(&mut record);
        // The bytes this read consumed: the previous record's line break and blank lines,
        // then the record and its line break. The csv crate counts the first part into the
        // record's own position, so the line it starts on is counted here.
        let span = usize::try_from(before)
            .ok()
            .zip(usize::try_from(reader.position().byte()).ok())
            .and_then(|(from, to)| text.get(from..to))
            .unwrap_or_default();
        let skipped = span
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        let (breaks, body) = span.split_at(skipped.min(span.len()));
        line += count_newlines(breaks);
        let number = line;
        line += count_newlines(body);
        let length = body
            .iter()
            .rposition(|&b| b != b'\r' && b != b'\n')
            .map_or(0, |last| last + 1);
        if length > MAX_CSV_LINE_BYTES {
            return Err(csv_error(
                number,
                CsvProblem::RecordTooLong {
                    limit: MAX_CSV_LINE_BYTES as u64,
                },
            ));
        }
        match read {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_read_error(&e, number)),
        }
        if header {
            header = false;
            if !record.iter().eq(REGIONS_CSV_COLUMNS) {
                return Err(csv_error(
                    number,
                    CsvProblem::Header {
                        header: REGIONS_CSV_HEADER,
                    },
                ));
            }
            continue;
        }
        if out.regions.len() >= MAX_REGIONS {
            return Err(DefinitionError::TooMany {
                field: "regions",
                count: out.regions.len() as u64 + 1,
                limit: MAX_REGIONS as u64,
            });
        }
        if record.len() != REGIONS_CSV_COLUMNS.len() {
            return Err(csv_error(
                number,
                CsvProblem::FieldCount {
                    fields: record.len() as u64,
                    header: REGIONS_CSV_HEADER,
                },
            ));
        }
        let field = |i: usize| record.get(i).unwrap_or_default();
        let (code, parent, level, name, stations) =
            (field(0), field(1), field(2), field(3), field(4));
        let level = level_index(levels, level)
            .map_err(|e| csv_error(number, CsvProblem::Level(Box::new(e))))?;
        let stations = StationNumbers::parse(stations)
            .map_err(|problem| csv_error(number, CsvProblem::Stations(problem)))?;
        if out.stations.len() >= MAX_LISTED_STATIONS {
            return Err(DefinitionError::TooMany {
                field: "listed stations",
                count: out.stations.len() as u64 + 1,
                limit: MAX_LISTED_STATIONS as u64,
            });
        }
        out.push(
            levels,
            RegionEntry {
                code: code.to_owned(),
                parent: (!parent.is_empty()).then(|| parent.to_owned()),
                level,
                name: name.to_owned(),
                stations,
            },
        )
        .map_err(|problem| csv_error(number, CsvProblem::Row(problem)))?;
    }
    if header {
        return Err(csv_error(
            1,
            CsvProblem::Header {
                header: REGIONS_CSV_HEADER,
            },
        ));
    }
    Ok(out)
}
