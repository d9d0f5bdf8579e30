use std::fs::File;

use anyhow::Context;
use rekap_log::export::verify_export;
use rekap_log::{DefaultStorage, Failure, Log, Record, VerifyOptions, VerifyReport};
use rekap_model::{decode_payload, Payload};
use serde::Serialize;

use crate::cli::VerifyArgs;
use crate::commands::totals::Format;
use crate::exit::Outcome;
use crate::output::print;

#[derive(Serialize)]
struct JsonReport<'a> {
    ok: bool,
    records: u64,
    head: String,
    failures: Vec<JsonFailure<'a>>,
    failures_not_listed: u64,
}

#[derive(Serialize)]
struct JsonFailure<'a> {
    seq: Option<u64>,
    reason: &'a str,
}

pub fn run(mut args: VerifyArgs) -> anyhow::Result<Outcome> {
    if args.log.is_none() && args.store.is_none() && args.tiles.is_none() {
        if let Some(copy) = args.server.copy()? {
            args.store = Some(copy);
        }
    }
    let options = VerifyOptions {
        signatures: !args.no_signatures,
    };
    if let Some(source) = &args.tiles {
        return verify_tiles(&args, source, options);
    }
    let report = match &args.log {
        Some(path) => {
            let file = File::open(path).with_context(|| {
                crate::lang::say_with("command-cannot-open", &[("path", &path.display())])
            })?;
            // An export is judged as bytes (FORMAT.md); `audit --log` judges the election.
            verify_export(file, options).with_context(|| format!("reading {}", path.display()))?
        }
        None => {
            let log = Log::open_for_verification(DefaultStorage::open_read_only(
                &crate::store::store_or_default(&args.store),
            )?)?;
            let report = log.verify(options)?;
            let first = log.read(1).ok().flatten();
            with_genesis_check(report, first.as_ref())
        }
    };
    finish(&report, args.format.chosen())
}

/// Prints the report in `format` and gives its outcome.
fn finish(report: &VerifyReport, format: Format) -> anyhow::Result<Outcome> {
    match format {
        Format::Json => print(&(json(report)? + "\n"))?,
        Format::Csv => print(&csv(report))?,
        Format::Table => print(&human(report))?,
    }
    Ok(if report.ok() {
        Outcome::Success
    } else {
        Outcome::Rejected
    })
}

/// `verify --tiles`: the report of the records, then what was checked of the tree.
fn verify_tiles(
    args: &VerifyArgs,
    source: &str,
    options: VerifyOptions,
) -> anyhow::Result<Outcome> {
    let log_key = args
        .log_key
        .as_deref()
        .map(super::tlog::vkey_argument)
        .transpose()?;
    let source_tree = super::verify_tiles::TileSource::new(source);
    let checked = super::verify_tiles::verify(&source_tree, log_key.as_ref(), options)
        .with_context(|| {
            crate::lang::say_with(
                "command-verify-verifying-tile-tree-at",
                &[("source", &source)],
            )
        })?;
    let cosigned = match args.quorum.check(&checked.note)? {
        Ok(cosigned) => cosigned,
        Err(why) => {
            let why = why.to_string();
            let lang = crate::lang::current();
            print(&format!(
                "{}\n",
                lang.message_with("verify-tiles-failed", &[("reason", &why)])
            ))?;
            return Ok(Outcome::Rejected);
        }
    };
    let report = &checked.report;
    let format = args.format.chosen();
    if !matches!(format, Format::Table) {
        return finish(report, format);
    }
    {
        let signature = crate::lang::say(if checked.signature_checked {
            "command-verify-signed-by-log-key"
        } else {
            "command-verify-signature-not-checked"
        });
        print(&format!(
            "{}\n",
            crate::lang::say_with(
                "command-verify-checkpoint-size-entries-tiles-root",
                &[
                    ("human", &human(report)),
                    ("origin", &checked.checkpoint.origin),
                    ("size", &checked.checkpoint.size),
                    ("signature", &signature)
                ]
            )
        ))?;
        print(&super::witness::cosigned_line(cosigned.as_deref()))?;
    }
    Ok(if report.ok() {
        Outcome::Success
    } else {
        Outcome::Rejected
    })
}

