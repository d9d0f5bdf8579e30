//! OpenElections precinct CSV in: a definition written from the fixture (a state of two
//! counties, a statewide race, a U.S. House district over one county and a precinct of the
//! other, a second district and a sheriff inside one county, vote-type columns, over and
//! under votes, registered-voter rows), then the same file imported against it.

mod common;

use std::collections::BTreeMap;

use common::{fixture, pk, OPERATOR, REGISTRAR};
use rekap_formats::openelections::{
    plan_openelections, read_table, write_definition, DefinitionOptions,
};
use rekap_formats::FormatError;
use rekap_import::ImportLimits;
use rekap_model::{DefinitionFile, Envelope, Event, Payload, State};
use rekap_test_kit::log_key;

const FILE: &str = "openelections/20241105__ex__general__precinct.csv";

fn options() -> DefinitionOptions {
    DefinitionOptions {
        state: "EX".into(),
        name: "Example general".into(),
        registrar: hex::encode(pk(REGISTRAR)),
        operator: Some(hex::encode(pk(OPERATOR))),
        regions_csv: Some("ex-regions.csv".into()),
    }
}

fn bytes() -> Vec<u8> {
    std::fs::read(fixture(FILE)).expect("fixture")
}

fn definition() -> (serde_json::Value, String, State) {
    let table = read_table(FILE, &bytes()).expect("the fixture reads");
    let written = write_definition(FILE, &table, &options()).expect("a definition");
    let election = DefinitionFile::from_json(&written.json)
        .expect("the JSON parses")
        .build(Some(written.regions_csv.as_bytes()))
        .expect("init would accept it");
    let envelope = Envelope {
        seq: 1,
        recorded_at_ms: 1_732_665_600_000,
        author: pk(REGISTRAR),
    };
    let state = State::genesis(
        &envelope,
        &Payload::Genesis(rekap_model::Genesis::new(
            election.definition().clone(),
            log_key(),
        )),
    )
    .expect("genesis");
    let json = serde_json::from_str(&written.json).expect("JSON");
    (json, written.regions_csv, state)
}

#[test]
fn the_definition_has_counties_precincts_contests_parts_and_vote_types() {
    let (json, regions, _) = definition();
    assert!(regions.contains("EX.ADAMS,EX,county,Adams,"), "{regions}");
    assert!(
        regions.contains("BUTLER-BUTLER_NORTH,EX.BUTLER,precinct,Butler North,"),
        "{regions}"
    );
    let contests = json["contests"].as_array().expect("contests");
    let ids: Vec<&str> = contests.iter().filter_map(|c| c["id"].as_str()).collect();
    assert_eq!(ids, ["president", "u-s-house-1", "sheriff", "u-s-house-2"]);
    let president = &contests[0];
    assert_eq!(president["scope"], "EX");
    assert!(president.get("parts").is_none());
    assert_eq!(president["pairs"][0]["name"], "A. Rivera (DEM)");
    assert_eq!(president["pairs"][2]["name"], "Write-ins");
    assert_eq!(president["pairs"].as_array().map(Vec::len), Some(3));
    let keys: Vec<&str> = president["vote_types"]
        .as_array()
        .expect("vote types")
        .iter()
        .filter_map(|t| t["key"].as_str())
        .collect();
    assert_eq!(keys, ["election_day", "absentee", "mail", "provisional"]);
    // District 1: all of Adams, one precinct of Butler.
    let house = &contests[1];
    assert_eq!(house["name"], "U.S. House, 1");
    assert_eq!(house["scope"], "EX");
    assert_eq!(
        house["parts"],
        serde_json::json!(["EX.ADAMS", "BUTLER-BUTLER_NORTH"])
    );
    // The sheriff: every Butler precinct, no vote types (their cells are empty).
    assert_eq!(contests[2]["scope"], "EX.BUTLER");
    assert!(contests[2].get("parts").is_none());
    assert!(contests[2].get("vote_types").is_none());
    // District 2: one precinct of Butler.
    assert_eq!(contests[3]["scope"], "EX.BUTLER");
    assert_eq!(
        contests[3]["parts"],
        serde_json::json!(["BUTLER-BUTLER_SOUTH"])
    );
    assert_eq!(json["officers"][0]["scope"], "EX");
}

/// Votes per (office, district, candidate) summed straight from the file.
fn file_sums() -> BTreeMap<(String, String), u64> {
    let mut sums = BTreeMap::new();
    let mut reader = csv::Reader::from_path(fixture(FILE)).expect("fixture");
    for record in reader.records() {
        let record = record.expect("row");
        let office = &record[2];
        let candidate = &record[5];
        if office == "Registered Voters" || candidate.ends_with(" Votes") {
            continue;
        }
        let votes: u64 = record[6].replace(',', "").parse().expect("votes");
        let id = format!("{office}/{}", &record[3]);
        *sums.entry((id, candidate.to_owned())).or_insert(0) += votes;
    }
    sums
}

