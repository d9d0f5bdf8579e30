//! The whole country, for benchmarks: every province, regency, district and village of the
//! embedded regions file with its 2024 general-election station count (818,339 stations),
//! one contest, two (fictional) pairs, station capacity 300.
//!
//! **One national root.** A contest has exactly one scope region, and the regions file has 38
//! top-level regions (the provinces). A contest per province would give 38 separate tallies
//! and no national total or final plenary, so the preset adds a synthetic root `ID`
//! (INDONESIA) at a level `nation` above the provinces: a six-level definition (nation,
//! province, regency, district, village, station) with plenaries at nation, province, regency
//! and district, and the contest scoped to `ID`. The model's own national throughput
//! measurement uses the same shape.
//!
//! **Sheets** are plausible, not real: per station DPT 170-280 registered voters, a few DPPh
//! and DPTb, DPT turnout 70-88%, invalid votes 1-6% of votes cast, the first pair's share a
//! seeded base per province moved a little per village and per station; every sheet obeys
//! the hard rules and stays clear of the single-sheet soft rules.
//!
//! With `stations: Some(n)` the villages' station counts are scaled to `n` in all, in
//! proportion, by largest remainder (every village keeps at least one station when `n` is at
//! least the number of villages).

use std::collections::BTreeMap;

use rekap_model::file::{LevelSpec, LevelsSpec, OfficerSpec};
use rekap_model::limits::{MAX_STATIONS, MAX_STATIONS_PER_REGION};
use rekap_model::regions::format_station_code;
use rekap_model::{
    indonesia_levels, Ballots, Level, RegionEntry, StationNumbers, TallySheet, Turnout, VotedLists,
    VoterLists,
};

use crate::definition::{definition_json, DefinitionParts};
use crate::error::PresetError;
use crate::random::SplitMix64;
use crate::regions::{ancestor_at, indonesia_regions, to_csv, VILLAGE_LEVEL};
use crate::split::split_within;
use crate::{Preset, PresetOptions};

/// The contest's id.
pub const CONTEST_ID: &str = "nasional-2024";
/// Most registered voters at one station in the 2024 general election.
pub const STATION_CAPACITY: u32 = 300;
/// Code of the synthetic national root.
pub const ROOT_CODE: &str = "ID";

const PROVINCE_LEVEL: u32 = 1;

/// The six levels: `nation` above the Indonesian five.
fn national_levels() -> Vec<Level> {
    let mut levels = indonesia_levels();
    levels.insert(
        0,
        Level {
            key: "nation".to_string(),
            name_en: "Nation".to_string(),
            name_id: "Nasional".to_string(),
            holds_plenary: true,
        },
    );
    levels
}

/// The national preset. `registrar` is the registrar's public key and `officers` the
/// initial officers, both written into the definition as given.
pub fn national(
    options: &PresetOptions,
    registrar: &[u8; 32],
    officers: &[OfficerSpec],
) -> Result<Preset, PresetError> {
    let mut regions = national_regions()?;
    if let Some(stations) = options.stations {
        scale_stations(&mut regions, stations)?;
    }
    let sheets = national_sheets(&regions, options.seed)?;
    let levels = national_levels();
    let definition_json = definition_json(DefinitionParts {
        name: "Indonesia 2024 (national benchmark)".to_string(),
        levels: LevelsSpec::Levels(
            levels
                .iter()
                .map(|l| LevelSpec {
                    key: l.key.clone(),
                    name_en: l.name_en.clone(),
                    name_id: Some(l.name_id.clone()),
                })
                .collect(),
        ),
        plenary_levels: Some(
            levels
                .iter()
                .filter(|l| l.holds_plenary)
                .map(|l| l.key.clone())
                .collect(),
        ),
        station_capacity: STATION_CAPACITY,
        registrar,
        officers,
        contest_id: CONTEST_ID.to_string(),
        contest_name: "Pemilihan nasional (simulasi)".to_string(),
        scope: ROOT_CODE.to_string(),
        pairs: vec![
            "Pasangan Calon 1".to_string(),
            "Pasangan Calon 2".to_string(),
        ],
    })?;
    let regions_csv = to_csv(&regions, &levels)?;
    Ok(Preset {
        definition_json,
        regions_csv,
        sheets,
        contest_id: CONTEST_ID.to_string(),
        official: None,
    })
}

