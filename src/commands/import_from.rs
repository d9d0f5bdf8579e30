//! `import --from FORMAT`: sheets from the shapes other sources publish them in
//! (docs/FORMATS.md), through the same checks and the same all-or-nothing append as a
//! sheets CSV. The formats themselves are rekap-formats'; this is the front end.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};
use ed25519_dalek::SigningKey;
use rekap_formats::mapped::{plan_mapped, ColumnMapping};
use rekap_formats::sirekap::{self, Candidates};
use rekap_formats::{plan_sourced, FormatError, SourceProblem, SourcedPlan};
use rekap_import::{ImportLimits, ImportPlan};
use rekap_model::State;

use super::import::{run_planned, ImportArgs};
use super::import_output::ImportResult;
use super::import_report::MAX_PROBLEMS_FOR_A_FILE;
use crate::exit::Outcome;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rekap's sheets CSV (docs/OPERATOR.md).
    Sheets,
    /// The commission's 2024 portal JSON, one document per TPS (files or directories).
    Sirekap,
    /// A volunteers' per-TPS CSV: tps, pas1..pasN, sah, tidakSah.
    Kawalpemilu,
    /// Any CSV, through --columns.
    Csv,
    /// An OpenElections precinct CSV: county, precinct, office, district, party,
    /// candidate, votes (and vote-type columns such as election_day, absentee, mail).
    Openelections,
}

#[derive(Args)]
pub struct FromArgs {
    /// The format of the files (docs/FORMATS.md).
    #[arg(long = "from", id = "from", value_name = "FORMAT", value_enum, default_value_t = Format::Sheets)]
    pub format: Format,
    /// The portal's candidates file (portal id to ballot number), for --from sirekap.
    #[arg(long, value_name = "FILE")]
    pub candidates: Option<PathBuf>,
    /// The contest the sheets are for (default: the definition's first), when the source
    /// does not say.
    #[arg(long)]
    pub contest: Option<String>,
    /// For --from csv (or to rename kawalpemilu's; refused with the other formats): which
    /// source column holds each sheets column, e.g. `station=kode_tps,votes_1=suara_01,votes_2=suara_02,valid=sah,invalid=tidak_sah`.
    #[arg(long, value_name = "MAP")]
    pub columns: Option<String>,
}

/// Refuses, before the key or the store is read, what the command line gets wrong: exit 2
/// for `--columns` missing (`--from csv`), not parsing, or given to a format that has its
/// own columns, and for `-` with `--from sirekap`; exit 3 for a portal path that does
/// not open.
pub fn check_arguments(args: &ImportArgs) -> anyhow::Result<()> {
    let format = args.from.format;
    let usage = |key: &str| {
        let name = format!("{format:?}").to_lowercase();
        crate::exit::Usage(crate::lang::say_with(key, &[("format", &name)]))
    };
    match (&args.from.columns, format) {
        (None, Format::Csv) => {
            return Err(usage("command-import-from-from-csv-needs-columns-e").into())
        }
        (Some(text), Format::Csv | Format::Kawalpemilu) => {
            if let Err(error) = ColumnMapping::parse(text) {
                return Err(
                    anyhow::Error::new(error).context(crate::exit::Usage("--columns".into()))
                );
            }
        }
        (Some(_), _) => return Err(usage("command-import-from-columns-not-for").into()),
        (None, _) => {}
    }
    if format == Format::Sirekap {
        for path in &args.files {
            if path == Path::new("-") {
                return Err(usage("command-import-from-sirekap-no-standard-input").into());
            }
            std::fs::metadata(path).with_context(|| {
                crate::lang::say_with("command-cannot-open", &[("path", &path.display())])
            })?;
        }
    }
    Ok(())
}

