//! Sheets read from another format, each with where it came from, planned through the same
//! checks as a sheets CSV: [`plan_sourced`] writes them as a sheets CSV in memory (one row per
//! sheet, in the order given), lets [`rekap_import::plan_import`] check every row against the
//! state, and maps each problem's line and column back to the source's file and field. So
//! every rule the sheets importer applies applies here, with no second copy of it.

use std::collections::BTreeMap;
use std::sync::Arc;

use rekap_import::{plan_import, ImportError, ImportLimits, RowProblem};
use rekap_model::{Event, State, TallySheet};

use crate::problem::{FormatError, SourceProblem};

/// The document a sheet was read from: the blake3 hash of its bytes (as read, so anyone
/// holding the file can check it with `b3sum`) and the photo URLs it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceDocument {
    pub document: [u8; 32],
    pub photos: Vec<String>,
}

/// The source's name of each sheets column (`valid` -> `/administrasi/suara_sah`,
/// `votes_2` -> `suara_02`, ...), shared by the sheets of one shape.
pub type FieldNames = Arc<BTreeMap<String, String>>;

/// One sheet and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcedSheet {
    /// The file as the user named it.
    pub file: Arc<str>,
    /// Where in the file: empty (a whole JSON document) or `line N` (a CSV row).
    pub at: String,
    /// The station code as the source spells it.
    pub station: String,
    pub contest: String,
    pub sheet: TallySheet,
    /// The source's name of each column, for problems; a column not named here is
    /// reported under its sheets name.
    pub fields: FieldNames,
    /// The document to note beside the sheet (a `SheetSource` event), if the format has one
    /// document per sheet.
    pub source: Option<SourceDocument>,
}

/// What an import of sourced sheets would append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcedPlan {
    /// Per sheet still missing from the state, in the order given: its `SheetSubmitted` and,
    /// if it has a document, the `SheetSource` after it (so a payload split at an even count
    /// keeps them together).
    pub events: Vec<Event>,
    /// Sheets to submit.
    pub sheets: usize,
    /// Sheets skipped because the state has them with identical numbers.
    pub already_imported: usize,
}

/// Plans importing `sheets` as `operator`; every problem of every sheet, or the events.
pub fn plan_sourced(
    state: &State,
    operator: &[u8; 32],
    sheets: &[SourcedSheet],
    limits: &ImportLimits,
) -> Result<SourcedPlan, FormatError> {
    let csv = sheets_csv(state, sheets);
    match plan_import(state, operator, csv.as_slice(), limits) {
        Ok(plan) => Ok(with_sources(state, sheets, plan)),
        Err(ImportError::Rejected {
            problems,
            unlisted,
            by_kind,
        }) => Err(FormatError::Rejected {
            problems: problems
                .iter()
                .map(|problem| located(sheets, problem))
                .collect(),
            unlisted,
            by_kind,
        }),
        Err(error) => Err(error.into()),
    }
}

/// The sheets as a sheets CSV: row `i` on line `i + 2`.
fn sheets_csv(state: &State, sheets: &[SourcedSheet]) -> Vec<u8> {
    let pairs = state
        .election()
        .contests()
        .iter()
        .map(|contest| contest.pairs.len())
        .chain(sheets.iter().map(|sourced| sourced.sheet.votes.len()))
        .max()
        .unwrap_or(0);
    let administrative = sheets.iter().any(|sourced| !sourced.sheet.votes_only);
    let mut header: Vec<String> = vec!["station".into(), "contest".into()];
    if administrative {
        header.extend(ADMINISTRATIVE.iter().map(|name| (*name).to_owned()));
    }
    header.extend((1..=pairs).map(|number| format!("votes_{number}")));
    let typed = typed_columns(state, sheets);
    header.extend(typed.iter().map(|(column, _)| column.clone()));
    header.extend(["valid".to_owned(), "invalid".to_owned()]);
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(&header);
    for sourced in sheets {
        let sheet = &sourced.sheet;
        let mut row = vec![sourced.station.clone(), sourced.contest.clone()];
        if administrative {
            row.extend(administrative_cells(sheet));
        }
        row.extend((0..pairs).map(|index| {
            sheet
                .votes
                .get(index)
                .map(u32::to_string)
                .unwrap_or_default()
        }));
        row.extend(typed_cells(state, sourced, &typed));
        row.extend([sheet.valid.to_string(), sheet.invalid.to_string()]);
        let _ = writer.write_record(&row);
    }
    writer.into_inner().unwrap_or_default()
}

/// The `votes_<N>_<type>` columns the sheets' contests need (pair N's count of the vote
/// type), each with its type key, in first-seen order.
fn typed_columns(state: &State, sheets: &[SourcedSheet]) -> Vec<(String, String)> {
    let election = state.election();
    let mut columns: Vec<(String, String)> = Vec::new();
    let mut contests_seen: Vec<&str> = Vec::new();
    for sourced in sheets.iter().filter(|s| !s.sheet.votes_by_type.is_empty()) {
        if contests_seen.contains(&sourced.contest.as_str()) {
            continue;
        }
        contests_seen.push(&sourced.contest);
        let Some(contest) = election
            .contest_by_id(&sourced.contest)
            .and_then(|index| election.contest(index))
        else {
            continue;
        };
        for pair in &contest.pairs {
            for vote_type in &contest.vote_types {
                let column = format!("votes_{}_{}", pair.number, vote_type.key);
                if !columns.iter().any(|(known, _)| *known == column) {
                    columns.push((column, vote_type.key.clone()));
                }
            }
        }
    }
    columns
}

