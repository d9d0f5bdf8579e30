//! An honest log passes every check; a totals view claiming another projection digest fails
//! check 8.

use rekap_audit::{AuditReport, CHECK_NAMES};
use rekap_model::Role;

use crate::harness::*;

/// Genesis, a witness registered, all sheets, a correction, every plenary bottom up.
fn honest() -> Harness {
    let mut h = Harness::new();
    h.register(
        WITNESS,
        Role::Witness {
            contest: GUBERNUR.into(),
            pair: 2,
        },
        "64",
    );
    h.submit_all();
    h.honest(
        official_of("647201"),
        vec![correct("6472010001-002", &[14, 27])],
    );
    for region in DISTRICTS
        .iter()
        .chain(REGENCIES.iter())
        .chain(["64"].iter())
    {
        h.approve(region);
    }
    assert_eq!(
        h.projection
            .approval_state(&h.state, h.contest(), h.region("64"))
            .label(),
        "approved"
    );
    h
}

fn hex32(bytes: &[u8; 32]) -> String {
    hex::encode(bytes)
}

fn assert_all_pass(report: &AuditReport) {
    assert!(report.ok, "{report:#?}");
    assert_eq!(report.checks.len(), 9);
    for (index, check) in report.checks.iter().enumerate() {
        assert_eq!(check.number as usize, index + 1);
        assert_eq!(check.name, CHECK_NAMES[index]);
        assert!(check.passed, "check {} failed: {report:#?}", check.number);
        assert_eq!(check.failed, 0);
        assert_eq!(check.first_failure, None);
    }
    assert!(report.first_failure().is_none());
}

#[test]
fn honest_log_passes_every_check() {
    let h = honest();
    let records = h.log.head().count;
    assert_eq!(records, 10);
    let report = h.audit(None);
    assert_all_pass(&report);
    assert_eq!(report.records, records);
    assert_eq!(report.head, hex32(&h.log.head().last_hash));
    assert_eq!(
        report.projection_digest,
        Some(hex32(&h.projection.projection_digest(&h.state)))
    );
    assert_eq!(check(&report, 1).checked, records);
    assert_eq!(check(&report, 2).checked, records);
    assert_eq!(check(&report, 3).checked, records);
    // 1 registration + 9 sheets + 1 correction + 6 approvals.
    assert_eq!(check(&report, 4).checked, 17);
    assert_eq!(check(&report, 5).checked, 17);
    assert_eq!(check(&report, 6).checked, 10);
    assert_eq!(check(&report, 7).checked, 6);
    assert!(check(&report, 8).checked > 0);
    assert_eq!(check(&report, 9).checked as usize, report.flags.len());
}

#[test]
fn a_totals_view_with_the_recomputed_digest_passes_check_8() {
    let h = honest();
    let digest = h.projection.projection_digest(&h.state);
    let without = h.audit(None);
    let report = h.audit(Some(digest));
    assert_all_pass(&report);
    assert_eq!(check(&report, 8).checked, check(&without, 8).checked + 1);
}

#[test]
fn a_totals_view_claiming_another_projection_digest_fails_check_8() {
    let h = honest();
    let mut claimed = h.projection.projection_digest(&h.state);
    claimed[0] ^= 1;
    let report = h.audit(Some(claimed));
    assert!(!report.ok);
    for number in (1..=9).filter(|number| *number != 8) {
        assert!(check(&report, number).passed, "check {number}: {report:#?}");
    }
    let state = check(&report, 8);
    assert!(!state.passed);
    assert_eq!(state.failed, 1);
    let failure = state.first_failure.as_ref().expect("a failure");
    assert_eq!(failure.seq, None, "a view is not a record");
    assert!(failure.reason.contains("totals view"), "{failure:?}");
    assert_eq!(
        report.first_failure().map(|(check, _)| check.number),
        Some(8)
    );
}
