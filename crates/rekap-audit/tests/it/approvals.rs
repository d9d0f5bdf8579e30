//! Forged logs failing check 7 (approvals: digests, fresh children).

use crate::harness::*;

/// Issue 6: an approval whose digest does not match the region's digest (the official
/// approves district 647101 with the digest of district 647201).
#[test]
fn approval_with_a_wrong_digest_fails_check_7_at_its_record() {
    let mut h = Harness::new();
    h.submit_all();
    let wrong = h.digest("647201");
    assert_ne!(wrong, h.digest("647101"));
    let forged = h.forged(official_of("647101"), vec![approve("647101", wrong)]);
    assert_eq!(forged, 3);
    let report = h.audit(None);
    assert_fails_only(
        &report,
        7,
        forged,
        &format!("digest {} claimed", hex::encode(wrong)),
    );
    assert_eq!(check(&report, 7).checked, 1);
}

/// Issue 6: a parent approved over a stale child: district 647201 approved, then a
/// correction under it, then regency 6472 approved with the regency's current digest.
#[test]
fn parent_approved_over_a_stale_child_fails_check_7_at_its_record() {
    let mut h = Harness::new();
    h.submit_all();
    h.approve("647201");
    h.approve("647202");
    let corrected = h.honest(
        official_of("647201"),
        vec![correct("6472010001-001", &[13, 25])],
    );
    assert_eq!(
        h.projection
            .approval_state(&h.state, h.contest(), h.region("647201"))
            .label(),
        "stale"
    );
    let current = h.digest("6472");
    let forged = h.forged(official_of("6472"), vec![approve("6472", current)]);
    assert_eq!((corrected, forged), (5, 6));
    let report = h.audit(None);
    assert_fails_only(
        &report,
        7,
        forged,
        &format!("child region 647201's approval is stale since record {corrected}"),
    );
    // Three approvals judged: two honest, one forged.
    assert_eq!(check(&report, 7).checked, 3);
}

/// A parent approved before its child was approved at all.
#[test]
fn parent_approved_over_an_unapproved_child_fails_check_7_at_its_record() {
    let mut h = Harness::new();
    h.submit_all();
    h.approve("647201");
    let current = h.digest("6472");
    let forged = h.forged(official_of("6472"), vec![approve("6472", current)]);
    let report = h.audit(None);
    assert_fails_only(&report, 7, forged, "child region 647202 is not approved");
}
