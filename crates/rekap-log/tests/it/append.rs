use rekap_log::{
    AppendError, Head, Log, MemoryStorage, SignedSubmission, SledStorage, StorageError,
    VerifyOptions, GENESIS_PREV_HASH,
};

use crate::harness::{build_log, key, payload, submission};

#[test]
fn empty_log_has_genesis_head() {
    let log = Log::open(MemoryStorage::new()).unwrap();
    assert_eq!(log.head().count, 0);
    assert_eq!(log.head().last_hash, GENESIS_PREV_HASH);
    assert_eq!(log.read(1).unwrap(), None);
}

#[test]
fn appended_records_are_chained_and_readable() {
    let log = build_log(&[vec![10, 20], vec![30], vec![0, 5, 6]]);
    assert_eq!(log.head().count, 6);
    let records: Vec<_> = log.records_from(1).map(Result::unwrap).collect();
    assert_eq!(records.len(), 6);
    let mut prev = GENESIS_PREV_HASH;
    for (index, record) in records.iter().enumerate() {
        assert_eq!(record.seq, index as u64 + 1);
        assert_eq!(record.prev_hash, prev);
        prev = record.hash;
    }
    assert_eq!(log.head().last_hash, prev);
    assert_eq!(log.read(4).unwrap().unwrap(), records[3]);
    let middle: Vec<_> = log.range(2..=4).map(|r| r.unwrap().seq).collect();
    assert_eq!(middle, vec![2, 3, 4]);
    assert_eq!(log.read(7).unwrap(), None);
    assert!(log.verify(VerifyOptions::default()).unwrap().ok());
}

#[test]
fn replayed_submission_is_refused() {
    let mut log = Log::open(MemoryStorage::new()).unwrap();
    let signed = submission(&log, &key(0), 0, payload(1, 50));
    log.append(vec![signed.clone()], 1).unwrap();
    let error = log.append(vec![signed], 2).unwrap_err();
    assert!(matches!(
        error,
        AppendError::CounterNotIncreasing {
            counter: 1,
            last: 1,
            ..
        }
    ));
    assert_eq!(log.head().count, 1);
}

#[test]
fn counters_must_increase_within_a_batch() {
    let mut log = Log::open(MemoryStorage::new()).unwrap();
    let first = SignedSubmission::sign(&key(0), 5, payload(1, 10));
    let second = SignedSubmission::sign(&key(0), 5, payload(2, 10));
    let error = log.append(vec![first, second], 1).unwrap_err();
    assert!(matches!(
        error,
        AppendError::CounterNotIncreasing { index: 1, .. }
    ));
    assert_eq!(log.head().count, 0, "a refused batch appends nothing");
}

#[test]
fn forged_signature_is_refused() {
    let mut log = Log::open(MemoryStorage::new()).unwrap();
    let mut signed = submission(&log, &key(0), 0, payload(1, 50));
    signed.payload[0] ^= 1;
    let error = log.append(vec![signed], 1).unwrap_err();
    assert!(matches!(error, AppendError::BadSignature { index: 0, .. }));
}

#[test]
fn empty_batch_is_refused() {
    let mut log = Log::open(MemoryStorage::new()).unwrap();
    assert!(matches!(
        log.append(vec![], 1),
        Err(AppendError::EmptyBatch)
    ));
}

#[test]
fn recorded_time_never_goes_backwards() {
    let mut log = Log::open(MemoryStorage::new()).unwrap();
    let first = submission(&log, &key(0), 0, payload(1, 10));
    log.append(vec![first], 5_000).unwrap();
    let second = submission(&log, &key(0), 0, payload(2, 10));
    let records = log.append(vec![second], 1_000).unwrap();
    assert_eq!(records[0].recorded_at_ms, 5_000, "clamped to the last time");
}

