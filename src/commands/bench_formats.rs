//! `bench --formats`: the other formats at national scale (issue 16), each through the
//! command a user runs (`rekap` as a child process, so file reading, parsing, checking,
//! signing and the durable append are all in the figure): the sheets CSV import beside the
//! import of the same sheets as one portal JSON document per TPS (about 820,000 small files
//! laid out as the portal does), as a KawalPemilu CSV, a CSV through `--columns` and an
//! OpenElections CSV, each as a multiple of the CSV import, the NIST export of the national store, and `compare` at
//! every level against the store's own totals. The working directory is removed after.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use rekap_model::TallySheet;
use rekap_presets::{Preset, REGIONS_CSV_FILE_NAME};

use crate::commands::demo::cast::Cast;

/// First portal candidate id (the portal numbers its candidates so; 2024's pairs were
/// 100025 to 100027).
const FIRST_PORTAL_ID: u32 = 100_025;

/// The measurements, as (what, seconds) rows.
pub fn rows(dir: &Path, preset: &Preset, cast: &Cast) -> anyhow::Result<Vec<(String, Duration)>> {
    let pairs = preset
        .sheets
        .first()
        .map_or(0, |(_, sheet)| sheet.votes.len());
    let mut rows = Vec::new();
    let inputs = dir.join("formats");
    fs::create_dir_all(&inputs)?;
    fs::write(inputs.join("election.json"), &preset.definition_json)?;
    fs::write(inputs.join(REGIONS_CSV_FILE_NAME), &preset.regions_csv)?;
    crate::keys::write_key(&inputs.join("registrar.key"), &cast.registrar)?;
    crate::keys::write_key(&inputs.join("operator.key"), &cast.operator)?;
    let sheets_csv = inputs.join("sheets.csv");
    let written = time(|| write_sheets_csv(&sheets_csv, preset, pairs))?;
    rows.push(("write the sheets CSV (votes-only sheets)".into(), written));
    let portal = inputs.join("portal");
    let written = time(|| write_portal_tree(&portal, preset, pairs))?;
    rows.push((
        format!("write {} portal JSON files", preset.sheets.len()),
        written,
    ));
    write_candidates(&inputs.join("candidates.json"), pairs)?;
    settle();
    let csv_store = inputs.join("store-csv");
    init(&inputs, &csv_store)?;
    let csv_import = time(|| {
        rekap(&[
            "import",
            "--store",
            path(&csv_store),
            "--key",
            path(&inputs.join("operator.key")),
            path(&sheets_csv),
        ])
    })?;
    rows.push(("import the sheets CSV".into(), csv_import));
    let json_store = inputs.join("store-json");
    init(&inputs, &json_store)?;
    let json_import = time(|| {
        rekap(&[
            "import",
            "--store",
            path(&json_store),
            "--key",
            path(&inputs.join("operator.key")),
            "--from",
            "sirekap",
            "--candidates",
            path(&inputs.join("candidates.json")),
            path(&portal),
        ])
    })?;
    rows.push((
        ratio("import the portal JSON tree", json_import, csv_import),
        json_import,
    ));
    fs::remove_dir_all(&portal)?;
    for other in [Other::KawalPemilu, Other::Mapped, Other::OpenElections] {
        let input = inputs.join(other.file_name());
        other.write(&input, preset, pairs)?;
        settle();
        let store = inputs.join(format!("store-{}", other.file_name()));
        init(&inputs, &store)?;
        let key = inputs.join("operator.key");
        let from = other.arguments(pairs);
        let mut args = vec!["import", "--store", path(&store), "--key", path(&key)];
        args.extend(from.iter().map(String::as_str));
        args.push(path(&input));
        let took = time(|| rekap(&args))?;
        rows.push((ratio(other.what(), took, csv_import), took));
        fs::remove_dir_all(&store)?;
        fs::remove_file(&input)?;
    }
    let nist = inputs.join("nist.json");
    rows.push((
        "export --format nist-err of the national store".into(),
        time(|| {
            rekap(&[
                "export",
                "--store",
                path(&csv_store),
                "--format",
                "nist-err",
                "--out",
                path(&nist),
            ])
        })?,
    ));
    for level in ["province", "regency", "district", "village"] {
        let totals = inputs.join(format!("totals-{level}.csv"));
        let text = rekap_output(&[
            "totals",
            "--store",
            path(&csv_store),
            "--level",
            level,
            "--format",
            "csv",
        ])?;
        fs::write(&totals, text)?;
        rows.push((
            format!("compare --level {level} with its own totals CSV"),
            time(|| {
                rekap(&[
                    "compare",
                    "--store",
                    path(&csv_store),
                    "--with",
                    path(&totals),
                    "--level",
                    level,
                    "--format",
                    "csv",
                ])
            })?,
        ));
    }
    Ok(rows)
}

