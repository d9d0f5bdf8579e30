//! The definition: JSON and CSV loading, levels as data, station codes, limits, the
//! national tree.

mod common;

use std::time::Instant;

use common::*;
use rekap_model::*;

fn build_err(json: serde_json::Value) -> DefinitionError {
    build(&json).expect_err("definition should be refused")
}

/// The test definition's regions as CSV text.
fn regions_csv(json: &serde_json::Value) -> String {
    let mut out = String::from("code,parent,level,name,stations\n");
    for r in json["regions"].as_array().expect("regions") {
        out.push_str(&format!(
            "{},{},{},\"{}\",{}\n",
            r["code"].as_str().unwrap_or_default(),
            r["parent"].as_str().unwrap_or_default(),
            r["level"].as_str().unwrap_or_default(),
            r["name"].as_str().unwrap_or_default().replace('"', "\"\""),
            r["stations"]
                .as_u64()
                .map(|n| n.to_string())
                .unwrap_or_default(),
        ));
    }
    out
}

#[test]
fn inline_definition_loads_with_the_indonesian_preset() {
    let election = build(&definition_json()).expect("valid");
    let keys: Vec<&str> = election.levels().iter().map(|l| l.key.as_str()).collect();
    assert_eq!(
        keys,
        ["province", "regency", "district", "village", "station"]
    );
    let plenary: Vec<&str> = election
        .levels()
        .iter()
        .filter(|l| l.holds_plenary)
        .map(|l| l.name_id.as_str())
        .collect();
    assert_eq!(plenary, ["Provinsi", "Kabupaten/Kota", "Kecamatan"]);
    assert_eq!(election.lowest_plenary_level(), 2);
    assert_eq!(election.tree().region_count(), 10);
    assert_eq!(election.tree().station_count(), 9);
    // Canonical order: contests by id, pairs by number.
    let ids: Vec<&str> = election.contests().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [GUBERNUR, WALIKOTA]);
    let walikota = election
        .contest_by_id(WALIKOTA)
        .and_then(|c| election.contest(c));
    let numbers: Vec<u32> = walikota
        .map(|c| c.pairs.iter().map(|p| p.number).collect())
        .unwrap_or_default();
    assert_eq!(numbers, [1, 2, 3]);
    // The hash is a function of the canonical bytes only.
    assert_eq!(
        election.hash(),
        build(&definition_json()).expect("valid").hash()
    );
    assert_eq!(election.hash(), election.definition().hash());
}

#[test]
fn regions_from_csv_give_the_same_definition_as_inline() {
    let json = definition_json();
    let csv = regions_csv(&json);
    let mut without = json.clone();
    without.as_object_mut().expect("object").remove("regions");
    without["regions_csv"] = "regions.csv".into();
    let from_csv = DefinitionFile::from_json(&without.to_string())
        .expect("parses")
        .build(Some(csv.as_bytes()))
        .expect("valid");
    assert_eq!(from_csv.hash(), build(&json).expect("valid").hash());
    // Without the CSV it names what is missing; with both it refuses.
    assert_eq!(
        DefinitionFile::from_json(&without.to_string())
            .expect("parses")
            .build(None::<&[u8]>)
            .map(|_| ()),
        Err(DefinitionError::RegionsCsvMissing {
            name: "regions.csv".into()
        })
    );
    assert_eq!(
        DefinitionFile::from_json(&json.to_string())
            .expect("parses")
            .build(Some(csv.as_bytes()))
            .map(|_| ()),
        Err(DefinitionError::RegionsGivenTwice)
    );
}

