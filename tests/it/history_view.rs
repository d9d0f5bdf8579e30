//! Issue 18: `history --station` and `--region` answer from the saved history view (no
//! lock, no replay) with exactly what a replay shows, for every option; a stale view is
//! not read; a view that lies fails audit check 8.

use std::fs::File;

use serde_json::Value;

use crate::harness::{code, stderr, stdout, Sandbox};

const STORE: &str = "rekap-demo-store";
const CONTEST: &str = "pilgub-kaltim-2024";

fn answer(sandbox: &Sandbox, args: &[&str]) -> (i32, String, String) {
    let output = sandbox.run(args);
    (code(&output), stdout(&output), stderr(&output))
}

fn province_entries(sandbox: &Sandbox) -> Vec<Value> {
    let (status, out, err) = answer(
        sandbox,
        &[
            "history", "--store", STORE, "--region", "64", "-f", "json", "--limit", "100000",
        ],
    );
    assert_eq!(status, 0, "{err}");
    let value: Value = serde_json::from_str(&out).unwrap();
    value["entries"].as_array().unwrap().clone()
}

/// The demo (sheets, corrections, an objection accepted, approvals) and one station voided.
fn store_with_a_void(sandbox: &Sandbox) -> String {
    let demo = sandbox.run(&["demo", "--stations", "300", "--inputs", "in"]);
    assert_eq!(code(&demo), 0, "{}", stderr(&demo));
    let sheets = std::fs::read_to_string(sandbox.path("in/sheets.csv")).unwrap();
    let voided = sheets.lines().nth(7).unwrap().split(',').next().unwrap();
    let void = sandbox.run(&[
        "void",
        "--store",
        STORE,
        "--key",
        "in/keys/official-64.key",
        "--station",
        voided,
        "--contest",
        CONTEST,
        "--reason",
        "kotak suara dibuka sebelum penghitungan",
    ]);
    assert_eq!(code(&void), 0, "{}", stderr(&void));
    voided.to_owned()
}

/// Places worth asking about: the top region, a regency, a district and a village above
/// the objection's station, that station, the voided one, a few others, and codes the view
/// must leave to the replay (unknown, of the wrong kind).
fn places(sandbox: &Sandbox, voided: &str) -> Vec<Vec<String>> {
    let entries = province_entries(sandbox);
    let kinds: Vec<&str> = entries
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "sheet_corrected",
        "objection_accepted",
        "plenary_approved",
        "station_voided",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    let objection = entries
        .iter()
        .find(|entry| entry["kind"] == "objection_filed")
        .unwrap();
    let station = objection["place"].as_str().unwrap().to_owned();
    let village = station.split('-').next().unwrap().to_owned();
    let (district, regency) = (village[..6].to_owned(), village[..4].to_owned());
    let mut stations: Vec<String> = (entries.iter())
        .filter(|entry| entry["kind"] == "sheet_corrected")
        .map(|entry| entry["place"].as_str().unwrap().to_owned())
        .take(3)
        .collect();
    stations.extend([station, voided.to_owned(), "6401012011-999".to_owned()]);
    let mut lines = Vec::new();
    for code in &stations {
        lines.push(vec!["--station".to_owned(), code.clone()]);
    }
    for code in ["64", &regency, &district, &village, "99"] {
        lines.push(vec!["--region".to_owned(), code.to_owned()]);
    }
    lines.push(vec!["--station".to_owned(), "64".to_owned()]);
    lines.push(vec!["--region".to_owned(), stations[0].clone()]);
    lines.push(vec![stations[1].clone()]);
    lines.push(vec![village]);
    lines
}

/// Every command line to compare: each place with each form, and the options on some.
fn command_lines(places: &[Vec<String>]) -> Vec<Vec<String>> {
    let forms: Vec<Vec<&str>> = vec![
        vec![],
        vec!["-f", "json"],
        vec!["-f", "csv"],
        vec!["--utc", "--lang", "id"],
    ];
    let options: Vec<Vec<&str>> = vec![
        vec!["--contest", CONTEST, "-f", "json"],
        vec!["--contest", "nope"],
        vec!["--since", "3", "-f", "csv"],
        vec!["--since", "2024-11-28T10:00"],
        vec!["--since", "2024-11-27T01:00:00Z", "--utc", "-f", "json"],
        vec!["--since", "never"],
        vec!["--limit", "3", "--offset", "2"],
        vec!["--offset", "100000", "-f", "json"],
    ];
    let mut lines = Vec::new();
    for (number, place) in places.iter().enumerate() {
        for form in &forms {
            lines.push((place.clone(), form.clone()));
        }
        if number % 3 == 0 || number == places.len() - 5 {
            for option in &options {
                lines.push((place.clone(), option.clone()));
            }
        }
    }
    (lines.into_iter())
        .map(|(place, rest)| {
            let mut line = vec!["history".to_owned(), "--store".to_owned(), STORE.to_owned()];
            line.extend(place);
            line.extend(rest.into_iter().map(str::to_owned));
            line
        })
        .collect()
}

