use serde_json::Value;

use crate::harness::{code, stderr, stdout, tiny_vector, Sandbox};

fn tiny_head() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/tiny-log.head");
    std::fs::read_to_string(path).unwrap().trim().to_owned()
}

#[test]
fn verify_log_json_has_the_documented_shape() {
    let sandbox = Sandbox::new();
    let output = sandbox.run(&["verify", "--log", tiny_vector().to_str().unwrap(), "--json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["records"], 3);
    assert!(json.get("events").is_none(), "one name: records");
    assert_eq!(json["head"], tiny_head());
    assert_eq!(json["failures"], Value::Array(vec![]));
}

#[test]
fn tampered_export_fails_at_the_right_record_with_exit_1() {
    let sandbox = Sandbox::new();
    let mut bytes = std::fs::read(tiny_vector()).unwrap();
    // Record 2 starts after the header (20 bytes) and record 1's frame (4 + 197 bytes);
    // its payload "rekap" sits 48 + 48 bytes into the record.
    let payload_of_record_two = 20 + 4 + 197 + 4 + 96;
    assert_eq!(
        &bytes[payload_of_record_two..payload_of_record_two + 5],
        b"rekap"
    );
    bytes[payload_of_record_two] = b'R';
    let tampered = sandbox.path("tampered.rekap");
    std::fs::write(&tampered, &bytes).unwrap();
    let output = sandbox.run(&["verify", "--log", tampered.to_str().unwrap(), "--json"]);
    assert_eq!(code(&output), 1);
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["ok"], false);
    assert_eq!(json["failures"][0]["seq"], 2);
    let human = sandbox.run(&["verify", "--log", tampered.to_str().unwrap()]);
    assert_eq!(code(&human), 1);
    assert!(stdout(&human).contains("record 2: record hash does not match"));
}

#[test]
fn store_export_and_verify_round_trip() {
    let sandbox = Sandbox::new();
    assert_eq!(
        code(&sandbox.run(&["demo", "--store", "s", "--stations", "200"])),
        0
    );
    let verify_store = sandbox.run(&["verify", "--store", "s", "--json"]);
    assert_eq!(code(&verify_store), 0, "{}", stderr(&verify_store));
    let store_json: Value = serde_json::from_str(&stdout(&verify_store)).unwrap();
    let export = sandbox.run(&["export", "--store", "s", "--out", "copy.rekap"]);
    assert_eq!(code(&export), 0, "{}", stderr(&export));
    let verify_log = sandbox.run(&["verify", "--log", "copy.rekap", "--json"]);
    let log_json: Value = serde_json::from_str(&stdout(&verify_log)).unwrap();
    assert_eq!(store_json, log_json);
    assert_eq!(
        std::fs::read(sandbox.path("copy.rekap")).unwrap(),
        std::fs::read(sandbox.path("s.rekap")).unwrap(),
        "exporting a store twice gives the same bytes"
    );
    assert_eq!(store_json["ok"], true);
    let again = sandbox.run(&["export", "--store", "s", "--out", "copy.rekap"]);
    assert_eq!(code(&again), 3, "export never overwrites");
}

#[test]
fn usage_errors_exit_2() {
    let sandbox = Sandbox::new();
    // `verify` alone reads ./rekap-store, like every command (issue 17): none here, 3.
    assert_eq!(code(&sandbox.run(&["verify"])), 3);
    assert_eq!(
        code(&sandbox.run(&["verify", "--log", "a", "--store", "b"])),
        2
    );
    assert_eq!(code(&sandbox.run(&["no-such-command"])), 2);
}

#[test]
fn missing_inputs_exit_3_with_a_clear_message() {
    let sandbox = Sandbox::new();
    let missing_log = sandbox.run(&["verify", "--log", "nope.rekap"]);
    assert_eq!(code(&missing_log), 3);
    assert!(stderr(&missing_log).contains("cannot open nope.rekap"));
    let missing_store = sandbox.run(&["verify", "--store", "nowhere"]);
    assert_eq!(code(&missing_store), 3);
    assert!(stderr(&missing_store).contains("is not a rekap store"));
}

#[test]
fn a_locked_store_exits_4() {
    let sandbox = Sandbox::new();
    assert_eq!(
        code(&sandbox.run(&["demo", "--store", "s", "--stations", "200"])),
        0
    );
    let _held = rekap_log::DefaultStorage::open(&sandbox.path("s")).unwrap();
    let output = sandbox.run(&["verify", "--store", "s"]);
    assert_eq!(code(&output), 4);
    assert!(stderr(&output).contains("locked by another process"));
}

#[test]
fn random_bytes_are_rejected_not_panicked_on() {
    let sandbox = Sandbox::new();
    let junk = sandbox.path("junk.rekap");
    std::fs::write(
        &junk,
        b"REKAPLOG\x01\x00\x00\x00\xff\xff\xff\xff\xff\xff\xff\xffgarbage",
    )
    .unwrap();
    let output = sandbox.run(&["verify", "--log", junk.to_str().unwrap()]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert!(!stderr(&output).contains("panicked"));
}
