use rekap_projection::proof::{Proof, ProofFailure, ProveError};

use crate::world::*;

fn approved_world() -> World {
    let mut world = World::new();
    world.submit_all();
    world.approve_all();
    world
}

fn proof_of(world: &World, station: &str) -> Proof {
    world
        .projection
        .prove(&world.state, GUBERNUR, station)
        .expect("proof")
}

#[test]
fn every_station_proves_into_the_province_approval() {
    let world = approved_world();
    let province_digest = world.digest("64");
    for (n, station) in STATIONS.iter().enumerate() {
        let proof = proof_of(&world, station);
        assert_eq!(proof.steps.len(), 4, "village, district, regency, province");
        let numbers = proof.verify(&province_digest).expect("verifies");
        assert_eq!(numbers.votes, vec![10 + n as u32, 20 + 2 * n as u32]);
        // Through JSON, as a witness receives it.
        let json = serde_json::to_string(&proof).unwrap();
        let parsed: Proof = serde_json::from_str(&json).unwrap();
        assert!(parsed.verify(&province_digest).is_ok());
    }
}

#[test]
fn a_changed_number_fails_the_proof() {
    let world = approved_world();
    let digest = world.digest("64");
    let mut shown = proof_of(&world, STATIONS[4]);
    shown.sheet.votes[0] += 1;
    assert_eq!(shown.verify(&digest), Err(ProofFailure::NumbersDiffer));

    // Change the number consistently in the sheet bytes too: the hashes no longer meet.
    let mut forged = proof_of(&world, STATIONS[4]);
    let mut bytes = hex::decode(&forged.sheet_bytes).unwrap();
    let sheet = crate::world::sheet(&[14, 28]);
    let encoded = bincode::encode_to_vec(&sheet, rekap_model::canonical()).unwrap();
    assert_eq!(bytes, encoded);
    let mut changed = sheet.clone();
    changed.votes[0] = 15;
    changed.valid += 1;
    changed.voted.dpt.total += 1;
    changed.ballots.used += 1;
    changed.ballots.unused -= 1;
    changed.registered.dpt += 1;
    bytes = bincode::encode_to_vec(&changed, rekap_model::canonical()).unwrap();
    forged.sheet_bytes = hex::encode(bytes);
    forged.sheet.votes[0] = 15;
    forged.sheet.valid += 1;
    forged.sheet.voted += 1;
    forged.sheet.registered += 1;
    assert!(matches!(
        forged.verify(&digest),
        Err(ProofFailure::DigestMismatch { .. })
    ));
}

#[test]
fn a_changed_branch_or_total_fails_the_proof() {
    let world = approved_world();
    let digest = world.digest("64");
    let proof = proof_of(&world, STATIONS[6]);
    for step in 0..proof.steps.len() {
        for sibling in 0..proof.steps[step].path.len() {
            let mut forged = proof.clone();
            forged.steps[step].path[sibling].0[5] ^= 1;
            assert!(
                forged.verify(&digest).is_err(),
                "step {step} sibling {sibling}"
            );
        }
        let mut forged = proof.clone();
        forged.steps[step].totals.valid += 1;
        if step + 1 < proof.steps.len() {
            assert!(forged.verify(&digest).is_err(), "totals of step {step}");
        }
    }
    let mut other_digest = digest;
    other_digest[0] ^= 1;
    assert!(matches!(
        proof.verify(&other_digest),
        Err(ProofFailure::DigestMismatch { .. })
    ));
}

#[test]
fn no_proof_against_a_stale_or_missing_approval() {
    let mut world = World::new();
    world.submit_all();
    assert!(matches!(
        world.projection.prove(&world.state, GUBERNUR, STATIONS[0]),
        Err(ProveError::NotApproved { .. })
    ));
    world.approve_all();
    world.ok(official_of("647101"), vec![correct(STATIONS[0], &[11, 20])]);
    assert!(matches!(
        world.projection.prove(&world.state, GUBERNUR, STATIONS[0]),
        Err(ProveError::Stale { .. })
    ));
    assert!(matches!(
        world
            .projection
            .prove(&world.state, GUBERNUR, "6471010001-009"),
        Err(ProveError::UnknownStation(_))
    ));
}
