use std::fs::OpenOptions;

use anyhow::Context;
use rekap_log::export::write_export;
use rekap_log::{DefaultStorage, Log};

use crate::cli::ExportArgs;
use crate::commands::totals::Format;
use crate::exit::Outcome;
use crate::output::print;
use crate::progress::{Counter, CountingWriter, Unit};

/// What `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Table,
    Json,
    Csv,
    /// NIST SP 1500-100 v2 Election Results Reporting JSON of the current results.
    NistErr,
    /// OpenElections CSV of the current results.
    Openelections,
}

pub fn run(mut args: ExportArgs) -> anyhow::Result<Outcome> {
    crate::client::copy::read_from(&args.server, &mut args.store)?;
    let summary_format = match (args.format, args.json) {
        (_, true) | (ExportFormat::Json, _) => Format::Json,
        (ExportFormat::Csv, _) => Format::Csv,
        (ExportFormat::Table, _) => Format::Table,
        (ExportFormat::NistErr, _) => {
            let text = super::export_results::nist(&args.store)?;
            super::export_results::write_out(&args.out, &text)?;
            return Ok(Outcome::Success);
        }
        (ExportFormat::Openelections, _) => {
            let text = super::export_results::openelections(&args.store, args.level.as_deref())?;
            super::export_results::write_out(&args.out, &text)?;
            return Ok(Outcome::Success);
        }
    };
    let storage = DefaultStorage::open_read_only(&args.store)?;
    let log = Log::open(storage)?;
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&args.out)
        .with_context(|| {
            crate::lang::say_with("command-cannot-create", &[("path", &args.out.display())])
        })?;
    // The segment file's size: about what the export copies, for the estimate.
    let estimate = std::fs::metadata(args.store.join("log.segment")).map_or(0, |meta| meta.len());
    let counter = Counter::start(
        crate::lang::current().message("progress-exporting"),
        estimate,
        Unit::Bytes,
    );
    let written = write_export(
        &log,
        CountingWriter {
            inner: &file,
            counter: &counter,
        },
    );
    let summary = match written {
        Ok(summary) => summary,
        Err(error) => {
            // A damaged store (or a full disk) leaves no half export behind to be mistaken
            // for a whole one.
            drop(file);
            let _ = std::fs::remove_file(&args.out);
            return Err(error.into());
        }
    };
    drop(counter);
    file.sync_all().with_context(|| {
        crate::lang::say_with("command-cannot-sync", &[("path", &args.out.display())])
    })?;
    let value = serde_json::json!({
        "records": summary.records,
        "bytes": summary.bytes,
        "out": args.out.display().to_string(),
        "head": hex::encode(summary.head),
    });
    let text = match summary_format {
        Format::Json => value.to_string() + "\n",
        Format::Csv => crate::output::csv_of_object(&value),
        Format::Table => format!(
            "{}\n",
            crate::lang::say_with(
                "command-export-exported-records-bytes-head",
                &[
                    ("records", &crate::lang::count(summary.records)),
                    ("bytes", &crate::lang::count(summary.bytes)),
                    ("path", &args.out.display()),
                    ("encode", &hex::encode(summary.head))
                ]
            )
        ),
    };
    print(&text)?;
    Ok(Outcome::Success)
}
