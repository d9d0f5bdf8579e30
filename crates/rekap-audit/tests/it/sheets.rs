//! Forged logs failing check 3 (genesis binding) and check 6 (hard rules of sheets).

use rekap_model::Payload;

use crate::harness::*;

/// Issue 6: a sheet that breaks a hard rule: Sirekap reads pair 1's "11" as "826", so
/// the pairs' votes no longer add up to the valid votes.
#[test]
fn sirekap_misread_breaking_a_hard_rule_fails_check_6_at_its_record() {
    let mut h = Harness::new();
    h.honest(OPERATOR, vec![submit(STATIONS[0], &[10, 20])]);
    let mut misread = sheet(&[11, 120]);
    misread.votes[0] = 826;
    assert_eq!(misread.valid, 131);
    let forged = h.forged(
        OPERATOR,
        vec![rekap_model::Event::SheetSubmitted {
            station: STATIONS[1].into(),
            contest: GUBERNUR.into(),
            sheet: misread,
        }],
    );
    assert_eq!(forged, 3);
    let report = h.audit(None);
    assert_fails_only(
        &report,
        6,
        forged,
        "the pairs' votes add up to 946, valid votes are 131",
    );
}

/// Issue 6 (genesis): a payload bound to another definition's hash.
#[test]
fn payload_bound_to_another_definition_fails_check_3_at_its_record() {
    let mut h = Harness::new();
    h.submit_all();
    let other = definition("Pilgub Kalimantan Timur 2024 (another definition)").hash();
    assert_ne!(other, h.state.definition_hash());
    let forged = h.forged_payload(
        official_of("647101"),
        &Payload::Events {
            definition_hash: other,
            events: vec![approve("647101", h.digest("647101"))],
        },
    );
    assert_eq!(forged, 3);
    let report = h.audit(None);
    assert_fails_only(&report, 3, forged, "the payload is bound to definition");
}

/// A second genesis later in the log is refused under check 3 too.
#[test]
fn second_genesis_fails_check_3_at_its_record() {
    let mut h = Harness::new();
    h.submit_all();
    let genesis = Payload::Genesis(rekap_model::Genesis::new(
        definition("Pilgub Kalimantan Timur 2024 (audit test)"),
        log_key(),
    ));
    let forged = h.forged_payload(REGISTRAR, &genesis);
    let report = h.audit(None);
    assert_fails_only(&report, 3, forged, "a definition cannot be replaced");
}