/// Writes the files just made to disk (`sync`) before an import is timed, so that the
/// write-back of 3 GB of portal documents does not fall inside the CSV import measured
/// next (which made the portal's ratio look better than it is). No `sync`: measured as is.
fn settle() {
    let _ = Command::new("sync").status();
}

/// `what` with its time as a multiple of the sheets CSV import's.
fn ratio(what: &str, took: Duration, csv_import: Duration) -> String {
    format!(
        "{what} ({:.2}x the CSV import)",
        took.as_secs_f64() / csv_import.as_secs_f64().max(1e-9)
    )
}

fn time(work: impl FnOnce() -> anyhow::Result<()>) -> anyhow::Result<Duration> {
    let start = Instant::now();
    work()?;
    Ok(start.elapsed())
}

fn path(path: &Path) -> &str {
    path.to_str().unwrap_or_default()
}

fn init(inputs: &Path, store: &Path) -> anyhow::Result<()> {
    rekap(&[
        "init",
        "--store",
        path(store),
        "--election",
        path(&inputs.join("election.json")),
        "--key",
        path(&inputs.join("registrar.key")),
    ])
}

/// Runs this binary with `args`; its output is discarded, a failure is an error.
fn rekap(args: &[&str]) -> anyhow::Result<()> {
    rekap_output(args).map(drop)
}

