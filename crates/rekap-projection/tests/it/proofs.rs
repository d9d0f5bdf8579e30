use rekap_projection::proof::{
    ApprovedAt, BranchEnd, Proof, ProofFailure, ProofLevel, ProveError, PROOF_FORMAT,
};
use serde_json::Value;

use crate::world::*;

fn approved_world() -> World {
    let mut world = World::new();
    world.submit_all();
    world.approve_all();
    world
}

fn proof_at(world: &World, station: &str, level: ProofLevel<'_>) -> Proof<ApprovedAt> {
    world
        .projection
        .prove(&world.state, GUBERNUR, station, level)
        .expect("proof")
}

fn proof_of(world: &World, station: &str) -> Proof<ApprovedAt> {
    proof_at(world, station, ProofLevel::Highest)
}

/// The branch without its approval part, as JSON (the approval is the ledger's).
fn branch_json(proof: &Proof<ApprovedAt>) -> Value {
    let branch = Proof {
        format: proof.format.clone(),
        contest: proof.contest.clone(),
        station: proof.station.clone(),
        sheet: proof.sheet.clone(),
        sheet_bytes: proof.sheet_bytes.clone(),
        steps: proof.steps.clone(),
        approval: (),
    };
    serde_json::to_value(branch).unwrap()
}

fn end_of(world: &World, region: &str) -> BranchEnd {
    BranchEnd {
        region: region.to_owned(),
        digest: world.digest(region),
        totals: world.totals(region),
    }
}

#[test]
fn every_station_proves_into_the_province_approval() {
    let world = approved_world();
    for (n, station) in STATIONS.iter().enumerate() {
        let proof = proof_of(&world, station);
        assert_eq!(proof.format, PROOF_FORMAT);
        assert_eq!(proof.steps.len(), 4, "village, district, regency, province");
        assert_eq!(proof.approval.region, "64");
        assert_eq!(proof.approval.digest, world.digest("64"));
        assert_eq!(proof.verify_branch(), Ok(end_of(&world, "64")));
        assert_eq!(proof.sheet.votes, vec![10 + n as u32, 20 + 2 * n as u32]);
        // Through JSON, as a witness receives it.
        let parsed: Proof<()> = serde_json::from_value(branch_json(&proof)).unwrap();
        assert_eq!(parsed.verify_branch(), Ok(end_of(&world, "64")));
    }
}

#[test]
fn a_proof_ends_at_any_plenary_level_asked_for() {
    let world = approved_world();
    let station = STATIONS[4]; // 6472010001-003: district 647201, regency 6472
    for (level, region, steps) in [
        ("district", "647201", 2),
        ("regency", "6472", 3),
        ("province", "64", 4),
    ] {
        let proof = proof_at(&world, station, ProofLevel::Key(level));
        assert_eq!(proof.steps.len(), steps, "{level}");
        assert_eq!(proof.approval.region, region);
        assert_eq!(proof.verify_branch(), Ok(end_of(&world, region)), "{level}");
    }
    // Only the district approved: the default ends there.
    let mut world = World::new();
    world.submit_all();
    world.approve("647201").unwrap();
    let proof = proof_of(&world, station);
    assert_eq!(proof.approval.region, "647201");
    assert!(matches!(
        world
            .projection
            .prove(&world.state, GUBERNUR, station, ProofLevel::Key("regency")),
        Err(ProveError::NotApproved { region, .. }) if region == "6472"
    ));
    assert!(matches!(
        world
            .projection
            .prove(&world.state, GUBERNUR, STATIONS[0], ProofLevel::Highest),
        Err(ProveError::NothingApproved { .. })
    ));
    for (level, refused) in [("village", "NotPlenary"), ("kingdom", "UnknownLevel")] {
        let error = world
            .projection
            .prove(&world.state, GUBERNUR, station, ProofLevel::Key(level))
            .unwrap_err();
        assert!(format!("{error:?}").starts_with(refused), "{error:?}");
    }
}

#[test]
fn a_changed_number_fails_the_proof() {
    let world = approved_world();
    let mut shown = proof_of(&world, STATIONS[4]);
    shown.sheet.votes[0] += 1;
    assert_eq!(shown.verify_branch(), Err(ProofFailure::NumbersDiffer));

    // Change the number consistently in the sheet bytes too: the digest changes.
    let mut forged = proof_of(&world, STATIONS[4]);
    let sheet = crate::world::sheet(&[14, 28]);
    let encoded = bincode::encode_to_vec(&sheet, rekap_model::canonical()).unwrap();
    assert_eq!(hex::decode(&forged.sheet_bytes).unwrap(), encoded);
    let mut changed = sheet.clone();
    changed.votes[0] = 15;
    changed.valid += 1;
    changed.voted.dpt.total += 1;
    changed.ballots.used += 1;
    changed.ballots.unused -= 1;
    changed.registered.dpt += 1;
    let bytes = bincode::encode_to_vec(&changed, rekap_model::canonical()).unwrap();
    forged.sheet_bytes = hex::encode(bytes);
    forged.sheet.votes[0] = 15;
    forged.sheet.valid += 1;
    forged.sheet.voted += 1;
    forged.sheet.registered += 1;
    // The village's totals no longer sum; made to sum, every digest above differs.
    assert!(matches!(
        forged.verify_branch(),
        Err(ProofFailure::TotalsDiffer { step: 0, .. })
    ));
}

