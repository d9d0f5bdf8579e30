//! The national worked example of docs/DEFINITION.md (docs/examples/national.json): a nation
//! level and listed stations, its operator (demo key, seed 32 x 08) covering the nation.
#![allow(dead_code)]

use std::path::PathBuf;

use rekap_model::*;

pub use rekap_test_kit::{log_key, pk};

pub const REGISTRAR: u8 = 1;
pub const OPERATOR: u8 = 8;

pub fn example(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/examples")).join(name)
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).join(name)
}

pub fn national_state() -> State {
    let json = std::fs::read_to_string(example("national.json")).expect("example");
    let regions = std::fs::read(example("national-regions.csv")).expect("regions");
    let definition = DefinitionFile::from_json(&json)
        .expect("JSON parses")
        .build(Some(regions.as_slice()))
        .expect("definition is valid")
        .definition()
        .clone();
    let envelope = Envelope {
        seq: 1,
        recorded_at_ms: 1_732_665_600_000,
        author: pk(REGISTRAR),
    };
    State::genesis(
        &envelope,
        &Payload::Genesis(rekap_model::Genesis::new(definition, log_key())),
    )
    .expect("genesis is accepted")
}

/// Accepts every approval (imports carry none).
pub struct AnyApproval;

impl ApprovalCheck for AnyApproval {
    fn check_approval(
        &self,
        _state: &State,
        _region: RegionIdx,
        _contest: ContestIdx,
        _digest: &[u8; 32],
    ) -> Result<(), ApprovalCheckFailure> {
        Ok(())
    }
}

/// Applies `events` as the next record, by the operator.
pub fn apply(state: &mut State, events: Vec<Event>) {
    let envelope = Envelope {
        seq: state.last_seq() + 1,
        recorded_at_ms: 1_732_665_600_000 + state.last_seq() * 1_000,
        author: pk(OPERATOR),
    };
    let payload = Payload::Events {
        definition_hash: state.definition_hash(),
        events,
    };
    state
        .execute_payload(&envelope, &payload, &AnyApproval)
        .expect("payload is accepted");
}
