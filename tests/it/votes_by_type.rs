//! `submit` and `correct` with counts by vote type (issue 11): `--votes-by-type TYPE=N,N,...`
//! for a contest whose definition has vote types, and the split in the totals table and in
//! `status`. The US example of docs/DEFINITION.md: district 9's pairs, by election day,
//! mail and provisional.

use crate::harness::{code, stderr, stdout, Sandbox};

fn example(name: &str) -> String {
    format!("{}/docs/examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The example's registrar (seed 32 x 01) and operator (seed 32 x 08), the store made and
/// its sheets imported.
fn us_state() -> Sandbox {
    let sandbox = Sandbox::new();
    for (name, seed) in [("registrar", "01"), ("operator", "08")] {
        let path = sandbox.path(&format!("{name}.key"));
        std::fs::write(&path, format!("rekap-secret-key/1\n{}\n", seed.repeat(32))).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let init = sandbox.run(&[
        "init",
        "-s",
        "store",
        "--election",
        &example("us-state.json"),
        "-k",
        "registrar.key",
    ]);
    assert_eq!(code(&init), 0, "{}", stderr(&init));
    let import = sandbox.run(&[
        "import",
        "-s",
        "store",
        "-k",
        "operator.key",
        &example("us-state-sheets.csv"),
    ]);
    assert_eq!(code(&import), 0, "{}", stderr(&import));
    sandbox
}

/// `submit` for PIERCE-0002 in district 9, with the given counts by type.
fn submit(sandbox: &Sandbox, by_type: &[&str], votes: Option<&str>) -> std::process::Output {
    let mut args = vec![
        "submit",
        "-s",
        "store",
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
    ];
    if let Some(votes) = votes {
        args.extend(["--votes", votes]);
    }
    args.push("--votes-by-type");
    args.extend(by_type);
    sandbox.run(&args)
}

fn head(sandbox: &Sandbox) -> String {
    let status = sandbox.run(&["status", "-s", "store", "--contest", "us-house-9"]);
    stdout(&status)
        .lines()
        .nth(1)
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn submit_takes_counts_by_vote_type_and_refuses_them_named_wrong() {
    let sandbox = us_state();
    let before = head(&sandbox);
    for (by_type, says) in [
        (
            &["election_day=5,3", "mail=4,2"][..],
            "provisional not given",
        ),
        (
            &["election_day=5,3", "mail=4,2", "absentee=1,1"][..],
            "absentee is not a vote type of contest us-house-9",
        ),
        (
            &["election_day=5,3", "mail=4,2", "provisional=1"][..],
            "provisional gives 1 counts",
        ),
        (&["election_day", "mail=4,2"][..], "expected TYPE=N,N,..."),
        (
            &["election_day=5,3", "mail=4,2", "mail=1,1"][..],
            "mail is given twice",
        ),
    ] {
        let refused = submit(&sandbox, by_type, None);
        assert_ne!(code(&refused), 0, "{by_type:?}");
        assert!(
            stderr(&refused).contains(says),
            "{by_type:?}: {}",
            stderr(&refused)
        );
    }
    // Counts by type that do not add up to --votes are the model's R64.
    let off = submit(
        &sandbox,
        &["election_day=5,3", "mail=4,2", "provisional=1,1"],
        Some("11,5"),
    );
    assert_eq!(code(&off), 1, "{}", stderr(&off));
    assert!(stderr(&off).contains("R64"), "{}", stderr(&off));
    assert_eq!(
        head(&sandbox),
        before,
        "a refused submit leaves the store as it was"
    );

    // Given in full, without --votes (the sums per pair), the sheet counts.
    let good = submit(
        &sandbox,
        &["election_day=5,3", "mail=4,2", "provisional=1,1"],
        None,
    );
    assert_eq!(code(&good), 0, "{}", stderr(&good));
    let sheet = sandbox.run(&[
        "sheet",
        "-s",
        "store",
        "PIERCE-0002",
        "--contest",
        "us-house-9",
        "-f",
        "json",
    ]);
    assert_eq!(code(&sheet), 0, "{}", stderr(&sheet));
    let json: serde_json::Value = serde_json::from_str(&stdout(&sheet)).expect("JSON");
    assert_eq!(json["sheet"]["votes"][0]["votes"], 10, "{json}");
    assert_eq!(json["sheet"]["votes"][1]["votes"], 6, "{json}");

    // The split in the totals table: the state sums KING-W3P2 (200, 80, 3 and 250, 60, 2),
    // PIERCE-0001 (400, 200, 10 and 500, 120, 8) and this sheet (5, 4, 1 and 3, 2, 1).
    let totals = sandbox.run(&[
        "totals",
        "-s",
        "store",
        "--contest",
        "us-house-9",
        "--level",
        "state",
        "--lang",
        "en",
    ]);
    assert_eq!(code(&totals), 0, "{}", stderr(&totals));
    let text = stdout(&totals);
    assert!(text.contains("Votes by type:"), "{text}");
    let header = text
        .lines()
        .find(|line| line.contains("1 election_day"))
        .unwrap_or_else(|| panic!("a header of counts by type: {text}"));
    for column in ["1 mail", "1 provisional", "2 election_day", "2 provisional"] {
        assert!(header.contains(column), "{header}");
    }
    let row = text.lines().last().unwrap_or_default();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert!(
        cells.ends_with(&["605", "284", "14", "753", "182", "11"]),
        "{row}"
    );
    // And in status, under each pair.
    let status = sandbox.run(&[
        "status",
        "-s",
        "store",
        "--contest",
        "us-house-9",
        "--lang",
        "en",
    ]);
    assert!(
        stdout(&status).contains("    election_day 605, mail 284, provisional 14\n"),
        "{}",
        stdout(&status)
    );
}

#[test]
fn a_contest_without_vote_types_refuses_counts_by_type() {
    let sandbox = us_state();
    let refused = sandbox.run(&[
        "submit",
        "-s",
        "store",
        "-k",
        "operator.key",
        "--station",
        "PIERCE-0002",
        "--contest",
        "governor",
        "--votes",
        "1,1,0",
        "--valid",
        "2",
        "--invalid",
        "0",
        "--dpt",
        "20",
        "--voted-dpt",
        "2",
        "--ballots-received",
        "20",
        "--ballots-used",
        "2",
        "--ballots-unused",
        "18",
        "--votes-by-type",
        "mail=1,1,0",
    ]);
    assert_ne!(code(&refused), 0);
    assert!(
        stderr(&refused).contains("contest governor has no vote types"),
        "{}",
        stderr(&refused)
    );
}

/// The NIST export gives each pair's votes per vote type beside the total (the schema's
/// CountItemType for election_day, mail and provisional), still valid against the schema.
#[test]
fn the_nist_export_counts_votes_per_vote_type() {
    let sandbox = us_state();
    let export = sandbox.run(&[
        "export", "-s", "store", "--format", "nist-err", "--out", "-",
    ]);
    assert_eq!(code(&export), 0, "{}", stderr(&export));
    let report: serde_json::Value = serde_json::from_str(&stdout(&export)).unwrap();
    let schema = crate::source_formats::nist_schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = (validator.iter_errors(&report))
        .map(|error| format!("{error} at {}", error.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let contest = (report["Election"][0]["Contest"].as_array().unwrap().iter())
        .find(|contest| contest["@id"] == "contest-us-house-9")
        .expect("district 9's contest");
    let counts = contest["ContestSelection"][0]["VoteCounts"]
        .as_array()
        .unwrap();
    let unit = counts[0]["GpUnitId"].clone();
    let of_unit: Vec<&serde_json::Value> = (counts.iter())
        .filter(|count| count["GpUnitId"] == unit)
        .collect();
    let types: Vec<&str> = of_unit
        .iter()
        .map(|count| count["Type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        ["total", "election-day", "absentee-mail", "provisional"]
    );
    let count = |index: usize| of_unit[index]["Count"].as_u64().unwrap();
    assert!(count(0) > 0, "{of_unit:?}");
    assert_eq!(count(0), count(1) + count(2) + count(3), "{of_unit:?}");
}
