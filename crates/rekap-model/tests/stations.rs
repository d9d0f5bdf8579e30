//! Stations listed explicitly in the definition: rows of the station level, any code, a
//! display name, numbered depth-first like counted stations; the two spellings of a TPS code.

mod common;

use common::*;
use rekap_model::regions::format_station_code;
use rekap_model::*;

fn station(code: &str, parent: &str, name: &str) -> serde_json::Value {
    serde_json::json!({ "code": code, "parent": parent, "level": "station", "name": name })
}

/// The test definition with village 6472010002 listing its real stations (a gap: 002 and
/// 149), and the other villages counting theirs.
fn listed_json() -> serde_json::Value {
    let mut json = definition_json();
    let regions = json["regions"].as_array_mut().expect("regions");
    for r in regions.iter_mut() {
        if r["code"] == "6472010002" {
            r.as_object_mut().expect("object").remove("stations");
        }
    }
    regions.push(station("6472010002149", "6472010002", "TPS 149"));
    regions.push(station("6472010002002", "6472010002", "TPS 002"));
    json
}

#[test]
fn listed_stations_are_numbered_depth_first_in_their_holders_place() {
    let election = build(&listed_json()).expect("valid");
    let tree = election.tree();
    assert_eq!(tree.station_count(), 9);
    // 6472010001 counts 3 (ids 4..7 after Balikpapan's 2 under 6471), then 6472010002 lists 2.
    let codes: Vec<String> = (0..tree.station_count())
        .map(|id| election.station_code(StationId(id)).expect("code"))
        .collect();
    assert_eq!(
        codes,
        [
            "6471010001-001",
            "6471010001-002",
            "6472010001-001",
            "6472010001-002",
            "6472010001-003",
            "6472010002002",
            "6472010002149",
            "6472020001-001",
            "6472020001-002",
        ]
    );
    // Every region's stations are one contiguous range and hold exactly its stations.
    for r in 0..tree.region_count() {
        let region = RegionIdx(r);
        for id in tree.stations_under(region) {
            assert!(
                tree.ancestor_at(Place::Station(StationId(id)), tree.level(region).unwrap())
                    == Some(region)
            );
        }
    }
    let village = election.find_region("6472010002").expect("village");
    assert_eq!(tree.stations_under(village), 5..7);
    let listed = election.find_station("6472010002149").expect("listed");
    assert_eq!(election.station_name(listed), Some("TPS 149"));
    assert_eq!(tree.station_holder(listed), Some((village, 2)));
    assert_eq!(election.station_name(StationId(0)), None, "counted");
}

#[test]
fn either_spelling_of_a_tps_code_finds_the_station_and_output_uses_the_definitions() {
    let election = build(&listed_json()).expect("valid");
    // Listed as 13 digits, found also as `<village>-<nnn>`.
    let listed = election
        .find_station("6472010002-149")
        .expect("dashed spelling");
    assert_eq!(Some(listed), election.find_station("6472010002149"));
    assert_eq!(
        election.station_code(listed).as_deref(),
        Some("6472010002149")
    );
    // Counted as `<village>-<nnn>`, found also as 13 digits.
    let counted = election
        .find_station("6472010001003")
        .expect("13-digit spelling");
    assert_eq!(Some(counted), election.find_station("6472010001-003"));
    assert_eq!(
        election.station_code(counted).as_deref(),
        Some("6472010001-003")
    );
    assert_eq!(
        election.locate("6472010001003"),
        Some(Place::Station(counted))
    );
    // A gap is no station, in either spelling.
    for missing in [
        "6472010002-001",
        "6472010002001",
        "6472010002-003",
        "6472010001004",
    ] {
        assert_eq!(election.find_station(missing), None, "{missing}");
    }
}

#[test]
fn free_form_codes_keep_their_names_for_display() {
    let mut json = listed_json();
    let regions = json["regions"].as_array_mut().expect("regions");
    regions.push(station("01A", "6472020001", "Ward 3 Precinct 2"));
    for r in regions.iter_mut() {
        if r["code"] == "6472020001" {
            r.as_object_mut().expect("object").remove("stations");
        }
    }
    let election = build(&json).expect("valid");
    let s = election.find_station("01A").expect("found by its code");
    assert_eq!(election.station_name(s), Some("Ward 3 Precinct 2"));
    assert_eq!(election.place_code(Place::Station(s)), "01A");
}

#[test]
fn bad_station_rows_are_refused_with_the_reason() {
    let refuse = |edit: &dyn Fn(&mut Vec<serde_json::Value>)| {
        let mut json = listed_json();
        edit(json["regions"].as_array_mut().expect("regions"));
        build(&json).map(|_| ()).expect_err("refused")
    };
    // Counted and listed at once.
    let e = refuse(&|r| r.push(station("6472010001901", "6472010001", "x")));
    assert!(
        matches!(e, DefinitionError::StationsCountedAndListed { .. }),
        "{e}"
    );
    // A station under a district (not the level above the stations).
    let e = refuse(&|r| r.push(station("X1", "647201", "x")));
    assert!(
        matches!(e, DefinitionError::StationParentLevel { .. }),
        "{e}"
    );
    let e = refuse(&|r| r.push(station("X1", "nowhere", "x")));
    assert!(matches!(e, DefinitionError::UnknownParent { .. }), "{e}");
    let e = refuse(&|r| r.push(station("Ward 3", "6472010002", "x")));
    assert!(matches!(e, DefinitionError::BadStationCode { .. }), "{e}");
    let e = refuse(&|r| r.push(station("6472010002149", "6472010002", "again")));
    assert!(matches!(e, DefinitionError::DuplicateRegion { .. }), "{e}");
    let e = refuse(&|r| r.push(station("647201", "6472010002", "a region's code")));
    assert!(matches!(e, DefinitionError::DuplicateRegion { .. }), "{e}");
    // `6472010002-149` is the other spelling of a listed station.
    let e = refuse(&|r| r.push(station("6472010002-149", "6472010002", "x")));
    assert!(
        matches!(e, DefinitionError::StationSpelledTwice { .. }),
        "{e}"
    );
    let e = refuse(&|r| {
        r.push(serde_json::json!({ "code": "S9", "level": "station", "name": "no parent" }))
    });
    assert!(matches!(e, DefinitionError::BadStationRow { .. }), "{e}");
}

