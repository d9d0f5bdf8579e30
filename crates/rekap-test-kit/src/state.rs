//! A model state to run payloads against without a log: the genesis accepted at record 1,
//! payloads applied as the records after it, approvals checked by nobody ([`AnyApproval`]),
//! and the national one-contest definition the throughput measurements run.

use rekap_model::*;

use crate::keys::{log_key, pk};
use crate::small_election::{REGISTRAR, T0};

/// Accepts every approval: for tests whose payloads carry none (imports), or that check
/// the model's other rules.
pub struct AnyApproval;

impl ApprovalCheck for AnyApproval {
    fn check_approval(
        &self,
        _state: &State,
        _region: RegionIdx,
        _contest: ContestIdx,
        _digest: &[u8; 32],
    ) -> Result<(), ApprovalCheckFailure> {
        Ok(())
    }
}

/// The state after `definition`'s genesis, signed by [`REGISTRAR`] at [`T0`].
pub fn genesis_state(definition: ElectionDefinition) -> State {
    let envelope = Envelope {
        seq: 1,
        recorded_at_ms: T0,
        author: pk(REGISTRAR),
    };
    State::genesis(
        &envelope,
        &Payload::Genesis(Genesis::new(definition, log_key())),
    )
    .expect("genesis is accepted")
}

/// Applies `events` as the next record, signed by key number `author`, a second after the
/// record before; panics if the model refuses them (the test's setup is wrong).
pub fn apply_as(state: &mut State, author: u8, events: Vec<Event>) {
    let envelope = Envelope {
        seq: state.last_seq() + 1,
        recorded_at_ms: T0 + state.last_seq() * 1_000,
        author: pk(author),
    };
    let payload = Payload::Events {
        definition_hash: state.definition_hash(),
        events,
    };
    state
        .execute_payload(&envelope, &payload, &AnyApproval)
        .expect("payload is accepted");
}

/// Every Indonesian region of 2024 (data/indonesia-regions-2024.csv, 818k counted stations)
/// under a nation root `ID`, one presidential contest `ppwp` of three pairs over all of it,
/// and one operator (key number `operator`) whose scope is the nation.
pub fn national_definition(operator: u8) -> ElectionDefinition {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/indonesia-regions-2024.csv"
    );
    let csv = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{path}: {error}"));
    // A national root above the provinces, so that one contest covers the whole country.
    let csv =
        csv.replace(",,province,", ",ID,province,")
            .replacen('\n', "\nID,,nation,INDONESIA,\n", 1);
    let mut levels = indonesia_levels();
    levels.insert(
        0,
        Level {
            key: "nation".into(),
            name_en: "Nation".into(),
            name_id: "Nasional".into(),
            holds_plenary: true,
        },
    );
    let mut regions = parse_regions_csv(csv.as_bytes(), &levels).expect("regions csv");
    regions.sort_by(|a, b| a.code.cmp(&b.code));
    ElectionDefinition {
        format_version: definition::DEFINITION_FORMAT_VERSION,
        name: "Pemilu 2024".into(),
        levels,
        regions,
        stations: Vec::new(),
        contests: vec![Contest {
            id: "ppwp".into(),
            name: "Presiden".into(),
            scope: "ID".into(),
            vote_types: Vec::new(),
            parts: Vec::new(),
            pairs: (1..=3)
                .map(|number| CandidatePair {
                    number,
                    name: format!("P{number}"),
                })
                .collect(),
        }],
        station_capacity: 300,
        soft_rules: SoftRules::default(),
        registrar: pk(REGISTRAR),
        initial_officers: vec![InitialOfficer {
            key: pk(operator),
            role: Role::Operator,
            scope: "ID".into(),
        }],
    }
}
