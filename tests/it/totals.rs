//! `totals --at SEQ` answers only for a record the log holds.

use crate::harness::{code, stderr, stdout, Sandbox};

#[test]
fn totals_at_zero_or_beyond_the_head_is_refused_with_the_range_the_log_holds() {
    let sandbox = Sandbox::new();
    let demo = sandbox.run(&["demo", "--store", "demo-store"]);
    assert_eq!(code(&demo), 0, "{}", stderr(&demo));
    let verify = sandbox.run(&["verify", "--store", "demo-store", "--json"]);
    let head: serde_json::Value = serde_json::from_str(&stdout(&verify)).unwrap();
    let records = head["events"].as_u64().unwrap();
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