pub fn run(args: &ImportArgs, key: &SigningKey) -> anyhow::Result<Outcome> {
    if args.from.format != Format::Sirekap && args.files.len() != 1 {
        anyhow::bail!(crate::lang::say_with(
            "command-import-from-from-reads-one-file",
            &[("format", &format!("{:?}", args.from.format))]
        ));
    }
    let operator = key.verifying_key().to_bytes();
    let mut limits = ImportLimits::default();
    if args.problems.is_some() {
        limits.max_listed_problems = MAX_PROBLEMS_FOR_A_FILE;
    }
    run_planned(args, key, &|state, stage| {
        let planned = match args.from.format {
            Format::Sirekap => plan_sirekap(args, state, &operator, &limits),
            Format::Openelections => plan_openelections(args, state, &operator, &limits),
            _ => plan_csv(args, state, &operator, &limits),
        }?;
        match planned {
            Ok(plan) => Ok(Some(plan)),
            Err(FormatError::Rejected {
                problems,
                unlisted,
                by_kind,
            }) => {
                stage.finish();
                let text = report(&problems, unlisted, &by_kind, args.problems.as_deref())?;
                if args.for_scripts() {
                    args.print_result(&ImportResult::refused(problems, unlisted, &by_kind))?;
                } else {
                    eprint!("{text}");
                }
                Ok(None)
            }
            Err(error) => Err(error.into()),
        }
    })
}

/// The contest id and its number of pairs.
fn contest(args: &ImportArgs, state: &State) -> anyhow::Result<(String, usize)> {
    let election = state.election();
    let found = match &args.from.contest {
        Some(id) => election
            .contest_by_id(id)
            .and_then(|index| election.contest(index))
            .with_context(|| {
                crate::lang::say_with(
                    "command-contest-not-of-this-election",
                    &[("id", &format!("{:?}", id))],
                )
            })?,
        None => election
            .contests()
            .first()
            .context(crate::lang::say("command-election-has-no-contest"))?,
    };
    Ok((found.id.clone(), found.pairs.len()))
}

fn as_import_plan(plan: SourcedPlan) -> ImportPlan {
    ImportPlan {
        rows: plan.sheets + plan.already_imported,
        to_submit: plan.events.into(),
        already_imported: plan.already_imported,
    }
}

type Planned = Result<ImportPlan, FormatError>;

fn plan_sirekap(
    args: &ImportArgs,
    state: &State,
    operator: &[u8; 32],
    limits: &ImportLimits,
) -> anyhow::Result<Planned> {
    let (contest_id, pairs) = contest(args, state)?;
    let candidates = match &args.from.candidates {
        Some(path) => {
            match Candidates::parse(&path.display().to_string(), &read(path, 64 << 20)?) {
                Ok(candidates) => Some(candidates),
                Err(problems) => return Ok(Err(FormatError::rejected(problems))),
            }
        }
        None => None,
    };
    let shape = sirekap::ContestShape {
        id: &contest_id,
        pairs,
        candidates: candidates.as_ref(),
    };
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let read = match sirekap::read_tree(&args.files, &shape, threads) {
        Ok(read) => read,
        Err(FormatError::Io { file, error }) => {
            return Err(anyhow::Error::new(error).context(crate::lang::say_with(
                "command-import-from-cannot-read",
                &[("file", &file)],
            )))
        }
        Err(error) => return Ok(Err(error)),
    };
    let sirekap::TreeRead {
        sheets,
        counts,
        skipped,
        problems,
    } = read;
    if !problems.is_empty() {
        return Ok(Err(FormatError::rejected(problems)));
    }
    eprintln!(
        "{}",
        crate::lang::say_with(
            "command-import-from-documents-not-counted-yet-no",
            &[
                ("documents", &crate::lang::count(counts.documents)),
                ("not-counted", &crate::lang::count(counts.not_counted)),
                (
                    "without-administration",
                    &crate::lang::count(counts.without_administration)
                ),
                (
                    "invalid-unknown",
                    &crate::lang::count(counts.invalid_unknown)
                ),
                ("skipped", &crate::lang::count(skipped))
            ]
        )
    );
    Ok(plan_sourced(state, operator, &sheets, limits).map(as_import_plan))
}

fn plan_openelections(
    args: &ImportArgs,
    state: &State,
    operator: &[u8; 32],
    limits: &ImportLimits,
) -> anyhow::Result<Planned> {
    let path = args
        .files
        .first()
        .map(PathBuf::as_path)
        .unwrap_or(Path::new("-"));
    let bytes = read(path, limits.max_file_bytes)?;
    let shown = path.display().to_string();
    let planned =
        rekap_formats::openelections::plan_openelections(state, operator, &shown, &bytes, limits);
    // The rows read, skipped and without an invalid count go into the one summary (stdout,
    // or -f json), beside the sheets they make.
    Ok(planned.map(|(plan, counts)| {
        args.source_rows.set(Some(counts));
        as_import_plan(plan)
    }))
}

