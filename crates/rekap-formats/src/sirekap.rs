//! The commission's public portal JSON (Sirekap, as published for 2024), one document per
//! TPS, and its candidates file. docs/FORMATS.md has the field mapping; in short:
//!
//! - `chart`: votes keyed by the candidate's portal id (a `"null"` key may appear, with no
//!   votes); mapped to ballot numbers by the candidates file. Absent or null: the TPS has
//!   not been counted yet, and the document gives no sheet.
//! - `administrasi`: `suara_sah` (valid) and `suara_tidak_sah` (invalid); the voter counts
//!   are type-checked but not recorded (the portal publishes no ballot counts, and a sheet's
//!   administrative section is all or none), so every sheet is votes-only.
//! - `status_adm` false, or no `administrasi`: the valid votes are the chart's sum.
//! - `images`: the photo URLs (nulls skipped), noted with the document's hash.
//! - `tungsura`: the 2024 regional elections put `chart` and `administrasi` under it.
//! - `psu`, `ts`, `status_suara`, `mode` and anything else: read for their type only.
//!
//! Every field is optional; a field of the wrong type is refused with its JSON pointer.

use crate::reason::{Expected, SourceReason};
use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::problem::SourceProblem;
use crate::sourced::SourcedSheet;
use document::FieldNamesSeen;
use json::Scalar;

mod document;
mod json;
mod tree;

pub use tree::{find_documents, read_tree, DocumentFile, TreeRead};

/// Largest document read (the portal's are under 2 KiB).
pub const MAX_DOCUMENT_BYTES: u64 = 1024 * 1024;

/// Portal candidate ids to ballot numbers, per province or for every province.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Candidates {
    /// Province code (2 digits) to (portal id to ballot number).
    by_province: BTreeMap<String, BTreeMap<String, u32>>,
    /// For a file without the province level.
    everywhere: BTreeMap<String, u32>,
}

impl Candidates {
    /// Parses the portal's candidate file: `{"<prov>": {"<portal id>": {"nama": ...,
    /// "nomor_urut": N, ...}}}`, or the same without the province level.
    pub fn parse(file: &str, bytes: &[u8]) -> Result<Candidates, Vec<SourceProblem>> {
        let value = parse_json(file, bytes)?;
        let mut problems = Vec::new();
        let mut candidates = Candidates::default();
        let Some(top) = value.as_object() else {
            return Err(vec![SourceProblem::new(file, "", Expected::Object)]);
        };
        for (key, entry) in top {
            let pointer = pointer_of("", key);
            let Some(entry) = entry.as_object() else {
                problems.push(SourceProblem::new(file, pointer, Expected::Object));
                continue;
            };
            if entry.contains_key("nomor_urut") {
                if let Some(number) = ballot_number(file, &pointer, entry, &mut problems) {
                    candidates.everywhere.insert(key.clone(), number);
                }
                continue;
            }
            let province = candidates.by_province.entry(key.clone()).or_default();
            for (id, candidate) in entry {
                let pointer = pointer_of(&pointer, id);
                match candidate.as_object() {
                    Some(candidate) => {
                        if let Some(number) =
                            ballot_number(file, &pointer, candidate, &mut problems)
                        {
                            province.insert(id.clone(), number);
                        }
                    }
                    None => problems.push(SourceProblem::new(file, pointer, Expected::Object)),
                }
            }
        }
        if problems.is_empty() {
            Ok(candidates)
        } else {
            Err(problems)
        }
    }

    /// The ballot number of portal id `id` at a TPS of `province`.
    pub(crate) fn number(&self, province: &str, id: &str) -> Option<u32> {
        self.by_province
            .get(province)
            .and_then(|ids| ids.get(id))
            .or_else(|| self.everywhere.get(id))
            .copied()
    }
}

