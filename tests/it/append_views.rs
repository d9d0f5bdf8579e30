//! Issue 18: after a single `correct`, `object` or refused `approve`, the saved totals and
//! stations views are those of the new head (brought forward, not rebuilt): `audit` holds
//! both to the replay (check 8), and `sheet` answers from the view what the replay shows.

use serde_json::Value;

use crate::harness::{code, stderr, stdout, Sandbox};

const STORE: &str = "rekap-demo-store";
const CONTEST: &str = "pilgub-kaltim-2024";

fn audit_passes(sandbox: &Sandbox, after: &str) {
    let audit = sandbox.run(&["audit", "--store", STORE, "--json"]);
    assert_eq!(code(&audit), 0, "after {after}: {}", stdout(&audit));
    let report: Value = serde_json::from_str(&stdout(&audit)).unwrap();
    let check_8 = &report["checks"][7];
    assert_eq!(check_8["number"], 8, "{report}");
    assert_eq!(check_8["passed"], true, "after {after}: {check_8}");
}

fn first_station(sandbox: &Sandbox) -> String {
    let sheets = std::fs::read_to_string(sandbox.path("in/sheets.csv")).unwrap();
    let line = sheets.lines().nth(1).unwrap();
    line.split(',').next().unwrap().to_owned()
}

#[test]
fn views_after_single_appends_are_the_replays() {
    let sandbox = Sandbox::new();
    let demo = sandbox.run(&["demo", "--stations", "300", "--inputs", "in"]);
    assert_eq!(code(&demo), 0, "{}", stderr(&demo));
    let station = first_station(&sandbox);
    let views =
        ["totals.view", "stations.view"].map(|name| sandbox.path(&format!("{STORE}/{name}")));
    let stamp = |path: &std::path::PathBuf| std::fs::read(path).unwrap();
    let before = views.each_ref().map(stamp);

    // One vote moved between the first two pairs: the sums the hard rules check still hold.
    let current = sandbox.run(&["sheet", &station, "-s", STORE, "-f", "json"]);
    assert_eq!(code(&current), 0, "{}", stderr(&current));
    let current: Value = serde_json::from_str(&stdout(&current)).unwrap();
    let pair = |index: usize| current["sheet"]["votes"][index]["votes"].as_u64().unwrap();
    assert!(pair(1) > 0, "{current}");
    let votes = format!("{},{}", pair(0) + 1, pair(1) - 1);
    let corrected = sandbox.run(&[
        "correct",
        "-s",
        STORE,
        "-k",
        "in/keys/official-64.key",
        "--station",
        &station,
        "--contest",
        CONTEST,
        "--votes",
        &votes,
        "--reason",
        "recount",
    ]);
    assert_eq!(code(&corrected), 0, "{}", stderr(&corrected));
    let after = views.each_ref().map(stamp);
    assert_ne!(before, after, "both views are saved at the new head");
    audit_passes(&sandbox, "a correction");
    let sheet = sandbox.run(&["sheet", &station, "-s", STORE, "-f", "json"]);
    assert_eq!(code(&sheet), 0, "{}", stderr(&sheet));
    let sheet: Value = serde_json::from_str(&stdout(&sheet)).unwrap();
    assert_eq!(sheet["entry"]["kind"], "sheet_corrected", "{sheet}");

    // The province's approval is refused now (its regency's approval is stale): nothing is
    // appended, the views stay as they were.
    let approve = sandbox.run(&[
        "approve",
        "-s",
        STORE,
        "-k",
        "in/keys/official-64.key",
        "--region",
        "64",
        "--contest",
        CONTEST,
    ]);
    assert_eq!(code(&approve), 1, "{}", stderr(&approve));
    assert_eq!(
        after,
        views.each_ref().map(stamp),
        "a refusal saves no view"
    );

    let objected = sandbox.run(&[
        "object",
        "-s",
        STORE,
        "-k",
        "in/keys/witness-1.key",
        "--station",
        &station,
        "--contest",
        CONTEST,
        "--text",
        "the recount was not witnessed",
    ]);
    assert_eq!(code(&objected), 0, "{}", stderr(&objected));
    audit_passes(&sandbox, "an objection");
}