fn plan_csv(
    args: &ImportArgs,
    state: &State,
    operator: &[u8; 32],
    limits: &ImportLimits,
) -> anyhow::Result<Planned> {
    let (contest_id, pairs) = contest(args, state)?;
    // check_arguments has refused --from csv without --columns, and --columns that do
    // not parse.
    let mapping = match &args.from.columns {
        Some(text) => ColumnMapping::parse(text).context("--columns")?,
        None => ColumnMapping::kawalpemilu(pairs),
    };
    let path = args
        .files
        .first()
        .map(PathBuf::as_path)
        .unwrap_or(Path::new("-"));
    let bytes = read(path, limits.max_file_bytes)?;
    let shown = path.display().to_string();
    Ok(plan_mapped(
        state,
        operator,
        &shown,
        &bytes,
        &mapping,
        &contest_id,
        limits,
    )
    .map(as_import_plan))
}

/// A file's bytes (`-`: standard input), refused over `limit`.
pub(super) fn read(path: &Path, limit: u64) -> anyhow::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let reader: Box<dyn Read> = if path == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(path).with_context(|| {
            crate::lang::say_with("command-cannot-open", &[("path", &path.display())])
        })?)
    };
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .with_context(|| {
            crate::lang::say_with("command-cannot-read", &[("path", &path.display())])
        })?;
    if bytes.len() as u64 > limit {
        anyhow::bail!(crate::lang::say_with(
            "command-import-from-larger-than-bytes",
            &[("path", &path.display()), ("limit", &limit)]
        ));
    }
    Ok(bytes)
}

/// Problems listed on stderr when they also go to a file.
const SHOWN_WITH_A_FILE: usize = 20;

/// The summary by kind and the problems for stderr; with `problems_file`, every problem as
/// CSV (`file,at,station,field,rule,reason`).
pub(super) fn report(
    problems: &[SourceProblem],
    unlisted: u64,
    by_kind: &std::collections::BTreeMap<String, u64>,
    problems_file: Option<&Path>,
) -> anyhow::Result<String> {
    let total = problems.len() as u64 + unlisted;
    let mut text = format!(
        "{}\n",
        crate::lang::say_with(
            "command-import-from-problems-nothing-imported-by-rule",
            &[("total", &crate::lang::count(total))]
        )
    );
    let mut kinds: Vec<_> = by_kind.iter().collect();
    kinds.sort_by(|left, right| right.1.cmp(left.1).then(left.0.cmp(right.0)));
    let lang = crate::lang::current();
    for (kind, count) in kinds {
        let (count, kind) = (
            lang.number(*count),
            crate::error_words::problem_kind(kind, lang),
        );
        text += &format!("  {count:>9}  {kind}\n");
    }
    let shown = match problems_file {
        Some(path) => {
            let write = || -> anyhow::Result<()> {
                let mut out = csv::Writer::from_path(path)?;
                out.write_record(SourceProblem::CSV_HEADER)?;
                for problem in problems {
                    let mut fields = problem.csv_fields();
                    fields[5] = crate::error_words::source_reason(&problem.reason, lang);
                    out.write_record(fields)?;
                }
                out.flush()?;
                Ok(())
            };
            write().with_context(|| {
                crate::lang::say_with("command-cannot-write", &[("path", &path.display())])
            })?;
            text += &format!(
                "{}\n",
                crate::lang::say_with(
                    "command-import-from-every-problem-first-ones",
                    &[("path", &path.display())]
                )
            );
            SHOWN_WITH_A_FILE
        }
        None => problems.len(),
    };
    for problem in problems.iter().take(shown) {
        text += &format!("  {}\n", crate::error_words::source_problem(problem, lang));
    }
    let more = total - shown.min(problems.len()) as u64;
    if more > 0 {
        text += &format!(
            "  {}\n",
            crate::lang::say_with(
                "command-import-from-more",
                &[("more", &crate::lang::count(more))]
            )
        );
    }
    Ok(text)
}