/// Runs this binary with `args` (no terminal: no progress drawn) and returns its standard
/// output; a failure is an error with its standard error. `compare` exits 1 when the sides
/// differ: the bench's sides are equal by construction.
pub(super) fn rekap_output<Arg: AsRef<std::ffi::OsStr>>(args: &[Arg]) -> anyhow::Result<String> {
    let output = Command::new(std::env::current_exe()?)
        .args(args)
        .env_remove("REKAP_STORE")
        .output()
        .context("cannot run rekap")?;
    if !output.status.success() {
        let words: Vec<_> = args
            .iter()
            .map(|arg| arg.as_ref().to_string_lossy())
            .collect();
        bail!(
            "rekap {} failed: {}",
            words.join(" "),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The preset's sheets as the portal gives them: votes, valid and invalid only (the
/// preset's sheets always give their invalid votes).
fn votes_only(sheet: &TallySheet) -> (&[u32], u32, u32) {
    (&sheet.votes, sheet.valid, sheet.invalid.unwrap_or(0))
}

fn write_sheets_csv(file: &Path, preset: &Preset, pairs: usize) -> anyhow::Result<()> {
    let mut out = csv::Writer::from_writer(std::io::BufWriter::new(fs::File::create(file)?));
    let mut header = vec!["station".to_owned(), "contest".to_owned()];
    header.extend((1..=pairs).map(|number| format!("votes_{number}")));
    header.extend(["valid".to_owned(), "invalid".to_owned()]);
    out.write_record(&header)?;
    for (station, sheet) in &preset.sheets {
        let (votes, valid, invalid) = votes_only(sheet);
        let mut row = vec![station.clone(), preset.contest_id.clone()];
        row.extend(votes.iter().map(u32::to_string));
        row.extend([valid.to_string(), invalid.to_string()]);
        out.write_record(&row)?;
    }
    out.flush()?;
    Ok(())
}

/// `<root>/<prov>/<kab>/<kec>/<desa>/<tps13>.json`, one document per sheet.
fn write_portal_tree(root: &Path, preset: &Preset, pairs: usize) -> anyhow::Result<()> {
    let mut made = String::new();
    for (station, sheet) in &preset.sheets {
        let tps: String = station.chars().filter(|c| *c != '-').collect();
        if tps.len() != 13 || !tps.bytes().all(|b| b.is_ascii_digit()) {
            bail!("station {station} has no 13-digit TPS code");
        }
        let folder: PathBuf = [&tps[..2], &tps[..4], &tps[..6], &tps[..10]]
            .iter()
            .fold(root.to_owned(), |folder, part| folder.join(part));
        if made != tps[..10] {
            fs::create_dir_all(&folder)?;
            made = tps[..10].to_owned();
        }
        fs::write(
            folder.join(format!("{tps}.json")),
            document(&tps, sheet, pairs),
        )?;
    }
    Ok(())
}

/// One TPS document in the portal's 2024 shape.
fn document(tps: &str, sheet: &TallySheet, pairs: usize) -> String {
    let (votes, valid, invalid) = votes_only(sheet);
    let chart: Vec<String> = (0..pairs)
        .map(|index| {
            let id = FIRST_PORTAL_ID + index as u32;
            format!("\"{id}\":{}", votes.get(index).copied().unwrap_or(0))
        })
        .collect();
    let voters = u64::from(valid) + u64::from(invalid);
    format!(
        "{{\"chart\":{{{},\"null\":null}},\"images\":[\"https://sirekap-obj-formc.kpu.go.id/{tps}-1.jpg\",null,null],\
         \"administrasi\":{{\"suara_sah\":{valid},\"suara_total\":{voters},\"pemilih_dpt_j\":{dpt},\
         \"pemilih_dpt_l\":null,\"pemilih_dpt_p\":null,\"pengguna_dpt_j\":{voters},\"pengguna_dpt_l\":null,\
         \"pengguna_dpt_p\":null,\"pengguna_dptb_j\":0,\"pengguna_non_dpt_j\":0,\"pengguna_total_j\":{voters},\
         \"suara_tidak_sah\":{invalid}}},\"psu\":null,\"ts\":\"2024-02-15 20:14:03\",\"status_suara\":true,\
         \"status_adm\":true}}",
        chart.join(","),
        dpt = sheet.registered_total(),
    )
}

fn write_candidates(file: &Path, pairs: usize) -> anyhow::Result<()> {
    let entries: Vec<String> = (0..pairs)
        .map(|index| {
            format!(
                "\"{}\":{{\"nama\":\"Pasangan {}\",\"nomor_urut\":{},\"warna\":\"#000000\"}}",
                FIRST_PORTAL_ID + index as u32,
                index + 1,
                index + 1
            )
        })
        .collect();
    fs::write(file, format!("{{{}}}", entries.join(",")))?;
    Ok(())
}

/// The other CSV importers, each given the same sheets.
#[derive(Clone, Copy)]
enum Other {
    /// `tps,pas1..pasN,sah,tidakSah`.
    KawalPemilu,
    /// `kode_tps,suara_01..,sah,tidak_sah` through `--columns`.
    Mapped,
    /// One row per precinct and candidate, and one of over votes (the invalid votes).
    OpenElections,
}

impl Other {
    fn what(self) -> &'static str {
        match self {
            Other::KawalPemilu => "import the KawalPemilu CSV",
            Other::Mapped => "import a CSV through --columns",
            Other::OpenElections => "import the OpenElections CSV",
        }
    }

    fn file_name(self) -> &'static str {
        match self {
            Other::KawalPemilu => "kawalpemilu.csv",
            Other::Mapped => "mapped.csv",
            Other::OpenElections => "openelections.csv",
        }
    }

    fn arguments(self, pairs: usize) -> Vec<String> {
        let from = |format: &str| vec!["--from".to_owned(), format.to_owned()];
        match self {
            Other::KawalPemilu => from("kawalpemilu"),
            Other::OpenElections => from("openelections"),
            Other::Mapped => {
                let mut columns = vec!["station=kode_tps".to_owned()];
                columns.extend((1..=pairs).map(|n| format!("votes_{n}=suara_{n:02}")));
                columns.extend(["valid=sah".to_owned(), "invalid=tidak_sah".to_owned()]);
                let mut arguments = from("csv");
                arguments.extend(["--columns".to_owned(), columns.join(",")]);
                arguments
            }
        }
    }

    fn write(self, file: &Path, preset: &Preset, pairs: usize) -> anyhow::Result<()> {
        let mut out = csv::Writer::from_writer(std::io::BufWriter::new(fs::File::create(file)?));
        let header: Vec<String> = match self {
            Other::KawalPemilu => std::iter::once("tps".to_owned())
                .chain((1..=pairs).map(|n| format!("pas{n}")))
                .chain(["sah".to_owned(), "tidakSah".to_owned()])
                .collect(),
            Other::Mapped => std::iter::once("kode_tps".to_owned())
                .chain((1..=pairs).map(|n| format!("suara_{n:02}")))
                .chain(["sah".to_owned(), "tidak_sah".to_owned()])
                .collect(),
            Other::OpenElections => OPENELECTIONS_COLUMNS
                .iter()
                .map(|column| (*column).to_owned())
                .collect(),
        };
        out.write_record(&header)?;
        let election = preset.election()?;
        let contest = election
            .contest_by_id(&preset.contest_id)
            .and_then(|index| election.contest(index))
            .context("the preset's contest")?;
        for (station, sheet) in &preset.sheets {
            let (votes, valid, invalid) = votes_only(sheet);
            if let Other::OpenElections = self {
                let county = station.get(..4).unwrap_or_default();
                let row = |candidate: &str, votes: u32| {
                    [
                        county,
                        station,
                        &contest.name,
                        "",
                        "",
                        candidate,
                        &votes.to_string(),
                    ]
                    .map(str::to_owned)
                };
                for (pair, votes) in contest.pairs.iter().zip(votes) {
                    out.write_record(row(&pair.name, *votes))?;
                }
                out.write_record(row("Over Votes", invalid))?;
                continue;
            }
            let tps: String = station.chars().filter(|c| *c != '-').collect();
            let mut row = vec![tps];
            row.extend(votes.iter().map(u32::to_string));
            row.extend([valid.to_string(), invalid.to_string()]);
            out.write_record(&row)?;
        }
        out.flush()?;
        Ok(())
    }
}

/// The columns of an OpenElections precinct file.
const OPENELECTIONS_COLUMNS: [&str; 7] = rekap_formats::openelections::COLUMNS;
