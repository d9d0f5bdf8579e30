//! One output switch and one set of names (issue 17): `-f table|json|csv` on every reading
//! command, `--json` kept, `records` in verify as in audit, `--store`/`REKAP_STORE` for
//! verify and audit, short flags.

use serde_json::Value;

use crate::harness::{code, run_ok, stderr, stdout, Sandbox};

fn parsed(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("{error}: {text}"))
}

#[test]
fn every_reading_command_speaks_table_json_and_csv_with_one_set_of_names() {
    let sandbox = Sandbox::new();
    assert_eq!(
        code(&sandbox.run(&["demo", "--stations", "300", "--store", "rekap-store"])),
        0
    );

    // verify and audit read ./rekap-store by default, like every other command.
    let verify = parsed(&run_ok(&sandbox, &["verify", "-f", "json"]));
    assert_eq!(verify["ok"], true);
    assert!(verify["records"].is_u64());
    assert!(
        verify.get("events").is_none(),
        "one name for the records: records"
    );
    let audit = parsed(&run_ok(&sandbox, &["audit", "-f", "json"]));
    assert_eq!(audit["records"], verify["records"]);
    assert_eq!(audit["head"], verify["head"]);
    assert_eq!(
        run_ok(&sandbox, &["verify", "--json"]),
        run_ok(&sandbox, &["verify", "-f", "json"])
    );
    let status = parsed(&run_ok(
        &sandbox,
        &["status", "-s", "rekap-store", "-f", "json"],
    ));
    assert_eq!(status["head"]["count"], verify["records"]);
    assert_eq!(status["head"]["hash"], verify["head"]);
    assert!(run_ok(&sandbox, &["status", "-f", "csv"]).starts_with("scope,level,regions,"));
    assert!(run_ok(&sandbox, &["audit", "-f", "csv"]).starts_with("number,name,passed,"));
    assert!(run_ok(&sandbox, &["verify", "-f", "csv"]).starts_with("ok,records,head,"));

    // REKAP_STORE for verify and audit.
    std::fs::rename(sandbox.path("rekap-store"), sandbox.path("elsewhere")).unwrap();
    let moved = sandbox.shell("REKAP_STORE=elsewhere \"$REKAP\" verify -f json");
    assert_eq!(code(&moved), 0, "{}", stderr(&moved));
    assert_eq!(parsed(&stdout(&moved))["head"], verify["head"]);
    let audited = sandbox.shell("REKAP_STORE=elsewhere \"$REKAP\" audit -q");
    assert_eq!(code(&audited), 0);
    assert_eq!(
        code(&sandbox.run(&["verify"])),
        3,
        "no store at ./rekap-store"
    );

    let store = ["-s", "elsewhere"];
    let with = |args: &[&str]| -> Vec<String> {
        args.iter()
            .chain(&store)
            .map(|arg| (*arg).to_owned())
            .collect()
    };
    let exported = parsed(&run_ok(
        &sandbox,
        &as_str(&with(&["export", "--out", "e.rekap", "-f", "json"])),
    ));
    assert_eq!(exported["records"], verify["records"]);
    assert_eq!(exported["head"], verify["head"]);
    let station = parsed(&run_ok(
        &sandbox,
        &as_str(&with(&["totals", "--level", "station", "-f", "json"])),
    ));
    let code_of = station["stations"][0]["code"].as_str().unwrap().to_owned();
    let proved = parsed(&run_ok(
        &sandbox,
        &as_str(&with(&[
            "prove",
            "--contest",
            "pilgub-kaltim-2024",
            "--station",
            &code_of,
            "--out",
            "p.json",
            "-f",
            "json",
        ])),
    ));
    assert_eq!(proved["station"], code_of.as_str());
    let checked = parsed(&run_ok(
        &sandbox,
        &["verify-proof", "--proof", "p.json", "-f", "json"],
    ));
    assert_eq!(checked["ok"], true);
    assert_eq!(checked["digest"], proved["digest"]);
    assert_eq!(checked["votes"], proved["votes"]);

    // -q: no note on stderr from a totals answered by the saved view.
    let quiet = sandbox.run(&as_str(&with(&["-q", "totals"])));
    assert_eq!(code(&quiet), 0);
    assert_eq!(stderr(&quiet), "");
}

fn as_str(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}
