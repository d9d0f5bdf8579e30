//! A CSV of any shape read as a sheets CSV through a column mapping, and the volunteers'
//! per-TPS digitisation (KawalPemilu style) as one such mapping.
//!
//! A mapping names, for each column of rekap's sheets CSV, the source's column:
//! `station=kode_tps,votes_1=suara_01,votes_2=suara_02,valid=sah,invalid=tidak_sah`.
//! `station`, `valid`, `invalid` and the `votes_N` of the contest are required; `contest`
//! may be left out (every row is then for the contest given); the administrative columns
//! (`dpt`, `voted_dpt`, `ballots_used`, ...) may be mapped too, all or none as in a sheets
//! CSV. The source's other columns are ignored. The rows are then checked exactly as a
//! sheets CSV's (rekap-import), and each problem names the source's line and column.

use crate::reason::SourceReason;
use std::collections::BTreeMap;

use rekap_import::{plan_import, ImportError, ImportLimits, COLUMNS, OPTIONAL_COLUMNS};
use rekap_model::State;

use crate::csv_source::{header_names, width_problem, Lines};
use crate::problem::{FormatError, SourceProblem};
use crate::sourced::SourcedPlan;

/// Sheets columns to source columns, in the order given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMapping {
    pairs: Vec<(String, String)>,
}

/// Why a mapping cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    #[error("{0:?} is not NAME=SOURCE_COLUMN (e.g. station=kode_tps)")]
    NotAPair(String),
    #[error("{0:?} is not a column of rekap's sheets CSV (station, contest, votes_N, valid, invalid, dpt, ...)")]
    UnknownColumn(String),
    #[error("{0} is mapped twice")]
    Twice(String),
    #[error("{0} must be mapped")]
    Missing(&'static str),
}

impl ColumnMapping {
    /// Parses `name=source,name=source,...`.
    pub fn parse(text: &str) -> Result<ColumnMapping, MappingError> {
        let mut pairs: Vec<(String, String)> = Vec::new();
        for part in text
            .split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
        {
            let (name, source) = part
                .split_once('=')
                .map(|(name, source)| (name.trim(), source.trim()))
                .filter(|(name, source)| !name.is_empty() && !source.is_empty())
                .ok_or_else(|| MappingError::NotAPair(part.to_owned()))?;
            if !is_sheets_column(name) {
                return Err(MappingError::UnknownColumn(name.to_owned()));
            }
            if pairs.iter().any(|(known, _)| known == name) {
                return Err(MappingError::Twice(name.to_owned()));
            }
            pairs.push((name.to_owned(), source.to_owned()));
        }
        for required in ["station", "valid", "invalid"] {
            if !pairs.iter().any(|(name, _)| name == required) {
                return Err(MappingError::Missing(required));
            }
        }
        Ok(ColumnMapping { pairs })
    }

    /// The volunteers' per-TPS digitisation, KawalPemilu style: `tps` (the TPS code),
    /// `pas1` ... `pasN` (votes per pair), `sah` (valid), `tidakSah` (invalid).
    pub fn kawalpemilu(pairs: usize) -> ColumnMapping {
        let mut mapping = vec![("station".to_owned(), "tps".to_owned())];
        mapping
            .extend((1..=pairs).map(|number| (format!("votes_{number}"), format!("pas{number}"))));
        mapping.push(("valid".to_owned(), "sah".to_owned()));
        mapping.push(("invalid".to_owned(), "tidakSah".to_owned()));
        ColumnMapping { pairs: mapping }
    }

    pub(crate) fn source_of(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(known, _)| known == name)
            .map(|(_, source)| source.as_str())
    }
}

fn is_sheets_column(name: &str) -> bool {
    COLUMNS.contains(&name)
        || OPTIONAL_COLUMNS.contains(&name)
        || name
            .strip_prefix("votes_")
            .and_then(|number| number.parse::<u32>().ok())
            .is_some_and(|number| (1..=rekap_model::limits::MAX_PAIRS as u32).contains(&number))
            && !name.starts_with("votes_0")
}

