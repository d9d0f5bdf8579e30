//! Issue 18: `prove` answers from the saved views (no lock, no replay) with exactly the
//! replay's proof file and output, for stations whose approval is fresh, stale after a
//! correction or a void, or was never made, a voided station and its neighbours, every
//! level and every format; a damaged or stale view leaves it to the replay, which gives the
//! same; `verify-proof` accepts what the views gave. A contest made of parts with counts by
//! vote type too.

use std::fs::File;

use crate::harness::{code, stderr, stdout, Sandbox};

const STORE: &str = "rekap-demo-store";
const CONTEST: &str = "pilgub-kaltim-2024";
const VIEWS: [&str; 3] = ["totals.view", "stations.view", "history.view"];

/// Exit code, stdout, stderr, and the proof file written (empty if none).
type Answer = (i32, String, String, String);

fn answer(sandbox: &Sandbox, args: &[String]) -> Answer {
    let out = args
        .iter()
        .position(|arg| arg == "--out")
        .map(|at| &args[at + 1]);
    let out = out.map(|name| sandbox.path(name));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = sandbox.run(&args);
    let file = out
        .as_ref()
        .and_then(|path| std::fs::read_to_string(path).ok())
        .unwrap_or_default();
    if let Some(path) = out {
        let _ = std::fs::remove_file(path);
    }
    (code(&output), stdout(&output), stderr(&output), file)
}

fn run(sandbox: &Sandbox, args: &[&str]) {
    let output = sandbox.run(args);
    assert_eq!(code(&output), 0, "{args:?}: {}", stderr(&output));
}

fn sheet_codes(sandbox: &Sandbox) -> Vec<String> {
    let sheets = std::fs::read_to_string(sandbox.path("in/sheets.csv")).unwrap();
    (sheets.lines().skip(1))
        .map(|line| line.split(',').next().unwrap().to_owned())
        .collect()
}

/// The demo (sheets, corrections, approvals at every level, some districts pending), then
/// one station corrected and one voided after the approvals (their ladders go stale).
/// Returns the stations worth proving.
fn store(sandbox: &Sandbox) -> Vec<String> {
    run(sandbox, &["demo", "--stations", "300", "--inputs", "in"]);
    let codes = sheet_codes(sandbox);
    let (corrected, voided) = (codes[0].clone(), codes[7].clone());
    let current = sandbox.run(&["sheet", &corrected, "-s", STORE, "-f", "json"]);
    let current: serde_json::Value = serde_json::from_str(&stdout(&current)).unwrap();
    let pair = |index: usize| current["sheet"]["votes"][index]["votes"].as_u64().unwrap();
    let votes = format!("{},{}", pair(0) + 1, pair(1) - 1);
    let key = "in/keys/official-64.key";
    run(
        sandbox,
        &[
            "correct",
            "-s",
            STORE,
            "-k",
            key,
            "--station",
            &corrected,
            "--contest",
            CONTEST,
            "--votes",
            &votes,
            "--reason",
            "recount",
        ],
    );
    run(
        sandbox,
        &[
            "void",
            "-s",
            STORE,
            "-k",
            key,
            "--station",
            &voided,
            "--contest",
            CONTEST,
            "--reason",
            "kotak suara dibuka",
        ],
    );
    let mut stations = vec![corrected, voided, codes[6].clone(), codes[8].clone()];
    stations.extend(codes.iter().step_by(41).skip(1).cloned());
    stations.push("6401012011-999".to_owned());
    stations
}

/// Every station at every level in JSON; the first few in every format.
fn command_lines(stations: &[String]) -> Vec<Vec<String>> {
    let levels: [&[&str]; 6] = [
        &[],
        &["--level", "district"],
        &["--level", "regency"],
        &["--level", "province"],
        &["--level", "village"],
        &["--contest", "nope"],
    ];
    let forms: [&[&str]; 4] = [&[], &["-f", "csv"], &["-f", "json"], &["--lang", "id"]];
    let mut lines = Vec::new();
    for (number, station) in stations.iter().enumerate() {
        for level in levels {
            let chosen: &[&[&str]] = if number < 3 || number == stations.len() - 2 {
                &forms
            } else {
                &forms[2..3]
            };
            for form in chosen {
                let mut line: Vec<String> = ["prove", "--store", STORE, "--contest", CONTEST]
                    .map(str::to_owned)
                    .to_vec();
                line.extend(["--station".to_owned(), station.clone()]);
                line.extend(level.iter().chain(form.iter()).map(|arg| arg.to_string()));
                line.extend(["--out".to_owned(), "proof.json".to_owned()]);
                lines.push(line);
            }
        }
    }
    lines
}

