//! `audit`: the whole truth from the log alone, as numbered checks.

use std::fs;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use rekap_audit::{audit_with_views, AuditReport, SavedViews};
use rekap_ledger::authority_view::AUTHORITY_VIEW;
use rekap_ledger::history_view::{HISTORY_TAIL_VIEW, HISTORY_VIEW};
use rekap_ledger::stations_view::STATIONS_VIEW;
use rekap_ledger::view::read_totals_view;
use rekap_log::export::{records_in_export, verify_export};
use rekap_log::{DefaultStorage, Log, Storage, VerifyOptions};

use crate::commands::totals::Format;
use crate::exit::Outcome;
use crate::output::print;
use crate::progress::{Counter, Unit};

#[derive(Args)]
pub struct AuditArgs {
    /// An export file to audit offline (then --store is not read).
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// The store directory to audit [default: $REKAP_STORE, else rekap-store].
    #[arg(long, short = 's', value_name = "DIR", conflicts_with = "log")]
    pub store: Option<PathBuf>,
    #[command(flatten)]
    pub server: crate::client::copy::ServerArg,
    /// JSON is one object: {"ok", "records", "head", "projection_digest", "judged_records",
    /// "unauthenticated_record", "checks": [...], "flags": [...]}; CSV one row per check.
    #[command(flatten)]
    pub format: crate::output::FormatArg,
}

pub fn run(mut args: AuditArgs) -> anyhow::Result<Outcome> {
    if args.log.is_none() && args.store.is_none() {
        if let Some(copy) = args.server.copy()? {
            args.store = Some(copy);
        }
    }
    let lang = crate::lang::current();
    let counter = Counter::start(lang.message("progress-checking-chain"), 0, Unit::Items);
    let mut tell = |done: u64, total: u64| counter.set(done, total);
    let report = match &args.log {
        Some(path) => {
            let bytes = fs::read(path).with_context(|| {
                crate::lang::say_with("command-cannot-read", &[("path", &path.display())])
            })?;
            let chain = verify_export(bytes.as_slice(), VerifyOptions::default())?;
            counter.next(lang.message("progress-replaying-decisions"));
            audit_with_views(
                &chain,
                &records_in_export(&bytes),
                SavedViews::default(),
                &mut tell,
            )
        }
        None => {
            let log = Log::open_for_verification(DefaultStorage::open_read_only(
                &crate::store::store_or_default(&args.store),
            )?)?;
            let chain = log.verify_with_progress(VerifyOptions::default(), &mut tell)?;
            counter.next(lang.message("progress-replaying-decisions"));
            // Up to the first record that does not read: positions must stay positions.
            let records = log
                .records_from(1)
                .map_while(Result::ok)
                .collect::<Vec<_>>();
            let totals = read_totals_view(&log)?;
            // A stations view of another head is not this log's to judge (as the totals
            // view: only a current one is read); its bytes are checked, not believed.
            let stations = log.storage().get_view(STATIONS_VIEW)?;
            // The history view saved whole if it is current, else the one its current tail
            // is over, with that tail (a reader believes the two together).
            let (history, history_tail) = match log.storage().get_view(HISTORY_VIEW)? {
                Some(body) => (Some(body), None),
                None => match log.storage().get_view(HISTORY_TAIL_VIEW)? {
                    Some(tail) => (
                        log.storage().get_view_of_any_head(HISTORY_VIEW)?,
                        Some(tail),
                    ),
                    None => (None, None),
                },
            };
            let authority = log.storage().get_view(AUTHORITY_VIEW)?;
            let locate = |seqs: &[u64]| {
                (log.storage().record_locations(seqs)).map_err(|error| error.to_string())
            };
            let views = SavedViews {
                locate: Some(&locate),
                totals: totals.as_ref(),
                stations: stations.as_deref(),
                history: history.as_deref(),
                history_tail: history_tail.as_deref(),
                authority: authority.as_deref(),
            };
            audit_with_views(&chain, &records, views, &mut tell)
        }
    };
    drop(counter);
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
    let lang = crate::lang::current();
    let verdict = lang.message(if report.ok {
        "audit-passed"
    } else {
        "audit-failed"
    });
    let records = lang.number(report.records);
    let mut out = lang.message_with(
        "audit-summary",
        &[
            ("verdict", &verdict),
            ("records", &records),
            ("head", &report.head),
        ],
    ) + "\n";
    if let Some(position) = report.unauthenticated_record {
        let judged = match report.judged_records {
            0 => lang.message("audit-no-records"),
            last => lang.message_with("audit-records-up-to", &[("last", &last)]),
        };
        let line = lang.message_with(
            "audit-unauthenticated",
            &[("judged", &judged), ("position", &position)],
        );
        out += &format!("  {line}\n");
    }
    for check in &report.checks {
        out += &check_lines(check, lang);
    }
    for (id, station, flag) in report.listed_flags.iter().take(10) {
        let flag = format!("{id} {station}: {}", crate::error_words::flag(flag, lang));
        let line = lang.message_with("audit-flag", &[("flag", &flag)]);
        out += &format!("       {line}\n");
    }
    if let Some(digest) = &report.projection_digest {
        let line = lang.message_with("audit-projection-digest", &[("digest", digest)]);
        out += &format!("  {line}\n");
    }
    out
}

/// One check: its number, name, verdict and counts, and its first failure.
fn check_lines(check: &rekap_audit::CheckResult, lang: crate::lang::Lang) -> String {
    let verdict = lang.message(if check.stopped_at.is_some() {
        "audit-verdict-stopped"
    } else if check.number == 9 {
        "audit-verdict-listed"
    } else if check.passed {
        "audit-verdict-passed"
    } else {
        "audit-verdict-failed"
    });
    let name = lang
        .message_if_any(&format!("audit-check-{}", check.number))
        .unwrap_or_else(|| check.name.to_owned());
    let checked = lang.number(check.checked);
    let checked = lang.message_with("audit-checked", &[("count", &checked)]);
    let mut out = format!("  {}. {name:<62} {verdict:<7} {checked}", check.number);
    if check.failed > 0 {
        let failed = lang.number(check.failed);
        out += ", ";
        out += &lang.message_with("audit-failed-count", &[("count", &failed)]);
    }
    out.push('\n');
    if let Some(failure) = &check.first_failure {
        let place = match failure.seq {
            Some(seq) => lang.message_with("audit-place-record", &[("seq", &seq)]),
            None => lang.message("audit-place-file"),
        };
        let line = lang.message_with(
            "audit-first-failure",
            &[
                ("place", &place),
                ("reason", &crate::error_words::audit_failure(failure, lang)),
            ],
        );
        out += &format!("       {line}\n");
    }
    out
}
