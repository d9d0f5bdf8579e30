//! Test world: one province, two regencies, three districts, four villages, nine stations,
//! one governor's race; officials at every plenary region; a projection kept in sync.
#![allow(dead_code)]

use rekap_model::*;
use rekap_projection::Projection;
pub use rekap_test_kit::small_election::{
    approve, correct, official_of, submit, DISTRICTS, GUBERNUR, OPERATOR, REGENCIES, REGISTRAR,
    STATIONS, T0,
};
pub use rekap_test_kit::{log_key, pk, sheet};

pub fn definition_json() -> serde_json::Value {
    rekap_test_kit::small_election::definition_json(
        "Pilgub Kalimantan Timur 2024 (projection test)",
    )
}

/// Every payload run so far, to replay them.
pub type Recorded = Vec<(Envelope, Payload)>;

pub struct World {
    pub state: State,
    pub projection: Projection,
    pub recorded: Recorded,
}

impl World {
    pub fn new() -> World {
        let definition = rekap_test_kit::small_election::definition(
            "Pilgub Kalimantan Timur 2024 (projection test)",
        );
        let envelope = envelope(1, REGISTRAR);
        let genesis = Payload::Genesis(rekap_model::Genesis::new(definition, log_key()));
        let state = State::genesis(&envelope, &genesis).expect("genesis accepted");
        let projection = Projection::new(&state);
        World {
            state,
            projection,
            recorded: vec![(envelope, genesis)],
        }
    }

    /// Runs `events` signed by `author` as the next record.
    pub fn run(&mut self, author: u8, events: Vec<Event>) -> Result<Vec<Effect>, PayloadRefusal> {
        let envelope = envelope(self.state.last_seq() + 1, author);
        let payload = Payload::Events {
            definition_hash: self.state.definition_hash(),
            events,
        };
        let result = self
            .projection
            .execute_payload(&mut self.state, &envelope, &payload);
        if result.is_ok() {
            self.recorded.push((envelope, payload));
        }
        result
    }

    pub fn ok(&mut self, author: u8, events: Vec<Event>) {
        if let Err(refusal) = self.run(author, events) {
            panic!("refused: {refusal:?}");
        }
    }

    pub fn contest(&self) -> ContestIdx {
        self.state
            .election()
            .contest_by_id(GUBERNUR)
            .expect("contest")
    }

    pub fn region(&self, code: &str) -> RegionIdx {
        self.state.election().find_region(code).expect("region")
    }

    pub fn digest(&self, region: &str) -> [u8; 32] {
        self.projection
            .digest(&self.state, self.contest(), self.region(region))
    }

    pub fn totals(&self, region: &str) -> rekap_projection::Totals {
        self.projection
            .totals(&self.state, self.contest(), self.region(region))
    }

    pub fn approval(&self, region: &str) -> &'static str {
        self.projection
            .approval_state(&self.state, self.contest(), self.region(region))
            .label()
    }

    /// Approves `region` with its current digest.
    pub fn approve(&mut self, region: &str) -> Result<Vec<Effect>, PayloadRefusal> {
        let digest = self.digest(region);
        self.run(official_of(region), vec![approve(region, digest)])
    }

    /// Submits a sheet for every station, the n-th with [`votes_of`] n.
    pub fn submit_all(&mut self) {
        self.ok(OPERATOR, rekap_test_kit::small_election::all_sheets());
    }

    /// Approves every district, regency and the province, bottom up.
    pub fn approve_all(&mut self) {
        for region in DISTRICTS
            .iter()
            .chain(REGENCIES.iter())
            .chain(["64"].iter())
        {
            if let Err(refusal) = self.approve(region) {
                panic!("approval of {region} refused: {refusal:?}");
            }
        }
    }
}

pub fn envelope(seq: u64, author: u8) -> Envelope {
    Envelope {
        seq,
        recorded_at_ms: T0 + seq * 1_000,
        author: pk(author),
    }
}
