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

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rekap_model::limits::{MAX_PHOTO_URL_BYTES, MAX_SOURCE_PHOTOS};
use rekap_model::TallySheet;
use serde_json::{Map, Value};

use crate::problem::SourceProblem;
use crate::sourced::{FieldNames, SourceDocument, SourcedSheet};

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
            return Err(vec![SourceProblem::new(file, "", "expected an object")]);
        };
        for (key, entry) in top {
            let pointer = pointer_of("", key);
            let Some(entry) = entry.as_object() else {
                problems.push(SourceProblem::new(file, pointer, "expected an object"));
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
                    None => problems.push(SourceProblem::new(file, pointer, "expected an object")),
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
                "a ballot number (1 or more) is required",
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
    /// Sheets whose invalid votes the document does not give: recorded as 0.
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
    counts.documents += 1;
    let value = parse_json(file, bytes)?;
    let mut reader = DocumentReader {
        file,
        problems: Vec::new(),
    };
    let Some(root) = value.as_object() else {
        return Err(vec![SourceProblem::new(
            file,
            "",
            "expected an object (one TPS)",
        )]);
    };
    for (key, kind) in [
        ("ts", Kind::Text),
        ("psu", Kind::Text),
        ("mode", Kind::Text),
        ("status_suara", Kind::Bool),
        ("status_adm", Kind::Bool),
    ] {
        reader.check(root, "", key, kind);
    }
    let (counts_object, base) = match root.get("tungsura") {
        None | Some(Value::Null) => (root, String::new()),
        Some(Value::Object(tungsura)) => (tungsura, "/tungsura".to_owned()),
        Some(_) => {
            reader.push("/tungsura", "expected an object (chart and administrasi)");
            return Err(reader.problems);
        }
    };
    let photos = reader.photos(root);
    let votes = reader.chart(counts_object, &base, station, contest);
    let administration = reader.administration(counts_object, &base);
    let status_adm = root.get("status_adm").and_then(Value::as_bool);
    if !reader.problems.is_empty() {
        return Err(reader.problems);
    }
    let Some((votes, field_names)) = votes else {
        counts.not_counted += 1;
        return Ok(None);
    };
    let sum: u64 = votes.iter().map(|v| u64::from(*v)).sum();
    let chart_sum = u32::try_from(sum).unwrap_or(u32::MAX);
    let trusted = administration.filter(|_| status_adm != Some(false));
    let valid = match trusted.and_then(|a| a.valid) {
        Some(valid) => valid,
        None => {
            counts.without_administration += 1;
            chart_sum
        }
    };
    let invalid = match administration.and_then(|a| a.invalid) {
        Some(invalid) => invalid,
        None => {
            counts.invalid_unknown += 1;
            0
        }
    };
    let mut fields = (*field_names).clone();
    let admin = format!("{base}/administrasi");
    fields.insert("valid".into(), format!("{admin}/suara_sah"));
    fields.insert("invalid".into(), format!("{admin}/suara_tidak_sah"));
    fields.insert("station".into(), String::new());
    fields.insert("contest".into(), String::new());
    Ok(Some(SourcedSheet {
        file: Arc::from(file),
        at: String::new(),
        station: station.to_owned(),
        contest: contest.id.to_owned(),
        sheet: TallySheet {
            votes,
            valid,
            invalid,
            votes_only: true,
            ..TallySheet::default()
        },
        fields: Arc::new(fields),
        source: Some(SourceDocument {
            document: *blake3::hash(bytes).as_bytes(),
            photos,
        }),
    }))
}

#[derive(Clone, Copy)]
enum Kind {
    Text,
    Bool,
}

#[derive(Clone, Copy)]
struct Administration {
    valid: Option<u32>,
    invalid: Option<u32>,
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

struct DocumentReader<'a> {
    file: &'a str,
    problems: Vec<SourceProblem>,
}

impl DocumentReader<'_> {
    fn push(&mut self, at: &str, reason: impl Into<String>) {
        self.problems
            .push(SourceProblem::new(self.file, at, reason));
    }

    fn check(&mut self, object: &Map<String, Value>, base: &str, key: &str, kind: Kind) {
        let fits = matches!(
            (object.get(key), kind),
            (None | Some(Value::Null), _)
                | (Some(Value::String(_)), Kind::Text)
                | (Some(Value::Bool(_)), Kind::Bool)
        );
        if !fits {
            let expected = match kind {
                Kind::Text => "expected text or null",
                Kind::Bool => "expected true, false or null",
            };
            self.push(&pointer_of(base, key), expected);
        }
    }

    fn photos(&mut self, root: &Map<String, Value>) -> Vec<String> {
        let mut photos = Vec::new();
        match root.get("images") {
            None | Some(Value::Null) => {}
            Some(Value::Array(images)) => {
                for (index, image) in images.iter().enumerate() {
                    let at = format!("/images/{index}");
                    match image {
                        Value::Null => {}
                        Value::String(url) if url.len() > MAX_PHOTO_URL_BYTES => self.push(
                            &at,
                            format!("a photo URL of more than {MAX_PHOTO_URL_BYTES} bytes"),
                        ),
                        Value::String(url) => photos.push(url.clone()),
                        _ => self.push(&at, "expected a URL or null"),
                    }
                }
                if photos.len() > MAX_SOURCE_PHOTOS {
                    self.push("/images", format!("more than {MAX_SOURCE_PHOTOS} photos"));
                }
            }
            Some(_) => self.push("/images", "expected a list of URLs"),
        }
        photos
    }

    /// The votes in ballot order and the pointer of each `votes_N`, or `None` without a chart.
    fn chart(
        &mut self,
        object: &Map<String, Value>,
        base: &str,
        station: &str,
        contest: &ContestShape<'_>,
    ) -> Option<(Vec<u32>, FieldNames)> {
        let chart_at = format!("{base}/chart");
        let chart = match object.get("chart") {
            None | Some(Value::Null) => return None,
            Some(Value::Object(chart)) => chart,
            Some(_) => {
                self.push(&chart_at, "expected an object of votes by candidate id");
                return None;
            }
        };
        let province = station.get(..2).unwrap_or_default();
        let mut votes: Vec<Option<u32>> = vec![None; contest.pairs];
        let mut fields = BTreeMap::new();
        for (id, value) in chart {
            let at = pointer_of(&chart_at, id);
            let count = match count(value) {
                Ok(count) => count,
                Err(reason) => {
                    self.push(&at, reason);
                    continue;
                }
            };
            if id == "null" {
                if count.unwrap_or(0) != 0 {
                    self.push(&at, "votes for no candidate (the \"null\" key)");
                }
                continue;
            }
            let number = match contest.candidates {
                Some(candidates) => candidates.number(province, id),
                None => id.parse::<u32>().ok(),
            };
            let slot = number
                .and_then(|number| number.checked_sub(1))
                .and_then(|index| votes.get_mut(index as usize));
            let Some(slot) = slot else {
                let reason = match contest.candidates {
                    Some(_) => format!(
                        "candidate id {id:?} is not in the candidates file for province {province} \
                         with a ballot number of contest {} (1 to {})",
                        contest.id, contest.pairs
                    ),
                    None => format!(
                        "{id:?} is not a ballot number of contest {} (1 to {}); give the portal's \
                         candidates file with --candidates",
                        contest.id, contest.pairs
                    ),
                };
                self.push(&at, reason);
                continue;
            };
            if slot.is_some() {
                self.push(&at, "a second count for the same ballot number");
                continue;
            }
            *slot = Some(count.unwrap_or(0));
            if count.is_none() {
                self.push(&at, "no votes given (null) for a candidate");
            }
            if let Some(number) = number {
                fields.insert(format!("votes_{number}"), at);
            }
        }
        let mut complete = Vec::with_capacity(votes.len());
        for (index, vote) in votes.into_iter().enumerate() {
            match vote {
                Some(vote) => complete.push(vote),
                None => {
                    self.push(
                        &chart_at,
                        format!("no votes for ballot number {}", index + 1),
                    );
                    complete.push(0);
                }
            }
        }
        Some((complete, Arc::new(fields)))
    }

    fn administration(
        &mut self,
        object: &Map<String, Value>,
        base: &str,
    ) -> Option<Administration> {
        let at = format!("{base}/administrasi");
        let administration = match object.get("administrasi") {
            None | Some(Value::Null) => return None,
            Some(Value::Object(administration)) => administration,
            Some(_) => {
                self.push(&at, "expected an object");
                return None;
            }
        };
        let mut read = |key: &str| -> Option<u32> {
            let value = administration.get(key)?;
            match count(value) {
                Ok(count) => count,
                Err(reason) => {
                    self.push(&pointer_of(&at, key), reason);
                    None
                }
            }
        };
        let mut found = Administration {
            valid: None,
            invalid: None,
        };
        for key in ADMINISTRATION_COUNTS {
            let value = read(key);
            match key {
                "suara_sah" => found.valid = value,
                "suara_tidak_sah" => found.invalid = value,
                _ => {}
            }
        }
        Some(found)
    }
}

