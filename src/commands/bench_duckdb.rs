//! `bench`'s DuckDB baseline (issue 18), beside SQLite's: the `duckdb` command-line binary
//! (`$REKAP_DUCKDB`, else `duckdb` on the PATH; e.g. `pip install duckdb-cli`) loading the
//! same CSV with `read_csv` into a typed table (a fresh database each run), the same GROUP BY
//! per level on the loaded table, and a process answering one query from a prebuilt
//! province rollup. Skipped with a note when there is no `duckdb`.

use std::ffi::OsString;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::Context;

use super::bench::median;
use super::bench_commands::run;

const COLUMNS: &str = "{'station': 'VARCHAR', 'village': 'VARCHAR', 'district': 'VARCHAR', \
    'regency': 'VARCHAR', 'province': 'VARCHAR', 'votes_1': 'BIGINT', 'votes_2': 'BIGINT', \
    'valid': 'BIGINT', 'invalid': 'BIGINT'}";

/// The DuckDB rows over `csv` (the bench's sheets with their regions, as SQLite loads it).
pub fn rows(dir: &Path, csv: &Path, runs: usize) -> anyhow::Result<Vec<(&'static str, Duration)>> {
    let binary = std::env::var_os("REKAP_DUCKDB").unwrap_or_else(|| OsString::from("duckdb"));
    let version = Command::new(&binary)
        .arg("-version")
        .output()
        .with_context(|| {
            format!(
                "no {} (set REKAP_DUCKDB or put duckdb on the PATH, e.g. pip install duckdb-cli)",
                binary.to_string_lossy()
            )
        })?;
    eprintln!(
        "DuckDB baseline: {}",
        String::from_utf8_lossy(&version.stdout).trim()
    );
    let db = dir.join("bench.duckdb");
    let duckdb = |sql: &str| run(Command::new(&binary).arg(&db).arg("-c").arg(sql));
    let load = format!(
        "CREATE TABLE sheets AS SELECT * FROM read_csv('{}', header = true, columns = {COLUMNS});",
        csv.display()
    );
    let load_time = median(runs, || {
        if db.exists() {
            fs::remove_file(&db)?;
        }
        duckdb(&load)
    })?;
    let levels = ["village", "district", "regency", "province"];
    let group_by: String = levels
        .iter()
        .map(|level| format!("SELECT {level}, SUM(votes_1), SUM(votes_2), SUM(valid), SUM(invalid), COUNT(*) FROM sheets GROUP BY {level};\n"))
        .chain(std::iter::once("SELECT SUM(votes_1), SUM(votes_2), SUM(valid), SUM(invalid), COUNT(*) FROM sheets;\n".to_owned()))
        .collect();
    let group_by_time = median(runs, || duckdb(&group_by))?;
    duckdb("CREATE TABLE rollup_province AS SELECT province, SUM(votes_1), SUM(votes_2), SUM(valid), SUM(invalid), COUNT(*) FROM sheets GROUP BY province;")?;
    let answer = median(runs, || duckdb("SELECT * FROM rollup_province;"))?;
    Ok(vec![
        (
            "baseline: duckdb process answering from a prebuilt rollup",
            answer,
        ),
        ("baseline: DuckDB read_csv of the sheets CSV", load_time),
        (
            "baseline: DuckDB GROUP BY per level (loaded table)",
            group_by_time,
        ),
        (
            "baseline: DuckDB read_csv + GROUP BY",
            load_time + group_by_time,
        ),
    ])
}

/// The ratios, where both rows were measured: `(text, ratio, goal)`.
pub fn ratios(rows: &[(&str, Duration)]) -> Vec<String> {
    let find = |prefix: &str| {
        rows.iter()
            .find(|(what, _)| what.starts_with(prefix))
            .map(|(_, median)| median.as_secs_f64())
    };
    let pairs = [
        (
            "DuckDB GROUP BY / rekap rollup",
            "baseline: DuckDB GROUP BY",
            "rebuild every tier from the log: fast rollup",
            "at least 1.5x",
        ),
        (
            "rekap import / DuckDB read_csv + GROUP BY",
            "bulk import",
            "baseline: DuckDB read_csv + GROUP BY",
            "at most 1.5x",
        ),
        (
            "rekap import process / DuckDB read_csv + GROUP BY",
            super::bench::IMPORT_PROCESS_ROW,
            "baseline: DuckDB read_csv + GROUP BY",
            "at most 1.5x",
        ),
        (
            "rekap audit / DuckDB read_csv + GROUP BY",
            "full audit",
            "baseline: DuckDB read_csv + GROUP BY",
            "at most 3x",
        ),
        (
            "rekap status / sqlite3 one-row read",
            "rekap status",
            "baseline: sqlite3 process, one-row indexed read",
            "at most 10x",
        ),
        (
            "rekap history / sqlite3 one-row read",
            "rekap history",
            "baseline: sqlite3 process, one-row indexed read",
            "at most 10x",
        ),
        (
            "rekap sheet / sqlite3 one-row read",
            "rekap sheet",
            "baseline: sqlite3 process, one-row indexed read",
            "at most 10x",
        ),
        (
            "rekap prove / sqlite3 one-row read",
            "rekap prove",
            "baseline: sqlite3 process, one-row indexed read",
            "at most 10x",
        ),
        (
            "rekap correct / sqlite3 one-row insert",
            "rekap correct",
            "baseline: sqlite3 process, one-row insert",
            "at most 10x",
        ),
        (
            "rekap approve / sqlite3 one-row insert",
            "rekap approve",
            "baseline: sqlite3 process, one-row insert",
            "at most 10x",
        ),
    ];
    pairs
        .iter()
        .filter_map(|(text, over, under, goal)| {
            let ratio = find(over)? / find(under)?.max(1e-9);
            Some(format!("  {text:<58} {ratio:>9.2}x (goal {goal})"))
        })
        .collect()
}
