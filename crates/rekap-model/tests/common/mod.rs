//! Test world: a small Indonesian election (one province, two regencies, three districts,
//! four villages, nine stations), fixed keys, and a one-line way to run payloads.
// Each test binary uses a part of this module.
#![allow(dead_code, unused_imports)]

use ed25519_dalek::Signer;
use rekap_model::*;
pub use rekap_test_kit::{correct, log_key, pk, register, signing, submit};

/// A full sheet with the voters split by sex: votes as given, 2 invalid.
pub fn sheet(votes: &[u32]) -> TallySheet {
    rekap_test_kit::sheet_with_split(votes)
}

pub const REGISTRAR: u8 = 1;
/// Operator, scope district 647201.
pub const OPERATOR: u8 = 2;
/// Operator, scope regency 6471.
pub const OPERATOR_6471: u8 = 3;
/// Official, scope district 647201.
pub const OFFICIAL_DISTRICT: u8 = 4;
/// Official, scope regency 6472.
pub const OFFICIAL_REGENCY: u8 = 5;
/// Official, scope province 64.
pub const OFFICIAL_PROVINCE: u8 = 6;
/// Official, scope village 6472010001 (below the lowest plenary level).
pub const OFFICIAL_VILLAGE: u8 = 7;
/// Witness of gubernur-64 pair 1, scope province 64.
pub const WITNESS_G1: u8 = 8;
/// Witness of gubernur-64 pair 2, scope district 647201.
pub const WITNESS_G2: u8 = 9;
/// Witness of walikota-6472 pair 1, scope regency 6472.
pub const WITNESS_W1: u8 = 10;
pub const AUDITOR: u8 = 11;
/// Official, scope district 647202.
pub const OFFICIAL_OTHER_DISTRICT: u8 = 12;
/// A key registered by no one.
pub const STRANGER: u8 = 13;

pub const GUBERNUR: &str = "gubernur-64";
pub const WALIKOTA: &str = "walikota-6472";
/// The digest the test approval check accepts.
pub const DIGEST: [u8; 32] = [7; 32];

pub fn definition_json() -> serde_json::Value {
    let officer = |n: u8, role: serde_json::Value, scope: &str| serde_json::json!({ "key": hex::encode(pk(n)), "role": role, "scope": scope });
    let region = |code: &str, parent: Option<&str>, level: &str, name: &str, stations: u32| {
        let mut r =
            serde_json::json!({ "code": code, "parent": parent, "level": level, "name": name });
        if stations > 0 {
            r["stations"] = stations.into();
        }
        r
    };
    serde_json::json!({
        "format": "rekap-election/1",
        "name": "Pilkada Kalimantan Timur 2024 (test)",
        "levels": "indonesia",
        "station_capacity": 600,
        "registrar": hex::encode(pk(REGISTRAR)),
        "contests": [
            { "id": WALIKOTA, "name": "Wali Kota Samarinda", "scope": "6472",
              "pairs": [ {"number": 3, "name": "Pair C"}, {"number": 1, "name": "Pair A"},
                         {"number": 2, "name": "Pair B"} ] },
            { "id": GUBERNUR, "name": "Gubernur Kalimantan Timur", "scope": "64",
              "pairs": [ {"number": 1, "name": "Isran Noor - Hadi Mulyadi"},
                         {"number": 2, "name": "Rudy Mas'ud - Seno Aji"} ] }
        ],
        "regions": [
            region("64", None, "province", "KALIMANTAN TIMUR", 0),
            region("6472", Some("64"), "regency", "KOTA SAMARINDA", 0),
            region("6471", Some("64"), "regency", "KOTA BALIKPAPAN", 0),
            region("647201", Some("6472"), "district", "PALARAN", 0),
            region("647202", Some("6472"), "district", "SAMARINDA ILIR", 0),
            region("647101", Some("6471"), "district", "BALIKPAPAN TIMUR", 0),
            region("6472010001", Some("647201"), "village", "RAWA MAKMUR", 3),
            region("6472010002", Some("647201"), "village", "HANDIL BAKTI", 2),
            region("6472020001", Some("647202"), "village", "SELILI", 2),
            region("6471010001", Some("647101"), "village", "MANGGAR", 2),
        ],
        "officers": [
            officer(OPERATOR, "operator".into(), "647201"),
            officer(OPERATOR_6471, "operator".into(), "6471"),
            officer(OFFICIAL_DISTRICT, "official".into(), "647201"),
            officer(OFFICIAL_REGENCY, "official".into(), "6472"),
            officer(OFFICIAL_PROVINCE, "official".into(), "64"),
            officer(OFFICIAL_VILLAGE, "official".into(), "6472010001"),
            officer(WITNESS_G1, serde_json::json!({"witness": {"contest": GUBERNUR, "pair": 1}}), "64"),
            officer(WITNESS_G2, serde_json::json!({"witness": {"contest": GUBERNUR, "pair": 2}}), "647201"),
            officer(WITNESS_W1, serde_json::json!({"witness": {"contest": WALIKOTA, "pair": 1}}), "6472"),
            officer(AUDITOR, "auditor".into(), "64"),
            officer(OFFICIAL_OTHER_DISTRICT, "official".into(), "647202"),
        ]
    })
}