#[test]
fn failed_storage_append_leaves_nothing() {
    let storage = MemoryStorage::new();
    let mut log = Log::open(storage.clone()).unwrap();
    let first = submission(&log, &key(0), 0, payload(1, 10));
    log.append(vec![first], 1).unwrap();
    storage.fail_after(0);
    let batch = vec![
        submission(&log, &key(0), 0, payload(2, 10)),
        submission(&log, &key(0), 1, payload(3, 10)),
    ];
    let error = log.append(batch, 2).unwrap_err();
    assert!(matches!(
        error,
        AppendError::Storage(StorageError::InjectedFault(_))
    ));
    assert_eq!(log.head().count, 1);
    let reopened = Log::open(storage).unwrap();
    assert_eq!(reopened.head().count, 1);
    assert_eq!(reopened.records_from(1).count(), 1);
}

#[test]
fn corrupt_tail_refuses_appends_with_a_clear_error() {
    let storage = MemoryStorage::new();
    let mut log = Log::open(storage.clone()).unwrap();
    let first = submission(&log, &key(0), 0, payload(1, 10));
    log.append(vec![first], 1).unwrap();
    let second = submission(&log, &key(0), 0, payload(2, 10));
    log.append(vec![second], 2).unwrap();
    storage.corrupt_chunk(2, |bytes| {
        let last = bytes.len() - 100;
        bytes[last] ^= 0xff;
    });
    let mut reopened = Log::open(storage).unwrap();
    let problem = reopened.tail_problem().expect("tail problem detected");
    assert!(problem.contains("record 2"), "{problem}");
    let third = SignedSubmission::sign(&key(0), 3, payload(3, 10));
    let error = reopened.append(vec![third], 3).unwrap_err();
    assert!(matches!(error, AppendError::TailDoesNotVerify(_)));
}

#[test]
fn sled_store_persists_and_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let head = {
        let mut log = Log::open(SledStorage::create(&path).unwrap()).unwrap();
        for round in 0..3u64 {
            let batch = (0..4)
                .map(|index| submission(&log, &key(1), index, payload(round * 10 + index, 200)))
                .collect();
            log.append(batch, round).unwrap();
        }
        log.head()
    };
    let log = Log::open(SledStorage::open(&path).unwrap()).unwrap();
    assert_eq!(log.head(), head);
    assert_eq!(log.head().count, 12);
    assert_eq!(
        log.next_counter(&key(1).verifying_key().to_bytes())
            .unwrap(),
        13
    );
    assert!(log.tail_problem().is_none());
    assert!(log.verify(VerifyOptions::default()).unwrap().ok());
    assert_eq!(log.read(7).unwrap().unwrap().seq, 7);
}

#[test]
fn second_opener_gets_locked_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let _first = SledStorage::create(&path).unwrap();
    let second = SledStorage::open(&path);
    assert!(matches!(second, Err(StorageError::Locked { .. })));
    let message = second.err().unwrap().to_string();
    assert!(message.contains("locked by another process"), "{message}");
}

#[test]
fn create_refuses_a_non_empty_directory_and_open_refuses_a_non_store() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("precious.txt"), "keep me").unwrap();
    assert!(SledStorage::create(dir.path()).is_err());
    assert!(SledStorage::open(dir.path()).is_err());
    assert!(dir.path().join("precious.txt").exists());
}

#[test]
fn a_store_of_another_format_is_named_not_called_a_stranger() {
    let dir = tempfile::tempdir().unwrap();
    let sled_store = dir.path().join("sled-store");
    drop(SledStorage::create(&sled_store).unwrap());
    let message = rekap_log::SegmentStorage::open(&sled_store)
        .err()
        .unwrap()
        .to_string();
    assert!(
        message.contains("is a rekap store of format 2; this rekap reads format 4"),
        "{message}"
    );
    assert!(message.contains("rekap export"), "{message}");
    let message = rekap_log::SegmentStorage::open(dir.path())
        .err()
        .unwrap()
        .to_string();
    assert!(message.contains("is not a rekap store"), "{message}");
}

