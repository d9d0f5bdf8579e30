//! The log the genesis names and the registrar's rotations of its key (docs/RULES.md R65,
//! R66): which key signs the checkpoint of each tree size, as the model and a verifier that
//! follows only the key records (`LogKeys::rotate`) both see it.

mod common;

use common::*;
use rekap_model::*;

fn rotate(world: &mut World, author: u8, key: [u8; 32]) -> Result<Vec<Effect>, PayloadRefusal> {
    let envelope = world.next_envelope(author);
    let payload = Payload::LogKeyRotated {
        definition_hash: world.state.definition_hash(),
        key,
    };
    world
        .state
        .execute_payload(&envelope, &payload, &world.check)
}

#[test]
fn the_genesis_names_the_origin_and_the_key_that_signs_from_size_one() {
    let world = World::new();
    let keys = world.state.log_keys();
    assert_eq!(
        keys.origin(),
        format!("rekap/{}", hex::encode(world.state.definition_hash()))
    );
    assert_eq!(keys.key_at(1), log_key());
    assert_eq!(keys.current().from_size, 1);
}

#[test]
fn a_rotation_signs_from_the_tree_holding_its_record_and_the_old_key_only_below() {
    let mut world = World::new();
    world.ok(
        OPERATOR,
        submit("6472010001-001", GUBERNUR, sheet(&[100, 90])),
    );
    let seq = world.state.last_seq() + 1;
    let effects = rotate(&mut world, REGISTRAR, pk(77)).expect("the registrar rotates");
    assert_eq!(
        effects[0].change,
        Change::LogKeyRotated {
            key: pk(77),
            from_size: seq
        }
    );
    let keys = world.state.log_keys();
    assert_eq!(keys.key_at(seq - 1), log_key());
    assert_eq!(keys.key_at(seq), pk(77));
    assert_eq!(keys.key_at(seq + 100), pk(77));
    // The rotated-out key never comes back, nor does the current one count as new.
    for key in [log_key(), pk(77)] {
        let refusal = rotate(&mut world, REGISTRAR, key)
            .expect_err("reused")
            .refusal;
        assert_eq!(refusal.rule().to_string(), "R65", "{refusal}");
    }
    // A refused rotation changes nothing.
    assert_eq!(world.state.log_keys().periods().len(), 2);
}

#[test]
fn only_the_registrar_rotates_and_a_payload_of_another_election_is_refused() {
    let mut world = World::new();
    let refusal = rotate(&mut world, OPERATOR, pk(77)).expect_err("not the registrar");
    assert_eq!(refusal.refusal.rule().to_string(), "R13");
    let envelope = world.next_envelope(REGISTRAR);
    let payload = Payload::LogKeyRotated {
        definition_hash: [3; 32],
        key: pk(77),
    };
    let refusal = world
        .state
        .execute_payload(&envelope, &payload, &world.check)
        .expect_err("another election");
    assert_eq!(refusal.refusal.rule().to_string(), "R9");
    assert_eq!(world.state.log_keys().periods().len(), 1);
}

#[test]
fn a_verifier_following_the_key_records_alone_sees_the_models_keys() {
    let mut world = World::new();
    let seq = world.state.last_seq() + 1;
    rotate(&mut world, REGISTRAR, pk(77)).expect("rotated");
    let genesis = Genesis::new(definition(), log_key());
    let mut followed = LogKeys::of_genesis(&genesis).expect("the genesis's log");
    followed
        .rotate(&pk(REGISTRAR), seq, pk(77))
        .expect("rotated");
    assert_eq!(&followed, world.state.log_keys());
    assert!(followed.rotate(&pk(OPERATOR), seq + 1, pk(78)).is_err());
    assert!(followed.rotate(&pk(REGISTRAR), seq + 1, log_key()).is_err());
}

#[test]
fn the_rotation_payload_is_68_bytes_and_decodes() {
    let payload = Payload::LogKeyRotated {
        definition_hash: [3; 32],
        key: pk(77),
    };
    let bytes = encode_payload(&payload);
    assert_eq!(bytes.len(), 68);
    assert_eq!(bytes[..4], 2u32.to_le_bytes());
    assert_eq!(decode_payload(&bytes), Ok(payload));
}
