//! `bench`: national-scale measurements with their baselines in the same run (issues 4 and
//! 6): bulk import (through the library, and as the `rekap import` process of the sheets
//! CSV), rebuilding every tier from the log (fast rollup and full replay), the
//! same rollup in SQLite, export, verification beside plain blake3, and totals from the
//! totals view. Medians of `--runs` (imports too, each into a fresh store or database);
//! figures go to docs/PERFORMANCE.md. Not part of CI.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Args;
use rekap_import::{payloads, DEFAULT_SHEETS_PER_PAYLOAD};
use rekap_ledger::Ledger;
use rekap_log::export::{verify_export, write_export};
use rekap_log::{DefaultStorage, Log, VerifyOptions};
use rekap_model::{decode_payload, Event};
use rekap_presets::{Preset, PresetOptions};

use crate::commands::demo::cast::Cast;
use crate::commands::demo::{build_preset, PresetName};
use crate::exit::Outcome;
use crate::output::print;

#[derive(Args)]
pub struct BenchArgs {
    /// Polling stations (default: all 818,339 of the national preset).
    #[arg(long, value_name = "N")]
    pub stations: Option<u32>,
    /// Runs of each repeated measurement; the median is reported.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub runs: usize,
    /// Working directory (a fresh one under the system's temporary directory by default).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Measure the other formats instead (docs/FORMATS.md): the sheets CSV import beside the
    /// import of the same sheets as one portal JSON file per TPS, a KawalPemilu CSV, a CSV
    /// through --columns and an OpenElections CSV, the NIST export, and compare at every
    /// level; the working directory is removed after.
    #[arg(long)]
    pub formats: bool,
}

/// The bulk import as a user runs it (src/commands/bench_import.rs).
pub(super) const IMPORT_PROCESS_ROW: &str =
    "rekap import process: sheets CSV parsed to views saved";

struct Row {
    what: &'static str,
    median: Duration,
}

pub fn run(args: BenchArgs) -> anyhow::Result<Outcome> {
    let dir = args.dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("rekap-bench-{}", std::process::id()))
    });
    if dir.exists() {
        bail!("{} exists; give a new --dir", dir.display());
    }
    fs::create_dir_all(&dir)?;
    let cast = Cast::new(2024);
    let preset = national(&cast, args.stations)?;
    let sheets = preset.sheets.len();
    if args.formats {
        return formats(&dir, &preset, &cast);
    }
    let mut rows = Vec::new();
    let store = dir.join("store");
    rows.push(Row {
        what: "bulk import (decide, sign, chain, fsync, project)",
        median: import_runs(&dir, &store, &preset, &cast, args.runs)?,
    });
    rows.push(Row {
        what: IMPORT_PROCESS_ROW,
        median: super::bench_import::process_runs(&dir, &preset, &cast, args.runs)?,
    });
    rows.push(Row {
        what: "rebuild every tier from the log: fast rollup",
        median: median(args.runs, || rollup(&store))?,
    });
    rows.push(Row {
        what: "rebuild from the log: full replay (every decision)",
        median: median(args.runs, || replay(&store))?,
    });
    let export = dir.join("national.rekap");
    rows.push(Row {
        what: "export",
        median: time(|| export_store(&store, &export))?,
    });
    rows.push(Row {
        what: "verify export, chain only",
        median: median(args.runs, || verify(&export, false))?,
    });
    rows.push(Row {
        what: "verify export, with signatures",
        median: median(args.runs, || verify(&export, true))?,
    });
    rows.push(Row {
        what: "baseline: read export + blake3",
        median: median(args.runs, || hash_file(&export))?,
    });
    rows.push(Row {
        what: "full audit of the export (checks 1-9)",
        median: median(args.runs, || full_audit(&export))?,
    });
    // The view `rekap import` leaves behind, saved untimed: the bench imported through the
    // library, and a reading command never writes one.
    save_totals_view(&store)?;
    rows.push(Row {
        what: "rekap totals process on the national store (view file)",
        median: totals_process(&store, args.runs)?,
    });
    for (what, median) in super::bench_tlog::rows(&dir, &store, sheets, args.runs)? {
        rows.push(Row { what, median });
    }
    match sqlite(&dir, &preset, args.runs) {
        Ok(mut sqlite_rows) => rows.append(&mut sqlite_rows),
        Err(error) => eprintln!("SQLite baseline skipped: {error:#}"),
    }
    match super::bench_duckdb::rows(&dir, &dir.join("sheets-with-regions.csv"), args.runs) {
        Ok(duckdb) => rows.extend(
            duckdb
                .into_iter()
                .map(|(what, median)| Row { what, median }),
        ),
        Err(error) => eprintln!("DuckDB baseline skipped: {error:#}"),
    }
    let sqlite_db = dir.join("bench.sqlite");
    let commands =
        super::bench_commands::rows(&dir, &store, &sqlite_db, &preset, &cast, args.runs)?;
    for (what, median) in commands {
        rows.push(Row { what, median });
    }
    let store_bytes = directory_bytes(&store);
    let export_bytes = fs::metadata(&export).map(|meta| meta.len()).unwrap_or(0);
    let mut out = format!(
        "rekap bench: {sheets} sheets, {} runs, medians\n",
        args.runs
    );
    for row in &rows {
        out += &format!("  {:<58} {:>10.3} s\n", row.what, row.median.as_secs_f64());
    }
    let pairs: Vec<(&str, Duration)> = rows.iter().map(|row| (row.what, row.median)).collect();
    for line in super::bench_duckdb::ratios(&pairs) {
        out += &line;
        out.push('\n');
    }
    out += &format!(
        "  store {:.1} MB, export {:.1} MB ({:.2}x); peak resident memory {} MB\n  working directory {}\n",
        store_bytes as f64 / 1e6,
        export_bytes as f64 / 1e6,
        store_bytes as f64 / export_bytes.max(1) as f64,
        peak_resident_mb(),
        dir.display()
    );
    print(&out)?;
    Ok(Outcome::Success)
}

