//! The national worked example of docs/DEFINITION.md (docs/examples/national.json): a nation
//! level and listed stations, its operator (demo key, seed 32 x 08) covering the nation.
#![allow(dead_code)]

use std::path::PathBuf;

use rekap_model::*;

pub use rekap_test_kit::pk;

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
    rekap_test_kit::genesis_state(definition)
}

/// Applies `events` as the next record, by the operator.
pub fn apply(state: &mut State, events: Vec<Event>) {
    rekap_test_kit::apply_as(state, OPERATOR, events);
}
