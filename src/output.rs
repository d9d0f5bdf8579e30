//! Writing to stdout without panicking on a closed pipe (`rekap verify ... | head`).

use std::io::{self, Write};

/// Writes `text` to stdout; a closed pipe surfaces as an error that `exit::finish` treats
/// as success.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut stdout = io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

/// Whether the error is a closed stdout pipe.
pub fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|io_error| io_error.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// `-f/--format table|json|csv` of a reading command, with `--json` kept as the older
/// spelling of `--format json`.
#[derive(clap::Args, Clone, Copy, Debug)]
pub struct FormatArg {
    /// Output: a table or text for people, JSON or CSV for scripts.
    #[arg(long, short = 'f', value_enum, default_value_t = crate::commands::totals::Format::Table)]
    pub format: crate::commands::totals::Format,
    /// The older spelling of --format json.
    #[arg(long, hide = true)]
    pub json: bool,
}

impl FormatArg {
    pub fn chosen(&self) -> crate::commands::totals::Format {
        if self.json {
            crate::commands::totals::Format::Json
        } else {
            self.format
        }
    }
}

/// A JSON object's top-level fields as one CSV header and row (nested values as JSON).
pub fn csv_of_object(value: &serde_json::Value) -> String {
    let Some(object) = value.as_object() else {
        return String::new();
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(object.keys());
    let _ = writer.write_record(object.values().map(|value| match value {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }));
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}
