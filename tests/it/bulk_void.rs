//! `rekap void --stations FILE` and `rekap revote --stations FILE` (issue 11): many stations
//! in one signed payload, all or none.

use serde_json::Value;

use crate::harness::{code, stderr, stdout, Sandbox};
use crate::import::set_up;

const CONTEST: &str = "pilgub-kaltim-2024";

fn records(sandbox: &Sandbox) -> u64 {
    let output = sandbox.run(&["verify", "--store", "store", "--json"]);
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    report["records"].as_u64().unwrap()
}

/// The first `count` station codes of the demo's sheets file.
fn stations(sandbox: &Sandbox, count: usize) -> Vec<String> {
    let sheets = std::fs::read_to_string(sandbox.path("in/sheets.csv")).unwrap();
    sheets
        .lines()
        .skip(1)
        .take(count)
        .map(|line| line.split(',').next().unwrap().to_owned())
        .collect()
}

fn act(sandbox: &Sandbox, command: &str, file: &str) -> std::process::Output {
    sandbox.run(&[
        command,
        "--store",
        "store",
        "--key",
        "in/keys/official-64.key",
        "--stations",
        file,
        "--contest",
        CONTEST,
        "--reason",
        "the ballot box was opened before the count",
    ])
}

#[test]
fn a_list_of_stations_is_voided_and_revoted_in_one_record_or_not_at_all() {
    let sandbox = set_up();
    let import = sandbox.run(&[
        "import",
        "--store",
        "store",
        "--key",
        "in/keys/operator.key",
        "in/sheets.csv",
    ]);
    assert_eq!(code(&import), 0, "{}", stderr(&import));
    let codes = stations(&sandbox, 3);
    let list = format!(
        "# stations of the incident report\n{}\n\n",
        codes.join("\n")
    );
    std::fs::write(sandbox.path("void.txt"), &list).unwrap();

    // One unknown station among them: nothing is appended.
    std::fs::write(sandbox.path("bad.txt"), format!("{list}6499999999-001\n")).unwrap();
    let before = records(&sandbox);
    let refused = act(&sandbox, "void", "bad.txt");
    assert_eq!(code(&refused), 1, "{}", stderr(&refused));
    assert_eq!(
        records(&sandbox),
        before,
        "a refused list appended something"
    );

    let voided = act(&sandbox, "void", "void.txt");
    assert_eq!(code(&voided), 0, "{}", stderr(&voided));
    assert_eq!(
        records(&sandbox),
        before + 1,
        "one record for the whole list"
    );
    let totals = sandbox.run(&["totals", "--store", "store", "--format", "json"]);
    let totals: Value = serde_json::from_str(&stdout(&totals)).unwrap();
    let province = &totals["regions"][0];
    let expected = province["stations_expected"].as_u64().unwrap();
    assert_eq!(
        province["stations_reported"].as_u64(),
        Some(expected - 3),
        "{totals}"
    );

    let revoted = act(&sandbox, "revote", "void.txt");
    assert_eq!(code(&revoted), 0, "{}", stderr(&revoted));
    assert_eq!(records(&sandbox), before + 2);

    // An empty list is refused before anything is signed.
    std::fs::write(sandbox.path("empty.txt"), "# nothing\n").unwrap();
    assert_eq!(code(&act(&sandbox, "void", "empty.txt")), 1);
    assert_eq!(records(&sandbox), before + 2);
}
