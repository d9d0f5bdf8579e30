//! What an importer of another format reports: every problem of every file, each with the
//! file, the place inside it and the reason; nothing is imported while there is one.

use std::collections::BTreeMap;

use crate::reason::SourceReason;

/// One problem: the file (as given), where inside it (a JSON pointer such as
/// `/chart/100025`, empty for the whole document, or `line N` of a CSV), the station the
/// place is about (if known), the source's own name of the field (a CSV column), the rule
/// of docs/RULES.md it breaks (if it is one of the model's) and why, with the numbers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceProblem {
    pub file: String,
    pub at: String,
    pub station: Option<String>,
    pub field: Option<String>,
    pub rule: Option<String>,
    pub reason: SourceReason,
}

impl SourceProblem {
    /// The names of [`SourceProblem::csv_fields`], for a CSV header.
    pub const CSV_HEADER: [&'static str; 6] = ["file", "at", "station", "field", "rule", "reason"];

    /// The problem as one CSV row's fields (an absent one empty), in [`Self::CSV_HEADER`]'s
    /// order.
    pub fn csv_fields(&self) -> [String; 6] {
        let optional = |value: &Option<String>| value.clone().unwrap_or_default();
        [
            self.file.clone(),
            self.at.clone(),
            optional(&self.station),
            optional(&self.field),
            optional(&self.rule),
            self.reason.to_string(),
        ]
    }

    /// A problem with no station, field or rule.
    pub fn new(
        file: &str,
        at: impl Into<String>,
        reason: impl Into<SourceReason>,
    ) -> SourceProblem {
        SourceProblem {
            file: file.to_owned(),
            at: at.into(),
            station: None,
            field: None,
            rule: None,
            reason: reason.into(),
        }
    }

    /// What the summary counts it under: its rule, else its field, else `document`.
    pub fn kind(&self) -> String {
        match (&self.rule, &self.field) {
            (Some(rule), _) => rule.clone(),
            (None, Some(field)) => format!("column {field}"),
            (None, None) => "document".to_owned(),
        }
    }
}

/// The summary's kinds with each `column NAME` (a sheets CSV column) renamed as the source
/// names it, as each problem's line does: `column tidakSah`, not `column invalid`. Names
/// `source_name` gives none for are kept.
pub(crate) fn source_kinds(
    by_kind: BTreeMap<String, u64>,
    source_name: impl Fn(&str) -> Option<String>,
) -> BTreeMap<String, u64> {
    let mut renamed = BTreeMap::new();
    for (kind, count) in by_kind {
        let kind = match kind.strip_prefix("column ").and_then(&source_name) {
            Some(name) => format!("column {name}"),
            None => kind,
        };
        *renamed.entry(kind).or_insert(0) += count;
    }
    renamed
}

impl std::fmt::Display for SourceProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.at.is_empty() { "/" } else { &self.at };
        match &self.field {
            Some(field) => write!(f, "{}: {at}, {field}: {}", self.file, self.reason),
            None => write!(f, "{}: {at}: {}", self.file, self.reason),
        }
    }
}

/// Why nothing was imported.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// Some documents or rows are wrong: nothing may be appended. `problems` lists them in
    /// file order (at most the limit asked for); `unlisted` counts the rest; `by_kind`
    /// counts every one by [`SourceProblem::kind`].
    #[error("{} problems; nothing was imported", .problems.len() as u64 + .unlisted)]
    Rejected {
        problems: Vec<SourceProblem>,
        unlisted: u64,
        by_kind: BTreeMap<String, u64>,
    },
    /// Refused as a whole by the sheets importer (the key, a limit, reading).
    #[error(transparent)]
    Import(#[from] rekap_import::ImportError),
    #[error("reading {file} failed: {error}")]
    Io { file: String, error: std::io::Error },
}

impl FormatError {
    /// A rejection listing `problems` (all of them).
    pub fn rejected(problems: Vec<SourceProblem>) -> FormatError {
        let mut by_kind = BTreeMap::new();
        for problem in &problems {
            *by_kind.entry(problem.kind()).or_insert(0) += 1;
        }
        FormatError::Rejected {
            problems,
            unlisted: 0,
            by_kind,
        }
    }
}