/// Builds and validates a definition file given as JSON.
pub fn build(json: &serde_json::Value) -> Result<Election, DefinitionError> {
    DefinitionFile::from_json(&json.to_string())?.build(None::<&[u8]>)
}

pub fn definition() -> ElectionDefinition {
    let file = DefinitionFile::from_json(&definition_json().to_string()).expect("test JSON parses");
    file.build(None::<&[u8]>)
        .expect("test definition is valid")
        .definition()
        .clone()
}

/// Accepts exactly one digest, like a projection whose head digest is `0`.
pub struct FixedDigest(pub [u8; 32]);

impl ApprovalCheck for FixedDigest {
    fn check_approval(
        &self,
        _state: &State,
        _region: RegionIdx,
        _contest: ContestIdx,
        digest: &[u8; 32],
    ) -> Result<(), ApprovalCheckFailure> {
        if *digest == self.0 {
            Ok(())
        } else {
            Err(ApprovalCheckFailure::DigestMismatch {
                claimed: *digest,
                computed: self.0,
            })
        }
    }
}

pub struct World {
    pub state: State,
    pub check: FixedDigest,
}

pub fn envelope(seq: u64, author: u8) -> Envelope {
    Envelope {
        seq,
        recorded_at_ms: 1_732_000_000_000 + seq * 1_000,
        author: pk(author),
    }
}

impl World {
    pub fn new() -> World {
        World::with_json(definition_json())
    }

    /// A world from a changed test definition.
    pub fn with_json(json: serde_json::Value) -> World {
        let definition = DefinitionFile::from_json(&json.to_string())
            .expect("JSON parses")
            .build(None::<&[u8]>)
            .expect("definition is valid")
            .definition()
            .clone();
        let state = State::genesis(
            &envelope(1, REGISTRAR),
            &Payload::Genesis(rekap_model::Genesis::new(definition, log_key())),
        )
        .expect("genesis is accepted");
        World {
            state,
            check: FixedDigest(DIGEST),
        }
    }

    pub fn next_envelope(&self, author: u8) -> Envelope {
        envelope(self.state.last_seq() + 1, author)
    }

    /// Runs one payload of events signed by `author` as the next record.
    pub fn run(&mut self, author: u8, events: Vec<Event>) -> Result<Vec<Effect>, PayloadRefusal> {
        let env = self.next_envelope(author);
        let payload = Payload::Events {
            definition_hash: self.state.definition_hash(),
            events,
        };
        // Every payload round-trips through its canonical bytes, as it would through the log
        // (one over a limit does not decode; decide refuses it too, which is tested here).
        if let Ok(decoded) = decode_payload(&encode_payload(&payload)) {
            assert_eq!(decoded, payload);
        }
        self.state.execute_payload(&env, &payload, &self.check)
    }

