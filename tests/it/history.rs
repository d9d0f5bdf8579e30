//! `history` (issue 17): every event touching a place, each with author, role and time in
//! the province's zone; objections and their resolutions as entries of their own;
//! `--contest`, `--since`, paging, JSON and CSV; `--station` and `--region`.

use serde_json::Value;

use crate::harness::{code, stderr, stdout, Sandbox};

fn json(sandbox: &Sandbox, args: &[&str]) -> Value {
    let mut all = vec!["history", "--store", "rekap-demo-store", "--format", "json"];
    all.extend_from_slice(args);
    let output = sandbox.run(&all);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).unwrap()
}

fn entries(value: &Value) -> &Vec<Value> {
    value["entries"].as_array().unwrap()
}

#[test]
fn history_is_complete_zoned_filtered_and_paged() {
    let sandbox = Sandbox::new();
    let demo = sandbox.run(&["demo", "--stations", "300"]);
    assert_eq!(code(&demo), 0, "{}", stderr(&demo));

    let province = json(&sandbox, &["--region", "64", "--limit", "100000"]);
    let all = entries(&province);
    assert_eq!(province["total"].as_u64().unwrap() as usize, all.len());
    for entry in all {
        assert_eq!(entry["zone"], "WITA", "{entry}");
        assert!(
            entry["time"].as_str().unwrap().ends_with("+08:00"),
            "{entry}"
        );
        assert!(
            !entry["author"]["role"].as_str().unwrap().is_empty(),
            "{entry}"
        );
    }
    let kinds: Vec<&str> = all
        .iter()
        .map(|entry| entry["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "election_defined",
        "officer_registered",
        "sheet_submitted",
        "sheet_corrected",
        "objection_filed",
        "objection_accepted",
        "plenary_approved",
    ] {
        assert!(kinds.contains(&kind), "{kind} missing from {kinds:?}");
    }
    let ids: Vec<(u64, u64)> = all
        .iter()
        .map(|entry| {
            let (seq, index) = entry["id"].as_str().unwrap().split_once('.').unwrap();
            (seq.parse().unwrap(), index.parse().unwrap())
        })
        .collect();
    assert!(
        ids.windows(2).all(|pair| pair[0] <= pair[1]),
        "oldest first"
    );

    // The objection's station: filed, accepted and corrected, each its own entry.
    let filed = all
        .iter()
        .find(|entry| entry["kind"] == "objection_filed")
        .unwrap();
    let place = filed["place"].as_str().unwrap();
    let station = json(&sandbox, &["--station", place]);
    let station_kinds: Vec<&str> = entries(&station)
        .iter()
        .map(|entry| entry["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "sheet_submitted",
        "objection_filed",
        "objection_accepted",
        "sheet_corrected",
    ] {
        assert!(
            station_kinds.contains(&kind),
            "{kind} missing from {station_kinds:?}"
        );
    }
    let accepted = entries(&station)
        .iter()
        .find(|entry| entry["kind"] == "objection_accepted")
        .unwrap();
    assert_eq!(accepted["details"]["objection"], filed["id"]);
    assert_eq!(accepted["author"]["role"], "official");

    // Paging: two pages are the whole, in order.
    let first = json(&sandbox, &["--region", "64", "--limit", "5"]);
    let second = json(
        &sandbox,
        &["--region", "64", "--limit", "5", "--offset", "5"],
    );
    assert_eq!(entries(&first)[..], all[..5]);
    assert_eq!(entries(&second)[..], all[5..10]);
    let table = sandbox.run(&[
        "history",
        "--store",
        "rekap-demo-store",
        "--region",
        "64",
        "--limit",
        "5",
        "--lang",
        "en",
    ]);
    assert!(
        stdout(&table).contains("next page: --offset 5"),
        "{}",
        stdout(&table)
    );

    // --since a record: nothing before it.
    let since = json(
        &sandbox,
        &["--region", "64", "--since", "3", "--limit", "100000"],
    );
    assert!(entries(&since)
        .iter()
        .all(|entry| entry["seq"].as_u64().unwrap() >= 3));
    assert!(entries(&since).len() < all.len());
    // --since a date long after voting day: nothing.
    let later = json(&sandbox, &["--region", "64", "--since", "2030-01-01"]);
    assert_eq!(later["total"], 0);

    // --contest: only that contest's events (officer events carry none).
    let contest = json(
        &sandbox,
        &[
            "--region",
            "64",
            "--contest",
            "pilgub-kaltim-2024",
            "--limit",
            "100000",
        ],
    );
    assert!(entries(&contest)
        .iter()
        .all(|entry| entry["contest"] == "pilgub-kaltim-2024"));
    // A resolution belongs to its objection's contest: shown with it and kept by
    // --contest, from the saved history view and from a replay alike, in JSON and CSV.
    let resolution_kept = |sandbox: &Sandbox| {
        for place in [vec!["--region", "64"], vec!["--station", place]] {
            let mut args = place.clone();
            args.extend(["--contest", "pilgub-kaltim-2024", "--limit", "100000"]);
            let kinds: Vec<String> = (entries(&json(sandbox, &args)).iter())
                .map(|entry| entry["kind"].as_str().unwrap().to_owned())
                .collect();
            assert!(
                kinds.iter().any(|kind| kind == "objection_accepted"),
                "{args:?}: {kinds:?}"
            );
            let mut all = vec!["history", "--store", "rekap-demo-store", "-f", "csv"];
            all.extend(place);
            let csv = stdout(&sandbox.run(&all));
            let accepted = (csv.lines())
                .find(|line| line.contains(",objection_accepted,"))
                .unwrap_or_else(|| panic!("{csv}"));
            assert!(accepted.contains(",pilgub-kaltim-2024,"), "{accepted}");
        }
    };
    resolution_kept(&sandbox);
    std::fs::remove_file(sandbox.path("rekap-demo-store/history.view")).unwrap();
    resolution_kept(&sandbox);
    let unknown = sandbox.run(&[
        "history",
        "--store",
        "rekap-demo-store",
        "--region",
        "64",
        "--contest",
        "nope",
    ]);
    assert_eq!(code(&unknown), 1);

    // --utc.
    let utc = json(&sandbox, &["--region", "64", "--utc", "--limit", "3"]);
    assert!(
        entries(&utc)
            .iter()
            .all(|entry| entry["zone"] == "UTC"
                && entry["time"].as_str().unwrap().ends_with("+00:00"))
    );

    // CSV, the table in Indonesian, the old positional spelling, a code of the wrong kind.
    let csv = sandbox.run(&[
        "history",
        "--store",
        "rekap-demo-store",
        "--station",
        place,
        "-f",
        "csv",
    ]);
    assert!(stdout(&csv).starts_with("id,time,zone,kind,place,contest,author,role,scope,text\n"));
    let indonesian = sandbox.run(&[
        "history",
        "--store",
        "rekap-demo-store",
        "--station",
        place,
        "--lang",
        "id",
    ]);
    let text = stdout(&indonesian);
    assert!(
        text.contains("keberatan diterima") && text.contains("WITA"),
        "{text}"
    );
    let old = sandbox.run(&["history", "--store", "rekap-demo-store", place]);
    assert_eq!(code(&old), 0);
    assert_eq!(
        stdout(&old),
        stdout(&sandbox.run(&["history", "--store", "rekap-demo-store", "--station", place]))
    );
    let wrong = sandbox.run(&["history", "--store", "rekap-demo-store", "--station", "64"]);
    assert_eq!(code(&wrong), 1);
    assert!(
        stderr(&wrong).contains("use --region 64"),
        "{}",
        stderr(&wrong)
    );
}
