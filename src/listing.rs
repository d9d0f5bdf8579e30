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
    pub fn render(&self, format: Format, what: &str, headings: &[String]) -> String {
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
                let _ = writer.write_record(&self.columns);
                for row in &self.rows {
                    let _ = writer.write_record(row.iter().map(cell));
                }
                String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
            }
            Format::Table => {
                let mut table = Table::new(headings.to_vec());
                for row in &self.rows {
                    table.push(row.iter().map(cell).collect());
                }
                table.render()
            }
        }
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