#[test]
fn csv_quoting_and_errors_name_the_line() {
    let levels = indonesia_levels();
    let csv =
        "code,parent,level,name,stations\r\n1207281007,120728,village,\"LUBUK PAKAM I,II\",22\r\n";
    let entries = parse_regions_csv(csv.as_bytes(), &levels).expect("parses");
    assert_eq!(entries[0].name, "LUBUK PAKAM I,II");
    assert_eq!(entries[0].stations, StationNumbers::counted(22));
    assert_eq!(entries[0].level, 3);
    let bad = |text: &str| parse_regions_csv(text.as_bytes(), &levels).expect_err("refused");
    assert!(matches!(
        bad("code,name\n"),
        DefinitionError::Csv { line: 1, .. }
    ));
    assert!(matches!(
        bad("code,parent,level,name,stations\n64,,province,\"OPEN,\n"),
        DefinitionError::Csv { line: 2, .. }
    ));
    assert!(matches!(
        bad("code,parent,level,name,stations\n64,,province,A\n"),
        DefinitionError::Csv { line: 2, .. }
    ));
    assert!(matches!(
        bad("code,parent,level,name,stations\n64,,province,A,\n6401,64,county,B,\n"),
        DefinitionError::Csv { line: 3, .. }
    ));
    assert!(matches!(
        bad("code,parent,level,name,stations\n64,,province,A,-3\n"),
        DefinitionError::Csv { line: 2, .. }
    ));
    assert!(matches!(
        parse_regions_csv(&b"code,parent,level,name,stations\n\xff\n"[..], &levels),
        Err(DefinitionError::Csv { line: 2, .. })
    ));
}

#[test]
fn station_codes_are_village_code_dash_three_digits() {
    let election = build(&definition_json()).expect("valid");
    let s = election.find_station("6472010001-003").expect("exists");
    assert_eq!(election.station_code(s).as_deref(), Some("6472010001-003"));
    for code in [
        "6472010001-004",
        "6472010001-3",
        "6472010001-0003",
        "6472010001-000",
        "647201-001",
        "64-001",
    ] {
        assert_eq!(election.find_station(code), None, "{code}");
    }
    // Every station id maps to a code and back; a region's stations are one range.
    for id in 0..election.tree().station_count() {
        let code = election.station_code(StationId(id)).expect("code");
        assert_eq!(election.find_station(&code), Some(StationId(id)));
    }
    let district = election.find_region("647201").expect("region");
    let range = election.tree().stations_under(district);
    assert_eq!(range.len(), 5);
    let village = election.find_region("6472010002").expect("region");
    assert_eq!(election.tree().stations_under(village).len(), 2);
    assert!(election
        .tree()
        .covers(district, Place::Station(StationId(range.start))));
    let other = election.find_region("6471").expect("region");
    assert!(!election
        .tree()
        .covers(other, Place::Station(StationId(range.start))));
    // Region coverage walks up.
    let province = election.find_region("64").expect("region");
    assert!(election.tree().region_covers(province, village));
    assert!(!election.tree().region_covers(village, province));
    assert_eq!(
        election.tree().ancestor_at(Place::Region(village), 1),
        election.find_region("6472")
    );
    assert_eq!(
        election
            .locate("6472010002-002")
            .map(|p| election.place_code(p))
            .as_deref(),
        Some("6472010002-002")
    );
    let children: Vec<&str> = election
        .tree()
        .children(province)
        .iter()
        .filter_map(|&c| election.region_code(c))
        .collect();
    assert_eq!(children, ["6471", "6472"]);
}