fn run_all(sandbox: &Sandbox, lines: &[Vec<String>]) -> Vec<Answer> {
    lines.iter().map(|line| answer(sandbox, line)).collect()
}

fn move_views(sandbox: &Sandbox, from: &str, to: &str) {
    for name in VIEWS {
        let path = |suffix: &str| sandbox.path(&format!("{STORE}/{name}{suffix}"));
        std::fs::rename(path(from), path(to)).unwrap();
    }
}

#[test]
fn prove_answers_from_the_views_exactly_as_a_replay_does() {
    let sandbox = Sandbox::new();
    let stations = store(&sandbox);
    let lines = command_lines(&stations);
    let from_views = run_all(&sandbox, &lines);
    move_views(&sandbox, "", ".aside");
    let replayed = run_all(&sandbox, &lines);
    for ((line, fast), slow) in lines.iter().zip(&from_views).zip(&replayed) {
        assert_eq!(fast, slow, "{line:?}");
    }
    let proved = from_views.iter().filter(|answer| answer.0 == 0).count();
    let stale = (replayed.iter())
        .filter(|answer| answer.2.contains("stale"))
        .count();
    // (The scaled demo's pending districts hold no station: the US example below is a
    // store never approved.)
    assert!(proved > 20 && stale > 5, "{proved} {stale}");

    // The views are what answered: with a writer holding the store's lock a replay cannot
    // open the store (exit 4); the views answer all the same, as the replay did, and
    // verify-proof accepts their proof with the log's key.
    let lock = File::options()
        .write(true)
        .open(sandbox.path(&format!("{STORE}/LOCK")))
        .unwrap();
    lock.try_lock().unwrap();
    let first = (lines.iter().zip(&replayed))
        .position(|(line, answer)| answer.0 == 0 && line.contains(&"json".to_owned()))
        .unwrap();
    assert_eq!(answer(&sandbox, &lines[first]).0, 4);
    move_views(&sandbox, ".aside", "");
    let mut line = lines[first].clone();
    *line.last_mut().unwrap() = "kept.json".to_owned();
    assert_eq!(answer(&sandbox, &lines[first]), replayed[first]);
    let kept = sandbox.run(&line.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code(&kept), 0, "{}", stderr(&kept));
    // A stale approval's refusal ("changed since record N") comes from the views too.
    let stale = (replayed.iter())
        .position(|answer| answer.2.contains("stale"))
        .unwrap();
    assert_eq!(answer(&sandbox, &lines[stale]), replayed[stale]);
    drop(lock);
    let key = sandbox.run(&["log-key", "--store", STORE]);
    std::fs::write(sandbox.path("log.vkey"), stdout(&key)).unwrap();
    let verified = sandbox.run(&[
        "verify-proof",
        "--proof",
        "kept.json",
        "--log-key",
        "log.vkey",
        "-f",
        "json",
    ]);
    assert_eq!(code(&verified), 0, "{}", stdout(&verified));
    assert!(stdout(&verified).contains("\"checkpoint_signed\":true"));
}

#[test]
fn a_damaged_or_stale_view_leaves_prove_to_the_replay_with_the_same_answer() {
    let sandbox = Sandbox::new();
    let stations = store(&sandbox);
    let lines: Vec<Vec<String>> = command_lines(&stations[4..6]);
    let honest = run_all(&sandbox, &lines);
    assert!(honest.iter().any(|answer| answer.0 == 0));
    for name in VIEWS {
        let path = sandbox.path(&format!("{STORE}/{name}"));
        let intact = std::fs::read(&path).unwrap();
        // A byte of the body flipped: its block no longer matches its checksum.
        let mut damaged = intact.clone();
        let at = intact.len() - 40;
        damaged[at] ^= 1;
        std::fs::write(&path, &damaged).unwrap();
        assert_eq!(run_all(&sandbox, &lines), honest, "{name} damaged");
        std::fs::write(&path, &intact).unwrap();
    }
    // One more record the views were not saved after (their saved copies put back): the
    // views are of an earlier head, never read; the replay proves at the new head.
    let saved: Vec<Vec<u8>> = (VIEWS.iter())
        .map(|name| std::fs::read(sandbox.path(&format!("{STORE}/{name}"))).unwrap())
        .collect();
    let codes = sheet_codes(&sandbox);
    run(
        &sandbox,
        &[
            "void",
            "-s",
            STORE,
            "-k",
            "in/keys/official-64.key",
            "--station",
            &codes[100],
            "--contest",
            CONTEST,
            "--reason",
            "segel rusak",
        ],
    );
    for (name, bytes) in VIEWS.iter().zip(&saved) {
        std::fs::write(sandbox.path(&format!("{STORE}/{name}")), bytes).unwrap();
    }
    let after = run_all(&sandbox, &lines);
    move_views(&sandbox, "", ".aside");
    assert_eq!(run_all(&sandbox, &lines), after);
}