#[test]
fn the_top_totals_and_the_tree_size_are_bound() {
    let world = approved_world();
    let proof = proof_of(&world, STATIONS[6]);
    let top = proof.steps.len() - 1;
    let mut raised = proof.clone();
    raised.steps[top].totals.valid += 1_000;
    raised.steps[top].totals.votes[0] += 1_000;
    assert!(matches!(
        raised.verify_branch(),
        Err(ProofFailure::TotalsDiffer { .. })
    ));
    let mut resized = proof.clone();
    resized.steps[top].size += 1;
    assert!(matches!(
        resized.verify_branch(),
        Err(ProofFailure::Shape { .. })
    ));
}

/// Every number and string of the branch, changed in turn, either fails verification or
/// changes what it verifies to (region, digest or totals), which the approval then refuses.
#[test]
fn every_field_of_the_branch_is_bound() {
    let world = approved_world();
    for station in [STATIONS[0], STATIONS[4], STATIONS[8]] {
        let proof = proof_of(&world, station);
        let original = branch_json(&proof);
        let end = proof.verify_branch().unwrap();
        let mut mutations = 0;
        for_each_leaf(&original, &mut Vec::new(), &mut |path, leaf| {
            for changed in mutants(leaf) {
                let mut forged = original.clone();
                *pointer_mut(&mut forged, path) = changed.clone();
                let verdict = serde_json::from_value::<Proof<()>>(forged)
                    .map_err(|error| error.to_string())
                    .and_then(|forged| forged.verify_branch().map_err(|e| e.to_string()));
                assert!(
                    verdict.as_ref() != Ok(&end),
                    "{station}: {path:?} changed to {changed} still verifies"
                );
                mutations += 1;
            }
        });
        assert!(mutations > 100, "{mutations} mutations");
    }
}

/// Calls `visit` with the path to every number and string inside `value`.
fn for_each_leaf(value: &Value, path: &mut Vec<String>, visit: &mut impl FnMut(&[String], &Value)) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                path.push(key.clone());
                for_each_leaf(inner, path, visit);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (index, inner) in items.iter().enumerate() {
                path.push(index.to_string());
                for_each_leaf(inner, path, visit);
                path.pop();
            }
        }
        Value::Number(_) | Value::String(_) => visit(path, value),
        Value::Null | Value::Bool(_) => {}
    }
}

fn pointer_mut<'a>(value: &'a mut Value, path: &[String]) -> &'a mut Value {
    let pointer: String = path.iter().map(|part| format!("/{part}")).collect();
    value.pointer_mut(&pointer).unwrap()
}

/// A number plus one (and minus one); a string with one character changed (a hex digit
/// flipped in a hex string).
fn mutants(leaf: &Value) -> Vec<Value> {
    match leaf {
        Value::Number(number) => {
            let n = number.as_u64().unwrap();
            let mut out = vec![Value::from(n + 1)];
            if n > 0 {
                out.push(Value::from(n - 1));
            }
            out
        }
        Value::String(text) => {
            let mut chars: Vec<char> = text.chars().collect();
            let last = chars.len() - 1;
            chars[last] = match chars[last] {
                '0'..='8' => char::from(chars[last] as u8 + 1),
                '9' => '0',
                'a'..='e' => char::from(chars[last] as u8 + 1),
                'f' => '0',
                _ => 'x',
            };
            vec![Value::from(chars.into_iter().collect::<String>())]
        }
        _ => Vec::new(),
    }
}

#[test]
fn no_proof_against_a_stale_or_missing_approval() {
    let mut world = World::new();
    world.submit_all();
    assert!(matches!(
        world.projection.prove(
            &world.state,
            GUBERNUR,
            STATIONS[0],
            ProofLevel::Key("province")
        ),
        Err(ProveError::NotApproved { .. })
    ));
    world.approve_all();
    world.ok(official_of("647101"), vec![correct(STATIONS[0], &[11, 20])]);
    assert!(matches!(
        world
            .projection
            .prove(&world.state, GUBERNUR, STATIONS[0], ProofLevel::Highest),
        Err(ProveError::Stale { .. })
    ));
    assert!(matches!(
        world.projection.prove(
            &world.state,
            GUBERNUR,
            "6471010001-009",
            ProofLevel::Highest
        ),
        Err(ProveError::UnknownStation(_))
    ));
}
