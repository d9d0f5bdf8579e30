//! Group commit: many signed submissions decided one by one, appended as one chunk.

use rekap_ledger::{GroupLedger, Ledger, LedgerError, SubmissionRefusal, Verdict};
use rekap_log::{MemoryStorage, SignedSubmission, Storage};
use rekap_model::{encode_payload, Event, Payload};

use super::{definition, digest, key, log_key, province_totals, submit, OPERATOR, REGISTRAR, T0};

fn signed(ledger: &GroupLedger<MemoryStorage>, counter: u64, event: Event) -> SignedSubmission {
    let payload = Payload::Events {
        definition_hash: ledger.ledger().state().definition_hash(),
        events: vec![event],
    };
    SignedSubmission::sign(&key(OPERATOR), counter, encode_payload(&payload))
}

fn fresh() -> (MemoryStorage, GroupLedger<MemoryStorage>) {
    let storage = MemoryStorage::new();
    let ledger = Ledger::create(
        storage.clone(),
        rekap_model::Genesis::new(definition(), log_key()),
        &key(REGISTRAR),
        T0,
    )
    .unwrap();
    (storage, GroupLedger::new(ledger).unwrap())
}

fn appended(verdict: &Verdict) -> rekap_ledger::Placed {
    match verdict {
        Verdict::Appended(placed) => *placed,
        other => panic!("expected appended, got {other:?}"),
    }
}

#[test]
fn a_refused_submission_among_accepted_ones_is_answered_alone_without_a_replay() {
    let (storage, mut group) = fresh();
    let batch = vec![
        signed(&group, 1, submit("6472010001-001", 10, 20)),
        // The same station again: refused by the model (R35, a second sheet), alone.
        signed(&group, 2, submit("6472010001-001", 5, 5)),
        signed(&group, 3, submit("6472010001-002", 1, 2)),
    ];
    let outcome = group.commit(batch, T0 + 1).unwrap();
    assert_eq!(appended(&outcome.verdicts[0]).seq, 2);
    let Verdict::Refused(refusal @ SubmissionRefusal::Refused(_)) = &outcome.verdicts[1] else {
        panic!("{:?}", outcome.verdicts[1]);
    };
    assert!(refusal.rule().is_some());
    let rule = refusal.rule().unwrap().to_string();
    assert!(
        refusal
            .to_string()
            .starts_with(&format!("event 0: {rule}: ")),
        "{refusal}"
    );
    assert_eq!(appended(&outcome.verdicts[2]).seq, 3);
    assert_eq!(outcome.head.count, 3);
    assert_eq!(
        group.ledger().rebuilds(),
        0,
        "a refusal must not replay the log"
    );
    assert_eq!(province_totals(group.ledger()), vec![11, 22]);
    // Both accepted records are one chunk: one commit.
    let last_chunk = storage.last_chunk().unwrap().unwrap();
    let records = rekap_log::frame::Frames::new(&last_chunk.framed_records).count();
    assert_eq!((last_chunk.first_seq, records), (2, 2));
    let reopened = Ledger::open(storage).unwrap();
    assert_eq!(digest(&reopened), digest(group.ledger()));
}

#[test]
fn a_retry_gets_the_same_receipt_before_and_after_a_reopen() {
    let (storage, mut group) = fresh();
    let submission = signed(&group, 1, submit("6472010001-001", 10, 20));
    let first = group.commit(vec![submission.clone()], T0).unwrap();
    let placed = appended(&first.verdicts[0]);
    let again = group.commit(vec![submission.clone()], T0).unwrap();
    assert_eq!(again.verdicts, vec![Verdict::AlreadyAppended(placed)]);
    assert_eq!(again.head, first.head);
    let mut reopened = GroupLedger::new(Ledger::open(storage).unwrap()).unwrap();
    let after = reopened.commit(vec![submission], T0).unwrap();
    assert_eq!(after.verdicts, vec![Verdict::AlreadyAppended(placed)]);
    assert_eq!(after.head.count, 2);
}

#[test]
fn opened_from_the_replay_its_counters_are_those_read_from_the_log() {
    let (storage, mut group) = fresh();
    let submissions: Vec<_> = (1..=2u32)
        .map(|n| {
            let sheet = submit(&format!("6472010001-00{n}"), 1, n);
            signed(&group, u64::from(n), sheet)
        })
        .collect();
    let first = group.commit(submissions[..1].to_vec(), T0).unwrap();
    let last = group.commit(submissions[1..].to_vec(), T0).unwrap();
    assert_eq!(last.head.count, 3, "{first:?} {last:?}");
    let read = GroupLedger::new(Ledger::open(storage.clone()).unwrap()).unwrap();
    let mut replayed = GroupLedger::open(storage).unwrap();
    assert_eq!(replayed.counters().len(), 3, "the genesis and two sheets");
    assert_eq!(replayed.counters().len(), read.counters().len());
    assert_eq!(
        replayed.counters().last_counters(),
        read.counters().last_counters()
    );
    let registrar = key(REGISTRAR).verifying_key().to_bytes();
    let operator = key(OPERATOR).verifying_key().to_bytes();
    for (author, counter) in [(registrar, 1), (operator, 1), (operator, 2)] {
        let seq = replayed.counters().seq_of(&author, counter);
        assert!(seq.is_some(), "counter {counter} indexed");
        assert_eq!(seq, read.counters().seq_of(&author, counter));
    }
    assert_eq!(digest(replayed.ledger()), digest(read.ledger()));
    // A retry after the reopen still gets its first receipt.
    let again = replayed.commit(submissions[1..].to_vec(), T0).unwrap();
    assert_eq!(
        again.verdicts,
        vec![Verdict::AlreadyAppended(appended(&last.verdicts[0]))]
    );
    assert_eq!(again.head, last.head);
}

