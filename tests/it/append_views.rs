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

/// Every file of the store but its lock, with its bytes.
fn store_files(sandbox: &Sandbox) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(sandbox.path(STORE))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file() && !path.ends_with("LOCK"))
        .map(|path| (path.clone(), std::fs::read(&path).unwrap()))
        .collect();
    files.sort();
    files
}

/// Issue 18 (thin18): `approve` decided against the saved authority state (no replay) with
/// a witness's signature; a refused one changes no file; without the saved state it
/// replays and saves it again; `audit` holds every view and the state to the replay.
#[test]
fn approvals_without_a_replay_keep_the_store_audited() {
    let sandbox = Sandbox::new();
    let demo = sandbox.run(&["demo", "--stations", "300", "--inputs", "in"]);
    assert_eq!(code(&demo), 0, "{}", stderr(&demo));
    let authority = sandbox.path(&format!("{STORE}/authority.view"));
    assert!(authority.exists(), "the demo saved no authority state");
    let approve = |region: &str, signature: Option<&str>| {
        let mut arguments = vec!["approve", "-s", STORE, "-k", "in/keys/official-64.key"];
        arguments.extend(["--region", region, "--contest", CONTEST]);
        if let Some(file) = signature {
            arguments.extend(["--signature", file]);
        }
        sandbox.run(&arguments)
    };
    let signed = sandbox.run(&[
        "sign",
        "-s",
        STORE,
        "-k",
        "in/keys/witness-1.key",
        "--region",
        "64",
        "--contest",
        CONTEST,
        "--out",
        "w1.json",
    ]);
    assert_eq!(code(&signed), 0, "{}", stderr(&signed));
    let approved = approve("64", Some("w1.json"));
    assert_eq!(code(&approved), 0, "{}", stderr(&approved));
    assert!(
        stdout(&approved).contains("approving 64"),
        "{}",
        stdout(&approved)
    );
    audit_passes(&sandbox, "an approval");

    // The province's official is no regency's: refused, nothing written.
    let before = store_files(&sandbox);
    let refused = approve("6401", None);
    assert_eq!(code(&refused), 1, "{}", stdout(&refused));
    assert!(stderr(&refused).contains("R31"), "{}", stderr(&refused));
    assert!(
        before == store_files(&sandbox),
        "a refusal changed the store"
    );

    // An unknown region or contest is named and changes nothing, decided from the saved
    // state as after a replay.
    unknown_places_are_named(&sandbox, "from the saved state");

    // Without the saved state: replayed, and saved again.
    std::fs::remove_file(&authority).unwrap();
    unknown_places_are_named(&sandbox, "after a replay");
    let approved = approve("64", None);
    assert_eq!(code(&approved), 0, "{}", stderr(&approved));
    assert!(authority.exists(), "the replay saved no authority state");
    audit_passes(&sandbox, "an approval after a replay");
}

fn unknown_places_are_named(sandbox: &Sandbox, decided: &str) {
    let before = store_files(sandbox);
    for (region, contest, named) in [
        ("64", "nope", "unknown contest nope"),
        ("6499", CONTEST, "unknown region 6499"),
    ] {
        let mut arguments = vec!["approve", "-s", STORE, "-k", "in/keys/official-64.key"];
        arguments.extend(["--region", region, "--contest", contest]);
        let refused = sandbox.run(&arguments);
        assert_eq!(code(&refused), 1, "{decided}: {}", stderr(&refused));
        assert!(
            stderr(&refused).contains(named),
            "{decided}: {}",
            stderr(&refused)
        );
        assert!(
            stdout(&refused).is_empty(),
            "{decided}: {}",
            stdout(&refused)
        );
    }
    assert!(
        before == store_files(sandbox),
        "{decided}: an unknown place changed the store"
    );
}
