//! Sheets read from another format, each with where it came from, planned through the same
//! checks as a sheets CSV: [`plan_sourced`] hands them to [`rekap_import::plan_sheets`] (the
//! checks a sheets CSV row gets once its cells are read, with no CSV in between) and maps
//! each problem back to the source's file and field. So every rule the sheets importer
//! applies applies here, with no second copy of it.

use crate::reason::SourceReason;
use std::collections::BTreeMap;
use std::sync::Arc;

use rekap_import::{plan_sheets, ImportError, ImportLimits, RowProblem, SheetRow, SheetsPlan};
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
    let rows = sheets.iter().map(|sourced| SheetRow {
        station: &sourced.station,
        contest: &sourced.contest,
        sheet: &sourced.sheet,
    });
    match plan_sheets(state, operator, rows, limits) {
        Ok(planned) => Ok(with_sources(sheets, planned)),
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
            // A CSV source's column, as its lines name it (a JSON pointer is no column).
            by_kind: crate::problem::source_kinds(by_kind, |name| {
                let field = sheets.first()?.fields.get(name)?;
                (!field.is_empty() && !field.starts_with('/')).then(|| field.clone())
            }),
        }),
        Err(error) => Err(error.into()),
    }
}

/// The planned events with each sheet's `SheetSource` after its `SheetSubmitted`.
fn with_sources(sheets: &[SourcedSheet], planned: SheetsPlan) -> SourcedPlan {
    let sheets_to_submit = planned.plan.to_submit.len();
    let mut events = Vec::with_capacity(sheets_to_submit * 2);
    for (event, origin) in planned.plan.to_submit.into_iter().zip(planned.origins) {
        let note = match (&event, sheets.get(origin).and_then(|s| s.source.as_ref())) {
            (
                Event::SheetSubmitted {
                    station, contest, ..
                },
                Some(source),
            ) => Some(Event::SheetSource {
                // The definition's spelling, as the sheet's.
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
        already_imported: planned.plan.already_imported,
    }
}

/// A problem of sheet number `line`, told in the source's terms.
fn located(sheets: &[SourcedSheet], problem: &RowProblem) -> SourceProblem {
    let index = problem.line.checked_sub(1).map(|index| index as usize);
    let Some(sourced) = index.and_then(|index| sheets.get(index)) else {
        return SourceProblem {
            file: String::new(),
            at: String::new(),
            station: problem.station.clone(),
            field: problem.field.clone(),
            rule: problem.rule.clone(),
            reason: SourceReason::Row(problem.reason.clone()),
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
        reason: SourceReason::Row(problem.reason.clone()),
    }
}