/// `bench --formats`: its rows printed, the working directory removed.
fn formats(dir: &Path, preset: &Preset, cast: &Cast) -> anyhow::Result<Outcome> {
    let measured = super::bench_formats::rows(dir, preset, cast);
    let removed = fs::remove_dir_all(dir);
    let mut out = format!("rekap bench --formats: {} sheets\n", preset.sheets.len());
    for (what, took) in measured? {
        out += &format!("  {what:<58} {:>10.3} s\n", took.as_secs_f64());
    }
    removed.with_context(|| format!("cannot remove {}", dir.display()))?;
    print(&out)?;
    Ok(Outcome::Success)
}

fn national(cast: &Cast, stations: Option<u32>) -> anyhow::Result<Preset> {
    let options = PresetOptions {
        seed: 2024,
        stations,
    };
    build_preset(PresetName::National, &options, cast)
}

pub(super) fn time(work: impl FnOnce() -> anyhow::Result<()>) -> anyhow::Result<Duration> {
    let start = Instant::now();
    work()?;
    Ok(start.elapsed())
}

pub(super) fn median(
    runs: usize,
    mut work: impl FnMut() -> anyhow::Result<()>,
) -> anyhow::Result<Duration> {
    let mut times = Vec::with_capacity(runs.max(1));
    for _ in 0..runs.max(1) {
        times.push(time(&mut work)?);
    }
    times.sort();
    Ok(times[times.len() / 2])
}

/// The median of `runs` imports, each into a fresh store; the last one stays at `store` for
/// the measurements that follow.
fn import_runs(
    dir: &Path,
    store: &Path,
    preset: &Preset,
    cast: &Cast,
    runs: usize,
) -> anyhow::Result<Duration> {
    let mut times = Vec::new();
    for run in 1..runs.max(1) {
        let scratch = dir.join(format!("store-run-{run}"));
        times.push(import(&scratch, preset, cast)?);
        fs::remove_dir_all(&scratch)?;
    }
    times.push(import(store, preset, cast)?);
    times.sort();
    Ok(times[times.len() / 2])
}

fn import(store: &Path, preset: &Preset, cast: &Cast) -> anyhow::Result<Duration> {
    let election = preset.election()?;
    let mut ledger = Ledger::create(
        DefaultStorage::create(store)?,
        rekap_model::Genesis::new(
            election.definition().clone(),
            cast.log.verifying_key().to_bytes(),
        ),
        &cast.registrar,
        0,
    )?;
    crate::keys::write_key(&store.join(crate::transparency::LOG_KEY_FILE), &cast.log)?;
    let events: Vec<Event> = preset
        .sheets
        .iter()
        .map(|(station, sheet)| Event::SheetSubmitted {
            station: station.clone(),
            contest: preset.contest_id.clone(),
            sheet: sheet.clone(),
        })
        .collect();
    let start = Instant::now();
    ledger.submit(
        &cast.operator,
        payloads(events, DEFAULT_SHEETS_PER_PAYLOAD),
        1,
    )?;
    Ok(start.elapsed())
}