#[test]
fn the_same_submission_twice_in_one_group_is_one_record() {
    let (_, mut group) = fresh();
    let submission = signed(&group, 1, submit("6472010001-001", 10, 20));
    let outcome = group
        .commit(vec![submission.clone(), submission], T0)
        .unwrap();
    let placed = appended(&outcome.verdicts[0]);
    assert_eq!(outcome.verdicts[1], Verdict::AlreadyAppended(placed));
    assert_eq!(outcome.head.count, 2);
}

#[test]
fn a_used_counter_with_other_bytes_is_refused_and_a_lower_one_too() {
    let (_, mut group) = fresh();
    let first = signed(&group, 2, submit("6472010001-001", 10, 20));
    group.commit(vec![first], T0).unwrap();
    let other = signed(&group, 2, submit("6472010001-002", 1, 2));
    let lower = signed(&group, 1, submit("6472010001-002", 1, 2));
    let outcome = group.commit(vec![other, lower], T0).unwrap();
    assert!(
        matches!(
            &outcome.verdicts[0],
            Verdict::Refused(SubmissionRefusal::CounterUsed { seq: 2, .. })
        ),
        "{:?}",
        outcome.verdicts[0]
    );
    assert!(
        matches!(
            &outcome.verdicts[1],
            Verdict::Refused(SubmissionRefusal::CounterNotIncreasing { last: 2, .. })
        ),
        "{:?}",
        outcome.verdicts[1]
    );
    assert_eq!(outcome.head.count, 2);
    assert_eq!(
        group
            .next_counter(&key(OPERATOR).verifying_key().to_bytes())
            .unwrap(),
        3
    );
}

#[test]
fn a_bad_signature_or_undecodable_payload_is_refused_alone() {
    let (_, mut group) = fresh();
    let mut forged = signed(&group, 1, submit("6472010001-001", 10, 20));
    forged.signature[0] ^= 1;
    let garbage = SignedSubmission::sign(&key(OPERATOR), 2, vec![0xff; 7]);
    let good = signed(&group, 3, submit("6472010001-002", 1, 2));
    let outcome = group.commit(vec![forged, garbage, good], T0).unwrap();
    assert!(matches!(
        &outcome.verdicts[0],
        Verdict::Refused(SubmissionRefusal::BadSignature { .. })
    ));
    let Verdict::Refused(undecodable @ SubmissionRefusal::Undecodable(_)) = &outcome.verdicts[1]
    else {
        panic!("{:?}", outcome.verdicts[1]);
    };
    assert_eq!(undecodable.rule().map(|rule| rule.number()), Some(2));
    assert_eq!(appended(&outcome.verdicts[2]).seq, 2);
    assert_eq!(group.ledger().rebuilds(), 0);
}

#[test]
fn a_failed_append_rebuilds_from_the_log_and_answers_nothing() {
    let (storage, mut group) = fresh();
    let before = (group.ledger().head(), digest(group.ledger()));
    storage.fail_after(0);
    let batch = vec![
        signed(&group, 1, submit("6472010001-001", 10, 20)),
        signed(&group, 2, submit("6472010001-002", 1, 2)),
    ];
    let error = group.commit(batch.clone(), T0).unwrap_err();
    assert!(matches!(error, LedgerError::Append(_)), "{error}");
    assert_eq!(group.ledger().rebuilds(), 1);
    assert_eq!((group.ledger().head(), digest(group.ledger())), before);
    assert_eq!(province_totals(group.ledger()), vec![0, 0]);
}

