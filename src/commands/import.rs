//! `import`: many sheets from a CSV file, all or nothing.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use ed25519_dalek::SigningKey;
use rekap_import::{
    payloads, payloads_on_demand, plan_import, ImportError, ImportLimits, ImportPlan,
    DEFAULT_SHEETS_PER_PAYLOAD,
};

use super::import_output::{problem_of_row, ImportResult};
use super::import_report::{report, Rejection, MAX_PROBLEMS_FOR_A_FILE};
use super::totals::Format;
use crate::exit::Outcome;
use crate::keys;
use crate::lang::Lang;
use crate::output::print;
use crate::progress::Stage;
use crate::store::{self, now_ms, StoreArg};

#[derive(Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// The operator's key file; its scope must cover every station in the file.
    #[arg(long, short = 'k', value_name = "FILE")]
    pub key: PathBuf,
    /// Sheets CSV (columns in docs/OPERATOR.md); with --from, the source's files (for
    /// sirekap: TPS documents or directories laid out as the portal does). `-` reads
    /// standard input, for every format but sirekap (whose file names are the TPS codes).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub from: super::import_from::FromArgs,
    /// Check every row and report; append nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub remote: crate::client::RemoteArgs,
    /// If the file is refused, write every problem to this CSV file (line, station, column,
    /// rule, reason); stderr then shows the summary and the first ones.
    #[arg(long, value_name = "FILE")]
    pub problems: Option<PathBuf>,
    /// json or csv: the summary, or every problem of a refused file, on stdout for scripts
    /// (docs/OPERATOR.md): {"ok", "rows", "sheets", "to_append", "already_imported", "dry_run",
    /// "first_record", "last_record", "head", "problems", "problems_not_listed",
    /// "problems_by_kind"}.
    #[command(flatten)]
    pub format: crate::output::FormatArg,
    /// What a source of rows other than one per sheet read (OpenElections: rows read and
    /// skipped, sheets without an invalid count), set by its planner for the summary.
    #[arg(skip)]
    pub source_rows: std::cell::Cell<Option<rekap_formats::openelections::ReadCounts>>,
}

impl ImportArgs {
    /// Whether the output is for scripts (`-f json|csv`).
    pub(super) fn for_scripts(&self) -> bool {
        !matches!(self.format.chosen(), Format::Table)
    }

    /// Prints `result` as `-f` asks (json or csv).
    pub(super) fn print_result(&self, result: &ImportResult) -> anyhow::Result<()> {
        print(&match self.format.chosen() {
            Format::Csv => result.csv(),
            _ => result.json(),
        })
    }
}

pub fn run(args: ImportArgs) -> anyhow::Result<Outcome> {
    super::import_from::check_arguments(&args)?;
    let key = keys::read_signing_key(&args.key)?;
    if args.from.format != super::import_from::Format::Sheets {
        return super::import_from::run(&args, &key);
    }
    if args.files.len() != 1 {
        anyhow::bail!(crate::lang::say(
            "command-import-sheets-csv-import-reads-one"
        ));
    }
    run_planned(&args, &key, &|state, stage| plan(&args, state, &key, stage))
}

/// What checks a file against a state: the events to append, or `None` after reporting
/// why the file is refused.
pub(super) type Planner<'a> =
    dyn Fn(&rekap_model::State, &Stage) -> anyhow::Result<Option<ImportPlan>> + 'a;