fn ballot_number(
    file: &str,
    pointer: &str,
    candidate: &Map<String, Value>,
    problems: &mut Vec<SourceProblem>,
) -> Option<u32> {
    let at = pointer_of(pointer, "nomor_urut");
    match candidate.get("nomor_urut").map(count) {
        Some(Ok(Some(number))) if number >= 1 => Some(number),
        None | Some(Ok(_)) => {
            problems.push(SourceProblem::new(
                file,
                at,
                SourceReason::BallotNumberRequired,
            ));
            None
        }
        Some(Err(reason)) => {
            problems.push(SourceProblem::new(file, at, reason));
            None
        }
    }
}

/// What the importer needs to know of the contest.
#[derive(Debug, Clone)]
pub struct ContestShape<'a> {
    pub id: &'a str,
    pub pairs: usize,
    /// Portal ids to ballot numbers; without it `chart` must be keyed by ballot number.
    pub candidates: Option<&'a Candidates>,
}

/// What a document gave, besides its sheet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DocumentCounts {
    pub documents: u64,
    /// Documents without `chart`: not counted yet, no sheet.
    pub not_counted: u64,
    /// Sheets whose valid votes are the chart's sum (no `administrasi`, or `status_adm`
    /// false).
    pub without_administration: u64,
    /// Sheets whose invalid votes the document does not give: recorded as absent.
    pub invalid_unknown: u64,
}

/// Reads one TPS document: `station` is the 13-digit TPS code (from its file name). Returns
/// the sheet (`None` if the TPS is not counted yet) or every problem of the document.
pub fn read_document(
    file: &str,
    bytes: &[u8],
    station: &str,
    contest: &ContestShape<'_>,
    counts: &mut DocumentCounts,
) -> Result<Option<SourcedSheet>, Vec<SourceProblem>> {
    let mut names = FieldNamesSeen::default();
    document::read(file, bytes, station, contest, counts, &mut names)
}

/// The counts of `administrasi` read for their type (every one optional).
const ADMINISTRATION_COUNTS: [&str; 20] = [
    "suara_sah",
    "suara_tidak_sah",
    "suara_total",
    "pemilih_dpt_j",
    "pemilih_dpt_l",
    "pemilih_dpt_p",
    "pengguna_dpt_j",
    "pengguna_dpt_l",
    "pengguna_dpt_p",
    "pengguna_dptb_j",
    "pengguna_dptb_l",
    "pengguna_dptb_p",
    "pengguna_non_dpt_j",
    "pengguna_non_dpt_l",
    "pengguna_non_dpt_p",
    "pengguna_total_j",
    "pengguna_total_l",
    "pengguna_total_p",
    "pemilih_dptb_j",
    "pemilih_non_dpt_j",
];

/// A count of the candidates file (see [`Scalar::count`]).
fn count(value: &Value) -> Result<Option<u32>, SourceReason> {
    let scalar = match value {
        Value::Null => Scalar::Null,
        Value::Bool(value) => Scalar::Bool(*value),
        Value::Number(number) => number
            .as_u64()
            .map_or_else(|| Scalar::Number(number.to_string()), Scalar::Whole),
        Value::String(_) => Scalar::Text("".into()),
        Value::Array(_) => Scalar::List,
        Value::Object(_) => Scalar::Object,
    };
    scalar.count()
}

/// `base` extended by `key`, escaped as RFC 6901 says (`~` as `~0`, `/` as `~1`).
pub fn pointer_of(base: &str, key: &str) -> String {
    format!("{base}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// The document as JSON, or its syntax error with line and column.
pub(crate) fn parse_json(file: &str, bytes: &[u8]) -> Result<Value, Vec<SourceProblem>> {
    serde_json::from_slice(bytes).map_err(|error| syntax_problem(file, &error))
}

/// serde_json's message without the " at line L column C" its `Display` ends with: the
/// reason names the position once, in the reader's language.
fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    match message.strip_suffix(&suffix) {
        Some(bare) => bare.to_owned(),
        None => message,
    }
}

/// A JSON syntax error as a problem of the whole document.
fn syntax_problem(file: &str, error: &serde_json::Error) -> Vec<SourceProblem> {
    vec![SourceProblem::new(
        file,
        "",
        SourceReason::NotJson {
            error: without_position(error),
            line: error.line() as u64,
            column: error.column() as u64,
        },
    )]
}