/// A server's snapshot replicas follow the log by running each outcome's `appended`
/// records: run on a copy of the state from before, they must give the writer's state.
#[test]
fn the_appended_records_of_each_outcome_bring_a_copy_of_the_state_to_the_writers() {
    let (_, mut group) = fresh();
    let mut replica = group.ledger().state().clone();
    let mut projection = rekap_projection::Projection::new(&replica);
    let groups = vec![
        vec![
            signed(&group, 1, submit("6472010001-001", 10, 20)),
            signed(&group, 2, submit("6472010001-001", 5, 5)), // refused: not appended
            signed(&group, 3, submit("6472010001-002", 1, 2)),
        ],
        vec![signed(&group, 4, submit("6472010001-003", 7, 8))],
    ];
    for batch in groups {
        let outcome = group.commit(batch, T0 + 1).unwrap();
        let seqs: Vec<u64> = outcome.appended.iter().map(|(e, _)| e.seq).collect();
        let placed: Vec<u64> = outcome
            .verdicts
            .iter()
            .filter_map(|verdict| match verdict {
                Verdict::Appended(placed) => Some(placed.seq),
                _ => None,
            })
            .collect();
        assert_eq!(seqs, placed, "appended lists exactly the records appended");
        for (envelope, payload) in &outcome.appended {
            projection
                .execute_payload(&mut replica, envelope, payload)
                .unwrap();
        }
        assert_eq!(replica.last_seq(), outcome.head.count);
        assert_eq!(
            projection.projection_digest(&replica),
            digest(group.ledger())
        );
    }
}

/// Signatures checked before the writer (`admit`, on a server's request threads): a
/// forged one is refused in its place, the others are decided and appended.
#[test]
fn admitted_submissions_are_decided_without_a_second_signature_check() {
    let (_, mut group) = fresh();
    let good = signed(&group, 1, submit("6472010001-001", 10, 20));
    let mut forged = signed(&group, 2, submit("6472010001-002", 1, 2));
    forged.signature[0] ^= 1;
    let admitted = vec![
        rekap_ledger::admit(forged),
        rekap_ledger::admit(good.clone()),
    ];
    assert!(matches!(
        admitted[0],
        Err(SubmissionRefusal::BadSignature { .. })
    ));
    let outcome = group.commit_admitted(admitted, T0 + 1).unwrap();
    assert!(matches!(
        outcome.verdicts[0],
        Verdict::Refused(SubmissionRefusal::BadSignature { .. })
    ));
    assert_eq!(appended(&outcome.verdicts[1]).seq, 2);
    assert_eq!(group.ledger().head().count, 2);
}

/// A ledger opened on a segment store gives the log the authors' counters its replay
/// read (no second read of the log on the first append): they are the file's, a lower
/// counter is still refused and the next one accepted. A ledger opened at an earlier
/// record gives none (its replay did not read the whole log).
#[test]
fn counters_from_the_replay_are_the_files_and_still_refuse_a_lower_one() {
    use rekap_log::{Log, SegmentStorage};
    use rekap_test_kit::small_election::{self, STATIONS};
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("store");
    let ledger = Ledger::create(
        SegmentStorage::create(&path).unwrap(),
        rekap_model::Genesis::new(small_election::definition("counters"), log_key()),
        &key(REGISTRAR),
        T0,
    )
    .unwrap();
    let mut group = GroupLedger::new(ledger).unwrap();
    let sheet = |station: usize| small_election::submit(STATIONS[station], &[10, 20]);
    // Counters 1, 2 and 5: 3 and 4 are lower than the last but were never used.
    for (counter, station) in [(1, 0), (2, 1), (5, 2)] {
        let submission = signed_on(&group, counter, sheet(station));
        appended(&group.commit(vec![submission], T0).unwrap().verdicts[0]);
    }
    drop(group);
    let authors = [REGISTRAR, OPERATOR, 40].map(|n| key(n).verifying_key().to_bytes());
    let from_file: Vec<u64> = {
        let log = Log::open(SegmentStorage::open_read_only(&path).unwrap()).unwrap();
        (authors.iter())
            .map(|author| log.next_counter(author).unwrap())
            .collect()
    };
    assert_eq!(from_file, [2, 6, 1]);
    let earlier = Ledger::open_until(SegmentStorage::open(&path).unwrap(), 2).unwrap();
    assert_eq!(earlier.log().next_counter(&authors[1]).unwrap(), 6);
    drop(earlier);
    let ledger = Ledger::open(SegmentStorage::open(&path).unwrap()).unwrap();
    let replayed: Vec<u64> = (authors.iter())
        .map(|author| ledger.log().next_counter(author).unwrap())
        .collect();
    assert_eq!(replayed, from_file);
    let mut group = GroupLedger::new(ledger).unwrap();
    let lower = signed_on(&group, 3, sheet(3));
    let outcome = group.commit(vec![lower], T0).unwrap();
    assert!(
        matches!(
            &outcome.verdicts[0],
            Verdict::Refused(SubmissionRefusal::CounterNotIncreasing { last: 5, .. })
        ),
        "{:?}",
        outcome.verdicts[0]
    );
    let next = signed_on(&group, 6, sheet(3));
    appended(&group.commit(vec![next], T0).unwrap().verdicts[0]);
    assert_eq!(group.next_counter(&authors[1]).unwrap(), 7);
}

fn signed_on<S: Storage>(ledger: &GroupLedger<S>, counter: u64, event: Event) -> SignedSubmission {
    let payload = Payload::Events {
        definition_hash: ledger.ledger().state().definition_hash(),
        events: vec![event],
    };
    SignedSubmission::sign(&key(OPERATOR), counter, encode_payload(&payload))
}
