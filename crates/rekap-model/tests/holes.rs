//! Holes found by the review of issue 10 (section 5), each closed by a rule of docs/RULES.md:
//! an acceptance without a reason (R38), an approval of a region with no stations (R53), and
//! keys that can never sign (R16).

mod common;

use common::*;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use rekap_model::*;

/// The encodings of the eight points of small order (the identity first): ed25519-dalek's
/// `is_weak` keys, the ones libsodium blocks.
const SMALL_ORDER_POINTS: [&str; 8] = [
    "0100000000000000000000000000000000000000000000000000000000000000",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000080",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
    "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
    "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
];

fn bytes32(text: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out).expect("32 bytes of hex");
    out
}

fn weak_keys() -> Vec<[u8; 32]> {
    SMALL_ORDER_POINTS.iter().map(|k| bytes32(k)).collect()
}

/// Asserts `event` by `author` is refused with `expected`, the state unchanged.
fn refused(world: &mut World, author: u8, event: Event, expected: Refusal) {
    let seq = world.state.last_seq();
    let officers = world.state.officers().count();
    assert_eq!(world.one(author, event), Err(expected));
    assert_eq!(world.state.last_seq(), seq);
    assert_eq!(world.state.officers().count(), officers);
}

// ------------------------------------------------------------------ (a) R38

#[test]
fn h01_acceptance_without_a_reason_is_refused_like_a_rejection() {
    for reason in ["", "  \t\n"] {
        let mut w = World::new();
        w.ok(
            OPERATOR,
            submit("6472010001-001", GUBERNUR, sheet(&[120, 80])),
        );
        let filed = w.ok(WITNESS_G2, object("6472010001-001", GUBERNUR, "85 for 2"));
        let mut corrected = correct("6472010001-001", GUBERNUR, sheet(&[120, 85]), "plano");
        if let Event::SheetCorrected { answers, .. } = &mut corrected {
            *answers = Some(filed.id);
        }
        let correction = w.ok(OFFICIAL_DISTRICT, corrected);
        let resolve = |resolution| Event::ObjectionResolved {
            objection: filed.id,
            resolution,
            reason: reason.into(),
        };
        refused(
            &mut w,
            OFFICIAL_DISTRICT,
            resolve(Resolution::Rejected),
            Refusal::MissingReason {
                field: "rejection reason",
            },
        );
        let accepted = Resolution::Accepted {
            correction: correction.id,
        };
        refused(
            &mut w,
            OFFICIAL_DISTRICT,
            resolve(accepted.clone()),
            Refusal::MissingReason {
                field: "acceptance reason",
            },
        );
        // The objection is still open: it can be accepted once a reason is given.
        let status = w.state.objection(filed.id).map(|o| o.status.clone());
        assert_eq!(status, Some(ObjectionStatus::Open));
        w.ok(
            OFFICIAL_DISTRICT,
            Event::ObjectionResolved {
                objection: filed.id,
                resolution: accepted,
                reason: "the plano shows 85".into(),
            },
        );
    }
}

// ------------------------------------------------------------------ (b) R53

/// The test election plus district 647203 (official: key 14) holding one village without
/// stations, and district 647204 (official: key 15) holding nothing at all.
fn world_with_empty_districts() -> World {
    let mut json = definition_json();
    let regions = json["regions"].as_array_mut().expect("regions");
    for (code, parent, level) in [
        ("647203", "6472", "district"),
        ("647204", "6472", "district"),
        ("6472030001", "647203", "village"),
    ] {
        regions.push(
            serde_json::json!({ "code": code, "parent": parent, "level": level,
                                         "name": format!("EMPTY {code}") }),
        );
    }
    let officers = json["officers"].as_array_mut().expect("officers");
    for (key, scope) in [(14u8, "647203"), (15, "647204")] {
        officers.push(
            serde_json::json!({ "key": hex::encode(pk(key)), "role": "official",
                                          "scope": scope }),
        );
    }
    World::with_json(json)
}

