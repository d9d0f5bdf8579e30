//! An honest log passes every check; a totals view that is not what the log gives (another
//! projection digest, a forged line) fails check 8.

use rekap_audit::{AuditReport, Failure, CHECK_NAMES};
use rekap_ledger::view::TotalsView;
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
fn a_totals_view_as_the_log_gives_it_passes_check_8_line_by_line() {
    let h = honest();
    let view = h.totals_view();
    let without = h.audit(None);
    let report = h.audit(Some(&view));
    assert_all_pass(&report);
    // One line per region under the contest's scope (the province and its 9 regions).
    assert_eq!(check(&report, 8).checked, check(&without, 8).checked + 10);
}

/// The view of `bytes` with the first occurrence of `pattern` changed by `change`.
fn forged(bytes: &[u8], pattern: &[u8], change: impl Fn(&mut [u8])) -> TotalsView {
    let at = (0..bytes.len() - pattern.len())
        .find(|at| bytes[*at..*at + pattern.len()] == *pattern)
        .expect("the pattern is in the view");
    let mut forged = bytes.to_vec();
    change(&mut forged[at..at + pattern.len()]);
    TotalsView::from_source(Box::new(forged)).expect("the directory still reads")
}

fn assert_only_check_8_fails(report: &AuditReport) -> &Failure {
    assert!(!report.ok);
    for number in (1..=9).filter(|number| *number != 8) {
        assert!(check(report, number).passed, "check {number}: {report:#?}");
    }
    let state = check(report, 8);
    assert!(!state.passed, "{report:#?}");
    assert_eq!(
        report.first_failure().map(|(check, _)| check.number),
        Some(8)
    );
    let failure = state.first_failure.as_ref().expect("a failure");
    assert_eq!(failure.seq, None, "a view is not a record");
    assert!(failure.reason.contains("totals view"), "{failure:?}");
    failure
}

#[test]
fn a_totals_view_claiming_another_projection_digest_fails_check_8() {
    let h = honest();
    let view = h.totals_view();
    let digest = h.projection.projection_digest(&h.state);
    let claimed = forged(view.body().unwrap(), &digest, |bytes| bytes[0] ^= 1);
    let report = h.audit(Some(&claimed));
    let failure = assert_only_check_8_fails(&report);
    assert!(failure.reason.contains("projection digest"), "{failure:?}");
}

/// Issue 10, section 2: the province's line raised by 1,000 votes for pair 1 (its
/// directory, and so its projection digest, untouched): check 8 names the region.
#[test]
fn a_totals_view_with_a_forged_line_fails_check_8_naming_the_region() {
    let h = honest();
    let view = h.totals_view();
    let province = h.projection.totals(&h.state, h.contest(), h.region("64"));
    let mut line = Vec::new();
    for word in province
        .votes
        .iter()
        .chain([&province.valid, &province.invalid])
    {
        line.extend_from_slice(&word.to_le_bytes());
    }
    let raised = forged(view.body().unwrap(), &line, |bytes| {
        let votes = u64::from_le_bytes(bytes[..8].try_into().unwrap()) + 1_000;
        bytes[..8].copy_from_slice(&votes.to_le_bytes());
    });
    let report = h.audit(Some(&raised));
    let failure = assert_only_check_8_fails(&report);
    assert!(
        failure.reason.contains("region 64:") && failure.reason.contains("votes for pair 1"),
        "{failure:?}"
    );
}
