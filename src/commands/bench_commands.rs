//! `bench`'s rows for single commands as processes on the national store (issue 18):
//! `status`, `history --station`, `sheet`, `prove`, one `correct` and one `approve`, each
//! beside a `sqlite3` process doing the one-row indexed read or the one-row durable insert
//! (`synchronous=FULL`) on the bench's SQLite table, in the same run. The goal is each
//! command within 10x of its baseline (docs/PERFORMANCE.md).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context};
use rekap_ledger::Ledger;
use rekap_log::DefaultStorage;
use rekap_presets::Preset;

use super::bench::median;
use crate::commands::demo::cast::Cast;

/// The rows, once `store` holds the national import (its totals view is written first,
/// untimed, as the CLI's `import` leaves it) and `sqlite_db`, if it
/// exists, the bench's loaded `sheets` table.
pub fn rows(
    dir: &Path,
    store: &Path,
    sqlite_db: &Path,
    preset: &Preset,
    cast: &Cast,
    runs: usize,
) -> anyhow::Result<Vec<(&'static str, Duration)>> {
    let mut ledger = Ledger::open(DefaultStorage::open(store)?)?;
    let view = ledger.totals_view(None);
    ledger.save_totals_view(&view)?;
    let target = Target::of(dir, &ledger, preset, cast)?;
    drop(ledger);
    let binary = std::env::current_exe()?;
    let rekap = |arguments: &[&str]| run(Command::new(&binary).args(arguments));
    let store_text = store.display().to_string();
    let store_args = ["--store", store_text.as_str()];
    let key_text = target.key.display().to_string();
    let mut corrections = 0u64;
    let mut correct = || {
        corrections += 1;
        let votes = format!("{},{}", target.votes[0] + corrections, target.votes[1]);
        let valid = (target.valid + corrections).to_string();
        let mut arguments = vec!["correct", "-q"];
        arguments.extend(store_args);
        arguments.extend(["--key", &key_text, "--station", &target.station]);
        arguments.extend(["--contest", &target.contest, "--votes", &votes]);
        arguments.extend(["--valid", &valid, "--reason", "bench"]);
        // More valid votes than voters is refused by the hard rules: take them from the
        // invalid ones, which the generated sheets have plenty of.
        let invalid = target.invalid.saturating_sub(corrections).to_string();
        arguments.extend(["--invalid", &invalid]);
        rekap(&arguments)
    };
    let correct_time = median(runs, &mut correct)?;
    let approve = || {
        let mut arguments = vec!["approve", "-q"];
        arguments.extend(store_args);
        arguments.extend(["--key", &key_text, "--region", &target.district]);
        arguments.extend(["--contest", &target.contest]);
        rekap(&arguments)
    };
    // Each approval after a correction, so that each is of a new digest.
    let mut approve_times = Vec::new();
    for _ in 0..runs.max(1) {
        correct()?;
        approve_times.push(super::bench::time(approve)?);
    }
    approve_times.sort();
    let approve_time = approve_times[approve_times.len() / 2];
    let proof = dir.join("bench-proof.json").display().to_string();
    let reading: [(&'static str, Vec<&str>); 4] = [
        ("rekap status process", vec!["status", "-f", "json"]),
        (
            "rekap history --station process",
            vec!["history", "--station", &target.station, "-f", "json"],
        ),
        (
            "rekap sheet process",
            vec!["sheet", &target.station, "-f", "json"],
        ),
        (
            "rekap prove process",
            vec![
                "prove",
                "--contest",
                &target.contest,
                "--station",
                &target.station,
                "--out",
                &proof,
            ],
        ),
    ];
    let mut rows = Vec::new();
    for (what, mut arguments) in reading {
        arguments.extend(store_args);
        rows.push((
            what,
            median(runs, || {
                // `prove` never overwrites its --out.
                let _ = std::fs::remove_file(&proof);
                rekap(&arguments)
            })?,
        ));
    }
    rows.push(("rekap correct process (one sheet)", correct_time));
    rows.push(("rekap approve process (one district)", approve_time));
    if sqlite_db.exists() {
        rows.extend(sqlite_rows(sqlite_db, &target.station, runs)?);
    } else {
        eprintln!(
            "SQLite one-row baselines skipped: no {}",
            sqlite_db.display()
        );
    }
    Ok(rows)
}

/// The station the rows work on, its district, and the official's key for both.
struct Target {
    station: String,
    district: String,
    contest: String,
    key: PathBuf,
    votes: [u64; 2],
    valid: u64,
    invalid: u64,
}

impl Target {
    fn of(
        dir: &Path,
        ledger: &Ledger<DefaultStorage>,
        preset: &Preset,
        cast: &Cast,
    ) -> anyhow::Result<Target> {
        let election = ledger.state().election();
        // A station in the middle of the country, so that no end of a range is favoured.
        let (station, sheet) = preset
            .sheets
            .get(preset.sheets.len() / 2)
            .context("the preset has no sheets")?;
        let id = election.find_station(station).context("unknown station")?;
        let tree = election.tree();
        let lowest_plenary = (0..election.station_level())
            .rev()
            .find(|level| {
                election
                    .level(*level)
                    .is_some_and(|level| level.holds_plenary)
            })
            .context("no plenary level")?;
        let district = tree
            .ancestor_at(rekap_model::Place::Station(id), lowest_plenary)
            .and_then(|region| election.region_code(region))
            .context("the station has no district")?
            .to_owned();
        let key = dir.join("bench-official.key");
        crate::keys::write_key(&key, &cast.official(&district))?;
        let vote = |index: usize| u64::from(sheet.votes.get(index).copied().unwrap_or(0));
        Ok(Target {
            station: station.clone(),
            district,
            contest: preset.contest_id.clone(),
            key,
            votes: [vote(0), vote(1)],
            valid: u64::from(sheet.valid),
            // The preset's sheets always give their invalid votes.
            invalid: u64::from(sheet.invalid.unwrap_or(0)),
        })
    }
}

/// The one-row read (by the station's index) and the one-row durable insert, each a
/// `sqlite3` process.
fn sqlite_rows(
    db: &Path,
    station: &str,
    runs: usize,
) -> anyhow::Result<Vec<(&'static str, Duration)>> {
    let sqlite = |script: String| run(Command::new("sqlite3").arg(db).arg(script));
    sqlite("CREATE INDEX IF NOT EXISTS sheets_station ON sheets(station);".into())?;
    let read = median(runs, || {
        sqlite(format!("SELECT * FROM sheets WHERE station = '{station}';"))
    })?;
    let mut row = 0u64;
    let insert = median(runs, || {
        row += 1;
        sqlite(format!(
            "PRAGMA synchronous=FULL; INSERT INTO sheets VALUES('bench-{row}', '', '', '', '', 1, 2, 3, 4);"
        ))
    })?;
    Ok(vec![
        ("baseline: sqlite3 process, one-row indexed read", read),
        (
            "baseline: sqlite3 process, one-row insert (synchronous=FULL)",
            insert,
        ),
    ])
}

/// Runs `command` to its end, its output discarded; its stderr in the error if it fails.
pub(crate) fn run(command: &mut Command) -> anyhow::Result<()> {
    let output = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("{command:?} did not start"))?;
    if !output.status.success() {
        bail!(
            "{command:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}
