//! Forged logs failing check 4 (authority): every event allowed for its author at its
//! position.

use rekap_model::{Event, Role};

use crate::harness::*;

/// Issue 6: an operator's key signing a plenary approval, with the district's true digest.
#[test]
fn operator_signing_a_plenary_approval_fails_check_4_at_its_record() {
    let mut h = Harness::new();
    h.submit_all();
    let digest = h.digest("647101");
    let forged = h.forged(OPERATOR, vec![approve("647101", digest)]);
    assert_eq!(forged, 3);
    let report = h.audit(None);
    assert_fails_only(&report, 4, forged, "an operator may not approve a plenary");
    // The failure names the rule of docs/RULES.md, in its text and as a field of the JSON.
    let failure = check(&report, 4).first_failure.clone().expect("a failure");
    assert_eq!(failure.rule.as_deref(), Some("R14"));
    assert!(failure.reason.contains("R14: "), "{}", failure.reason);
    let json = serde_json::to_value(&report).expect("the report serializes");
    assert_eq!(json["checks"][3]["first_failure"]["rule"], "R14");
    assert!(json["checks"][0]["first_failure"].is_null());
    // The sheets before it were judged and kept.
    assert_eq!(check(&report, 6).checked, STATIONS.len() as u64);
    assert_eq!(check(&report, 7).checked, 1);
}

/// Issue 6: a sheet from a revoked key: the registrar revokes the operator, then the
/// operator submits.
#[test]
fn sheet_signed_by_a_revoked_key_fails_check_4_at_its_record() {
    let mut h = Harness::new();
    h.honest(OPERATOR, vec![submit(STATIONS[0], &[10, 20])]);
    let revoked_at = h.honest(
        REGISTRAR,
        vec![Event::OfficerRevoked {
            key: pk(OPERATOR),
            reason: "key lost with the tablet".into(),
        }],
    );
    let forged = h.forged(OPERATOR, vec![submit(STATIONS[1], &[11, 22])]);
    assert_eq!((revoked_at, forged), (3, 4));
    let report = h.audit(None);
    assert_fails_only(
        &report,
        4,
        forged,
        &format!("was revoked at record {revoked_at}"),
    );
}

/// Issue 6: a correction by a witness.
#[test]
fn correction_by_a_witness_fails_check_4_at_its_record() {
    let mut h = Harness::new();
    h.register(
        WITNESS,
        Role::Witness {
            contest: GUBERNUR.into(),
            pair: 1,
        },
        "64",
    );
    h.submit_all();
    let forged = h.forged(WITNESS, vec![correct(STATIONS[0], &[500, 20])]);
    assert_eq!(forged, 4);
    let report = h.audit(None);
    assert_fails_only(&report, 4, forged, "a witness may not correct a sheet");
}

/// Issue 6: a sheet for a station outside the signer's scope: an operator scoped to
/// district 647101 submits for a station of district 647201.
#[test]
fn sheet_outside_the_signers_scope_fails_check_4_at_its_record() {
    let mut h = Harness::new();
    h.register(OPERATOR_647101, Role::Operator, "647101");
    let in_scope = h.honest(OPERATOR_647101, vec![submit("6471010001-001", &[10, 20])]);
    let forged = h.forged(OPERATOR_647101, vec![submit("6472010001-001", &[12, 24])]);
    assert_eq!((in_scope, forged), (3, 4));
    let report = h.audit(None);
    assert_fails_only(&report, 4, forged, "\"6472010001-001\"");
    // The in-scope sheet before it counts.
    assert_eq!(check(&report, 6).checked, 2);
}

/// The forged event need not be first in its payload: the record still holds it, and the
/// whole record is refused (all or none).
#[test]
fn forged_event_after_honest_ones_in_one_payload_fails_at_that_record() {
    let mut h = Harness::new();
    h.submit_all();
    let digest = h.digest("647101");
    let forged = h.forged(
        official_of("647101"),
        vec![approve("647101", digest), approve("6471", [0; 32])],
    );
    let report = h.audit(None);
    // The district's official is not the regency's: authority, event 1.
    assert_fails_only(&report, 4, forged, "event 1:");
}