/// Plans importing the CSV `bytes` (the file `file`) through `mapping`; rows without a
/// contest column are for `contest`.
pub fn plan_mapped(
    state: &State,
    operator: &[u8; 32],
    file: &str,
    bytes: &[u8],
    mapping: &ColumnMapping,
    contest: &str,
    limits: &ImportLimits,
) -> Result<SourcedPlan, FormatError> {
    let (csv, origins) = rewrite(file, bytes, mapping, contest)?;
    match plan_import(state, operator, csv.as_slice(), limits) {
        Ok(plan) => Ok(SourcedPlan {
            sheets: plan.to_submit.len(),
            events: plan.to_submit.into_vec(),
            already_imported: plan.already_imported,
        }),
        Err(ImportError::Rejected {
            problems,
            unlisted,
            by_kind,
        }) => Err(FormatError::Rejected {
            problems: problems
                .into_iter()
                .map(|problem| {
                    let line = problem
                        .line
                        .checked_sub(2)
                        .and_then(|row| origins.get(row as usize))
                        .copied()
                        .unwrap_or(1);
                    let field = problem.field.map(|field| {
                        mapping
                            .source_of(&field)
                            .map(str::to_owned)
                            .unwrap_or(field)
                    });
                    SourceProblem {
                        file: file.to_owned(),
                        at: format!("line {line}"),
                        station: problem.station,
                        field,
                        rule: problem.rule,
                        reason: SourceReason::Row(problem.reason),
                    }
                })
                .collect(),
            unlisted,
            by_kind: crate::problem::source_kinds(by_kind, |name| {
                mapping.source_of(name).map(str::to_owned)
            }),
        }),
        Err(error) => Err(error.into()),
    }
}

/// The file as a sheets CSV, and the source line of each data row.
fn rewrite(
    file: &str,
    bytes: &[u8],
    mapping: &ColumnMapping,
    contest: &str,
) -> Result<(Vec<u8>, Vec<u64>), FormatError> {
    let lines = Lines::of(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut records = reader.byte_records();
    let problem = |at: String, reason: SourceReason| {
        FormatError::rejected(vec![SourceProblem::new(file, at, reason)])
    };
    let header = match records.next() {
        Some(Ok(header)) => header,
        Some(Err(error)) => {
            return Err(problem(
                "line 1".into(),
                SourceReason::NotCsv {
                    error: error.to_string(),
                },
            ))
        }
        None => return Err(problem("line 1".into(), SourceReason::EmptyFile)),
    };
    let names = header_names(&header);
    let mut positions: BTreeMap<&str, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    for (name, source) in &mapping.pairs {
        match names.iter().position(|known| known == source) {
            Some(position) => {
                positions.insert(name.as_str(), position);
            }
            None => problems.push(SourceProblem {
                field: Some(source.clone()),
                ..SourceProblem::new(
                    file,
                    "line 1",
                    SourceReason::NoMappedColumn {
                        source_column: source.clone(),
                        name: name.clone(),
                    },
                )
            }),
        }
    }
    if !problems.is_empty() {
        return Err(FormatError::rejected(problems));
    }
    let mut out_header: Vec<&str> = positions.keys().copied().collect();
    let fill_contest = !positions.contains_key("contest");
    if fill_contest {
        out_header.push("contest");
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(&out_header);
    let mut origins = Vec::new();
    for record in records {
        let record = record.map_err(|error| {
            let line = error
                .position()
                .map_or(0, |p| lines.line_of(p.byte() as usize));
            problem(
                format!("line {line}"),
                SourceReason::NotCsv {
                    error: error.to_string(),
                },
            )
        })?;
        let line = record
            .position()
            .map_or(0, |position| lines.line_of(position.byte() as usize));
        if let Some(problem) = width_problem(file, line, record.len(), names.len()) {
            problems.push(problem);
            continue;
        }
        let mut row: Vec<&[u8]> = positions
            .values()
            .map(|position| record.get(*position).unwrap_or(&[]))
            .collect();
        if fill_contest {
            row.push(contest.as_bytes());
        }
        let _ = writer.write_record(&row);
        origins.push(line);
    }
    if !problems.is_empty() {
        return Err(FormatError::rejected(problems));
    }
    Ok((writer.into_inner().unwrap_or_default(), origins))
}
