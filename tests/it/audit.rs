use serde_json::Value;

use crate::harness::{code, stderr, stdout, Sandbox};

#[test]
fn the_demo_passes_every_check_and_a_tampered_export_fails_the_chain() {
    let sandbox = Sandbox::new();
    assert_eq!(code(&sandbox.run(&["demo", "--stations", "300"])), 0);
    let output = sandbox.run(&["audit", "--store", "rekap-demo-store", "--json"]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["ok"], true);
    let checks = report["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 9);
    assert!(checks.iter().all(|check| check["passed"] == true));
    assert!(
        checks[5]["checked"].as_u64().unwrap() >= 300,
        "every sheet checked"
    );
    assert!(
        checks[6]["checked"].as_u64().unwrap() > 0,
        "approvals checked"
    );

    let offline = sandbox.run(&["audit", "--log", "rekap-demo-store.rekap"]);
    assert_eq!(code(&offline), 0, "{}", stdout(&offline));
    assert!(stdout(&offline).contains("audit passed"));

    let mut bytes = std::fs::read(sandbox.path("rekap-demo-store.rekap")).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x40;
    std::fs::write(sandbox.path("tampered.rekap"), &bytes).unwrap();
    let tampered = sandbox.run(&["audit", "--log", "tampered.rekap", "--json"]);
    assert_eq!(code(&tampered), 1);
    let report: Value = serde_json::from_str(&stdout(&tampered)).unwrap();
    assert_eq!(report["ok"], false);
    assert_eq!(
        report["checks"][0]["passed"], false,
        "check 1 (chain) fails"
    );
}