/// The US example of docs/DEFINITION.md: a contest made of parts (two precincts of one
/// county and another county) with counts by vote type, its Pierce county part approved,
/// the state never: from the views, every proof and refusal is the replay's.
#[test]
fn a_contest_with_parts_and_vote_types_proves_as_the_replay_does() {
    let sandbox = Sandbox::new();
    let example = |name: &str| format!("{}/docs/examples/{name}", env!("CARGO_MANIFEST_DIR"));
    for (name, seed) in [("registrar", "01"), ("operator", "08")] {
        let path = sandbox.path(&format!("{name}.key"));
        std::fs::write(&path, format!("rekap-secret-key/1\n{}\n", seed.repeat(32))).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let election = example("us-state.json");
    run(
        &sandbox,
        &[
            "init",
            "-s",
            STORE,
            "--election",
            &election,
            "-k",
            "registrar.key",
        ],
    );
    let sheets = example("us-state-sheets.csv");
    run(
        &sandbox,
        &["import", "-s", STORE, "-k", "operator.key", &sheets],
    );
    run(
        &sandbox,
        &[
            "submit",
            "-s",
            STORE,
            "-k",
            "operator.key",
            "--station",
            "PIERCE-0002",
            "--contest",
            "us-house-9",
            "--dpt",
            "20",
            "--voted-dpt",
            "16",
            "--ballots-received",
            "20",
            "--ballots-used",
            "16",
            "--ballots-unused",
            "4",
            "--valid",
            "16",
            "--invalid",
            "0",
            "--votes-by-type",
            "election_day=5,3",
            "mail=4,2",
            "provisional=1,1",
        ],
    );
    run(&sandbox, &["keygen", "--out", "official.key"]);
    let official = std::fs::read_to_string(sandbox.path("official.key.pub")).unwrap();
    run(
        &sandbox,
        &[
            "register",
            "-s",
            STORE,
            "-k",
            "registrar.key",
            "--officer",
            official.trim(),
            "--role",
            "official",
            "--scope",
            "EX.PIERCE",
        ],
    );
    run(
        &sandbox,
        &[
            "approve",
            "-s",
            STORE,
            "-k",
            "official.key",
            "--region",
            "EX.PIERCE",
            "--contest",
            "us-house-9",
        ],
    );
    let mut lines = Vec::new();
    for (station, contest) in [
        ("PIERCE-0002", "us-house-9"),
        ("PIERCE-0001", "us-house-9"),
        ("KING-W3P2", "us-house-9"),
        ("KING-01A", "us-house-9"),
        ("KING-01A", "governor"),
    ] {
        for extra in [
            &[][..],
            &["--level", "state"],
            &["--level", "county", "-f", "json"],
        ] {
            let mut line: Vec<String> = ["prove", "--store", STORE, "--contest", contest]
                .map(str::to_owned)
                .to_vec();
            line.extend(["--station", station, "--out", "proof.json"].map(str::to_owned));
            line.extend(extra.iter().map(|arg| arg.to_string()));
            lines.push(line);
        }
    }
    let from_views = run_all(&sandbox, &lines);
    let proved = from_views.iter().filter(|answer| answer.0 == 0).count();
    assert!(proved >= 2, "{from_views:?}");
    assert!(
        from_views[0].3.contains("votes_by_type"),
        "{}",
        from_views[0].3
    );
    // The views answered: a replay cannot open the store while a writer holds its lock.
    let lock = File::options()
        .write(true)
        .open(sandbox.path(&format!("{STORE}/LOCK")))
        .unwrap();
    lock.try_lock().unwrap();
    assert_eq!(answer(&sandbox, &lines[0]), from_views[0]);
    drop(lock);
    move_views(&sandbox, "", ".aside");
    let replayed = run_all(&sandbox, &lines);
    for ((line, fast), slow) in lines.iter().zip(&from_views).zip(&replayed) {
        assert_eq!(fast, slow, "{line:?}");
    }
}
