//! The Kaltim 2024 preset adds up to the official result and obeys the model.

mod common;

use std::collections::BTreeMap;

use common::*;
use rekap_model::TallySheet;
use rekap_presets::{kaltim_2024, kaltim_official, PresetOptions};

fn regency_of(station: &str) -> &str {
    station.get(..4).expect("station code")
}

fn sum(sheets: &[&TallySheet], f: impl Fn(&TallySheet) -> u32) -> u64 {
    sheets.iter().map(|s| u64::from(f(s))).sum()
}

#[test]
fn sheets_add_up_to_the_official_result_regency_by_regency() {
    let preset = kaltim_2024(&PresetOptions::default(), &REGISTRAR, &[]).expect("preset");
    let official = preset.official.clone().expect("official result");
    assert_eq!(official, kaltim_official().expect("official"));
    let mut by_regency: BTreeMap<&str, Vec<&TallySheet>> = BTreeMap::new();
    for (code, sheet) in &preset.sheets {
        by_regency.entry(regency_of(code)).or_default().push(sheet);
    }
    assert_eq!(by_regency.len(), official.regencies.len());
    for regency in &official.regencies {
        let sheets = &by_regency[regency.code.as_str()];
        assert_eq!(sheets.len() as u64, regency.stations, "{}", regency.code);
        for (pair, &votes) in regency.votes.iter().enumerate() {
            assert_eq!(
                sum(sheets, |s| s.votes[pair]),
                votes,
                "{} pair {pair}",
                regency.code
            );
        }
    }
    let all: Vec<&TallySheet> = preset.sheets.iter().map(|(_, s)| s).collect();
    assert_eq!(all.len(), 6_264);
    assert_eq!(sum(&all, |s| s.votes[0]), 793_793);
    assert_eq!(sum(&all, |s| s.votes[1]), 996_399);
    assert_eq!(sum(&all, |s| s.valid), 1_790_192);
    assert!(
        all.iter().all(|s| s.invalid.is_some()),
        "full sheets give it"
    );
    assert_eq!(sum(&all, |s| s.invalid.unwrap_or(0)), 92_199);
    assert_eq!(all.iter().map(|s| s.voted_total()).sum::<u64>(), 1_882_391);
    assert_eq!(sum(&all, |s| s.voted.dpt.total), 1_853_298);
    assert_eq!(sum(&all, |s| s.voted.dpph.total), 6_776);
    assert_eq!(sum(&all, |s| s.voted.dptb.total), 22_317);
    assert_eq!(sum(&all, |s| s.registered.dpt), 2_821_202);
    assert_eq!(sum(&all, |s| s.ballots.received), 2_896_473);
    assert_eq!(sum(&all, |s| s.ballots.used), 1_882_391);
    assert_eq!(sum(&all, |s| s.ballots.damaged), 1_542);
    assert_eq!(sum(&all, |s| s.ballots.unused), 1_012_540);
    let p = &official.province;
    assert_eq!(p.votes, vec![793_793, 996_399]);
    assert_eq!(
        (p.valid, p.invalid, p.voted),
        (1_790_192, 92_199, 1_882_391)
    );
}

#[test]
fn the_definition_builds_and_every_sheet_obeys_the_model() {
    let preset = kaltim_2024(
        &PresetOptions {
            seed: 7,
            stations: None,
        },
        &REGISTRAR,
        &[operator("64")],
    )
    .expect("preset");
    let election = preset.election().expect("the definition builds");
    assert_eq!(preset.contest_id, "pilgub-kaltim-2024");
    let contest = &election.contests()[0];
    assert_eq!(contest.scope, "64");
    assert_eq!(contest.pairs[0].name, "Isran Noor - Hadi Mulyadi");
    assert_eq!(contest.pairs[1].name, "Rudy Mas'ud - Seno Aji");
    assert_eq!(election.station_capacity(), 600);
    assert_eq!(election.definition().initial_officers.len(), 1);
    assert_eq!(election.tree().station_count(), 6_264);
    check_sheets(&preset, &election);
    check_no_repeated_sheets(&preset.sheets);
    check_close_to_neighbours(&preset.sheets);
    // Every village has a station.
    for region in &election.definition().regions {
        if region.level == 3 {
            assert!(region.stations.count() >= 1, "{}", region.code);
        }
    }
}

#[test]
fn the_same_seed_gives_the_same_preset_and_another_seed_other_sheets() {
    let options = |seed| PresetOptions {
        seed,
        stations: None,
    };
    let a = kaltim_2024(&options(1), &REGISTRAR, &[]).expect("preset");
    let b = kaltim_2024(&options(1), &REGISTRAR, &[]).expect("preset");
    let c = kaltim_2024(&options(2), &REGISTRAR, &[]).expect("preset");
    assert_eq!(a, b);
    assert_eq!(a.definition_json, c.definition_json);
    assert_eq!(a.regions_csv, c.regions_csv);
    assert_ne!(a.sheets, c.sheets);
}

#[test]
fn a_scaled_preset_has_the_asked_stations_and_no_official_claim() {
    for stations in [40, 1_000, 6_263, 20_000] {
        let preset = kaltim_2024(
            &PresetOptions {
                seed: 3,
                stations: Some(stations),
            },
            &REGISTRAR,
            &[],
        )
        .expect("preset");
        assert!(preset.official.is_none());
        let election = preset.election().expect("builds");
        assert_eq!(election.tree().station_count(), stations);
        check_sheets(&preset, &election);
    }
    let same = kaltim_2024(
        &PresetOptions {
            seed: 3,
            stations: Some(6_264),
        },
        &REGISTRAR,
        &[],
    )
    .expect("preset");
    assert!(same.official.is_some());
}