#[test]
fn a_regions_csv_lists_stations_and_include_regions_keeps_theirs() {
    let csv = "code,parent,level,name,stations\n\
               64,,province,KALTIM,\n\
               6472,64,regency,SAMARINDA,\n\
               647201,6472,district,PALARAN,\n\
               6472010001,647201,village,RAWA MAKMUR,\n\
               6472010001001,6472010001,station,TPS 001,\n\
               6472010001004,6472010001,station,TPS 004,\n\
               65,,province,KALTARA,\n\
               6501,65,regency,BULUNGAN,\n\
               650101,6501,district,X,\n\
               6501010001,650101,village,Y,\n\
               6501010001001,6501010001,station,TPS 001,\n";
    let rows = parse_region_rows(csv.as_bytes(), &indonesia_levels()).expect("parses");
    assert_eq!((rows.regions.len(), rows.stations.len()), (8, 3));
    let mut json = definition_json();
    let object = json.as_object_mut().expect("object");
    object.remove("regions");
    object.remove("officers");
    object.remove("contests");
    json["contests"] = serde_json::json!([{ "id": "g", "name": "G", "scope": "64",
        "pairs": [{"number": 1, "name": "A"}] }]);
    json["regions_csv"] = "regions.csv".into();
    json["include_regions"] = serde_json::json!(["64"]);
    let election = DefinitionFile::from_json(&json.to_string())
        .expect("json")
        .build(Some(csv.as_bytes()))
        .expect("valid");
    assert_eq!(election.tree().station_count(), 2);
    assert!(election.find_station("6472010001-004").is_some());
    assert_eq!(election.find_station("6501010001001"), None, "not included");
    // The station level's rows cannot come through the regions-only reader.
    assert!(matches!(
        parse_regions_csv(csv.as_bytes(), &indonesia_levels()),
        Err(DefinitionError::BadStationRow { .. })
    ));
}

#[test]
fn a_region_without_stations_is_accepted_its_approval_is_r53s_refusal() {
    let mut json = listed_json();
    json["regions"].as_array_mut().expect("regions").push(
        serde_json::json!({ "code": "647203", "parent": "6472", "level": "district",
                                  "name": "EMPTY" }),
    );
    let election = build(&json).expect("a region with no stations is accepted");
    let empty = election.find_region("647203").expect("region");
    assert!(election.tree().stations_under(empty).is_empty());
}

/// A genesis of definition format version 1 (stores made before listed stations) is refused
/// at decoding with both versions named, not as bytes that happen not to decode.
#[test]
fn a_genesis_of_an_older_definition_version_is_refused_by_its_version() {
    let mut bytes = encode_payload(&Payload::Genesis(rekap_model::Genesis::new(
        definition(),
        log_key(),
    )));
    assert_eq!(bytes.get(4..8), Some(&6u32.to_le_bytes()[..]));
    bytes[4..8].copy_from_slice(&1u32.to_le_bytes());
    let refused = decode_payload(&bytes).expect_err("version 1 is refused");
    assert_eq!(
        refused,
        DecodeError::DefinitionVersion {
            found: 1,
            supported: 6
        }
    );
    assert_eq!(refused.rule().to_string(), "R2");
    assert!(
        refused.to_string().contains("format version 1"),
        "{refused}"
    );
}

proptest::proptest! {
    /// The hand-written station code is the `format!` spelling, for every number the
    /// model allows and beyond it (a number over 999 is written whole, as `{:03}` does).
    #[test]
    fn station_codes_are_spelled_as_formatted(
        region in "[0-9A-Za-z._]{1,32}",
        number in proptest::prop_oneof![0u32..=1200, proptest::num::u32::ANY],
    ) {
        proptest::prop_assert_eq!(
            format_station_code(&region, number),
            format!("{region}-{number:03}")
        );
    }
}

/// The codes spelled region by region are the codes spelled station by station: listed
/// stations, counted ones, numbers with gaps, and regions above the ones holding them.
#[test]
fn station_codes_under_a_region_are_each_stations_code() {
    let mut with_gaps = definition_json();
    for region in with_gaps["regions"].as_array_mut().expect("regions") {
        if region["code"] == "6472010001" {
            region["stations"] = serde_json::json!("2,5-6,149");
        }
    }
    for json in [definition_json(), listed_json(), with_gaps] {
        let election = build(&json).expect("valid");
        let tree = election.tree();
        for region in (0..tree.region_count()).map(RegionIdx) {
            let by_region: Vec<Option<String>> = election.station_codes_under(region).collect();
            let by_station: Vec<Option<String>> = (tree.stations_under(region))
                .map(|station| election.station_code(StationId(station)))
                .collect();
            assert_eq!(by_region, by_station, "region {region:?}");
        }
        assert!(tree.station_count() > 0);
    }
}
