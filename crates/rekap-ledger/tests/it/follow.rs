//! `follow.rs`: records placed by another log appended as given (what a mirror does), each
//! decided by the model first; a refused or misplaced record appends nothing.

use rekap_ledger::follow::create_from_genesis;
use rekap_ledger::{Ledger, LedgerError};
use rekap_log::{Log, MemoryStorage, Record, SignedSubmission};
use rekap_model::{encode_payload, Payload};

use super::*;

fn origin() -> Ledger<MemoryStorage> {
    let mut ledger = Ledger::create(
        MemoryStorage::new(),
        rekap_model::Genesis::new(definition(), log_key()),
        &key(REGISTRAR),
        T0,
    )
    .unwrap();
    ledger
        .submit(
            &key(OPERATOR),
            vec![vec![submit("6472010001-001", 10, 20)]],
            T0 + 5,
        )
        .unwrap();
    ledger
        .submit(
            &key(OPERATOR),
            vec![vec![submit("6472010001-002", 1, 2)]],
            T0 + 9,
        )
        .unwrap();
    ledger
}

fn records(ledger: &Ledger<MemoryStorage>) -> Vec<Record> {
    ledger.log().records_from(1).map(Result::unwrap).collect()
}

fn follower(records: &[Record]) -> Ledger<MemoryStorage> {
    let mut ledger =
        create_from_genesis(Log::open(MemoryStorage::new()).unwrap(), &records[0]).unwrap();
    ledger.append_given(&records[1..]).unwrap();
    ledger
}

#[test]
fn a_follower_holds_the_origins_records_byte_for_byte_and_its_state() {
    let origin = origin();
    let given = records(&origin);
    let follower = follower(&given);
    assert_eq!(follower.head(), origin.head());
    assert_eq!(records(&follower), given);
    assert_eq!(digest(&follower), digest(&origin));
    assert_eq!(province_totals(&follower), province_totals(&origin));
}

#[test]
fn a_record_the_model_refuses_or_that_does_not_continue_the_log_appends_nothing() {
    let origin = origin();
    let given = records(&origin);
    let mut follower = follower(&given);
    let head = follower.head();
    // A second sheet for a station that has one, signed and placed as a log would.
    let payload = Payload::Events {
        definition_hash: follower.state().definition_hash(),
        events: vec![submit("6472010001-001", 5, 5)],
    };
    let submission = SignedSubmission::sign(&key(OPERATOR), 3, encode_payload(&payload));
    let (refused, _) = Record::seal(head.count + 1, head.last_hash, T0 + 20, submission.clone());
    let error = follower.append_given(&[refused]).unwrap_err();
    assert!(
        matches!(error, LedgerError::InvalidRecord { seq: 4, .. }),
        "{error}"
    );
    assert_eq!(follower.head(), head);
    assert_eq!(province_totals(&follower), province_totals(&origin));
    // Misplaced: a gap, or a link to another record.
    let (gap, _) = Record::seal(head.count + 2, head.last_hash, T0 + 20, submission.clone());
    assert!(matches!(
        follower.append_given(&[gap]),
        Err(LedgerError::NotNext { seq: 5, .. })
    ));
    let (unlinked, _) = Record::seal(head.count + 1, [7; 32], T0 + 20, submission);
    assert!(matches!(
        follower.append_given(&[unlinked]),
        Err(LedgerError::NotNext { seq: 4, .. })
    ));
    // The origin's records given twice: refused, the follower unchanged.
    assert!(follower.append_given(&given[1..2]).is_err());
    assert_eq!(follower.head(), head);
}