#[test]
fn state_county_precinct_definition_without_villages_works() {
    let registrar = hex::encode(pk(REGISTRAR));
    let json = serde_json::json!({
        "format": "rekap-election/1",
        "name": "State general 2024",
        "levels": [
            {"key": "state", "name_en": "State", "name_id": "Negara bagian"},
            {"key": "county", "name_en": "County", "name_id": "County"},
            {"key": "precinct", "name_en": "Precinct", "name_id": "Precinct"}
        ],
        "plenary_levels": ["state", "county"],
        "station_capacity": 3000,
        "registrar": registrar,
        "contests": [{ "id": "governor", "name": "Governor", "scope": "MI",
                       "pairs": [{"number": 1, "name": "A"}, {"number": 2, "name": "B"}] }],
        "regions": [
            {"code": "MI", "level": "state", "name": "Michigan"},
            {"code": "MI.005", "parent": "MI", "level": "county", "name": "Antrim", "stations": 16},
            {"code": "MI.163", "parent": "MI", "level": "county", "name": "Wayne", "stations": 2}
        ],
        "officers": [
            {"key": hex::encode(pk(OPERATOR)), "role": "operator", "scope": "MI.005"},
            {"key": hex::encode(pk(OFFICIAL_DISTRICT)), "role": "official", "scope": "MI.005"},
            {"key": hex::encode(pk(OFFICIAL_PROVINCE)), "role": "official", "scope": "MI"}
        ]
    });
    let mut world = World::with_json(json);
    let election = world.state.election();
    assert_eq!(election.tree().station_count(), 18);
    assert_eq!(election.lowest_plenary_level(), 1);
    assert_eq!(election.station_level(), 2);
    // A precinct sheet, its correction by the county, and approvals at county and state.
    world.ok(
        OPERATOR,
        submit("MI.005-016", "governor", sheet(&[400, 300])),
    );
    world.ok(
        OFFICIAL_DISTRICT,
        correct("MI.005-016", "governor", sheet(&[400, 301]), "hand recount"),
    );
    world.ok(OFFICIAL_DISTRICT, approve("MI.005", "governor", vec![]));
    world.ok(OFFICIAL_PROVINCE, approve("MI", "governor", vec![]));
    assert_eq!(world.state.approvals().len(), 2);
    // A precinct is not a region: it cannot be approved.
    assert_eq!(
        world.one(OFFICIAL_DISTRICT, approve("MI.005-001", "governor", vec![])),
        Err(Refusal::UnknownRegion {
            code: "MI.005-001".into()
        })
    );
}

#[test]
fn include_regions_keeps_subtrees_and_their_ancestors() {
    let mut json = definition_json();
    json["include_regions"] = serde_json::json!(["6472"]);
    json["officers"] = serde_json::json!([]);
    json["contests"] = serde_json::json!([{ "id": WALIKOTA, "name": "W", "scope": "6472",
        "pairs": [{"number": 1, "name": "A"}] }]);
    let election = build(&json).expect("valid");
    assert_eq!(election.tree().region_count(), 7); // 64, 6472, 2 districts, 3 villages
    assert_eq!(election.tree().station_count(), 7);
    assert!(election.find_region("6471").is_none());
    json["include_regions"] = serde_json::json!(["9999"]);
    assert_eq!(
        build_err(json),
        DefinitionError::UnknownRegion {
            what: "included region",
            code: "9999".into()
        }
    );
}