// The reasons of the genesis check, in English as JSON and CSV carry them (the table
// words them through error_words::chain_reason).
pub const LOG_EMPTY: &str = "the log is empty: it holds no genesis";
pub const NOT_A_GENESIS: &str = "record 1 is not a genesis (the election definition)";
pub const GENESIS_UNDECODABLE: &str = "record 1 does not decode as a genesis";

/// A store's log starts with its genesis: the definition, signed by the registrar. A store
/// whose log is empty, or whose first record is anything else, is not an election's
/// store, however well its chain verifies.
fn with_genesis_check(mut report: VerifyReport, first: Option<&Record>) -> VerifyReport {
    let problem = match first {
        // A log that could not be read from its first record is damaged, not empty: the
        // damage (where, what) is already the report's failure.
        None if report.records == 0 && report.failures.is_empty() => Some((None, LOG_EMPTY)),
        None => None,
        Some(record) => match decode_payload(&record.payload) {
            Ok(Payload::Genesis(_)) => None,
            Ok(_) => Some((Some(1), NOT_A_GENESIS)),
            Err(_) => Some((Some(1), GENESIS_UNDECODABLE)),
        },
    };
    if let Some((seq, reason)) = problem {
        report.failures.insert(
            0,
            Failure {
                seq,
                reason: reason.to_owned(),
            },
        );
    }
    report
}

fn json(report: &VerifyReport) -> anyhow::Result<String> {
    let failures = report
        .failures
        .iter()
        .map(|failure| JsonFailure {
            seq: failure.seq,
            reason: &failure.reason,
        })
        .collect();
    Ok(serde_json::to_string(&JsonReport {
        ok: report.ok(),
        records: report.records,
        head: hex::encode(report.head),
        failures,
        failures_not_listed: report.failures_not_listed,
    })?)
}

/// One row per failure (`seq,reason`), after a summary row with no seq: `ok`/`FAILED`.
fn csv(report: &VerifyReport) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(["ok", "records", "head", "seq", "reason"]);
    let ok = report.ok().to_string();
    let records = report.records.to_string();
    let head = hex::encode(report.head);
    if report.failures.is_empty() {
        let _ = writer.write_record([ok.as_str(), &records, &head, "", ""]);
    }
    for failure in &report.failures {
        let seq = failure.seq.map(|seq| seq.to_string()).unwrap_or_default();
        let _ = writer.write_record([ok.as_str(), &records, &head, &seq, &failure.reason]);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn human(report: &VerifyReport) -> String {
    let lang = crate::lang::current();
    let records = lang.number(report.records);
    let mut text = if report.ok() {
        lang.message_with("verify-ok", &[("records", &records)])
    } else {
        let failures = lang.number(report.failures.len() as u64 + report.failures_not_listed);
        lang.message_with(
            "verify-failed",
            &[("records", &records), ("failures", &failures)],
        )
    };
    let head = hex::encode(report.head);
    text += &format!(
        "\n{}\n",
        lang.message_with("verify-head", &[("head", &head)])
    );
    for failure in &report.failures {
        let reason = &crate::error_words::chain_reason(&failure.reason, lang);
        let line = match failure.seq {
            Some(seq) => lang.message_with(
                "verify-failure-record",
                &[("seq", &seq), ("reason", reason)],
            ),
            None => lang.message_with("verify-failure-file", &[("reason", reason)]),
        };
        text += &format!("  {line}\n");
    }
    if report.failures_not_listed > 0 {
        let count = lang.number(report.failures_not_listed);
        text += &format!(
            "  {}\n",
            lang.message_with("verify-more", &[("count", &count)])
        );
    }
    text
}
