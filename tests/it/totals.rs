//! `totals --at SEQ` answers only for a record the log holds; `totals -f json` names the
//! record it answers at and carries registered, voted and voided counts.

use crate::harness::{code, stderr, stdout, Sandbox};

#[test]
fn totals_at_zero_or_beyond_the_head_is_refused_with_the_range_the_log_holds() {
    let sandbox = Sandbox::new();
    let demo = sandbox.run(&["demo", "--store", "demo-store"]);
    assert_eq!(code(&demo), 0, "{}", stderr(&demo));
    let verify = sandbox.run(&["verify", "--store", "demo-store", "--json"]);
    let head: serde_json::Value = serde_json::from_str(&stdout(&verify)).unwrap();
    let records = head["records"].as_u64().unwrap();
    let totals = |at: u64| {
        sandbox.run(&[
            "totals",
            "--store",
            "demo-store",
            "--at",
            &at.to_string(),
            "--format",
            "json",
        ])
    };
    let zero = totals(0);
    assert_eq!(code(&zero), 1, "{}", stdout(&zero));
    assert!(
        stderr(&zero).contains(&format!(
            "--at 0: records are numbered from 1 (the genesis); this log holds 1 to {records}"
        )),
        "{}",
        stderr(&zero)
    );
    for beyond in [records + 1, u64::MAX] {
        let output = totals(beyond);
        assert_eq!(code(&output), 1, "{}", stdout(&output));
        assert!(
            stderr(&output).contains(&format!(
                "--at {beyond} is beyond the head: this log holds records 1 to {records}"
            )),
            "{}",
            stderr(&output)
        );
        assert!(stdout(&output).is_empty(), "no totals are printed");
    }
    // The ends of the range are answered: nothing counted after the genesis, all at the head.
    let valid = |output: &std::process::Output| {
        assert_eq!(code(output), 0, "{}", stderr(output));
        let json: serde_json::Value = serde_json::from_str(&stdout(output)).unwrap();
        json["regions"][0]["valid"].as_u64().unwrap()
    };
    assert_eq!(valid(&totals(1)), 0);
    assert_eq!(valid(&totals(records)), 1_790_192);
}

#[test]
fn totals_json_names_its_head_and_carries_registered_voted_and_voided() {
    let sandbox = Sandbox::new();
    let demo = sandbox.run(&["demo", "--stations", "20", "--store", "demo-store"]);
    assert_eq!(code(&demo), 0, "{}", stderr(&demo));
    let verify = sandbox.run(&["verify", "--store", "demo-store", "-f", "json"]);
    let verified: serde_json::Value = serde_json::from_str(&stdout(&verify)).unwrap();
    let json = |extra: &[&str]| -> serde_json::Value {
        let mut args = vec!["totals", "--store", "demo-store", "-f", "json"];
        args.extend_from_slice(extra);
        let output = sandbox.run(&args);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        serde_json::from_str(&stdout(&output)).unwrap()
    };
    // Once replaying (the first read may save the view), once from the saved view.
    for totals in [json(&[]), json(&[])] {
        assert_eq!(totals["head"]["count"], verified["records"], "{totals}");
        assert_eq!(totals["head"]["hash"], verified["head"], "{totals}");
        let province = &totals["regions"][0];
        let registered = province["registered"].as_u64().unwrap();
        let voted = province["voted"].as_u64().unwrap();
        assert!(voted > 0 && voted <= registered, "{province}");
        assert_eq!(province["stations_voided"], 0, "{province}");
        assert!(totals["pairs"][0]["name"].is_string(), "{totals}");
    }
    let at_genesis = json(&["--at", "1"]);
    assert_eq!(at_genesis["head"]["count"], 1, "{at_genesis}");
    assert_eq!(at_genesis["regions"][0]["voted"], 0, "{at_genesis}");
    assert_ne!(at_genesis["head"]["hash"], verified["head"]);
}