#[test]
fn h02_a_region_with_no_stations_under_it_cannot_be_approved() {
    let mut w = world_with_empty_districts();
    for (official, district) in [(14u8, "647203"), (15, "647204")] {
        refused(
            &mut w,
            official,
            approve(district, GUBERNUR, vec![]),
            Refusal::RegionHasNoStations {
                region: district.into(),
            },
        );
        assert!(w
            .state
            .latest_approval(w.region(district), w.contest(GUBERNUR))
            .is_none());
    }
    // A district with stations is still approved the same way.
    let approved = w.one(OFFICIAL_OTHER_DISTRICT, approve("647202", GUBERNUR, vec![]));
    assert!(approved.is_ok(), "{approved:?}");
}

// ------------------------------------------------------------------ (c) R16

#[test]
fn h03_the_small_order_points_are_weak_and_a_weak_key_is_forgeable() {
    for key in weak_keys() {
        if let Ok(point) = VerifyingKey::from_bytes(&key) {
            assert!(point.is_weak(), "{}", hex::encode(key));
        }
    }
    // Why they are refused: for the identity, R = identity and S = 0 pass the plain
    // cofactorless check for any message; only the strict check refuses it.
    let identity = VerifyingKey::from_bytes(&weak_keys()[0]).expect("the identity decodes");
    let mut forged = [0u8; 64];
    forged[0] = 1;
    let forged = Signature::from_bytes(&forged);
    assert!(identity.verify(b"any message at all", &forged).is_ok());
    assert!(identity
        .verify_strict(b"any message at all", &forged)
        .is_err());
}

#[test]
fn h04_a_weak_key_cannot_be_registered_as_an_officer() {
    let mut w = World::new();
    let mut refused_keys = 0;
    for key in weak_keys() {
        let expected = if VerifyingKey::from_bytes(&key).is_ok() {
            refused_keys += 1;
            Refusal::WeakPublicKey { key }
        } else {
            Refusal::InvalidPublicKey { key }
        };
        for role in [Role::Operator, Role::Official, witness_of_gubernur()] {
            let event = Event::OfficerRegistered {
                key,
                role,
                scope: "64".into(),
            };
            refused(&mut w, REGISTRAR, event, expected.clone());
        }
    }
    assert!(refused_keys >= 6, "most small-order encodings decode");
}

fn witness_of_gubernur() -> Role {
    Role::Witness {
        contest: GUBERNUR.into(),
        pair: 1,
    }
}

#[test]
fn h05_a_weak_key_cannot_be_an_initial_officer() {
    for key in weak_keys() {
        let mut json = definition_json();
        json["officers"].as_array_mut().expect("officers").push(
            serde_json::json!({ "key": hex::encode(key), "role": "operator", "scope": "64" }),
        );
        let mut definition = definition();
        let officer = InitialOfficer {
            key,
            role: Role::Operator,
            scope: "64".into(),
        };
        let at = definition
            .initial_officers
            .partition_point(|existing| existing.key < key);
        definition.initial_officers.insert(at, officer);
        let genesis = State::genesis(
            &envelope(1, REGISTRAR),
            &Payload::Genesis(rekap_model::Genesis::new(definition, log_key())),
        );
        match genesis {
            Err(Refusal::InvalidDefinition(DefinitionError::BadOfficer { reason, .. })) => {
                assert!(reason.to_string().starts_with("R16: "), "{reason}");
            }
            other => panic!("{}: {other:?}", hex::encode(key)),
        }
        let built =
            DefinitionFile::from_json(&json.to_string()).and_then(|f| f.build(None::<&[u8]>));
        assert!(built.is_err(), "the definition file is refused too");
    }
}

#[test]
fn h06_a_weak_key_cannot_be_the_registrar() {
    for key in weak_keys() {
        let mut definition = definition();
        definition.registrar = key;
        let genesis = State::from_genesis(
            &Envelope {
                seq: 1,
                recorded_at_ms: 0,
                author: key,
            },
            rekap_model::Genesis::new(definition, log_key()),
        );
        let expected = match VerifyingKey::from_bytes(&key) {
            Ok(_) => DefinitionError::WeakKey {
                what: "registrar",
                key: hex::encode(key),
            },
            Err(_) => DefinitionError::BadKey {
                what: "registrar",
                key: hex::encode(key),
            },
        };
        let genesis = genesis.map(|_| ());
        assert_eq!(genesis, Err(Refusal::InvalidDefinition(expected)));
    }
}