    /// Runs one event as its own record; returns its effect or refusal.
    pub fn one(&mut self, author: u8, event: Event) -> Result<Effect, Refusal> {
        match self.run(author, vec![event]) {
            Ok(mut effects) => Ok(effects.remove(0)),
            Err(refused) => Err(refused.refusal),
        }
    }

    pub fn ok(&mut self, author: u8, event: Event) -> Effect {
        match self.one(author, event.clone()) {
            Ok(effect) => effect,
            Err(refusal) => panic!("expected {event:?} to be accepted, refused: {refusal}"),
        }
    }

    pub fn station(&self, code: &str) -> StationId {
        self.state
            .election()
            .find_station(code)
            .expect("station exists")
    }
    pub fn region(&self, code: &str) -> RegionIdx {
        self.state
            .election()
            .find_region(code)
            .expect("region exists")
    }
    pub fn contest(&self, id: &str) -> ContestIdx {
        self.state
            .election()
            .contest_by_id(id)
            .expect("contest exists")
    }
    pub fn status(&self, station: &str, contest: &str) -> StationStatus {
        self.state
            .station_status(self.station(station), self.contest(contest))
            .expect("station votes in contest")
    }
    pub fn current(&self, station: &str, contest: &str) -> Option<TallySheet> {
        self.state
            .current_sheet(self.station(station), self.contest(contest))
            .map(|(_, s)| s.unpack())
    }
    /// The id the next record's event `index` will get.
    pub fn next_id(&self, index: u32) -> EventId {
        EventId {
            seq: self.state.last_seq() + 1,
            index,
        }
    }
}

/// A sheet that passes every hard rule and raises no flag on its own: votes as given, 2
/// invalid, registered = cast + 40, ballots received = registered + 6.
pub fn object(place: &str, contest: &str, text: &str) -> Event {
    Event::ObjectionFiled {
        place: place.into(),
        contest: contest.into(),
        text: text.into(),
    }
}

pub fn witness_sign(
    state: &State,
    witness: u8,
    region: &str,
    contest: &str,
    digest: [u8; 32],
) -> WitnessSignature {
    let statement = ApprovalStatement {
        definition_hash: state.definition_hash(),
        region: region.into(),
        contest: contest.into(),
        digest,
    };
    WitnessSignature {
        witness: pk(witness),
        signature: signing(witness).sign(&statement.bytes()).to_bytes(),
    }
}

pub fn approve(region: &str, contest: &str, signatures: Vec<WitnessSignature>) -> Event {
    Event::PlenaryApproved {
        region: region.into(),
        contest: contest.into(),
        digest: DIGEST,
        signatures,
        refusals: vec![],
    }
}

/// A contest of the shapes issue 11 asks for: a district whose parts cross regencies (one
/// village of Balikpapan and the district Palaran of Samarinda), counting two vote types.
pub const DAPIL: &str = "dprd-dapil-1";

/// [`definition_json`] with the [`DAPIL`] contest added.
pub fn shaped_definition_json() -> serde_json::Value {
    let mut json = definition_json();
    let contest = serde_json::json!({
        "id": DAPIL, "name": "DPRD electoral district 1", "scope": "64",
        "parts": ["647201", "6471010001"],
        "pairs": [ {"number": 1, "name": "Party A"}, {"number": 2, "name": "Party B"} ],
        "vote_types": [ {"key": "election_day", "name": "Election day"},
                        {"key": "absentee", "name": "Absentee"} ]
    });
    json["contests"]
        .as_array_mut()
        .expect("contests")
        .push(contest);
    json
}

/// [`sheet`] with counts by type: each pair's votes split as given, type by type.
pub fn typed_sheet(split: &[[u32; 2]]) -> TallySheet {
    let totals: Vec<u32> = split.iter().map(|[a, b]| a + b).collect();
    let mut numbers = sheet(&totals);
    numbers.votes_by_type = split.iter().flatten().copied().collect();
    numbers
}
