//! The small governor's election most tests run: one province (64), two regencies, three
//! districts, four villages, nine counted stations, one contest with two pairs; an operator
//! for the whole province and an official at every plenary region.

use rekap_model::{DefinitionFile, ElectionDefinition, Event};

use crate::keys::pk;
use crate::{events, sheets};

pub const REGISTRAR: u8 = 1;
/// Operator, scope province 64.
pub const OPERATOR: u8 = 2;
pub const OFFICIAL_PROVINCE: u8 = 3;
pub const GUBERNUR: &str = "gubernur-64";
pub const DISTRICTS: [&str; 3] = ["647101", "647201", "647202"];
pub const REGENCIES: [&str; 2] = ["6471", "6472"];
pub const STATIONS: [&str; 9] = [
    "6471010001-001",
    "6471010001-002",
    "6472010001-001",
    "6472010001-002",
    "6472010001-003",
    "6472010002-001",
    "6472010002-002",
    "6472020001-001",
    "6472020001-002",
];
/// Recorded time of record 1 (2024-11-27 00:00 UTC); record n is at `T0 + n * 1000`.
pub const T0: u64 = 1_732_665_600_000;

/// The key number of the official of a plenary region.
pub fn official_of(region: &str) -> u8 {
    match region {
        "64" => OFFICIAL_PROVINCE,
        "6471" => 10,
        "6472" => 11,
        "647101" => 20,
        "647201" => 21,
        "647202" => 22,
        _ => panic!("no official for {region}"),
    }
}

/// The definition as the JSON a user writes, named `name`.
pub fn definition_json(name: &str) -> serde_json::Value {
    let officer = |n: u8, role: &str, scope: &str| serde_json::json!({ "key": hex::encode(pk(n)), "role": role, "scope": scope });
    let region = |code: &str, parent: Option<&str>, level: &str, stations: u32| {
        let mut r = serde_json::json!({ "code": code, "parent": parent, "level": level,
                                         "name": format!("REGION {code}") });
        if stations > 0 {
            r["stations"] = stations.into();
        }
        r
    };
    let mut officers = vec![officer(OPERATOR, "operator", "64")];
    for plenary in ["64", "6471", "6472", "647101", "647201", "647202"] {
        officers.push(officer(official_of(plenary), "official", plenary));
    }
    serde_json::json!({
        "format": "rekap-election/1",
        "name": name,
        "levels": "indonesia",
        "station_capacity": 600,
        "registrar": hex::encode(pk(REGISTRAR)),
        "contests": [
            { "id": GUBERNUR, "name": "Gubernur Kalimantan Timur", "scope": "64",
              "pairs": [ {"number": 1, "name": "Isran Noor - Hadi Mulyadi"},
                         {"number": 2, "name": "Rudy Mas'ud - Seno Aji"} ] }
        ],
        "regions": [
            region("64", None, "province", 0),
            region("6471", Some("64"), "regency", 0),
            region("6472", Some("64"), "regency", 0),
            region("647101", Some("6471"), "district", 0),
            region("647201", Some("6472"), "district", 0),
            region("647202", Some("6472"), "district", 0),
            region("6471010001", Some("647101"), "village", 2),
            region("6472010001", Some("647201"), "village", 3),
            region("6472010002", Some("647201"), "village", 2),
            region("6472020001", Some("647202"), "village", 2),
        ],
        "officers": officers,
    })
}

/// The definition, built as `init` builds it.
pub fn definition(name: &str) -> ElectionDefinition {
    DefinitionFile::from_json(&definition_json(name).to_string())
        .expect("test JSON parses")
        .build(None::<&[u8]>)
        .expect("test definition is valid")
        .definition()
        .clone()
}

/// A governor's sheet for `station` with these pair votes.
pub fn submit(station: &str, votes: &[u32]) -> Event {
    events::submit(station, GUBERNUR, sheets::sheet(votes))
}

/// A correction of the governor's sheet, made in the plenary.
pub fn correct(station: &str, votes: &[u32]) -> Event {
    events::correct(
        station,
        GUBERNUR,
        sheets::sheet(votes),
        "recount in the plenary",
    )
}

/// An approval of the governor's race in `region`.
pub fn approve(region: &str, digest: [u8; 32]) -> Event {
    events::approve(region, GUBERNUR, digest)
}

/// The votes of the n-th station in [`all_sheets`]: (10 + n, 20 + 2n).
pub fn votes_of(n: usize) -> [u32; 2] {
    let n = n as u32;
    [10 + n, 20 + 2 * n]
}

/// Every station's sheet, the n-th with [`votes_of`] n.
pub fn all_sheets() -> Vec<Event> {
    STATIONS
        .iter()
        .enumerate()
        .map(|(n, station)| submit(station, &votes_of(n)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_definition_builds_with_every_station_and_official() {
        let definition = definition("kit");
        let file = DefinitionFile::from_json(&definition_json("kit").to_string()).unwrap();
        let election = file.build(None::<&[u8]>).unwrap();
        assert_eq!(election.definition(), &definition);
        for station in STATIONS {
            assert!(election.find_station(station).is_some(), "{station}");
        }
        assert_eq!(all_sheets().len(), STATIONS.len());
        assert_eq!(votes_of(2), [12, 24]);
    }
}
