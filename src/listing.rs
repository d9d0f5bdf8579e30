//! One listing (named columns, one row per item) printed as a table for people, or JSON or
//! CSV for scripts, with the same column names in all three: `rekap list`, station rows.

use serde_json::{Map, Value};

use crate::commands::totals::Format;
use crate::table::Table;

pub struct Listing {
    /// Column names: JSON keys and the CSV header.
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Value>>,
}

impl Listing {
    pub fn new(columns: Vec<&'static str>) -> Listing {
        Listing {
            columns,
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Value>) {
        self.rows.push(row);
    }

    /// The listing in `format`; JSON is `{"<what>": [{column: value}], "count": n}`.
    pub fn render(
        &self,
        format: Format,
        what: &str,
        headings: &[String],
        lang: crate::lang::Lang,
    ) -> String {
        match format {
            Format::Json => {
                let items: Vec<Value> = self
                    .rows
                    .iter()
                    .map(|row| {
                        let object: Map<String, Value> = self
                            .columns
                            .iter()
                            .map(|column| (*column).to_owned())
                            .zip(row.iter().cloned())
                            .collect();
                        Value::Object(object)
                    })
                    .collect();
                let mut object = Map::new();
                object.insert("count".to_owned(), Value::from(items.len()));
                object.insert(what.to_owned(), Value::Array(items));
                Value::Object(object).to_string() + "\n"
            }
            Format::Csv => {
                let mut writer = csv::Writer::from_writer(Vec::new());
                let header: Vec<String> =
                    self.expanded_columns(|column, pair| format!("{column}_{pair}"));
                let _ = writer.write_record(&header);
                for row in &self.rows {
                    let _ = writer.write_record(self.expanded_row(row, cell));
                }
                String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
            }
            Format::Table => {
                let mut header = Vec::new();
                for (index, column) in self.columns.iter().enumerate() {
                    let heading = headings
                        .get(index)
                        .cloned()
                        .unwrap_or_else(|| (*column).to_owned());
                    match self.list_width(index) {
                        Some(width) => {
                            header.extend((1..=width).map(|entry| format!("{heading} {entry}")))
                        }
                        None => header.push(heading),
                    }
                }
                let mut table = Table::new(header);
                for row in &self.rows {
                    let cells = row
                        .iter()
                        .zip(&self.columns)
                        .map(|(value, column)| (value.clone(), *column));
                    table.push(
                        self.expanded_row_with(cells, |value, column| {
                            readable(value, column, lang)
                        }),
                    );
                }
                table.render()
            }
        }
    }

    /// The most entries a column of number lists holds (the pairs of a `votes` column):
    /// such a column is one column per entry in CSV (`votes_1`, `votes_2`, as the region
    /// CSV) and in the table. Lists of words (a contest's pairs) stay one cell.
    fn list_width(&self, index: usize) -> Option<usize> {
        let lists: Vec<&Vec<Value>> = self
            .rows
            .iter()
            .filter_map(|row| row.get(index)?.as_array())
            .collect();
        let numbers = lists.iter().all(|list| list.iter().all(Value::is_number));
        if !numbers {
            return None;
        }
        lists.into_iter().map(Vec::len).max()
    }

    /// The columns with each list column spread out, named by `name(column, entry)`.
    fn expanded_columns(&self, name: impl Fn(&'static str, usize) -> String) -> Vec<String> {
        let mut out = Vec::new();
        for (index, column) in self.columns.iter().enumerate() {
            match self.list_width(index) {
                Some(width) => out.extend((1..=width).map(|entry| name(column, entry))),
                None => out.push((*column).to_owned()),
            }
        }
        out
    }

    fn expanded_row(&self, row: &[Value], text: impl Fn(&Value) -> String) -> Vec<String> {
        let cells = row
            .iter()
            .zip(&self.columns)
            .map(|(value, column)| (value.clone(), *column));
        self.expanded_row_with(cells, |value, _| text(value))
    }

    fn expanded_row_with(
        &self,
        cells: impl Iterator<Item = (Value, &'static str)>,
        text: impl Fn(&Value, &str) -> String,
    ) -> Vec<String> {
        let mut out = Vec::new();
        for (index, (value, column)) in cells.enumerate() {
            match self.list_width(index) {
                Some(width) => {
                    let entries = value.as_array().cloned().unwrap_or_default();
                    out.extend((0..width).map(|entry| {
                        entries
                            .get(entry)
                            .map_or_else(String::new, |value| text(value, column))
                    }));
                }
                None => out.push(text(&value, column)),
            }
        }
        out
    }
}

/// A cell as a person reads it: numbers grouped, a key word (a role, a status) in the
/// language of the table (`value-COLUMN-KEY` in the catalogue).
fn readable(value: &Value, column: &str, lang: crate::lang::Lang) -> String {
    match value {
        Value::Number(number) => number
            .as_u64()
            .map_or_else(|| number.to_string(), |number| lang.number(number)),
        Value::String(key) => lang
            .message_if_any(&format!("value-{column}-{key}"))
            .unwrap_or_else(|| key.clone()),
        other => cell(other),
    }
}

/// A value as one cell: text without quotes, nothing for null, lists joined.
pub fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join(" "),
        other => other.to_string(),
    }
}
