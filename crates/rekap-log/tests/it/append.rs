use rekap_log::{
    AppendError, Log, MemoryStorage, SignedSubmission, SledStorage, StorageError, VerifyOptions,
    GENESIS_PREV_HASH,
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
        message.contains("is a rekap store of format 2; this rekap reads format 3"),
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
fn segment_store_persists_reopens_and_cuts_a_torn_last_append() {
    use rekap_log::SegmentStorage;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let head = {
        let mut log = Log::open(SegmentStorage::create(&path).unwrap()).unwrap();
        for round in 0..3u64 {
            let batch = (0..4)
                .map(|index| submission(&log, &key(1), index, payload(round * 10 + index, 70_000)))
                .collect();
            log.append(batch, round).unwrap();
        }
        log.head()
    };
    assert!(matches!(SegmentStorage::open(&path).map(|_| ()), Ok(())));
    let log = Log::open(SegmentStorage::open(&path).unwrap()).unwrap();
    assert_eq!(log.head(), head);
    assert_eq!(
        log.next_counter(&key(1).verifying_key().to_bytes())
            .unwrap(),
        13
    );
    assert_eq!(log.read(7).unwrap().unwrap().seq, 7);
    assert!(log.verify(VerifyOptions::default()).unwrap().ok());
    drop(log);

    // A torn append: half a chunk at the end, as a crash before fsync can leave.
    let segment = path.join("log.segment");
    let whole = std::fs::read(&segment).unwrap();
    let mut torn = whole.clone();
    torn.extend_from_slice(&whole[..whole.len() / 6]);
    std::fs::write(&segment, &torn).unwrap();
    let log = Log::open(SegmentStorage::open(&path).unwrap()).unwrap();
    assert_eq!(log.head(), head, "the torn tail is cut off");
    assert!(log.tail_problem().is_none());
    assert_eq!(std::fs::read(&segment).unwrap(), whole);
    drop(log);

    // A zero-filled last chunk of full length (delayed allocation): its checksum fails.
    let mut zeroed = whole.clone();
    let last_chunk_start = whole.len() - (60 + 4 * (192 + 70_000 + 4));
    for byte in &mut zeroed[last_chunk_start + 60..] {
        *byte = 0;
    }
    std::fs::write(&segment, &zeroed).unwrap();
    let mut log = Log::open(SegmentStorage::open(&path).unwrap()).unwrap();
    assert_eq!(
        log.head().count,
        8,
        "the unacknowledged last batch is dropped"
    );
    let next = submission(&log, &key(1), 0, payload(99, 10));
    log.append(vec![next], 9).unwrap();
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

#[test]
fn segment_store_refuses_to_cut_damage_in_the_middle() {
    use rekap_log::SegmentStorage;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    {
        let mut log = Log::open(SegmentStorage::create(&path).unwrap()).unwrap();
        for round in 0..3u64 {
            let batch = vec![submission(&log, &key(1), 0, payload(round, 500))];
            log.append(batch, round).unwrap();
        }
    }
    let segment = path.join("log.segment");
    let mut bytes = std::fs::read(&segment).unwrap();
    bytes[0] ^= 0xff; // the first chunk's magic
    std::fs::write(&segment, &bytes).unwrap();
    let opened = SegmentStorage::open(&path);
    assert!(
        matches!(opened, Err(StorageError::Corrupt(_))),
        "must not open by cutting"
    );
    assert_eq!(std::fs::read(&segment).unwrap(), bytes, "nothing was cut");
}
