//! `import -f json|csv`: what an import did (or why it refused the file) for scripts, with
//! the names `verify` uses (`ok`, `head`, `problems` beside its `failures`).
//!
//! JSON is one object: `{"ok", "rows", "rows_skipped", "sheets", "sheets_without_invalid",
//! "to_append", "already_imported", "dry_run",
//! "first_record", "last_record", "head", "problems": [{"file", "at", "station", "field",
//! "rule", "reason"}], "problems_not_listed", "problems_by_kind"}`. CSV has the columns
//! `ok,rows,to_append,already_imported,first_record,last_record,head,file,at,station,field,rule,reason`:
//! one row when there is no problem, else one per problem.

use std::collections::BTreeMap;

use rekap_formats::SourceProblem;
use rekap_import::RowProblem;
use serde::Serialize;

/// A sheets CSV row's problem in the shape every importer reports (the other formats'
/// importers report [`SourceProblem`]s already).
pub fn problem_of_row(file: &str, problem: &RowProblem) -> SourceProblem {
    SourceProblem {
        file: file.to_owned(),
        at: format!("line {}", problem.line),
        station: problem.station.clone(),
        field: problem.field.clone(),
        rule: problem.rule.clone(),
        reason: rekap_formats::SourceReason::Row(problem.reason.clone()),
    }
}

/// What an import did, or why it did nothing.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportResult {
    pub ok: bool,
    /// Rows read: one per sheet in a sheets CSV, one per candidate in an OpenElections file.
    pub rows: u64,
    /// Rows read but not of a sheet (OpenElections offices that are not contests); only for
    /// a source whose rows are not one per sheet, as `sheets_without_invalid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows_skipped: Option<u64>,
    /// The sheets the rows make (to append and already imported).
    pub sheets: u64,
    /// Sheets that give no invalid count (recorded as absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheets_without_invalid: Option<u64>,
    pub to_append: u64,
    pub already_imported: u64,
    pub dry_run: bool,
    pub first_record: Option<u64>,
    pub last_record: Option<u64>,
    /// Hex of the last record's hash after the append.
    pub head: Option<String>,
    pub problems: Vec<SourceProblem>,
    pub problems_not_listed: u64,
    pub problems_by_kind: BTreeMap<String, u64>,
}

impl ImportResult {
    /// A refused file.
    pub fn refused(
        problems: Vec<SourceProblem>,
        unlisted: u64,
        by_kind: &BTreeMap<String, u64>,
    ) -> ImportResult {
        ImportResult {
            ok: false,
            problems,
            problems_not_listed: unlisted,
            problems_by_kind: by_kind.clone(),
            ..ImportResult::default()
        }
    }

    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default() + "\n"
    }

    pub fn csv(&self) -> String {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let _ = writer.write_record(
            [
                "ok",
                "rows",
                "to_append",
                "already_imported",
                "first_record",
                "last_record",
                "head",
            ]
            .into_iter()
            .chain(SourceProblem::CSV_HEADER),
        );
        let optional = |value: &Option<String>| value.clone().unwrap_or_default();
        let number = |value: Option<u64>| value.map(|v| v.to_string()).unwrap_or_default();
        let summary = [
            self.ok.to_string(),
            self.rows.to_string(),
            self.to_append.to_string(),
            self.already_imported.to_string(),
            number(self.first_record),
            number(self.last_record),
            optional(&self.head),
        ];
        if self.problems.is_empty() {
            let mut row = summary.to_vec();
            row.extend(std::iter::repeat_n(String::new(), 6));
            let _ = writer.write_record(&row);
        }
        for problem in &self.problems {
            let mut row = summary.to_vec();
            row.extend(problem.csv_fields());
            let _ = writer.write_record(&row);
        }
        String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
    }
}