/// A sheet's cells of the typed columns: its counts for its contest's types, empty for
/// the others.
fn typed_cells(state: &State, sourced: &SourcedSheet, typed: &[(String, String)]) -> Vec<String> {
    let election = state.election();
    let contest = election
        .contest_by_id(&sourced.contest)
        .and_then(|index| election.contest(index));
    let count = |column: &str| -> Option<u32> {
        let contest = contest?;
        let types = contest.vote_types.len();
        contest.pairs.iter().enumerate().find_map(|(pair, spec)| {
            contest
                .vote_types
                .iter()
                .enumerate()
                .find_map(|(index, vote_type)| {
                    (format!("votes_{}_{}", spec.number, vote_type.key) == column)
                        .then(|| {
                            sourced
                                .sheet
                                .votes_by_type
                                .get(pair * types + index)
                                .copied()
                        })
                        .flatten()
                })
        })
    };
    typed
        .iter()
        .map(|(column, _)| {
            count(column)
                .map(|value| value.to_string())
                .unwrap_or_default()
        })
        .collect()
}

/// The administrative columns of the sheets CSV, in the order [`administrative_cells`]
/// writes them.
const ADMINISTRATIVE: [&str; 16] = [
    "dpt",
    "dpph",
    "dptb",
    "voted_dpt",
    "voted_dpph",
    "voted_dptb",
    "voted_dpt_male",
    "voted_dpt_female",
    "voted_dpph_male",
    "voted_dpph_female",
    "voted_dptb_male",
    "voted_dptb_female",
    "ballots_received",
    "ballots_used",
    "ballots_damaged",
    "ballots_unused",
];

fn administrative_cells(sheet: &TallySheet) -> Vec<String> {
    if sheet.votes_only {
        return vec![String::new(); ADMINISTRATIVE.len()];
    }
    let optional = |value: Option<u32>| value.map(|v| v.to_string()).unwrap_or_default();
    let voted = &sheet.voted;
    let ballots = &sheet.ballots;
    vec![
        sheet.registered.dpt.to_string(),
        sheet.registered.dpph.to_string(),
        sheet.registered.dptb.to_string(),
        voted.dpt.total.to_string(),
        voted.dpph.total.to_string(),
        voted.dptb.total.to_string(),
        optional(voted.dpt.male),
        optional(voted.dpt.female),
        optional(voted.dpph.male),
        optional(voted.dpph.female),
        optional(voted.dptb.male),
        optional(voted.dptb.female),
        ballots.received.to_string(),
        ballots.used.to_string(),
        ballots.damaged.to_string(),
        ballots.unused.to_string(),
    ]
}

/// The planned events with each sheet's `SheetSource` after its `SheetSubmitted`.
fn with_sources(
    state: &State,
    sheets: &[SourcedSheet],
    plan: rekap_import::ImportPlan,
) -> SourcedPlan {
    let election = state.election();
    // The plan spells stations as the definition does; the sources by that spelling.
    let mut sources: BTreeMap<(String, &str), &SourceDocument> = BTreeMap::new();
    for sourced in sheets {
        let Some(source) = &sourced.source else {
            continue;
        };
        let canonical = election
            .find_station(&sourced.station)
            .and_then(|station| election.station_code(station))
            .unwrap_or_else(|| sourced.station.clone());
        sources.insert((canonical, sourced.contest.as_str()), source);
    }
    let sheets_to_submit = plan.to_submit.len();
    let mut events = Vec::with_capacity(sheets_to_submit * 2);
    for event in plan.to_submit {
        let note = match &event {
            Event::SheetSubmitted {
                station, contest, ..
            } => sources
                .get(&(station.clone(), contest.as_str()))
                .map(|source| Event::SheetSource {
                    station: station.clone(),
                    contest: contest.clone(),
                    document: source.document,
                    photos: source.photos.clone(),
                }),
            _ => None,
        };
        events.push(event);
        events.extend(note);
    }
    SourcedPlan {
        events,
        sheets: sheets_to_submit,
        already_imported: plan.already_imported,
    }
}

/// A problem of the in-memory CSV, told in the source's terms.
fn located(sheets: &[SourcedSheet], problem: &RowProblem) -> SourceProblem {
    let index = problem.line.checked_sub(2).map(|index| index as usize);
    let Some(sourced) = index.and_then(|index| sheets.get(index)) else {
        return SourceProblem {
            file: String::new(),
            at: String::new(),
            station: problem.station.clone(),
            field: problem.field.clone(),
            rule: problem.rule.clone(),
            reason: problem.reason.clone(),
        };
    };
    let field = problem
        .field
        .as_ref()
        .map(|field| sourced.fields.get(field).unwrap_or(field).clone());
    // A JSON document's field is a pointer: the place itself. A CSV's is a column.
    let (at, field) = match field {
        Some(pointer) if pointer.starts_with('/') || pointer.is_empty() => (pointer, None),
        other => (sourced.at.clone(), other),
    };
    SourceProblem {
        file: sourced.file.to_string(),
        at,
        station: Some(sourced.station.clone()),
        field,
        rule: problem.rule.clone(),
        reason: problem.reason.clone(),
    }
}
