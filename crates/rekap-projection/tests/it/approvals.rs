use rekap_model::{ApprovalCheckFailure, Refusal};

use crate::world::*;

fn refusal_of(result: Result<Vec<rekap_model::Effect>, rekap_model::PayloadRefusal>) -> Refusal {
    result.expect_err("expected a refusal").refusal
}

fn check_failure(refusal: Refusal) -> ApprovalCheckFailure {
    match refusal {
        Refusal::ApprovalCheck(failure) => failure,
        other => panic!("expected an approval check refusal, got {other:?}"),
    }
}

#[test]
fn the_plenary_ladder_climbs_with_matching_digests() {
    let mut world = World::new();
    world.submit_all();
    assert_eq!(world.approval("647201"), "pending");
    assert_eq!(world.approval("6472010001"), "none");
    world.approve_all();
    for region in DISTRICTS
        .iter()
        .chain(REGENCIES.iter())
        .chain(["64"].iter())
    {
        assert_eq!(world.approval(region), "approved", "{region}");
    }
}

#[test]
fn an_approval_with_another_digest_is_refused() {
    let mut world = World::new();
    world.submit_all();
    let mut wrong = world.digest("647201");
    wrong[0] ^= 1;
    let refusal = refusal_of(world.run(official_of("647201"), vec![approve("647201", wrong)]));
    assert_eq!(refusal.rule().to_string(), "R61");
    assert!(matches!(
        check_failure(refusal),
        ApprovalCheckFailure::DigestMismatch { .. }
    ));
}

#[test]
fn an_approval_with_stations_missing_is_refused() {
    let mut world = World::new();
    world.ok(OPERATOR, vec![submit(STATIONS[2], &[1, 2])]);
    let refusal = refusal_of(world.approve("647201"));
    assert_eq!(refusal.rule().to_string(), "R59");
    match check_failure(refusal) {
        ApprovalCheckFailure::StationsMissing { missing, example } => {
            assert_eq!(missing, 4);
            assert_eq!(example, "6472010001-002");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_regency_cannot_be_approved_before_its_districts() {
    let mut world = World::new();
    world.submit_all();
    world.approve("647201").expect("district approved");
    let refusal = refusal_of(world.approve("6472"));
    assert_eq!(refusal.rule().to_string(), "R60");
    match check_failure(refusal) {
        ApprovalCheckFailure::ChildNotApproved { child } => assert_eq!(child, "647202"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_correction_makes_the_approvals_above_it_stale_until_reapproved() {
    let mut world = World::new();
    world.submit_all();
    world.approve_all();
    world.ok(official_of("647201"), vec![correct(STATIONS[3], &[99, 26])]);
    assert_eq!(world.approval("647201"), "stale");
    assert_eq!(world.approval("6472"), "stale");
    assert_eq!(world.approval("64"), "stale");
    assert_eq!(
        world.approval("647202"),
        "approved",
        "a sibling is untouched"
    );
    assert_eq!(world.approval("6471"), "approved");
    let refusal = refusal_of(world.approve("6472"));
    assert!(matches!(
        check_failure(refusal),
        ApprovalCheckFailure::ChildStale { ref child, .. } if child == "647201"
    ));
    world.approve("647201").expect("district re-approved");
    world.approve("6472").expect("regency re-approved");
    world.approve("64").expect("province re-approved");
    assert_eq!(world.approval("64"), "approved");
}

#[test]
fn stale_since_names_the_first_change_after_the_approval() {
    let mut world = World::new();
    world.submit_all();
    world.approve_all();
    world.ok(official_of("647201"), vec![correct(STATIONS[3], &[99, 26])]);
    let correction_seq = world.state.last_seq();
    let state = world
        .projection
        .approval_state(&world.state, world.contest(), world.region("64"));
    match state {
        rekap_projection::ApprovalState::Stale { since, .. } => {
            assert_eq!(since.map(|id| id.seq), Some(correction_seq));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_approval_sees_a_correction_earlier_in_the_same_payload() {
    let mut world = World::new();
    world.submit_all();
    let before = world.digest("647201");
    let official = official_of("647201");
    // The digest before the correction no longer matches once the correction applies.
    let refusal = refusal_of(world.run(
        official,
        vec![correct(STATIONS[3], &[99, 26]), approve("647201", before)],
    ));
    assert!(matches!(
        check_failure(refusal),
        ApprovalCheckFailure::DigestMismatch { .. }
    ));
    assert_eq!(
        world.digest("647201"),
        before,
        "the refused payload left nothing"
    );
    // Compute the digest the district will have after the correction, on a copy.
    let mut copy = World::new();
    copy.submit_all();
    copy.ok(official, vec![correct(STATIONS[3], &[99, 26])]);
    let after = copy.digest("647201");
    world.ok(
        official,
        vec![correct(STATIONS[3], &[99, 26]), approve("647201", after)],
    );
    assert_eq!(world.approval("647201"), "approved");
}
