//! Contests of any shape: a district whose parts cross regencies, counted by vote type. Its
//! totals count only the stations that take part and sum the counts by type; its tiers are
//! the plenary regions holding such stations.

use rekap_model::*;
use rekap_projection::Projection;

use crate::world::{definition_json, envelope, official_of, sheet, OPERATOR};

const DAPIL: &str = "dapil-1";

struct District {
    state: State,
    projection: Projection,
}

impl District {
    /// The world's election plus a district over village 6471010001 (regency 6471) and
    /// district 647201 (regency 6472), counting election-day and absentee votes.
    fn new() -> District {
        let mut json = definition_json();
        json["contests"]
            .as_array_mut()
            .expect("contests")
            .push(serde_json::json!({
                "id": DAPIL, "name": "Dapil 1", "scope": "64",
                "parts": ["6471010001", "647201"],
                "pairs": [ {"number": 1, "name": "A"}, {"number": 2, "name": "B"} ],
                "vote_types": [ {"key": "election_day", "name": "Election day"},
                                {"key": "absentee", "name": "Absentee"} ]
            }));
        let definition = DefinitionFile::from_json(&json.to_string())
            .expect("parses")
            .build(None::<&[u8]>)
            .expect("valid")
            .definition()
            .clone();
        let state = State::genesis(
            &envelope(1, 1),
            &Payload::Genesis(rekap_model::Genesis::new(
                definition,
                crate::world::log_key(),
            )),
        )
        .expect("ok");
        let projection = Projection::new(&state);
        District { state, projection }
    }

    fn contest(&self) -> ContestIdx {
        self.state.election().contest_by_id(DAPIL).expect("contest")
    }

    fn region(&self, code: &str) -> RegionIdx {
        self.state.election().find_region(code).expect("region")
    }

    fn run(&mut self, author: u8, event: Event) -> Result<Vec<Effect>, PayloadRefusal> {
        let envelope = envelope(self.state.last_seq() + 1, author);
        let payload = Payload::Events {
            definition_hash: self.state.definition_hash(),
            events: vec![event],
        };
        self.projection
            .execute_payload(&mut self.state, &envelope, &payload)
    }

    fn submit(&mut self, station: &str, split: [[u32; 2]; 2]) {
        let mut numbers = sheet(&[split[0][0] + split[0][1], split[1][0] + split[1][1]]);
        numbers.votes_by_type = split.iter().flatten().copied().collect();
        let event = Event::SheetSubmitted {
            station: station.into(),
            contest: DAPIL.into(),
            sheet: numbers,
        };
        self.run(OPERATOR, event).expect("sheet accepted");
    }

    fn approve(&mut self, region: &str) -> Result<Vec<Effect>, PayloadRefusal> {
        let digest = self
            .projection
            .digest(&self.state, self.contest(), self.region(region));
        let event = Event::PlenaryApproved {
            region: region.into(),
            contest: DAPIL.into(),
            digest,
            signatures: vec![],
            refusals: vec![],
        };
        self.run(official_of(region), event)
    }
}

const IN_SCOPE: [&str; 7] = [
    "6471010001-001",
    "6471010001-002",
    "6472010001-001",
    "6472010001-002",
    "6472010001-003",
    "6472010002-001",
    "6472010002-002",
];

#[test]
fn totals_count_only_stations_that_take_part_and_sum_the_counts_by_type() {
    let mut d = District::new();
    let province = d.projection.totals(&d.state, d.contest(), d.region("64"));
    assert_eq!(
        province.stations_expected, 7,
        "647202's two stations are out"
    );
    let outside = d
        .projection
        .totals(&d.state, d.contest(), d.region("647202"));
    assert_eq!(outside.stations_expected, 0);
    d.submit("6471010001-001", [[10, 5], [20, 1]]);
    d.submit("6472010001-001", [[1, 2], [3, 4]]);
    let province = d.projection.totals(&d.state, d.contest(), d.region("64"));
    assert_eq!(province.votes, vec![18, 28]);
    assert_eq!(province.votes_by_type, vec![11, 7, 23, 5]);
    assert_eq!(province.stations_reported, 2);
}

#[test]
fn a_district_across_regencies_is_approved_by_the_regions_holding_its_stations() {
    let mut d = District::new();
    for (n, station) in IN_SCOPE.iter().enumerate() {
        d.submit(station, [[n as u32, 1], [2, n as u32]]);
    }
    // District 647202 holds none of the district's stations: not a tier (R28).
    let refused = d.approve("647202").expect_err("not in the contest");
    assert_eq!(refused.refusal.rule().to_string(), "R28");
    // Regency 6471 holds only village 6471010001 of the district.
    for region in ["647101", "647201", "6471", "6472"] {
        d.approve(region)
            .unwrap_or_else(|refused| panic!("{region}: {refused:?}"));
    }
    // The province waits for neither 647202 nor its stations.
    d.approve("64").expect("the province approves the district");
}
