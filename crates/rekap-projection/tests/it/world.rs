//! Test world: one province, two regencies, three districts, four villages, nine stations,
//! one governor's race; officials at every plenary region; a projection kept in sync.
#![allow(dead_code)]

use ed25519_dalek::SigningKey;
use rekap_model::*;
use rekap_projection::Projection;

pub const REGISTRAR: u8 = 1;
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

pub fn signing(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

pub fn pk(n: u8) -> [u8; 32] {
    signing(n).verifying_key().to_bytes()
}

pub fn definition_json() -> serde_json::Value {
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
        "name": "Pilgub Kalimantan Timur 2024 (projection test)",
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

/// A sheet that passes every hard rule and raises no flag: votes as given, 2 invalid.
pub fn sheet(votes: &[u32]) -> TallySheet {
    let valid: u32 = votes.iter().sum();
    let used = valid + 2;
    let registered = used + 40;
    let received = registered + 6;
    TallySheet {
        registered: VoterLists {
            dpt: registered,
            dpph: 0,
            dptb: 0,
        },
        voted: VotedLists {
            dpt: Turnout {
                male: None,
                female: None,
                total: used,
            },
            dpph: Turnout::default(),
            dptb: Turnout::default(),
        },
        ballots: Ballots {
            received,
            used,
            damaged: 1,
            unused: received - used - 1,
        },
        votes: votes.to_vec(),
        valid,
        invalid: 2,
        votes_only: false,
        votes_by_type: Vec::new(),
    }
}

pub fn submit(station: &str, votes: &[u32]) -> Event {
    Event::SheetSubmitted {
        station: station.into(),
        contest: GUBERNUR.into(),
        sheet: sheet(votes),
    }
}

pub fn correct(station: &str, votes: &[u32]) -> Event {
    Event::SheetCorrected {
        station: station.into(),
        contest: GUBERNUR.into(),
        sheet: sheet(votes),
        reason: "recount in the plenary".into(),
        answers: None,
    }
}

pub fn approve(region: &str, digest: [u8; 32]) -> Event {
    Event::PlenaryApproved {
        region: region.into(),
        contest: GUBERNUR.into(),
        digest,
        signatures: vec![],
        refusals: vec![],
    }
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
        let definition = DefinitionFile::from_json(&definition_json().to_string())
            .expect("test JSON parses")
            .build(None::<&[u8]>)
            .expect("test definition is valid")
            .definition()
            .clone();
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

    /// Submits a sheet for every station, the n-th with votes (10 + n, 20 + 2n).
    pub fn submit_all(&mut self) {
        let events = STATIONS
            .iter()
            .enumerate()
            .map(|(n, station)| submit(station, &[10 + n as u32, 20 + 2 * n as u32]))
            .collect();
        self.ok(OPERATOR, events);
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
        recorded_at_ms: 1_732_665_600_000 + seq * 1_000,
        author: pk(author),
    }
}

/// The key the test genesis names for its log: a key of its own (docs/RULES.md R65).
pub fn log_key() -> [u8; 32] {
    ed25519_dalek::SigningKey::from_bytes(&[250; 32])
        .verifying_key()
        .to_bytes()
}