#[test]
fn history_answers_from_the_history_view_exactly_as_a_replay_does() {
    let sandbox = Sandbox::new();
    let voided = store_with_a_void(&sandbox);
    let view = sandbox.path(&format!("{STORE}/history.view"));
    assert!(view.exists(), "the import saves the history view");
    let tail = sandbox.path(&format!("{STORE}/history-tail.view"));
    assert!(
        tail.exists(),
        "the void, a single append, saves the view's tail"
    );
    let lines = command_lines(&places(&sandbox, &voided));
    let run_all = || -> Vec<(i32, String, String)> {
        (lines.iter())
            .map(|line| {
                let line: Vec<&str> = line.iter().map(String::as_str).collect();
                answer(&sandbox, &line)
            })
            .collect()
    };
    let from_view = run_all();
    let moved = sandbox.path("history.view.aside");
    std::fs::rename(&view, &moved).unwrap();
    let replayed = run_all();
    for ((line, fast), slow) in lines.iter().zip(&from_view).zip(&replayed) {
        assert_eq!(fast, slow, "{line:?}");
    }
    let answered = from_view.iter().filter(|answer| answer.0 == 0).count();
    assert!(answered > 45, "{answered}");

    // The view is what answered: with a writer holding the store's lock a replay cannot
    // open the store (exit 4); the view answers all the same, as the replay did.
    let lock = File::options()
        .write(true)
        .open(sandbox.path(&format!("{STORE}/LOCK")))
        .unwrap();
    lock.try_lock().unwrap();
    let first: Vec<&str> = lines[0].iter().map(String::as_str).collect();
    assert_eq!(answer(&sandbox, &first).0, 4);
    std::fs::rename(&moved, &view).unwrap();
    assert_eq!(answer(&sandbox, &first), replayed[0]);
    let region = ["history", "--store", STORE, "--region", "64", "-f", "json"];
    assert_eq!(answer(&sandbox, &region).0, 0);
    drop(lock);

    // A view of an earlier head is never read: after one more record the history still
    // shows it (a replay), and the append saved a new view.
    let void = sandbox.run(&[
        "void",
        "--store",
        STORE,
        "--key",
        "in/keys/official-64.key",
        "--station",
        &lines[0][4],
        "--contest",
        CONTEST,
        "--reason",
        "segel rusak",
    ]);
    assert_eq!(code(&void), 0, "{}", stderr(&void));
    let after = answer(&sandbox, &first);
    assert!(after.1.contains("segel rusak"), "{}", after.1);
    std::fs::remove_file(&view).unwrap();
    assert_eq!(answer(&sandbox, &first), after);
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

/// `audit` exits 1 with check 8 failed on the store's history view.
fn assert_check_8_fails_on_the_history_view(sandbox: &Sandbox) {
    let audit = sandbox.run(&["audit", "--store", STORE, "--json"]);
    assert_eq!(code(&audit), 1, "{}", stdout(&audit));
    let report: Value = serde_json::from_str(&stdout(&audit)).unwrap();
    let check = &report["checks"][7];
    assert_eq!(check["passed"], false, "{report}");
    let reason = check["first_failure"]["reason"].as_str().unwrap();
    assert!(reason.contains("history view"), "{reason}");
}

#[test]
fn a_history_view_that_lies_fails_audit_check_8_and_a_damaged_one_is_not_read() {
    let sandbox = Sandbox::new();
    assert_eq!(code(&sandbox.run(&["demo", "--stations", "100"])), 0);
    let audit = sandbox.run(&["audit", "--store", STORE]);
    assert_eq!(code(&audit), 0, "{}", stdout(&audit));
    let path = sandbox.path(&format!("{STORE}/history.view"));
    let honest = std::fs::read(&path).unwrap();
    let body_length = u64::from_le_bytes(honest[116..124].try_into().unwrap()) as usize;
    let body_start = honest.len() - body_length;
    // The first region's own entries end one entry later: a row that reads, and lies.
    let mut forged = honest.clone();
    forged[body_start + 16 + 4] ^= 1;
    reseal(&mut forged);
    std::fs::write(&path, &forged).unwrap();
    assert_check_8_fails_on_the_history_view(&sandbox);

    // Damaged (a block that does not match its checksum): not read, the replay answers.
    let asked = ["history", "--store", STORE, "--region", "64", "-f", "json"];
    std::fs::write(&path, &honest).unwrap();
    let honest_answer = answer(&sandbox, &asked);
    let mut damaged = honest.clone();
    damaged[body_start + 20] ^= 1;
    std::fs::write(&path, &damaged).unwrap();
    assert_eq!(answer(&sandbox, &asked), honest_answer);
}

#[test]
fn a_history_view_tail_that_lies_fails_audit_check_8() {
    let sandbox = Sandbox::new();
    let voided = store_with_a_void(&sandbox);
    let audit = sandbox.run(&["audit", "--store", STORE]);
    assert_eq!(code(&audit), 0, "{}", stdout(&audit));
    let path = sandbox.path(&format!("{STORE}/history-tail.view"));
    let honest = std::fs::read(&path).unwrap();
    let asked = [
        "history",
        "--store",
        STORE,
        "--station",
        &voided,
        "-f",
        "json",
    ];
    let honest_answer = answer(&sandbox, &asked);
    assert!(
        honest_answer.1.contains("station_voided"),
        "{honest_answer:?}"
    );
    // The body ends with the tail's last entry (the void's): its contest number, changed.
    let mut forged = honest.clone();
    let last = forged.len() - 4;
    forged[last] ^= 1;
    reseal(&mut forged);
    std::fs::write(&path, &forged).unwrap();
    assert_check_8_fails_on_the_history_view(&sandbox);
    // Damaged (a block that does not match its checksum): not read, the replay answers.
    let mut damaged = honest.clone();
    damaged[last] ^= 1;
    std::fs::write(&path, &damaged).unwrap();
    assert_eq!(answer(&sandbox, &asked), honest_answer);
}