#[test]
fn invalid_definitions_are_refused_with_specific_errors() {
    let with = |path: &[&str], value: serde_json::Value| {
        let mut json = definition_json();
        let mut target = &mut json;
        for key in path {
            target = match key.parse::<usize>() {
                Ok(i) => &mut target[i],
                Err(_) => &mut target[*key],
            };
        }
        *target = value;
        json
    };
    use serde_json::json;
    assert_eq!(
        build_err(with(&["regions", "3", "level"], json!("regency"))),
        DefinitionError::ParentLevelMismatch {
            code: "647201".into(),
            level: 1,
            parent: "6472".into(),
            parent_level: 1
        }
    );
    assert_eq!(
        build_err(with(&["regions", "3", "stations"], json!(4))),
        DefinitionError::StationsAtWrongLevel {
            code: "647201".into(),
            level: 2
        }
    );
    assert_eq!(
        build_err(with(&["regions", "6", "stations"], json!(1000))),
        DefinitionError::TooManyStationsInRegion {
            code: "6472010001".into(),
            stations: 1000,
            limit: 999
        }
    );
    assert_eq!(
        build_err(with(&["regions", "3", "code"], json!("6472-01"))),
        DefinitionError::BadRegionCode {
            code: "6472-01".into()
        }
    );
    assert_eq!(
        build_err(with(&["regions", "3", "code"], json!("6471"))),
        DefinitionError::DuplicateRegion {
            code: "6471".into()
        }
    );
    assert_eq!(
        build_err(with(&["regions", "3", "parent"], json!("6473"))),
        DefinitionError::UnknownParent {
            code: "647201".into(),
            parent: "6473".into()
        }
    );
    assert_eq!(
        build_err(with(&["regions", "3", "level"], json!("kelurahan"))),
        DefinitionError::UnknownLevel {
            key: "kelurahan".into()
        }
    );
    assert_eq!(
        build_err(with(&["contests", "1", "scope"], json!("65"))),
        DefinitionError::UnknownRegion {
            what: "contest scope",
            code: "65".into()
        }
    );
    assert_eq!(
        build_err(with(&["contests", "1", "pairs", "1", "number"], json!(3))),
        DefinitionError::PairNumbering {
            contest: GUBERNUR.into(),
            expected: 2,
            found: 3
        }
    );
    assert_eq!(
        build_err(with(&["contests", "1", "id"], json!("gubernur 64"))),
        DefinitionError::BadContestId {
            id: "gubernur 64".into()
        }
    );
    assert_eq!(
        build_err(with(&["registrar"], json!("00ff"))),
        DefinitionError::BadKey {
            what: "registrar",
            key: "00ff".into()
        }
    );
    assert_eq!(
        build_err(with(&["station_capacity"], json!(0))),
        DefinitionError::BadCapacity {
            capacity: 0,
            limit: limits::MAX_STATION_CAPACITY
        }
    );
    assert_eq!(
        build_err(with(&["name"], json!("x".repeat(201)))),
        DefinitionError::TooLong {
            field: "election name",
            bytes: 201,
            limit: 200
        }
    );
    let pairs: Vec<_> = (1..=33)
        .map(|n| json!({"number": n, "name": "P"}))
        .collect();
    assert_eq!(
        build_err(with(&["contests", "1", "pairs"], json!(pairs))),
        DefinitionError::TooMany {
            field: "candidate pairs",
            count: 33,
            limit: 32
        }
    );
    assert_eq!(
        build_err(with(&["plenary_levels"], json!(["station"]))),
        DefinitionError::PlenaryAtStationLevel
    );
    assert_eq!(
        build_err(with(&["plenary_levels"], json!([]))),
        DefinitionError::NoPlenaryLevel
    );
    assert!(matches!(
        build_err(with(
            &["officers", "6", "role", "witness", "pair"],
            json!(5)
        )),
        DefinitionError::BadOfficer { .. }
    ));
    assert!(matches!(
        build_err(with(&["format"], json!("rekap-election/2"))),
        DefinitionError::UnsupportedFileFormat { .. }
    ));
    assert!(matches!(
        build_err(with(&["colour"], json!("red"))),
        DefinitionError::Json(_)
    ));
}

/// The line and the problem of a CSV error (panics on any other error).
fn csv_problem(text: &[u8]) -> (u64, String) {
    match parse_regions_csv(text, &indonesia_levels()) {
        Err(DefinitionError::Csv { line, problem }) => (line, problem.to_string()),
        other => panic!("a CSV error expected, got {other:?}"),
    }
}

