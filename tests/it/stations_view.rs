//! Issue 18: `sheet` and `status` answer from the saved stations view (no lock, no replay)
//! with exactly what a replay shows; a forged stations view fails audit check 8.

use std::fs::File;

use serde_json::Value;

use crate::harness::{code, stderr, stdout, Sandbox};

const STORE: &str = "rekap-demo-store";

/// What a command prints and how it exits.
fn answer(sandbox: &Sandbox, args: &[&str]) -> (i32, String, String) {
    let output = sandbox.run(args);
    (code(&output), stdout(&output), stderr(&output))
}

/// Stations of the demo store worth comparing: every twentieth, and every one whose current
/// sheet is not in the import's records (a correction, a late sheet) or has none.
fn sample_stations(sandbox: &Sandbox) -> Vec<String> {
    let listing = sandbox.run(&[
        "totals", "--store", STORE, "--level", "station", "-f", "json",
    ]);
    assert_eq!(code(&listing), 0, "{}", stderr(&listing));
    let listing: Value = serde_json::from_str(&stdout(&listing)).unwrap();
    let stations = listing["stations"].as_array().unwrap();
    let first_record = stations[0]["record"].as_str().unwrap().split('.').next();
    let mut sample: Vec<String> = stations
        .iter()
        .enumerate()
        .filter(|(index, station)| {
            let record = station["record"]
                .as_str()
                .and_then(|id| id.split('.').next());
            index % 20 == 0 || record != first_record
        })
        .map(|(_, station)| station["code"].as_str().unwrap().to_owned())
        .collect();
    assert!(sample.len() > 15, "{sample:?}");
    sample.push("6401012011-999".to_owned());
    sample
}

/// Every command line to compare, for the sampled stations.
fn command_lines(stations: &[String]) -> Vec<Vec<String>> {
    let mut lines = Vec::new();
    for station in stations {
        for format in ["table", "json", "csv"] {
            lines.push(vec!["sheet", station, "-f", format]);
        }
    }
    lines.push(vec!["sheet", &stations[0], "--contest", "nothing"]);
    for format in ["table", "json", "csv"] {
        lines.push(vec!["status", "-f", format]);
    }
    lines.push(vec!["status", "--lang", "id"]);
    lines.push(vec!["status", "--contest", "nothing"]);
    lines
        .into_iter()
        .map(|line| {
            let mut line: Vec<String> = line.into_iter().map(str::to_owned).collect();
            line.extend(["--store".to_owned(), STORE.to_owned()]);
            line
        })
        .collect()
}

#[test]
fn sheet_and_status_answer_from_the_stations_view_exactly_as_a_replay_does() {
    let sandbox = Sandbox::new();
    assert_eq!(code(&sandbox.run(&["demo", "--stations", "300"])), 0);
    let view = sandbox.path(&format!("{STORE}/stations.view"));
    assert!(
        view.exists(),
        "the demo's last append saves the stations view"
    );
    let lines = command_lines(&sample_stations(&sandbox));
    let run_all = || -> Vec<(i32, String, String)> {
        (lines.iter())
            .map(|line| {
                let line: Vec<&str> = line.iter().map(String::as_str).collect();
                answer(&sandbox, &line)
            })
            .collect()
    };
    let from_view = run_all();
    let moved = sandbox.path("stations.view.aside");
    std::fs::rename(&view, &moved).unwrap();
    let replayed = run_all();
    for ((line, fast), slow) in lines.iter().zip(&from_view).zip(&replayed) {
        assert_eq!(fast, slow, "{line:?}");
    }
    assert!(from_view.iter().filter(|answer| answer.0 == 0).count() > 45);

    // The view is what answered: with a writer holding the store's lock, a replay cannot
    // open the store (exit 4), the view answers all the same.
    let lock = File::options()
        .write(true)
        .open(sandbox.path(&format!("{STORE}/LOCK")))
        .unwrap();
    lock.try_lock().unwrap();
    let station = &lines[0][1];
    let status = ["status", "--store", STORE];
    assert_eq!(answer(&sandbox, &["sheet", station, "--store", STORE]).0, 4);
    assert_eq!(answer(&sandbox, &status).0, 4);
    std::fs::rename(&moved, &view).unwrap();
    assert_eq!(
        answer(&sandbox, &["sheet", station, "--store", STORE]),
        replayed[0]
    );
    assert_eq!(answer(&sandbox, &status).0, 0);
}

/// Recomputes a view file's block checksums and header checksum as the writer does.
fn reseal(file: &mut [u8]) {
    const FIXED: usize = 8 + 8 + 8 + 92 + 8;
    let body_length = u64::from_le_bytes(file[116..124].try_into().unwrap());
    let blocks = body_length.div_ceil(16 * 1024) as usize;
    let body = file[FIXED + 32 * (blocks + 1)..].to_vec();
    let mut at = FIXED;
    for block in body.chunks(16 * 1024) {
        file[at..at + 32].copy_from_slice(blake3::hash(block).as_bytes());
        at += 32;
    }
    let checksum = blake3::hash(&file[..at]);
    file[at..at + 32].copy_from_slice(checksum.as_bytes());
}

#[test]
fn a_forged_stations_view_fails_audit_check_8() {
    let sandbox = Sandbox::new();
    assert_eq!(code(&sandbox.run(&["demo", "--stations", "100"])), 0);
    let audit = sandbox.run(&["audit", "--store", STORE]);
    assert_eq!(code(&audit), 0, "{}", stdout(&audit));
    let path = sandbox.path(&format!("{STORE}/stations.view"));
    let honest = std::fs::read(&path).unwrap();
    // A station shown as voided: the first slot's status byte (2, counted) set to 3.
    let body_length = u64::from_le_bytes(honest[116..124].try_into().unwrap()) as usize;
    let body_start = honest.len() - body_length;
    let stations = 100;
    let slots = body_start + 16 + 16 * stations + 4 * stations;
    assert_eq!(honest[slots], 2);
    let mut forged = honest.clone();
    forged[slots] = 3;
    reseal(&mut forged);
    std::fs::write(&path, &forged).unwrap();
    let audit = sandbox.run(&["audit", "--store", STORE, "--json"]);
    assert_eq!(code(&audit), 1, "{}", stdout(&audit));
    let report: Value = serde_json::from_str(&stdout(&audit)).unwrap();
    let check = &report["checks"][7];
    assert_eq!(check["passed"], false, "{report}");
    let reason = check["first_failure"]["reason"].as_str().unwrap();
    assert!(reason.contains("stations view"), "{reason}");
}
