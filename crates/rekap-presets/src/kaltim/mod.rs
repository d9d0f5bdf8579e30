//! The 2024 East Kalimantan (Kaltim) governor's race.
//!
//! - Regions: province 64 with its real regencies, districts and villages from the embedded
//!   regions file; levels `"indonesia"` (plenaries at district, regency, province).
//! - Contest `pilgub-kaltim-2024`, scope `64`, the two real pairs; station capacity 600.
//! - Stations: each regency's official station count (6,264 in all) spread over its villages
//!   ([`stations`]).
//! - Sheets: each regency's figures ([`targets`]) split over its stations ([`sheets`]).
//!
//! Exact with the default station count: per regency and pair the votes; at province level
//! valid, invalid, voters who voted by list, registered DPT and every ballot figure. What is
//! generated: how the province-only figures fall to regencies (in proportion) and everything
//! below a regency.

pub mod sheets;
pub mod stations;
pub mod targets;

use rekap_model::file::{LevelsSpec, OfficerSpec};
use rekap_model::limits::MAX_STATIONS;
use rekap_model::regions::format_station_code;
use rekap_model::{indonesia_levels, SoftRules};

use crate::definition::{definition_json, DefinitionParts};
use crate::error::PresetError;
use crate::official::kaltim_official;
use crate::random::SplitMix64;
use crate::regions::{indonesia_regions, subtree, to_csv};
use crate::{Preset, PresetOptions};

/// The contest's id.
pub const CONTEST_ID: &str = "pilgub-kaltim-2024";
/// Most registered voters at one station in the 2024 regional elections.
pub const STATION_CAPACITY: u32 = 600;

/// The Kaltim 2024 preset. `registrar` is the registrar's public key and `officers` the
/// initial officers, both written into the definition as given.
///
/// With `options.stations` other than `None` (or 6,264) every official figure is scaled to
/// that many stations ([`targets`]) and [`Preset::official`] is `None`: the sheets add up to
/// the scaled figures, not the official ones.
pub fn kaltim_2024(
    options: &PresetOptions,
    registrar: &[u8; 32],
    officers: &[OfficerSpec],
) -> Result<Preset, PresetError> {
    let official = kaltim_official()?;
    let stations = match options.stations {
        Some(0) => return Err(PresetError::NoStations),
        Some(n) => u64::from(n),
        None => official.stations(),
    };
    if stations > MAX_STATIONS {
        return Err(PresetError::TooLarge {
            what: "stations",
            value: stations,
        });
    }
    let rules = SoftRules::default();
    let capacity = u64::from(STATION_CAPACITY);
    let targets = targets::regency_targets(&official, stations, capacity, &rules)?;
    let mut regions = subtree(&indonesia_regions()?, &official.province_code);
    let villages = stations::spread_stations(&mut regions, &targets)?;

    let mut sheets = Vec::with_capacity(stations as usize);
    for (index, (target, village_indices)) in targets.iter().zip(&villages).enumerate() {
        let mut random = SplitMix64::derive(options.seed, index as u64);
        let mut regency =
            sheets::regency_sheets(target, capacity, &rules, &mut random)?.into_iter();
        for &village in village_indices {
            let region = &regions[village];
            for number in region.stations.numbers() {
                let sheet = regency.next().ok_or_else(|| {
                    PresetError::data("stations", format!("too few sheets for {}", region.code))
                })?;
                sheets.push((format_station_code(&region.code, number), sheet));
            }
        }
    }
    sheets.sort_by(|a, b| a.0.cmp(&b.0));

    let definition_json = definition_json(DefinitionParts {
        name: format!("Pilkada {} 2024", title_case(&official.province_name)),
        levels: LevelsSpec::Preset("indonesia".to_string()),
        plenary_levels: None,
        station_capacity: STATION_CAPACITY,
        registrar,
        officers,
        contest_id: CONTEST_ID.to_string(),
        contest_name: official.election.clone(),
        scope: official.province_code.clone(),
        pairs: official.pairs.clone(),
    })?;
    let regions_csv = to_csv(&regions, &indonesia_levels())?;
    Ok(Preset {
        definition_json,
        regions_csv,
        sheets,
        contest_id: CONTEST_ID.to_string(),
        official: (stations == official.stations()).then_some(official),
    })
}

/// `KALIMANTAN TIMUR` -> `Kalimantan Timur`.
fn title_case(name: &str) -> String {
    name.split(' ')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}