/// Every region one level down, the provinces under the synthetic root; sorted by code.
fn national_regions() -> Result<Vec<RegionEntry>, PresetError> {
    let mut regions = indonesia_regions()?;
    for region in regions.iter_mut() {
        region.level += 1;
        if region.parent.is_none() {
            region.parent = Some(ROOT_CODE.to_string());
        }
    }
    regions.push(RegionEntry {
        code: ROOT_CODE.to_string(),
        parent: None,
        level: 0,
        name: "INDONESIA".to_string(),
        stations: StationNumbers::none(),
    });
    regions.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(regions)
}

/// Scales the villages' station counts to `stations` in all.
fn scale_stations(regions: &mut [RegionEntry], stations: u32) -> Result<(), PresetError> {
    if stations == 0 {
        return Err(PresetError::NoStations);
    }
    if u64::from(stations) > MAX_STATIONS {
        return Err(PresetError::TooLarge {
            what: "stations",
            value: u64::from(stations),
        });
    }
    let villages: Vec<usize> = (0..regions.len())
        .filter(|&i| regions[i].level == VILLAGE_LEVEL + 1)
        .collect();
    let weights: Vec<u64> = villages
        .iter()
        .map(|&i| u64::from(regions[i].stations.count()))
        .collect();
    let least = u64::from(u64::from(stations) >= villages.len() as u64);
    let counts = split_within(
        || "stations over the villages".to_string(),
        u64::from(stations),
        &weights,
        &vec![least; villages.len()],
        &vec![u64::from(MAX_STATIONS_PER_REGION); villages.len()],
    )?;
    for (&i, count) in villages.iter().zip(counts) {
        // At most 999 by the bound above.
        regions[i].stations = StationNumbers::counted(count as u32);
    }
    Ok(())
}

/// One sheet per station, in station-code order.
fn national_sheets(
    regions: &[RegionEntry],
    seed: u64,
) -> Result<Vec<(String, TallySheet)>, PresetError> {
    let by_code: BTreeMap<&str, &RegionEntry> =
        regions.iter().map(|r| (r.code.as_str(), r)).collect();
    let mut province_share: BTreeMap<&str, u32> = BTreeMap::new();
    let mut random = SplitMix64::new(seed);
    for region in regions.iter().filter(|r| r.level == PROVINCE_LEVEL) {
        province_share.insert(region.code.as_str(), random.between(350, 650) as u32);
    }
    let total: u64 = regions.iter().map(|r| u64::from(r.stations.count())).sum();
    let mut sheets = Vec::with_capacity(total as usize);
    for village in regions.iter().filter(|r| !r.stations.is_empty()) {
        let province = ancestor_at(&by_code, &village.code, PROVINCE_LEVEL).ok_or_else(|| {
            PresetError::data(
                "regions",
                format!("village {} has no province", village.code),
            )
        })?;
        let base = province_share.get(province).copied().unwrap_or(500);
        let village_share = base + random.between(0, 120) as u32 - 60;
        for number in village.stations.numbers() {
            let share = village_share + random.between(0, 80) as u32 - 40;
            sheets.push((
                format_station_code(&village.code, number),
                station_sheet(&mut random, share),
            ));
        }
    }
    Ok(sheets)
}

/// One plausible sheet whose first pair has about `share` per mille of the valid votes.
fn station_sheet(random: &mut SplitMix64, share: u32) -> TallySheet {
    let mut between = |low: u32, high: u32| random.between(low.into(), high.into()) as u32;
    let dpt = between(170, 280);
    let dpph = between(0, 4);
    let dptb = between(0, 12);
    let dpt_voters = dpt * between(700, 880) / 1000;
    let dpph_voters = between(0, dpph);
    let dptb_voters = dptb;
    let voted = dpt_voters + dpph_voters + dptb_voters;
    let invalid = voted * between(10, 60) / 1000;
    let valid = voted - invalid;
    let first = (valid * share / 1000).clamp(1, valid.saturating_sub(1).max(1));
    let damaged = between(0, 2);
    let received = dpt + (dpt * 25).div_ceil(1000) + dpph + dptb;
    let mut turnout = |total: u32| {
        let male = total * between(470, 530) / 1000;
        Turnout {
            male: Some(male),
            female: Some(total - male),
            total,
        }
    };
    TallySheet {
        registered: VoterLists { dpt, dpph, dptb },
        voted: VotedLists {
            dpt: turnout(dpt_voters),
            dpph: turnout(dpph_voters),
            dptb: turnout(dptb_voters),
        },
        ballots: Ballots {
            received,
            used: voted,
            damaged,
            unused: received - voted - damaged,
        },
        votes: vec![first.min(valid), valid - first.min(valid)],
        valid,
        invalid: Some(invalid),
        votes_only: false,
        votes_by_type: Vec::new(),
    }
}
