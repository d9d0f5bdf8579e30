//! The three worked examples of docs/DEFINITION.md (docs/examples/): `init` accepts each
//! definition, and `import` takes a few sheets into each: full Indonesian sheets, votes-only
//! sheets with both spellings of a TPS code, and US precincts with free-form codes, a
//! district contest crossing counties and counts by vote type.

use std::os::unix::fs::PermissionsExt;

use crate::harness::{code, stderr, stdout, Sandbox};

fn example(name: &str) -> String {
    format!("{}/docs/examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The examples' registrar (seed 32 x 01) and operator (seed 32 x 08): demo keys only.
fn demo_keys(sandbox: &Sandbox) {
    for (name, seed) in [("registrar", "01"), ("operator", "08")] {
        let path = sandbox.path(&format!("{name}.key"));
        std::fs::write(&path, format!("rekap-secret-key/1\n{}\n", seed.repeat(32))).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
}

/// Inits the example's store and imports its sheets; returns `status` for `contest`.
fn init_and_import(definition: &str, sheets: &str, contest: &str) -> String {
    let sandbox = imported(definition, sheets);
    let status = sandbox.run(&["status", "--store", "store", "--contest", contest]);
    assert_eq!(code(&status), 0, "{}", stderr(&status));
    stdout(&status)
}

/// A sandbox whose `store` holds the example's definition and its sheets.
fn imported(definition: &str, sheets: &str) -> Sandbox {
    let sandbox = Sandbox::new();
    demo_keys(&sandbox);
    let election = example(definition);
    let init = sandbox.run(&[
        "init",
        "--store",
        "store",
        "--election",
        &election,
        "--key",
        "registrar.key",
    ]);
    assert_eq!(code(&init), 0, "{definition}: {}", stderr(&init));
    let sheets = example(sheets);
    let import = sandbox.run(&[
        "import",
        "--store",
        "store",
        "--key",
        "operator.key",
        &sheets,
    ]);
    assert_eq!(
        code(&import),
        0,
        "{sheets}: {}{}",
        stdout(&import),
        stderr(&import)
    );
    sandbox
}

/// `totals` (table, CSV, JSON) and `status` name each pair, not only its ballot number.
#[test]
fn totals_and_status_name_the_pairs() {
    let sandbox = imported("national.json", "national-sheets.csv");
    let run = |args: &[&str]| {
        let output = sandbox.run(args);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        stdout(&output)
    };
    let table = run(&["totals", "--store", "store", "--lang", "en"]);
    assert!(table.contains("1 Pasangan 01"), "{table}");
    assert!(table.contains("3 Pasangan 03"), "{table}");
    let csv = run(&["totals", "--store", "store", "--format", "csv"]);
    let mut lines = csv.lines();
    let header = lines.next().unwrap_or_default();
    assert!(
        header.starts_with("code,name,votes_1,votes_2,votes_3,valid,")
            && header.ends_with(",approval,name_1,name_2,name_3,stations_without_invalid"),
        "{csv}"
    );
    assert!(
        lines
            .next()
            .unwrap_or_default()
            .ends_with(",Pasangan 01,Pasangan 02,Pasangan 03,0"),
        "{csv}"
    );
    let json = run(&["totals", "--store", "store", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["pairs"][1]["number"], 2);
    assert_eq!(json["pairs"][1]["name"], "Pasangan 02");
    // The existing fields stay: votes keyed by ballot number.
    assert_eq!(json["regions"][0]["votes"]["2"], 100 + 90 + 20);
    let status = run(&["status", "--store", "store", "--lang", "en"]);
    assert!(status.contains("2 Pasangan 02: 210"), "{status}");
}

#[test]
fn the_kaltim_2024_example_takes_full_sheets() {
    let status = init_and_import(
        "kaltim-2024.json",
        "kaltim-2024-sheets.csv",
        "pilgub-kaltim-2024",
    );
    assert!(status.contains("Stations reported: 2 of"), "{status}");
    assert!(!status.contains("Votes-only"), "{status}");
}

#[test]
fn the_national_example_lists_its_stations_and_takes_votes_only_sheets() {
    let status = init_and_import("national.json", "national-sheets.csv", "pilpres");
    // Five listed stations (with gaps: TPS 149 alone in its village), three reported.
    assert!(status.contains("Stations reported: 3 of 5"), "{status}");
    assert!(
        status.contains("Votes-only sheets (no voter, turnout or ballot numbers): 3"),
        "{status}"
    );
}

#[test]
fn the_us_state_example_has_free_form_precincts_and_a_county_contest() {
    let status = init_and_import("us-state.json", "us-state-sheets.csv", "governor");
    assert!(status.contains("Stations reported: 3 of 5"), "{status}");
    let sandbox = Sandbox::new();
    demo_keys(&sandbox);
    let election = example("us-state.json");
    let init = sandbox.run(&[
        "init",
        "--store",
        "store",
        "--election",
        &election,
        "--key",
        "registrar.key",
    ]);
    assert_eq!(code(&init), 0, "{}", stderr(&init));
    // The sheriff's race is voted only in King County: a Pierce precinct is refused (R28).
    let wrong = sandbox.path("wrong.csv");
    std::fs::write(
        &wrong,
        "station,contest,votes_1,votes_2,valid,invalid\nPIERCE-0001,king-sheriff,1,1,2,0\n",
    )
    .unwrap();
    let import = sandbox.run(&[
        "import",
        "--store",
        "store",
        "--key",
        "operator.key",
        wrong.to_str().unwrap(),
    ]);
    assert_eq!(code(&import), 1, "{}", stdout(&import));
    assert!(
        stdout(&import).contains("R28") || stderr(&import).contains("R28"),
        "{}{}",
        stdout(&import),
        stderr(&import)
    );
}

/// Imports `csv` (a header and rows) into `sandbox`'s store; returns stdout and stderr.
fn import_rows(sandbox: &Sandbox, csv: &str) -> (i32, String) {
    let path = sandbox.path("rows.csv");
    std::fs::write(&path, csv).unwrap();
    let import = sandbox.run(&[
        "import",
        "--store",
        "store",
        "--key",
        "operator.key",
        path.to_str().unwrap(),
    ]);
    (code(&import), stdout(&import) + &stderr(&import))
}

#[test]
fn the_us_state_example_has_a_district_across_counties_counted_by_vote_type() {
    let sandbox = imported("us-state.json", "us-state-sheets.csv");
    // District 9: Pierce County and two King precincts; two of its four have reported.
    let status = sandbox.run(&["status", "--store", "store", "--contest", "us-house-9"]);
    assert_eq!(code(&status), 0, "{}", stderr(&status));
    assert!(
        stdout(&status).contains("Stations reported: 2 of 4"),
        "{}",
        stdout(&status)
    );
    let header = "station,contest,votes_1,votes_2,votes_1_election_day,votes_1_mail,\
                  votes_1_provisional,votes_2_election_day,votes_2_mail,votes_2_provisional,\
                  valid,invalid\n";
    // A King precinct outside the district is refused (R28); nothing to void.
    let outside = format!("{header}KING-01A,us-house-9,,,1,1,1,1,1,1,6,0\n");
    let (status, output) = import_rows(&sandbox, &outside);
    assert_eq!(status, 1, "{output}");
    assert!(output.contains("R28"), "{output}");
    // Counts by type that do not add up to the pair's votes are refused (R64).
    let off = format!("{header}PIERCE-0002,us-house-9,10,7,5,4,1,3,2,1,17,0\n");
    let (status, output) = import_rows(&sandbox, &off);
    assert_eq!(status, 1, "{output}");
    assert!(output.contains("R64"), "{output}");
    // A missing count by type is named by its column.
    let short = format!("{header}PIERCE-0002,us-house-9,,,5,4,,3,2,1,15,0\n");
    let (status, output) = import_rows(&sandbox, &short);
    assert_eq!(status, 1, "{output}");
    assert!(output.contains("votes_1_provisional"), "{output}");
    // Given in full, the sheet counts; the district's counties are its tiers.
    let good = format!("{header}PIERCE-0002,us-house-9,,,5,4,1,3,2,1,16,0\n");
    let (status, output) = import_rows(&sandbox, &good);
    assert_eq!(status, 0, "{output}");
    let status = sandbox.run(&["status", "--store", "store", "--contest", "us-house-9"]);
    assert!(
        stdout(&status).contains("Stations reported: 3 of 4"),
        "{}",
        stdout(&status)
    );
    // Totals show the split by vote type: the state's line sums KING-W3P2 (200, 80, 3 and
    // 250, 60, 2), PIERCE-0001 (400, 200, 10 and 500, 120, 8) and PIERCE-0002 (5, 4, 1
    // and 3, 2, 1).
    let totals = sandbox.run(&[
        "totals",
        "--store",
        "store",
        "--contest",
        "us-house-9",
        "--level",
        "state",
        "--format",
        "json",
    ]);
    assert_eq!(code(&totals), 0, "{}", stderr(&totals));
    let json: serde_json::Value = serde_json::from_str(&stdout(&totals)).expect("JSON");
    let state = &json["regions"][0];
    assert_eq!(state["votes"]["1"], 903, "{json}");
    assert_eq!(state["votes_by_type"]["1"]["election_day"], 605, "{json}");
    assert_eq!(state["votes_by_type"]["1"]["mail"], 284, "{json}");
    assert_eq!(state["votes_by_type"]["2"]["provisional"], 11, "{json}");
    assert_eq!(json["vote_types"][2], "provisional", "{json}");
    let csv = sandbox.run(&[
        "totals",
        "--store",
        "store",
        "--contest",
        "us-house-9",
        "--level",
        "state",
        "--format",
        "csv",
    ]);
    let text = stdout(&csv);
    assert!(
        text.lines().next().unwrap_or_default().ends_with(
            "votes_1_election_day,votes_1_mail,votes_1_provisional,\
         votes_2_election_day,votes_2_mail,votes_2_provisional,stations_without_invalid"
        ),
        "{text}"
    );
    assert!(text.contains(",605,284,14,753,182,11"), "{text}");
    // The audit's independent rollup and every rule agree, split by type included.
    let audit = sandbox.run(&["audit", "--store", "store"]);
    assert_eq!(code(&audit), 0, "{}{}", stdout(&audit), stderr(&audit));
}