/// The fast rollup as a reader of a verified store runs it: the committed records mapped
/// and read in place, the genesis' definition read in place (its officers left unread),
/// every other payload's sheets read borrowed and summed ([`rekap_projection::rollup`]).
fn rollup(store: &Path) -> anyhow::Result<()> {
    let log = rekap_log::storage::mapped::MappedLog::open(store)?;
    let records = log.records()?;
    let payloads: Vec<&[u8]> = records.iter().map(|record| record.payload).collect();
    let Some(genesis) = payloads.first() else {
        bail!("the log is empty");
    };
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    // While this core builds the election, the others map the pages of their shares (the
    // payloads are split over the cores by bytes); this core faults its own as it reads.
    let election = std::thread::scope(|scope| {
        for part in 1..threads {
            let log = &log;
            scope.spawn(move || log.prefetch_part(part, threads));
        }
        rekap_model::Election::in_place_from_genesis(genesis)
    })
    .context("record 1")?;
    let totals = rekap_projection::rollup::rollup(&election, &payloads).map_err(|malformed| {
        let reason = decode_payload(payloads[malformed.index])
            .err()
            .map_or_else(String::new, |error| format!(": {error}"));
        anyhow::anyhow!("record {} does not decode{reason}", malformed.index + 1)
    })?;
    std::hint::black_box(totals);
    drop((payloads, records, election));
    log.release(threads);
    Ok(())
}

fn replay(store: &Path) -> anyhow::Result<()> {
    let ledger = Ledger::open(DefaultStorage::open_read_only(store)?)?;
    let state = ledger.state();
    let contest = rekap_model::ContestIdx(0);
    for region in 0..state.election().tree().region_count() {
        std::hint::black_box(ledger.projection().totals(
            state,
            contest,
            rekap_model::RegionIdx(region),
        ));
    }
    Ok(())
}

fn export_store(store: &Path, out: &Path) -> anyhow::Result<()> {
    let log = Log::open(DefaultStorage::open_read_only(store)?)?;
    let file = fs::File::create(out)?;
    write_export(&log, &file)?;
    file.sync_all()?;
    Ok(())
}

fn verify(export: &Path, signatures: bool) -> anyhow::Result<()> {
    let report = verify_export(fs::File::open(export)?, VerifyOptions { signatures })?;
    if !report.ok() {
        let failure = report.first_failure().map(ToString::to_string);
        bail!(
            "the export does not verify: {}",
            failure.unwrap_or_default()
        );
    }
    Ok(())
}

/// `rekap totals` as a user runs it, after a first run has saved the totals view.
fn save_totals_view(store: &Path) -> anyhow::Result<()> {
    let mut ledger = Ledger::open(DefaultStorage::open(store)?)?;
    let view = ledger.totals_view(None);
    ledger.save_totals_view(&view)?;
    Ok(())
}

