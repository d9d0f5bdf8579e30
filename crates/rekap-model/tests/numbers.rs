//! Station numbers with gaps (`1-12,14,149`): a holder region counts its stations by their
//! numbers, numbered depth-first in number order; a number in a gap is no station; malformed
//! numbers are refused with the line, the field and the reason.

mod common;

use common::*;
use rekap_model::*;

/// The test definition with village 6472010002 numbering its stations `2,149` and village
/// 6472010001 `1-2,5`.
fn numbered_json() -> serde_json::Value {
    let mut json = definition_json();
    for r in json["regions"].as_array_mut().expect("regions") {
        match r["code"].as_str() {
            Some("6472010002") => r["stations"] = "2,149".into(),
            Some("6472010001") => r["stations"] = "1-2,5".into(),
            _ => {}
        }
    }
    json
}

#[test]
fn numbered_stations_keep_their_numbers_in_depth_first_order() {
    let election = build(&numbered_json()).expect("valid");
    let tree = election.tree();
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
            "6472010001-005",
            "6472010002-002",
            "6472010002-149",
            "6472020001-001",
            "6472020001-002",
        ]
    );
    for (id, code) in codes.iter().enumerate() {
        let station = Some(StationId(id as u32));
        assert_eq!(election.find_station(code), station, "{code}");
        // The 13-digit spelling finds the same station.
        assert_eq!(election.find_station(&code.replace('-', "")), station);
    }
    let district = election.find_region("647201").expect("district");
    assert_eq!(tree.stations_under(district), 2..7);
    let village = election.find_region("6472010002").expect("village");
    assert_eq!(tree.stations_under(village), 5..7);
    // A number in a gap, before the first or after the last, is no station.
    for missing in [
        "6472010001-003",
        "6472010001004",
        "6472010001-006",
        "6472010002-001",
        "6472010002-003",
        "6472010002148",
        "6472010002-150",
    ] {
        assert_eq!(election.find_station(missing), None, "{missing}");
    }
}

#[test]
fn a_sheet_for_a_gap_is_refused_and_a_village_whose_only_station_is_149_is_approvable() {
    let mut json = numbered_json();
    for r in json["regions"].as_array_mut().expect("regions") {
        if r["code"] == "6472010002" {
            r["stations"] = "149-149".into();
        }
    }
    let mut world = World::with_json(json);
    let gap = world.one(OPERATOR, submit("6472010001-003", GUBERNUR, sheet(&[5, 5])));
    assert!(
        matches!(&gap, Err(Refusal::UnknownStation { code }) if code == "6472010001-003"),
        "{gap:?}"
    );
    for station in ["6472010001-001", "6472010001-002", "6472010001005"] {
        world.ok(OPERATOR, submit(station, GUBERNUR, sheet(&[5, 5])));
    }
    world.ok(OPERATOR, submit("6472010002149", GUBERNUR, sheet(&[5, 5])));
    world.ok(OFFICIAL_DISTRICT, approve("647201", GUBERNUR, vec![]));
}

#[test]
fn a_holder_has_one_form_numbers_or_listed_rows() {
    let mut json = numbered_json();
    let regions = json["regions"].as_array_mut().expect("regions");
    regions.push(serde_json::json!({
        "code": "6472010002007", "parent": "6472010002", "level": "station", "name": "TPS 7"
    }));
    let error = build(&json).map(|_| ()).expect_err("refused");
    assert_eq!(
        error,
        DefinitionError::StationsCountedAndListed {
            code: "6472010002".into()
        }
    );
}

/// The CSV error of a regions CSV whose village has `stations` = `numbers`.
fn csv_problem(numbers: &str) -> (u64, String) {
    let csv = format!(
        "code,parent,level,name,stations\n64,,province,P,\n6472,64,regency,R,\n\
         647201,6472,district,D,\n6472010001,647201,village,V,\"{numbers}\"\n"
    );
    match parse_regions_csv(csv.as_bytes(), &indonesia_levels()) {
        Err(DefinitionError::Csv { line, problem }) => (line, problem.to_string()),
        other => panic!("{numbers:?}: a CSV error expected, got {other:?}"),
    }
}

#[test]
fn malformed_numbers_in_a_regions_csv_name_the_line_field_and_reason() {
    for (numbers, reason) in [
        ("1-5,3-8", "overlaps"),
        ("7,2", "comes before"),
        ("9-3", "descends"),
        ("0,4", "number 0"),
        ("1-1000", "over 999"),
        ("1,,2", "empty item"),
        ("1-3,", "empty item"),
    ] {
        let (line, problem) = csv_problem(numbers);
        assert_eq!(line, 5, "{numbers}");
        assert!(
            problem.contains("\"stations\"") && problem.contains(reason),
            "{numbers}: {problem}"
        );
    }
    let regions = parse_regions_csv(
        "code,parent,level,name,stations\n64,,province,P,\n6472,64,regency,R,\n\
         647201,6472,district,D,\n6472010001,647201,village,V,\"1-12,14,149\"\n"
            .as_bytes(),
        &indonesia_levels(),
    )
    .expect("parses");
    assert_eq!(regions[3].stations.to_string(), "1-12,14,149");
    assert_eq!(regions[3].stations.count(), 14);
}

#[test]
fn a_genesis_with_non_canonical_ranges_is_refused() {
    let mut definition = definition();
    let village = definition
        .regions
        .iter_mut()
        .find(|r| r.code == "6472010001")
        .expect("village");
    // Touching ranges: one set of numbers has one spelling only.
    village.stations = StationNumbers::from_ranges(vec![
        NumberRange { first: 1, last: 2 },
        NumberRange { first: 3, last: 4 },
    ]);
    let error = Election::new(definition).map(|_| ()).expect_err("refused");
    assert!(
        matches!(&error, DefinitionError::BadStationNumbers { code, .. } if code == "6472010001"),
        "{error}"
    );
}