#[test]
fn csv_fields_may_hold_what_csv_allows_and_lines_are_counted_exactly() {
    let levels = indonesia_levels();
    // A byte order mark, CRLF, blank lines, doubled quotes and a line break inside a field.
    let csv = "\u{feff}code,parent,level,name,stations\r\n\r\n64,,province,\"KALIMANTAN \"\"TIMUR\"\"\nBARU\",\r\n\n6472,64,regency,SAMARINDA,\n";
    let entries = parse_regions_csv(csv.as_bytes(), &levels).expect("parses");
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].name, "KALIMANTAN \"TIMUR\"\nBARU");
    assert_eq!(entries[0].parent, None);
    assert_eq!(entries[1].parent.as_deref(), Some("64"));
    // The line an error names is the one its record starts on, after CRLF line breaks,
    // blank lines and line breaks inside quoted fields.
    let (line, problem) = csv_problem(
        b"code,parent,level,name,stations\r\n\r\n64,,province,\"A\nB\",\r\n\r\n6401,64,county,C,\r\n",
    );
    assert_eq!(line, 6);
    assert!(
        problem.contains("\"level\"") && problem.contains("county"),
        "{problem}"
    );
    // Each error names the field and the reason.
    let (line, problem) = csv_problem(b"code,parent,level,name,stations\n64,,province,A,-3\n");
    assert_eq!(line, 2);
    assert!(
        problem.contains("\"stations\"") && problem.contains("\"-3\""),
        "{problem}"
    );
    let (line, problem) = csv_problem(b"code,parent,level,name,stations\n64,,province,A\xff,\n");
    assert_eq!(line, 2);
    assert!(
        problem.contains("\"name\"") && problem.contains("UTF-8"),
        "{problem}"
    );
    let (line, problem) = csv_problem(b"code,parent,level,name,stations\n\n\n64,,province,A\n");
    assert_eq!(line, 4);
    assert!(problem.contains("4 fields"), "{problem}");
    // No header at all, or another one.
    assert_eq!(csv_problem(b"").0, 1);
    assert_eq!(csv_problem(b"code,parent,level,name\n").0, 1);
}

#[test]
fn csv_limits_hold() {
    let levels = indonesia_levels();
    // A record longer than the limit, here spread over lines by a quoted field.
    let long = format!(
        "code,parent,level,name,stations\n64,,province,\"{}\",\n",
        "A\n".repeat(limits::MAX_CSV_LINE_BYTES / 2)
    );
    let (line, problem) = csv_problem(long.as_bytes());
    assert_eq!(line, 2);
    assert!(problem.contains("longer than"), "{problem}");
    // An endless input is read only up to the size limit.
    assert_eq!(
        parse_regions_csv(
            std::io::Read::take(std::io::repeat(b'a'), u64::MAX),
            &levels
        ),
        Err(DefinitionError::TooLong {
            field: "regions CSV",
            bytes: limits::MAX_CSV_BYTES as u64 + 1,
            limit: limits::MAX_CSV_BYTES as u64,
        })
    );
    // One region more than the limit.
    let mut many = String::from("code,parent,level,name,stations\n");
    for i in 0..=limits::MAX_REGIONS {
        many.push_str(&format!("{i},,province,A,\n"));
    }
    assert_eq!(
        parse_regions_csv(many.as_bytes(), &levels),
        Err(DefinitionError::TooMany {
            field: "regions",
            count: limits::MAX_REGIONS as u64 + 1,
            limit: limits::MAX_REGIONS as u64,
        })
    );
}

#[test]
fn election_new_refuses_a_non_canonical_definition() {
    // A genesis decoded from a log is validated again: unsorted regions are refused.
    let mut d = definition();
    d.regions.swap(0, 1);
    assert!(matches!(
        Election::new(d),
        Err(DefinitionError::NotCanonical { .. })
    ));
    let mut d = definition();
    d.contests.swap(0, 1);
    assert!(matches!(
        Election::new(d),
        Err(DefinitionError::NotCanonical { .. })
    ));
    let mut d = definition();
    d.format_version = 1;
    assert_eq!(
        Election::new(d).map(|_| ()),
        Err(DefinitionError::UnsupportedFormat { version: 1 })
    );
    // And through the genesis, as a refusal.
    let mut d = definition();
    d.levels.truncate(1);
    assert!(matches!(
        State::genesis(
            &envelope(1, REGISTRAR),
            &Payload::Genesis(rekap_model::Genesis::new(d, log_key()))
        )
        .map(|_| ()),
        Err(Refusal::InvalidDefinition(DefinitionError::TooFewLevels {
            count: 1,
            least: 2
        }))
    ));
}

