//! Issue 10, section 2: the saved totals view cannot lie. Anyone who can write the store
//! directory can rewrite `totals.view` and recompute its checksums, or copy in a view of
//! another store stamped with this store's end mark; `totals` then answers from the log,
//! says so on stderr, and `audit` fails check 8 on a view whose lines the log does not give.

use serde_json::Value;

use crate::harness::{code, stderr, stdout, Sandbox};

const STORE: &str = "rekap-demo-store";

/// Bytes of a view file before its block checksums (docs/FORMAT.md, "View files").
const VIEW_FIXED_BYTES: usize = 8 + 8 + 8 + 92 + 8;

/// A demo store whose totals view is saved; its province totals as JSON.
fn demo(stations: &str) -> (Sandbox, String) {
    let sandbox = Sandbox::new();
    assert_eq!(code(&sandbox.run(&["demo", "--stations", stations])), 0);
    let first = sandbox.run(&["totals", "--store", STORE, "--format", "json"]);
    assert_eq!(code(&first), 0, "{}", stderr(&first));
    let again = sandbox.run(&["totals", "--store", STORE, "--format", "json"]);
    assert_eq!(stdout(&again), stdout(&first));
    assert!(
        stderr(&again).contains("answered from the saved totals view"),
        "{}",
        stderr(&again)
    );
    (sandbox, stdout(&first))
}

/// Recomputes a view file's block checksums and header checksum as the writer does.
fn reseal(file: &mut [u8]) {
    let body_length = u64::from_le_bytes(file[116..124].try_into().unwrap());
    let blocks = body_length.div_ceil(16 * 1024) as usize;
    let body = file[VIEW_FIXED_BYTES + 32 * (blocks + 1)..].to_vec();
    let mut at = VIEW_FIXED_BYTES;
    for block in body.chunks(16 * 1024) {
        file[at..at + 32].copy_from_slice(blake3::hash(block).as_bytes());
        at += 32;
    }
    let checksum = blake3::hash(&file[..at]);
    file[at..at + 32].copy_from_slice(checksum.as_bytes());
}

/// The province line's first words as the view stores them: votes per pair, valid, invalid.
fn province_line(totals: &str) -> Vec<u8> {
    let totals: Value = serde_json::from_str(totals).unwrap();
    let province = &totals["regions"][0];
    let votes = province["votes"].as_object().unwrap();
    let mut numbers: Vec<u64> = (1..=votes.len())
        .map(|pair| votes[&pair.to_string()].as_u64().unwrap())
        .collect();
    numbers.push(province["valid"].as_u64().unwrap());
    numbers.push(province["invalid"].as_u64().unwrap());
    numbers
        .iter()
        .flat_map(|number| number.to_le_bytes())
        .collect()
}

#[test]
fn a_forged_view_is_not_shown_and_fails_audit_check_8() {
    let (sandbox, honest) = demo("300");
    let path = sandbox.path(&format!("{STORE}/totals.view"));
    let mut view = std::fs::read(&path).unwrap();
    let line = province_line(&honest);
    let at = (0..view.len() - line.len())
        .find(|at| view[*at..*at + line.len()] == line[..])
        .expect("the province's line is in the view");
    let votes = u64::from_le_bytes(view[at..at + 8].try_into().unwrap());
    view[at..at + 8].copy_from_slice(&(votes + 1_000).to_le_bytes());
    reseal(&mut view);
    std::fs::write(&path, &view).unwrap();

    let audit = sandbox.run(&["audit", "--store", STORE, "--json"]);
    assert_eq!(code(&audit), 1, "{}", stdout(&audit));
    let report: Value = serde_json::from_str(&stdout(&audit)).unwrap();
    let final_state = &report["checks"][7];
    assert_eq!(final_state["passed"], false, "{report}");
    let reason = final_state["first_failure"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("totals view") && reason.contains("votes for pair 1"),
        "{reason}"
    );
    for (index, check) in report["checks"].as_array().unwrap().iter().enumerate() {
        assert_eq!(check["passed"], index != 7, "check {}: {report}", index + 1);
    }

    let totals = sandbox.run(&["totals", "--store", STORE, "--format", "json"]);
    assert_eq!(code(&totals), 0, "{}", stderr(&totals));
    assert_eq!(stdout(&totals), honest, "the forged number was shown");
    assert!(
        stderr(&totals).contains("recomputing the totals from the log"),
        "{}",
        stderr(&totals)
    );
    // A reader changes no file: the forged view stays as evidence, and the audit keeps
    // failing on it until it is deleted (or the next append replaces it).
    assert_eq!(code(&sandbox.run(&["audit", "--store", STORE])), 1);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(code(&sandbox.run(&["audit", "--store", STORE])), 0);
}

#[test]
fn a_view_of_another_store_with_this_stores_end_mark_is_not_used() {
    let (ours, honest) = demo("300");
    let (theirs, their_totals) = demo("200");
    assert_ne!(honest, their_totals);
    let our_path = ours.path(&format!("{STORE}/totals.view"));
    let our_view = std::fs::read(&our_path).unwrap();
    let mut foreign = std::fs::read(theirs.path(&format!("{STORE}/totals.view"))).unwrap();
    // Their view stamped with our segment length, last header offset and last chunk header.
    foreign[8..116].copy_from_slice(&our_view[8..116]);
    reseal(&mut foreign);
    std::fs::write(&our_path, &foreign).unwrap();

    let totals = ours.run(&["totals", "--store", STORE, "--format", "json"]);
    assert_eq!(code(&totals), 0, "{}", stderr(&totals));
    assert_eq!(stdout(&totals), honest, "another store's totals were shown");
    assert!(
        stderr(&totals).contains("not answering from the saved totals view"),
        "{}",
        stderr(&totals)
    );
    assert!(
        std::fs::read(&our_path).unwrap() == foreign,
        "a reader rewrote the view"
    );
}