/// Plans against the store (or the server's export) and appends, all or nothing locally.
pub(super) fn run_planned(
    args: &ImportArgs,
    key: &SigningKey,
    planner: &Planner<'_>,
) -> anyhow::Result<Outcome> {
    let lang = crate::lang::resolve(None);
    if args.remote.server.is_some() || args.remote.offline.is_some() {
        return run_remote(args, planner);
    }
    let stage = Stage::start(lang.message("progress-opening-store"));
    let mut ledger = store::open_for_append(&args.store.store)?;
    stage.next(lang.message("progress-checking-rows"));
    let Some(plan) = planner(ledger.state(), &stage)? else {
        return Ok(Outcome::Rejected);
    };
    let plan_counts = PlanCounts::of(&plan);
    let Some(summary) = summary(args, &plan, &lang, &stage)? else {
        return Ok(Outcome::Success);
    };
    stage.next(lang.message("progress-appending"));
    // Each payload is split off the plan as it is decided (no second copy of the plan).
    let batches = payloads_on_demand(plan.to_submit, DEFAULT_SHEETS_PER_PAYLOAD);
    let (receipt, appended) = ledger.submit_bulk(key, batches, now_ms())?;
    stage.next(lang.message("progress-saving-view"));
    store::save_view_after_append(&mut ledger, Some(&appended));
    crate::transparency::sign_after_append(&args.store.store, &ledger);
    // The command ends here and the process with it: dropping the national state and
    // projection (millions of allocations) would only delay the exit. The OS reclaims the
    // memory and closes the store's files, which releases its locks; nothing in the ledger
    // does work on drop.
    std::mem::forget(ledger);
    stage.finish();
    if args.for_scripts() {
        let mut result = accepted(args, &plan_counts);
        result.first_record = receipt.seqs.first().copied();
        result.last_record = receipt.seqs.last().copied();
        result.head = Some(hex::encode(receipt.head.last_hash));
        args.print_result(&result)?;
        return Ok(Outcome::Success);
    }
    print(&format!(
        "{}\n",
        crate::lang::say_with(
            "command-import-appended-records-durable-head",
            &[
                ("summary", &summary),
                ("first", &receipt.seqs.first().copied().unwrap_or_default()),
                ("last", &receipt.seqs.last().copied().unwrap_or_default()),
                ("encode", &hex::encode(receipt.head.last_hash))
            ]
        )
    ))?;
    Ok(Outcome::Success)
}

/// Over `--server` or `--offline`: checked against the export's state, then one signed
/// submission per payload (not all or nothing; a rerun skips what is in the log).
fn run_remote(args: &ImportArgs, planner: &Planner<'_>) -> anyhow::Result<Outcome> {
    let lang = crate::lang::resolve(None);
    let stage = Stage::start(lang.message("progress-reading-export"));
    let state = crate::client::import::remote_state(&args.remote)?;
    stage.next(lang.message("progress-checking-rows"));
    let Some(plan) = planner(&state, &stage)? else {
        return Ok(Outcome::Rejected);
    };
    let plan_counts = PlanCounts::of(&plan);
    let Some(summary) = summary(args, &plan, &lang, &stage)? else {
        return Ok(Outcome::Success);
    };
    stage.finish();
    if args.for_scripts() {
        args.print_result(&accepted(args, &plan_counts))?;
    } else {
        print(&format!("{summary}\n"))?;
    }
    let batches = payloads(plan.to_submit, DEFAULT_SHEETS_PER_PAYLOAD);
    crate::client::import::send_payloads(
        &args.remote,
        &args.key,
        state.definition_hash(),
        batches,
    )?;
    Ok(Outcome::Success)
}

