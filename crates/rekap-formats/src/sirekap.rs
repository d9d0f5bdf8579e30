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
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::problem::SourceProblem;
use crate::sourced::SourcedSheet;
use document::FieldNamesSeen;
use json::Scalar;

mod document;
mod json;

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

/// A JSON syntax error as a problem of the whole document.
fn syntax_problem(file: &str, error: &serde_json::Error) -> Vec<SourceProblem> {
    vec![SourceProblem::new(
        file,
        "",
        SourceReason::NotJson {
            error: error.to_string(),
            line: error.line() as u64,
            column: error.column() as u64,
        },
    )]
}

/// A TPS document found under the paths given: the file and its 13-digit TPS code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFile {
    pub path: PathBuf,
    pub station: String,
}

/// The TPS documents under `paths`: a file is one document (its name the TPS code); a
/// directory is read as the portal lays it out, `<prov>/<kab>/<kec>/<desa>/<tps13>.json`,
/// in code order. Other JSON files in a directory (the portal's aggregates) are skipped and
/// counted; a TPS file outside its code's place, or a file named given whose name is no TPS
/// code, is a problem.
pub fn find_documents(
    paths: &[PathBuf],
) -> Result<(Vec<DocumentFile>, u64, Vec<SourceProblem>), std::io::Error> {
    let mut found = Vec::new();
    let mut skipped = 0;
    let mut problems = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(
                path,
                &mut Vec::new(),
                &mut found,
                &mut skipped,
                &mut problems,
            )?;
            continue;
        }
        let shown = path.display().to_string();
        match tps_code(path) {
            Some(station) => found.push(DocumentFile {
                path: path.clone(),
                station,
            }),
            None => problems.push(SourceProblem::new(&shown, "", SourceReason::NotTpsFileName)),
        }
    }
    Ok((found, skipped, problems))
}

fn tps_code(path: &Path) -> Option<String> {
    if path.extension()? != "json" {
        return None;
    }
    let stem = path.file_stem()?.to_str()?;
    (stem.len() == 13 && stem.bytes().all(|b| b.is_ascii_digit())).then(|| stem.to_owned())
}

/// Reads `directory`, whose folders below the root given are `folders`, in name order.
/// Entries are told apart by the type the directory listing gives (no `stat` per file; a
/// symbolic link is followed).
fn walk(
    directory: &Path,
    folders: &mut Vec<String>,
    found: &mut Vec<DocumentFile>,
    skipped: &mut u64,
    problems: &mut Vec<SourceProblem>,
) -> Result<(), std::io::Error> {
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(directory)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let is_directory = if kind.is_symlink() {
            entry.path().is_dir()
        } else {
            kind.is_dir()
        };
        entries.push((entry.file_name(), is_directory));
    }
    entries.sort();
    for (name, is_directory) in entries {
        let path = directory.join(&name);
        if is_directory {
            folders.push(name.to_string_lossy().into_owned());
            walk(&path, folders, found, skipped, problems)?;
            folders.pop();
            continue;
        }
        let Some(station) = tps_code(&path) else {
            *skipped += 1;
            continue;
        };
        if let Some(reason) = misplaced(folders, &station) {
            problems.push(SourceProblem::new(&path.display().to_string(), "", reason));
            continue;
        }
        found.push(DocumentFile { path, station });
    }
    Ok(())
}

/// Why a TPS file in `folders` (below the root given) is not where the portal puts it
/// (`<prov>/<kab>/<kec>/<desa>/`, the prefixes of 2, 4, 6 and 10 digits of its code), if
/// it is not.
fn misplaced(folders: &[String], station: &str) -> Option<SourceReason> {
    let expected: Vec<&str> = [2, 4, 6, 10]
        .iter()
        .filter_map(|length| station.get(..*length))
        .collect();
    // Folders below the root must be the code's own prefixes (a root may sit at any level).
    let tail = expected.get(expected.len().saturating_sub(folders.len())..)?;
    if folders.len() <= expected.len() && folders.iter().zip(tail).all(|(a, b)| a == b) {
        None
    } else {
        Some(SourceReason::MisplacedTps {
            station: station.to_owned(),
            folder: expected.join("/"),
        })
    }
}

/// What [`read_documents`] found: the sheets in the files' order, the counts, and every
/// problem.
pub type ReadDocuments = (Vec<SourcedSheet>, DocumentCounts, Vec<SourceProblem>);

/// Reads and parses every document of `files` on up to `threads` threads (a national tree
/// is 820,000 small files: their parsing is most of an import), keeping the files' order.
/// A file that cannot be read is an error; one over [`MAX_DOCUMENT_BYTES`] a problem.
pub fn read_documents(
    files: &[DocumentFile],
    shape: &ContestShape<'_>,
    threads: usize,
) -> Result<ReadDocuments, crate::FormatError> {
    let chunk = files.len().div_ceil(threads.max(1)).max(1);
    let results: Vec<Result<ReadDocuments, crate::FormatError>> = std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|part| scope.spawn(move || read_sequentially(part, shape)))
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker.join().unwrap_or_else(|_| {
                    Err(crate::FormatError::Io {
                        file: String::new(),
                        error: std::io::Error::other("a reading thread panicked"),
                    })
                })
            })
            .collect()
    });
    let mut all: ReadDocuments = (
        Vec::with_capacity(files.len()),
        DocumentCounts::default(),
        Vec::new(),
    );
    for result in results {
        let (sheets, counts, problems) = result?;
        all.0.extend(sheets);
        all.1.documents += counts.documents;
        all.1.not_counted += counts.not_counted;
        all.1.without_administration += counts.without_administration;
        all.1.invalid_unknown += counts.invalid_unknown;
        all.2.extend(problems);
    }
    Ok(all)
}

fn read_sequentially(
    files: &[DocumentFile],
    shape: &ContestShape<'_>,
) -> Result<ReadDocuments, crate::FormatError> {
    use std::io::Read;
    let mut read: ReadDocuments = (
        Vec::with_capacity(files.len()),
        DocumentCounts::default(),
        Vec::new(),
    );
    let mut bytes = Vec::new();
    let mut names = FieldNamesSeen::default();
    for file in files {
        let shown = file.path.display().to_string();
        let io_error = |error| crate::FormatError::Io {
            file: shown.clone(),
            error,
        };
        bytes.clear();
        std::fs::File::open(&file.path)
            .map_err(io_error)?
            .take(MAX_DOCUMENT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(io_error)?;
        if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
            read.2.push(SourceProblem::new(
                &shown,
                "",
                SourceReason::DocumentTooLarge {
                    limit: MAX_DOCUMENT_BYTES,
                },
            ));
            continue;
        }
        match document::read(
            &shown,
            &bytes,
            &file.station,
            shape,
            &mut read.1,
            &mut names,
        ) {
            Ok(Some(sheet)) => read.0.push(sheet),
            Ok(None) => {}
            Err(found) => read.2.extend(found),
        }
    }
    Ok(read)
}