#[test]
fn a_batch_larger_than_a_sled_value_part_reads_back_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let mut log = Log::open(SledStorage::create(&path).unwrap()).unwrap();
    let first: Vec<_> = (0..5)
        .map(|index| submission(&log, &key(2), index, payload(index, 100_000)))
        .collect();
    log.append(first, 1).unwrap();
    let second = vec![submission(&log, &key(2), 0, payload(9, 10))];
    log.append(second, 2).unwrap();
    let head = log.head();
    drop(log);
    let log = Log::open(SledStorage::open(&path).unwrap()).unwrap();
    assert_eq!(log.head(), head);
    assert!(log.tail_problem().is_none());
    assert_eq!(log.read(3).unwrap().unwrap().payload, payload(2, 100_000));
    assert_eq!(log.records_from(1).count(), 6);
    assert_eq!(log.range(4..=6).count(), 3);
    assert!(log.verify(VerifyOptions::default()).unwrap().ok());
}

#[test]
fn segment_store_is_locked_for_a_second_opener_and_keeps_derived_state() {
    use rekap_log::{SegmentStorage, Storage};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let mut first = SegmentStorage::create(&path).unwrap();
    assert!(matches!(
        SegmentStorage::open(&path),
        Err(StorageError::Locked { .. })
    ));
    first.put_derived("totals-snapshot/1", b"snapshot").unwrap();
    first.put_derived("totals-snapshot/1", b"newer").unwrap();
    assert_eq!(
        first.get_derived("totals-snapshot/1").unwrap().unwrap(),
        b"newer"
    );
    assert_eq!(first.get_derived("absent").unwrap(), None);
}

/// The counters a reader of the whole log gives the storage (`Log::seed_counters`) are
/// taken only at the head they were read to, and then answer for the file: a used counter
/// is still refused and the next one accepted, without the segment file read again.
#[test]
fn seeded_counters_are_taken_only_at_their_head_and_keep_the_check_exact() {
    use rekap_log::SegmentStorage;
    use std::collections::BTreeMap;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    {
        let mut log = Log::open(SegmentStorage::create(&path).unwrap()).unwrap();
        for round in 0..3u64 {
            let first = submission(&log, &key(0), 0, payload(round, 40));
            let second = submission(&log, &key(1), 0, payload(round + 10, 40));
            log.append(vec![first, second], round).unwrap();
        }
    }
    let author = |n: u8| key(n).verifying_key().to_bytes();
    // What a replay finds: each author's last counter, read record by record.
    let read_counters = |log: &Log<SegmentStorage>| {
        let mut counters = BTreeMap::new();
        for record in log.records_from(1).map(Result::unwrap) {
            counters.insert(record.author, record.counter);
        }
        counters
    };
    // Seeded at an older head: ignored, the file is read (a wrong map would show).
    let mut log = Log::open(SegmentStorage::open(&path).unwrap()).unwrap();
    let older = Head {
        count: log.head().count - 1,
        ..log.head()
    };
    log.seed_counters(BTreeMap::from([(author(0), 100)]), older);
    assert_eq!(log.next_counter(&author(0)).unwrap(), 4);
    drop(log);
    // Seeded at the head: taken (this map says 100, the file 3).
    let mut log = Log::open(SegmentStorage::open(&path).unwrap()).unwrap();
    let head = log.head();
    log.seed_counters(BTreeMap::from([(author(0), 100)]), head);
    assert_eq!(log.next_counter(&author(0)).unwrap(), 101);
    drop(log);
    // Seeded with what a replay read: every check is the file's.
    let mut log = Log::open(SegmentStorage::open(&path).unwrap()).unwrap();
    let counters = read_counters(&log);
    let head = log.head();
    log.seed_counters(counters, head);
    let used = SignedSubmission::sign(&key(0), 3, payload(99, 40));
    assert!(matches!(
        log.append(vec![used], 10).unwrap_err(),
        AppendError::CounterNotIncreasing {
            counter: 3,
            last: 3,
            ..
        }
    ));
    assert_eq!(log.next_counter(&author(1)).unwrap(), 4);
    assert_eq!(log.next_counter(&author(2)).unwrap(), 1);
    let next = SignedSubmission::sign(&key(0), 4, payload(99, 40));
    log.append(vec![next], 10).unwrap();
    assert_eq!(log.next_counter(&author(0)).unwrap(), 5);
    let again = SignedSubmission::sign(&key(0), 4, payload(98, 40));
    assert!(matches!(
        log.append(vec![again], 11).unwrap_err(),
        AppendError::CounterNotIncreasing { last: 4, .. }
    ));
}