/// An election without its officers is checked as `Election::new` checks it but for the
/// officers, which it drops: a definition with an unusable officer key is refused by
/// `new` and read by `without_officers`, which holds no officer; everything else is
/// refused by both, and the two agree on places, contests and the hash.
#[test]
fn an_election_without_officers_checks_all_but_the_officers_and_holds_none() {
    let whole = Election::new(definition()).expect("valid");
    let places = Election::without_officers(definition()).expect("valid");
    assert!(!whole.definition().initial_officers.is_empty());
    assert!(places.definition().initial_officers.is_empty());
    assert_eq!(places.hash(), whole.hash());
    assert_eq!(places.tree().station_count(), whole.tree().station_count());
    assert_eq!(places.contests(), whole.contests());
    let code = whole.station_code(StationId(3)).expect("a station");
    assert_eq!(places.find_station(&code), whole.find_station(&code));

    let mut bad_key = definition();
    bad_key.initial_officers[0].key = [0; 32];
    bad_key.initial_officers.sort_by_key(|officer| officer.key);
    assert!(matches!(
        Election::new(bad_key.clone()),
        Err(DefinitionError::BadOfficer { .. })
    ));
    let read = Election::without_officers(bad_key).expect("officers are not read");
    assert!(read.definition().initial_officers.is_empty());

    let mut unsorted = definition();
    unsorted.regions.swap(0, 1);
    assert!(matches!(
        Election::without_officers(unsorted),
        Err(DefinitionError::NotCanonical { .. })
    ));
}

/// With thousands of initial officers (their keys checked on every core), the refusal is
/// still the first in the officers' order: an unknown scope before a bad key is named,
/// and a bad key before an unknown scope.
#[test]
fn the_first_bad_officer_is_named_however_many_officers_are_checked() {
    let mut many = definition();
    let scope = many.initial_officers[0].scope.clone();
    many.initial_officers = (0..3_000u32)
        .map(|seed| {
            let mut secret = [0u8; 32];
            secret[..4].copy_from_slice(&seed.to_le_bytes());
            InitialOfficer {
                key: ed25519_dalek::SigningKey::from_bytes(&secret)
                    .verifying_key()
                    .to_bytes(),
                role: Role::Operator,
                scope: scope.clone(),
            }
        })
        .collect();
    many.initial_officers.sort_by_key(|officer| officer.key);
    Election::new(many.clone()).expect("3,000 good officers");
    // Bytes that sort after every officer's key and are no curve point.
    let not_a_point = (0..=255u8)
        .rev()
        .map(|last| {
            let mut bytes = [0xff; 32];
            bytes[31] = last;
            bytes
        })
        .find(|bytes| ed25519_dalek::VerifyingKey::from_bytes(bytes).is_err())
        .expect("some such bytes are no point");
    let named = |definition: ElectionDefinition| match Election::new(definition) {
        Err(DefinitionError::BadOfficer { key, reason }) => (key, reason.to_string()),
        Err(other) => panic!("another refusal: {other}"),
        Ok(_) => panic!("accepted"),
    };
    // The first officer's key made unusable (32 zero bytes still sort first) and its scope
    // unknown, and the 2,500th officer's scope unknown too: the first officer's key is
    // named, as its key is checked before its scope.
    let mut weak_late = many.clone();
    weak_late.initial_officers[0].key = [0; 32];
    weak_late.initial_officers[0].scope = "no-such-region".into();
    weak_late.initial_officers[2_500].scope = "no-such-region-either".into();
    let (key, reason) = named(weak_late);
    assert_eq!(key, hex::encode([0u8; 32]), "{reason}");
    let mut scope_first = many.clone();
    scope_first.initial_officers[10].scope = "no-such-region".into();
    let last = scope_first.initial_officers.len() - 1;
    scope_first.initial_officers[last].key = not_a_point;
    let (key, reason) = named(scope_first.clone());
    assert_eq!(key, hex::encode(many.initial_officers[10].key));
    assert!(reason.contains("no-such-region"), "{reason}");
    scope_first.initial_officers[10].scope = scope;
    let (key, reason) = named(scope_first);
    assert_eq!(key, hex::encode(not_a_point), "{reason}");
}

