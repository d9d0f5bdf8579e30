//! `audit`: the whole truth from the log alone, as numbered checks.

use std::fs;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use rekap_audit::{audit, AuditReport};
use rekap_ledger::view::read_totals_view;
use rekap_log::export::{records_in_export, verify_export};
use rekap_log::{DefaultStorage, Log, VerifyOptions};

use crate::exit::Outcome;
use crate::output::print;
use crate::progress::Stage;

#[derive(Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["log", "store"])))]
pub struct AuditArgs {
    /// An export file to audit offline.
    #[arg(long)]
    pub log: Option<PathBuf>,
    /// A store directory to audit.
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Print one JSON object: {"ok", "records", "head", "projection_digest", "judged_records", "unauthenticated_record", "checks": [...], "flags": [...]}.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: AuditArgs) -> anyhow::Result<Outcome> {
    let stage = Stage::start("checking the chain and signatures");
    let report = match (&args.log, &args.store) {
        (Some(path), _) => {
            let bytes =
                fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let chain = verify_export(bytes.as_slice(), VerifyOptions::default())?;
            stage.next("replaying every decision");
            audit(&chain, &records_in_export(&bytes), None)
        }
        (None, Some(store)) => {
            let log = Log::open_for_verification(DefaultStorage::open_read_only(store)?)?;
            let chain = log.verify(VerifyOptions::default())?;
            stage.next("replaying every decision");
            // Up to the first record that does not read: positions must stay positions.
            let records = log
                .records_from(1)
                .map_while(Result::ok)
                .collect::<Vec<_>>();
            audit(&chain, &records, read_totals_view(&log)?.as_ref())
        }
        (None, None) => anyhow::bail!("give --log FILE or --store DIR"),
    };
    stage.finish();
    if args.json {
        print(&(serde_json::to_string(&report)? + "\n"))?;
    } else {
        print(&human(&report))?;
    }
    Ok(if report.ok {
        Outcome::Success
    } else {
        Outcome::Rejected
    })
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
