//! The national preset: the whole tree under one synthetic root, sheets obeying the model.

mod common;

use std::time::Instant;

use common::*;
use rekap_presets::{national, PresetOptions};

#[test]
fn a_scaled_national_preset_builds_and_obeys_the_model() {
    let options = PresetOptions {
        seed: 11,
        stations: Some(20_000),
    };
    let preset = national(&options, &REGISTRAR, &[operator("ID")]).expect("preset");
    let election = preset.election().expect("builds");
    assert_eq!(election.tree().station_count(), 20_000);
    assert_eq!(election.tree().roots().len(), 1);
    assert_eq!(election.contests()[0].scope, "ID");
    assert_eq!(election.station_capacity(), 300);
    assert!(preset.official.is_none());
    check_sheets(&preset, &election);
    check_no_repeated_sheets(&preset.sheets);
    check_close_to_neighbours(&preset.sheets);
    let again = national(&options, &REGISTRAR, &[operator("ID")]).expect("preset");
    assert_eq!(preset, again);
    let other = national(
        &PresetOptions {
            seed: 12,
            ..options
        },
        &REGISTRAR,
        &[],
    )
    .expect("preset");
    assert_ne!(preset.sheets, other.sheets);
}

#[test]
fn the_full_national_preset_has_every_station_of_the_regions_file() {
    let start = Instant::now();
    let preset = national(&PresetOptions::default(), &REGISTRAR, &[]).expect("preset");
    eprintln!("national preset: {:?}", start.elapsed());
    assert_eq!(preset.sheets.len(), 818_339);
    let election = preset.election().expect("builds");
    assert_eq!(election.tree().station_count(), 818_339);
    assert_eq!(election.tree().region_count(), 91_561);
}

/// Every one of the 818,339 sheets against the model; slow in a debug build, so run with
/// `cargo test --release -p rekap-presets --test national -- --ignored`.
#[test]
#[ignore = "checks 818k sheets; run in release"]
fn every_national_sheet_obeys_the_model() {
    let preset = national(&PresetOptions::default(), &REGISTRAR, &[]).expect("preset");
    let election = preset.election().expect("builds");
    check_sheets(&preset, &election);
    check_no_repeated_sheets(&preset.sheets);
    check_close_to_neighbours(&preset.sheets);
}