fn totals_process(store: &Path, runs: usize) -> anyhow::Result<Duration> {
    let binary = std::env::current_exe()?;
    let run = || -> anyhow::Result<()> {
        let status = Command::new(&binary)
            .arg("totals")
            .arg("--store")
            .arg(store)
            .args(["--level", "province", "--format", "json"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()?;
        if !status.success() {
            bail!("rekap totals failed");
        }
        Ok(())
    };
    run()?;
    median(runs, run)
}

fn full_audit(export: &Path) -> anyhow::Result<()> {
    let bytes = fs::read(export)?;
    let chain = verify_export(bytes.as_slice(), VerifyOptions::default())?;
    let report = rekap_audit::audit(&chain, &rekap_log::export::records_in_export(&bytes), None);
    if !report.ok {
        let failure = report.first_failure().map(|(check, failure)| {
            let place = failure
                .seq
                .map_or("file".to_owned(), |seq| format!("record {seq}"));
            format!("check {} at {place}: {}", check.number, failure.reason)
        });
        bail!(
            "the national log fails its audit: {}",
            failure.unwrap_or_default()
        );
    }
    Ok(())
}

fn hash_file(path: &Path) -> anyhow::Result<()> {
    std::hint::black_box(blake3::hash(&fs::read(path)?));
    Ok(())
}

/// SQLite: `.import` of the same sheets as CSV into a typed table, then GROUP BY per level.
fn sqlite(dir: &Path, preset: &Preset, runs: usize) -> anyhow::Result<Vec<Row>> {
    let csv_path = dir.join("sheets-with-regions.csv");
    write_sqlite_csv(&csv_path, preset)?;
    let db = dir.join("bench.sqlite");
    let create = "CREATE TABLE sheets(station TEXT, village TEXT, district TEXT, regency TEXT, province TEXT, votes_1 INTEGER, votes_2 INTEGER, valid INTEGER, invalid INTEGER);";
    let import = format!(
        "{create}\n.mode csv\n.import --skip 1 {} sheets\n",
        csv_path.display()
    );
    // Each run imports into a fresh database, as rekap's runs import into fresh stores.
    let import_time = median(runs, || {
        if db.exists() {
            fs::remove_file(&db)?;
        }
        sqlite3(&db, &import)
    })?;
    let levels = ["village", "district", "regency", "province"];
    let rollup: String = levels
        .iter()
        .map(|level| format!("SELECT {level}, SUM(votes_1), SUM(votes_2), SUM(valid), SUM(invalid), COUNT(*) FROM sheets GROUP BY {level};\n"))
        .chain(std::iter::once("SELECT SUM(votes_1), SUM(votes_2), SUM(valid), SUM(invalid), COUNT(*) FROM sheets;\n".to_owned()))
        .collect();
    let group_by = median(runs, || sqlite3(&db, &rollup))?;
    let prebuilt = "CREATE TABLE rollup_province AS SELECT province, SUM(votes_1), SUM(votes_2), SUM(valid), SUM(invalid), COUNT(*) FROM sheets GROUP BY province;";
    sqlite3(&db, prebuilt)?;
    let answer = median(runs, || sqlite3(&db, "SELECT * FROM rollup_province;"))?;
    Ok(vec![
        Row {
            what: "baseline: sqlite3 process answering from a prebuilt rollup",
            median: answer,
        },
        Row {
            what: "baseline: SQLite .import of the sheets CSV",
            median: import_time,
        },
        Row {
            what: "baseline: SQLite GROUP BY per level (loaded table)",
            median: group_by,
        },
        Row {
            what: "baseline: SQLite .import + GROUP BY",
            median: import_time + group_by,
        },
    ])
}

fn sqlite3(db: &Path, script: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut child = Command::new("sqlite3")
        .arg(db)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .context("sqlite3 is not installed (apt install sqlite3)")?;
    child
        .stdin
        .take()
        .context("sqlite3 stdin")?
        .write_all(script.as_bytes())?;
    if !child.wait()?.success() {
        bail!("sqlite3 failed");
    }
    Ok(())
}

fn write_sqlite_csv(path: &Path, preset: &Preset) -> anyhow::Result<()> {
    let election = preset.election()?;
    let tree = election.tree();
    let mut writer = csv::Writer::from_path(path)?;
    writer.write_record([
        "station", "village", "district", "regency", "province", "votes_1", "votes_2", "valid",
        "invalid",
    ])?;
    for (station, sheet) in &preset.sheets {
        let Some(id) = election.find_station(station) else {
            continue;
        };
        let place = rekap_model::Place::Station(id);
        let level = |depth: u32| {
            tree.ancestor_at(place, depth)
                .and_then(|region| election.region_code(region))
                .unwrap_or("")
                .to_owned()
        };
        let station_level = election.station_level();
        let votes = |index: usize| sheet.votes.get(index).copied().unwrap_or(0).to_string();
        writer.write_record([
            station.clone(),
            level(station_level - 1),
            level(station_level - 2),
            level(station_level - 3),
            level(station_level - 4),
            votes(0),
            votes(1),
            sheet.valid.to_string(),
            sheet.invalid.unwrap_or(0).to_string(),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

fn directory_bytes(path: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(meta) if meta.is_dir() => directory_bytes(&entry.path()),
            Ok(meta) => meta.len(),
            Err(_) => 0,
        })
        .sum()
}

fn peak_resident_mb() -> u64 {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmHWM:"))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}
