//! `audit`: the whole truth from the log alone, as numbered checks.

use std::fs;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use rekap_audit::{audit, audit_with_views, AuditReport, SavedViews};
use rekap_ledger::stations_view::STATIONS_VIEW;
use rekap_ledger::view::read_totals_view;
use rekap_log::export::{records_in_export, verify_export};
use rekap_log::{DefaultStorage, Log, Storage, VerifyOptions};

use crate::commands::totals::Format;
use crate::exit::Outcome;
use crate::output::print;
use crate::progress::Stage;

#[derive(Args)]
pub struct AuditArgs {
    /// An export file to audit offline (then --store is not read).
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// The store directory to audit [default: $REKAP_STORE, else rekap-store].
    #[arg(long, short = 's', value_name = "DIR", conflicts_with = "log")]
    pub store: Option<PathBuf>,
    /// JSON is one object: {"ok", "records", "head", "projection_digest", "judged_records",
    /// "unauthenticated_record", "checks": [...], "flags": [...]}; CSV one row per check.
    #[command(flatten)]
    pub format: crate::output::FormatArg,
}

pub fn run(args: AuditArgs) -> anyhow::Result<Outcome> {
    let stage = Stage::start("checking the chain and signatures");
    let report = match &args.log {
        Some(path) => {
            let bytes =
                fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let chain = verify_export(bytes.as_slice(), VerifyOptions::default())?;
            stage.next("replaying every decision");
            audit(&chain, &records_in_export(&bytes), None)
        }
        None => {
            let log = Log::open_for_verification(DefaultStorage::open_read_only(
                &crate::store::store_or_default(&args.store),
            )?)?;
            let chain = log.verify(VerifyOptions::default())?;
            stage.next("replaying every decision");
            // Up to the first record that does not read: positions must stay positions.
            let records = log
                .records_from(1)
                .map_while(Result::ok)
                .collect::<Vec<_>>();
            let totals = read_totals_view(&log)?;
            // A stations view of another head is not this log's to judge (as the totals
            // view: only a current one is read); its bytes are checked, not believed.
            let stations = log.storage().get_view(STATIONS_VIEW)?;
            let views = SavedViews {
                totals: totals.as_ref(),
                stations: stations.as_deref(),
            };
            audit_with_views(&chain, &records, views)
        }
    };
    stage.finish();
    match args.format.chosen() {
        Format::Json => print(&(serde_json::to_string(&report)? + "\n"))?,
        Format::Csv => print(&csv(&report))?,
        Format::Table => print(&human(&report))?,
    }
    Ok(if report.ok {
        Outcome::Success
    } else {
        Outcome::Rejected
    })
}

/// One row per check: `number,name,passed,checked,failed,first_failure_seq,first_failure`.
fn csv(report: &AuditReport) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record([
        "number",
        "name",
        "passed",
        "checked",
        "failed",
        "first_failure_seq",
        "first_failure",
    ]);
    for check in &report.checks {
        let failure = check.first_failure.as_ref();
        let _ = writer.write_record([
            check.number.to_string(),
            check.name.to_string(),
            check.passed.to_string(),
            check.checked.to_string(),
            check.failed.to_string(),
            failure
                .and_then(|failure| failure.seq)
                .map(|seq| seq.to_string())
                .unwrap_or_default(),
            failure
                .map(|failure| failure.reason.clone())
                .unwrap_or_default(),
        ]);
    }
    String::from_utf8(writer.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn human(report: &AuditReport) -> String {
    let mut out = format!(
        "{}: {} records, head {}\n",
        if report.ok {
            "audit passed"
        } else {
            "AUDIT FAILED"
        },
        report.records,
        report.head
    );
    if let Some(position) = report.unauthenticated_record {
        let judged = match report.judged_records {
            0 => "no records".to_owned(),
            last => format!("records 1..{last}"),
        };
        out += &format!(
            "  checks 3-9 judged {judged} only; record {position} is not authenticated \
             (checks 1-2), so nothing after it was judged and no projection digest is given\n"
        );
    }
    for check in &report.checks {
        let verdict = if check.stopped_at.is_some() {
            "STOPPED"
        } else if check.number == 9 {
            "listed"
        } else if check.passed {
            "passed"
        } else {
            "FAILED"
        };
        out += &format!(
            "  {}. {:<62} {verdict:<7} {} checked",
            check.number, check.name, check.checked
        );
        if check.failed > 0 {
            out += &format!(", {} failed", check.failed);
        }
        out.push('\n');
        if let Some(failure) = &check.first_failure {
            let place = failure
                .seq
                .map_or_else(|| "file".to_owned(), |seq| format!("record {seq}"));
            out += &format!("       first failure at {place}: {}\n", failure.reason);
        }
    }
    for flag in report.flags.iter().take(10) {
        out += &format!("       flag {flag}\n");
    }
    if let Some(digest) = &report.projection_digest {
        out += &format!("  projection digest {digest}\n");
    }
    out
}