/// The checked rows, or `None` after reporting why the file is refused.
fn plan(
    args: &ImportArgs,
    state: &rekap_model::State,
    key: &SigningKey,
    stage: &Stage,
) -> anyhow::Result<Option<ImportPlan>> {
    let sheets = args
        .files
        .first()
        .map(PathBuf::as_path)
        .unwrap_or(Path::new("-"));
    let input: Box<dyn Read> = if sheets == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        let file = File::open(sheets).with_context(|| {
            crate::lang::say_with("command-cannot-open", &[("path", &sheets.display())])
        })?;
        // A file's size is known: the rows are counted by the bytes read of it.
        if let Ok(metadata) = file.metadata() {
            let lang = crate::lang::current();
            stage.count(
                lang.message("progress-checking-rows"),
                metadata.len(),
                crate::progress::Unit::Bytes,
            );
        }
        Box::new(file)
    };
    let input = crate::progress::CountingReader {
        inner: input,
        stage,
    };
    let mut limits = ImportLimits::default();
    if args.problems.is_some() {
        limits.max_listed_problems = MAX_PROBLEMS_FOR_A_FILE;
    }
    let planned = plan_import(
        state,
        &key.verifying_key().to_bytes(),
        BufReader::new(input),
        &limits,
    );
    match planned {
        Ok(plan) => Ok(Some(plan)),
        Err(ImportError::Rejected {
            problems,
            unlisted,
            by_kind,
        }) => {
            stage.finish();
            let rejection = Rejection {
                sheets,
                problems: &problems,
                unlisted,
                by_kind: &by_kind,
            };
            let text = report(&rejection, args.problems.as_deref())?;
            if args.for_scripts() {
                let file = sheets.display().to_string();
                let listed = problems
                    .iter()
                    .map(|problem| problem_of_row(&file, problem))
                    .collect();
                args.print_result(&ImportResult::refused(listed, unlisted, &by_kind))?;
            } else {
                eprint!("{text}");
            }
            Ok(None)
        }
        Err(error) => Err(error.into()),
    }
}

/// The summary line, or `None` after printing it when nothing is to be appended.
fn summary(
    args: &ImportArgs,
    plan: &ImportPlan,
    lang: &Lang,
    stage: &Stage,
) -> anyhow::Result<Option<String>> {
    // A source note (`SheetSource`) rides beside its sheet; the sheets are what is counted.
    let sheets = PlanCounts::of(plan).to_append;
    let summary = match args.source_rows.get() {
        // Rows that are not one per sheet: the rows read and the sheets they make.
        Some(read) => crate::lang::say_with(
            "command-import-source-rows-sheets",
            &[
                ("rows", &lang.number(read.rows)),
                ("skipped", &lang.number(read.skipped)),
                ("sheets", &lang.number(plan.rows as u64)),
                ("to-append", &lang.number(sheets)),
                ("already", &lang.number(plan.already_imported as u64)),
                ("without", &lang.number(read.invalid_unknown)),
            ],
        ),
        None => crate::lang::say_with(
            "command-import-rows-append-already-imported",
            &[
                ("number", &lang.number(plan.rows as u64)),
                ("number2", &lang.number(sheets)),
                ("number3", &lang.number(plan.already_imported as u64)),
            ],
        ),
    };
    if args.dry_run || plan.to_submit.is_empty() {
        stage.finish();
        if args.for_scripts() {
            args.print_result(&accepted(args, &PlanCounts::of(plan)))?;
            return Ok(None);
        }
        let verdict = crate::lang::say(if args.dry_run {
            "command-import-dry-run"
        } else {
            "command-import-nothing-to-append"
        });
        print(&format!("{summary} ({verdict})\n"))?;
        return Ok(None);
    }
    Ok(Some(summary))
}

/// The counts of a plan, kept for the result after the plan is appended.
struct PlanCounts {
    rows: u64,
    to_append: u64,
    already_imported: u64,
}

impl PlanCounts {
    fn of(plan: &ImportPlan) -> PlanCounts {
        // A source note (`SheetSource`) rides beside its sheet; the sheets are what is counted.
        let to_append = plan
            .to_submit
            .iter()
            .filter(|event| !matches!(event, rekap_model::Event::SheetSource { .. }))
            .count();
        PlanCounts {
            rows: plan.rows as u64,
            to_append: to_append as u64,
            already_imported: plan.already_imported as u64,
        }
    }
}

/// The result of an accepted file, before anything is appended.
fn accepted(args: &ImportArgs, counts: &PlanCounts) -> ImportResult {
    let read = args.source_rows.get();
    ImportResult {
        ok: true,
        rows: read.map_or(counts.rows, |read| read.rows),
        rows_skipped: read.map(|read| read.skipped),
        sheets: counts.rows,
        sheets_without_invalid: read.map(|read| read.invalid_unknown),
        to_append: counts.to_append,
        already_imported: counts.already_imported,
        dry_run: args.dry_run,
        ..ImportResult::default()
    }
}