/// From a genesis payload's bytes, the hash is taken over the definition's bytes in place:
/// it must be the hash of the definition encoded again, whatever the log's origin.
#[test]
fn an_election_without_officers_from_genesis_bytes_has_the_definition_hash() {
    let whole = Election::new(definition()).expect("valid");
    for origin in ["rekap/test", "", "a longer origin line / with spaces"] {
        let mut genesis = rekap_model::Genesis::new(definition(), log_key());
        genesis.log.origin = origin.to_owned();
        let bytes = encode_payload(&Payload::Genesis(genesis));
        let read = Election::without_officers_from_genesis(&bytes).expect("a genesis");
        assert_eq!(read.hash(), whole.hash(), "origin {origin:?}");
        assert!(read.definition().initial_officers.is_empty());
    }
    let events = encode_payload(&Payload::Events {
        definition_hash: whole.hash(),
        events: Vec::new(),
    });
    assert_eq!(
        Election::without_officers_from_genesis(&events).map(|_| ()),
        Err(GenesisReadError::NotAGenesis)
    );
    assert!(matches!(
        Election::without_officers_from_genesis(&events[..3]),
        Err(GenesisReadError::Decode(_))
    ));
}

/// The national region file shipped in the repository (`data/`). It must be there: a test
/// that skips when its input is missing proves nothing.
const NATIONAL_CSV: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/indonesia-regions-2024.csv"
);

fn national_csv() -> Vec<u8> {
    std::fs::read(NATIONAL_CSV).unwrap_or_else(|e| panic!("{NATIONAL_CSV}: {e}"))
}

fn national_json(include: Option<&str>) -> String {
    let mut json = serde_json::json!({
        "format": "rekap-election/1",
        "name": "Pemilu 2024",
        "levels": "indonesia",
        "station_capacity": 300,
        "registrar": hex::encode(pk(REGISTRAR)),
        "contests": [{ "id": "pilgub-64", "name": "Gubernur Kaltim", "scope": "64",
                       "pairs": [{"number": 1, "name": "A"}, {"number": 2, "name": "B"}] }],
        "regions_csv": "indonesia-regions-2024.csv"
    });
    if let Some(code) = include {
        json["include_regions"] = serde_json::json!([code]);
    }
    json.to_string()
}

#[test]
fn the_national_tree_loads_fast_and_compactly_and_fits_one_genesis() {
    let csv = national_csv();
    let start = Instant::now();
    let election = DefinitionFile::from_json(&national_json(None))
        .expect("parses")
        .build(Some(csv.as_slice()))
        .expect("valid");
    let took = start.elapsed();
    eprintln!("national tree: {took:?}");
    assert_eq!(election.tree().region_count(), 91_560);
    assert_eq!(election.tree().station_count(), 818_339);
    let last = election.station_code(StationId(818_338)).expect("code");
    assert_eq!(election.find_station(&last), Some(StationId(818_338)));
    // The genesis payload of the whole country fits the canonical limit and decodes.
    let bytes = encode_payload(&Payload::Genesis(rekap_model::Genesis::new(
        election.definition().clone(),
        log_key(),
    )));
    eprintln!("national genesis payload: {} bytes", bytes.len());
    assert!(bytes.len() < limits::MAX_CANONICAL_BYTES);
    let decoded = decode_payload(&bytes).expect("decodes");
    let start = Instant::now();
    let state = State::genesis(&envelope(1, REGISTRAR), &decoded).expect("genesis");
    eprintln!("national genesis state: {:?}", start.elapsed());
    assert_eq!(state.definition_hash(), election.hash());
    // One province out of the national file.
    let kaltim = DefinitionFile::from_json(&national_json(Some("64")))
        .expect("parses")
        .build(Some(csv.as_slice()))
        .expect("valid");
    assert_eq!(kaltim.tree().station_count(), 11_371);
    assert_eq!(kaltim.tree().roots().len(), 1);
}
