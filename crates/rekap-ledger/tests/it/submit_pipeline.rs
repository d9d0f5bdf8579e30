//! A batch of payloads is decided on one thread while another encodes and signs them
//! (src/ledger/submit.rs): the records must be byte for byte those of deciding, encoding
//! and signing each payload in turn.

use rekap_ledger::{Ledger, LedgerError};
use rekap_log::{MemoryStorage, Record, SignedSubmission};
use rekap_model::{encode_payload, Event, Payload};
use rekap_test_kit::signing as key;

use super::{created, digest, submit, OPERATOR, T0};

fn payloads() -> Vec<Vec<Event>> {
    vec![
        vec![submit("6472010001-001", 10, 20)],
        vec![submit("6472010001-002", 1, 2)],
    ]
}

fn records(ledger: &Ledger<MemoryStorage>) -> Vec<Record> {
    ledger
        .log()
        .records_from(1)
        .collect::<Result<_, _>>()
        .expect("the log reads back")
}

/// The ledger of `payloads()` submitted one per call, at `T0 + 5`.
fn one_payload_at_a_time() -> Ledger<MemoryStorage> {
    let mut ledger = created(MemoryStorage::new());
    for payload in payloads() {
        ledger
            .submit(&key(OPERATOR), vec![payload], T0 + 5)
            .unwrap();
    }
    ledger
}

#[test]
fn a_batch_signed_beside_its_decisions_has_the_bytes_of_one_payload_at_a_time() {
    let mut batched = created(MemoryStorage::new());
    let receipt = batched.submit(&key(OPERATOR), payloads(), T0 + 5).unwrap();
    assert_eq!(receipt.seqs, vec![2, 3]);
    let one_by_one = one_payload_at_a_time();
    assert_eq!(batched.head(), one_by_one.head());
    assert_eq!(digest(&batched), digest(&one_by_one));
    let records = records(&batched);
    assert_eq!(records, self::records(&one_by_one));
    let encoded: Vec<Vec<u8>> = records.iter().map(Record::encode).collect();
    let encoded_one_by_one: Vec<Vec<u8>> = self::records(&one_by_one)
        .iter()
        .map(Record::encode)
        .collect();
    assert_eq!(encoded, encoded_one_by_one);
    // Each record is the payload encoded and signed in turn with the next counter.
    let definition_hash = batched.state().definition_hash();
    for (index, events) in payloads().into_iter().enumerate() {
        let payload = encode_payload(&Payload::Events {
            definition_hash,
            events,
        });
        let expected = SignedSubmission::sign(&key(OPERATOR), 1 + index as u64, payload);
        let record = &records[1 + index];
        assert_eq!(record.payload, expected.payload);
        assert_eq!(record.signature, expected.signature);
        assert_eq!(record.counter, expected.counter);
        assert_eq!(record.author, expected.author);
    }
}

#[test]
fn a_refusal_late_in_a_batch_signs_and_appends_nothing() {
    let storage = MemoryStorage::new();
    let mut ledger = created(storage.clone());
    let before = (ledger.head(), digest(&ledger));
    let mut refused = payloads();
    refused.push(vec![submit("6472010001-001", 5, 5)]);
    assert!(ledger.submit(&key(OPERATOR), refused, T0).is_err());
    assert_eq!((ledger.head(), digest(&ledger)), before);
    assert_eq!(Ledger::open(storage).unwrap().head(), before.0);
    // The counters were not used up: the next batch starts at 1 again.
    ledger.submit(&key(OPERATOR), payloads(), T0).unwrap();
    assert_eq!(records(&ledger)[1].counter, 1);
}

/// A bulk import's batch is written on one core while the digests are computed on the
/// others (src/ledger.rs, `submit_bulk`): a failed write must leave the state, projection
/// and digests those of the log, and the next batch must give what one at a time gives.
#[test]
fn a_bulk_batch_whose_write_fails_leaves_the_ledger_as_the_log_has_it() {
    let storage = MemoryStorage::new();
    let mut ledger = created(storage.clone());
    let before = (ledger.head(), digest(&ledger));
    storage.fail_after(0);
    let Err(error) = ledger.submit_bulk(&key(OPERATOR), payloads(), T0 + 5) else {
        panic!("the write fails");
    };
    assert!(matches!(error, LedgerError::Append(_)), "{error}");
    assert_eq!(ledger.rebuilds(), 1);
    assert_eq!((ledger.head(), digest(&ledger)), before);
    assert_eq!(Ledger::open(storage.clone()).unwrap().head(), before.0);
    // The medium works again.
    storage.fail_after(u64::MAX);
    let (receipt, _) = ledger
        .submit_bulk(&key(OPERATOR), payloads(), T0 + 5)
        .unwrap();
    assert_eq!(receipt.seqs, vec![2, 3]);
    let one_by_one = one_payload_at_a_time();
    assert_eq!(ledger.head(), one_by_one.head());
    assert_eq!(digest(&ledger), digest(&one_by_one));
    assert_eq!(digest(&Ledger::open(storage).unwrap()), digest(&one_by_one));
}