#[test]
fn importing_the_file_gives_its_sums_per_candidate() {
    let (json, _, state) = definition();
    let (plan, counts) = plan_openelections(
        &state,
        &pk(OPERATOR),
        FILE,
        &bytes(),
        &ImportLimits::default(),
    )
    .expect("the file imports");
    assert_eq!(counts.skipped, 2, "registered voters rows");
    assert_eq!(plan.sheets, 10);
    let mut sums = BTreeMap::new();
    let contests = json["contests"].as_array().expect("contests");
    for event in &plan.events {
        let Event::SheetSubmitted { contest, sheet, .. } = event else {
            continue;
        };
        let spec = contests
            .iter()
            .find(|c| c["id"] == contest.as_str())
            .expect("contest");
        let name = spec["name"].as_str().unwrap_or_default();
        let (office, district) = name.split_once(", ").unwrap_or((name, ""));
        for (index, votes) in sheet.votes.iter().enumerate() {
            let pair = spec["pairs"][index]["name"].as_str().unwrap_or_default();
            let candidate = pair.split(" (").next().unwrap_or(pair).to_owned();
            *sums
                .entry((format!("{office}/{district}"), candidate))
                .or_insert(0u64) += u64::from(*votes);
        }
        assert!(sheet.votes_only);
        assert_eq!(sheet.valid as u64, sheet.votes_sum());
        if spec.get("vote_types").is_some() {
            assert_eq!(sheet.votes_by_type.len(), sheet.votes.len() * 4);
        }
    }
    assert_eq!(sums, file_sums());
    // Over and under votes are the invalid votes of Adams 1's presidential sheet.
    let adams = plan.events.iter().find_map(|event| match event {
        Event::SheetSubmitted {
            station,
            contest,
            sheet,
        } if station == "ADAMS-ADAMS_1" && contest == "president" => Some(sheet.invalid),
        _ => None,
    });
    assert_eq!(adams, Some(Some(12)));
}

fn problems_of(text: &str) -> Vec<String> {
    let (_, _, state) = definition();
    match plan_openelections(
        &state,
        &pk(OPERATOR),
        "bad.csv",
        text.as_bytes(),
        &ImportLimits::default(),
    ) {
        Err(FormatError::Rejected { problems, .. }) => {
            problems.iter().map(ToString::to_string).collect()
        }
        Err(other) => panic!("refused otherwise: {other}"),
        Ok(_) => panic!("accepted: {text}"),
    }
}

#[test]
fn a_malformed_file_is_refused_with_line_column_and_reason() {
    let header = "county,precinct,office,district,party,candidate,votes,election_day,absentee,mail,provisional\n";
    let problems = problems_of("county,precinct,office,votes\nAdams,Adams 1,President,5\n");
    assert!(
        problems.iter().any(|p| p == "bad.csv: line 1, district: missing: an OpenElections precinct file has the columns county, precinct, office, district, party, candidate, votes"),
        "{problems:?}"
    );
    let problems = problems_of(&format!(
        "{header}Adams,Adams 1,President,,DEM,A. Rivera,4x,1,1,1,1\n\
         Adams,Nowhere,President,,DEM,A. Rivera,4,1,1,1,1\n\
         Adams,Adams 1,Mayor,,DEM,A. Rivera,4,1,1,1,1\n\
         Adams,Adams 2,President,,GRN,Z. Nobody,4,1,1,1,1\n\
         Adams,Adams 2,President,,DEM,A. Rivera,4,1,1,,1\n"
    ));
    // An unreadable count stops the file before stations are looked up.
    assert_eq!(
        problems,
        ["bad.csv: line 2, votes: \"4x\" is not a count (digits only)"],
        "{problems:?}"
    );
    let problems = problems_of(&format!(
        "{header}Adams,Nowhere,President,,DEM,A. Rivera,4,1,1,1,1\n\
         Adams,Adams 1,Mayor,,DEM,A. Rivera,4,1,1,1,1\n\
         Adams,Adams 2,President,,GRN,Z. Nobody,4,1,1,1,1\n\
         Adams,Adams 2,President,,DEM,A. Rivera,4,1,1,,1\n"
    ));
    assert_eq!(
        problems,
        [
            "bad.csv: line 2, precinct: no station of the definition is named \"Nowhere\" in a region named \"Adams\", nor has that code",
            "bad.csv: line 3, office: no contest \"Mayor\" (id \"mayor\") in the definition",
            "bad.csv: line 4, candidate: \"Z. Nobody (GRN)\" is not a candidate of contest president",
            "bad.csv: line 5, mail: empty or absent; contest president counts by vote type mail",
        ],
        "{problems:?}"
    );
}

#[test]
fn votes_by_type_that_do_not_add_up_are_refused_at_the_row() {
    let header = "county,precinct,office,district,party,candidate,votes,election_day,absentee,mail,provisional\n";
    let problems = problems_of(&format!(
        "{header}Adams,Adams 1,President,,DEM,A. Rivera,10,1,1,1,1\n"
    ));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("bad.csv: line 2"), "{problems:?}");
}

#[test]
fn no_input_panics() {
    let header = "county,precinct,office,district,party,candidate,votes\n";
    for text in [
        "",
        "\u{feff}",
        header,
        "county,precinct,office,district,party,candidate,votes\n\"unterminated",
        "county,precinct,office,district,party,candidate,votes\na,b\n",
        "county,precinct,office,district,party,candidate,votes\n,,,,,,\n",
        "county,precinct,office,district,party,candidate,votes\nA,B,C,D,E,F,99999999999\n",
    ] {
        let (_, _, state) = definition();
        let _ = plan_openelections(
            &state,
            &pk(OPERATOR),
            "x.csv",
            text.as_bytes(),
            &ImportLimits::default(),
        );
        if let Ok(table) = read_table("x.csv", text.as_bytes()) {
            let _ = write_definition("x.csv", &table, &options());
        }
    }
}