/// A count: a whole number 0 to `u32::MAX`, or null (not given).
fn count(value: &Value) -> Result<Option<u32>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Number(number) => match number.as_u64() {
            Some(n) => u32::try_from(n)
                .map(Some)
                .map_err(|_| format!("{n} is too large (at most {})", u32::MAX)),
            None => Err(format!("{number} is not a whole number of 0 or more")),
        },
        other => Err(format!("expected a count, found {}", type_name(other))),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// `base` extended by `key`, escaped as RFC 6901 says (`~` as `~0`, `/` as `~1`).
pub fn pointer_of(base: &str, key: &str) -> String {
    format!("{base}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// The document as JSON, or its syntax error with line and column.
pub(crate) fn parse_json(file: &str, bytes: &[u8]) -> Result<Value, Vec<SourceProblem>> {
    serde_json::from_slice(bytes).map_err(|error| {
        vec![SourceProblem::new(
            file,
            "",
            format!(
                "not JSON: {} (line {}, column {})",
                error,
                error.line(),
                error.column()
            ),
        )]
    })
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
            walk(path, path, &mut found, &mut skipped, &mut problems)?;
            continue;
        }
        let shown = path.display().to_string();
        match tps_code(path) {
            Some(station) => found.push(DocumentFile {
                path: path.clone(),
                station,
            }),
            None => problems.push(SourceProblem::new(
                &shown,
                "",
                "the file name is not a 13-digit TPS code (e.g. 6401012009001.json)",
            )),
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

fn walk(
    root: &Path,
    directory: &Path,
    found: &mut Vec<DocumentFile>,
    skipped: &mut u64,
    problems: &mut Vec<SourceProblem>,
) -> Result<(), std::io::Error> {
    let mut entries = std::fs::read_dir(directory)?
        .map(|entry| entry.map(|entry| entry.path()))
        .collect::<Result<Vec<_>, _>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(root, &path, found, skipped, problems)?;
            continue;
        }
        let Some(station) = tps_code(&path) else {
            *skipped += 1;
            continue;
        };
        if let Some(reason) = misplaced(root, &path, &station) {
            problems.push(SourceProblem::new(&path.display().to_string(), "", reason));
            continue;
        }
        found.push(DocumentFile { path, station });
    }
    Ok(())
}

/// Why a TPS file is not where the portal puts it (`<prov>/<kab>/<kec>/<desa>/`, the
/// prefixes of 2, 4, 6 and 10 digits of its code), if it is not.
fn misplaced(root: &Path, path: &Path, station: &str) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    let folders: Vec<_> = relative
        .parent()?
        .components()
        .filter_map(|part| part.as_os_str().to_str())
        .collect();
    let expected: Vec<&str> = [2, 4, 6, 10]
        .iter()
        .filter_map(|length| station.get(..*length))
        .collect();
    // Folders below the root must be the code's own prefixes (a root may sit at any level).
    let tail = expected.get(expected.len().saturating_sub(folders.len())..)?;
    if folders.len() <= expected.len() && folders == tail {
        None
    } else {
        Some(format!(
            "TPS {station} is not in the portal's folder {}",
            expected.join("/")
        ))
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
                format!("larger than {MAX_DOCUMENT_BYTES} bytes, the largest document read"),
            ));
            continue;
        }
        match read_document(&shown, &bytes, &file.station, shape, &mut read.1) {
            Ok(Some(sheet)) => read.0.push(sheet),
            Ok(None) => {}
            Err(found) => read.2.extend(found),
        }
    }
    Ok(read)
}
