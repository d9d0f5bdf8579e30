//! The replay on two threads (records read and decoded ahead of the decisions, the state
//! built and every record decided in order on the other) holds the state the sequential
//! replay (`replay_records`) holds, and stops where the sequential replay stops, with its
//! error: a refused record before an undecodable one is the refusal, and the other way
//! round the decoding error.

use rekap_ledger::{replay_records, Ledger, LedgerError};
use rekap_log::{Log, MemoryStorage, Record, SignedSubmission};
use rekap_model::{encode_payload, Payload};

use super::*;

/// The test election's genesis, then one record per payload signed by the operator, as a
/// log holds them: nothing here asks the model first.
fn stored(payloads: Vec<Vec<u8>>) -> MemoryStorage {
    let storage = MemoryStorage::new();
    created(storage.clone());
    let mut log = Log::open(storage.clone()).unwrap();
    let operator = key(OPERATOR);
    for (offset, payload) in payloads.into_iter().enumerate() {
        let counter = 1 + offset as u64;
        let submission = SignedSubmission::sign(&operator, counter, payload);
        log.append(vec![submission], T0 + 10 * counter).unwrap();
    }
    storage
}

fn events(definition_hash: [u8; 32], events: Vec<Event>) -> Vec<u8> {
    encode_payload(&Payload::Events {
        definition_hash,
        events,
    })
}

fn definition_hash() -> [u8; 32] {
    created(MemoryStorage::new()).state().definition_hash()
}

#[test]
fn the_two_thread_replay_holds_the_sequential_replays_state_and_counters() {
    let hash = definition_hash();
    let storage = stored(vec![
        events(hash, vec![submit("6472010001-001", 10, 20)]),
        events(hash, vec![submit("6472010001-002", 3, 4)]),
    ]);
    let mut ledger = Ledger::open(storage.clone()).unwrap();
    let records: Vec<Record> = (ledger.log().records_from(1)).map(Result::unwrap).collect();
    let (state, projection) = replay_records(&records).unwrap();
    assert_eq!(ledger.state().last_seq(), 3);
    assert_eq!(
        projection.projection_digest(&state),
        digest(&ledger),
        "the same state as the sequential replay"
    );
    assert_eq!(projection.flags(), ledger.projection().flags());
    assert_eq!(province_totals(&ledger), vec![13, 24]);
    // The counters the replay gave the log: the operator's next record is its third.
    let operator = key(OPERATOR).verifying_key().to_bytes();
    assert_eq!(ledger.log().next_counter(&operator).unwrap(), 3);
    let official = key(OFFICIAL);
    let correction = rekap_test_kit::correct(
        "6472010001-001",
        CONTEST,
        rekap_test_kit::sheet(&[11, 19]),
        "a counting error",
    );
    ledger
        .submit(&official, vec![vec![correction]], T0 + 100)
        .unwrap();
    assert_eq!(Ledger::open(storage).unwrap().head(), ledger.head());
}

#[test]
fn a_refused_record_before_an_undecodable_one_stops_the_replay_at_the_refusal() {
    let hash = definition_hash();
    let storage = stored(vec![
        events(hash, vec![submit("6472010001-001", 10, 20)]),
        // A second sheet for the same station: refused by the model.
        events(hash, vec![submit("6472010001-001", 1, 2)]),
        b"not a payload".to_vec(),
    ]);
    let error = Ledger::open(storage).map(|_| ()).unwrap_err();
    assert!(
        matches!(error, LedgerError::InvalidRecord { seq: 3, .. }),
        "{error}"
    );
}

#[test]
fn an_undecodable_record_before_a_refused_one_stops_the_replay_at_the_decoding() {
    let hash = definition_hash();
    let storage = stored(vec![
        events(hash, vec![submit("6472010001-001", 10, 20)]),
        b"not a payload".to_vec(),
        events(hash, vec![submit("6472010001-001", 1, 2)]),
    ]);
    let error = Ledger::open(storage).map(|_| ()).unwrap_err();
    assert!(
        matches!(error, LedgerError::Undecodable { seq: 3, .. }),
        "{error}"
    );
}
