//! Readers beside a writer (docs/OPERATOR.md, "Readers beside a writer"): a reader opens and
//! finishes while a writer that shares the lock has the store open (replaying it); the
//! writer's append waits for the readers in progress and goes after the exact head it read;
//! a second writer stays locked out.

use std::time::{Duration, Instant};

use rekap_log::{AppendError, Log, SegmentStorage, StorageError, VerifyOptions};

use crate::harness::{key, payload, submission};

fn store_of_one_record() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let mut log = Log::open(SegmentStorage::create(&path).unwrap()).unwrap();
    let first = submission(&log, &key(0), 0, payload(1, 10));
    log.append(vec![first], 1).unwrap();
    (dir, path)
}

fn locked<T>(result: Result<T, StorageError>) -> bool {
    matches!(result, Err(StorageError::Locked { .. }))
}

#[test]
fn a_reader_finishes_while_a_writer_is_replaying() {
    let (_dir, path) = store_of_one_record();
    // The writer has opened the store and is replaying it.
    let mut writer =
        Log::open(SegmentStorage::open_sharing_reads(&path, Duration::ZERO).unwrap()).unwrap();
    let reader = Log::open(SegmentStorage::open_read_only(&path).unwrap()).unwrap();
    assert_eq!(reader.head(), writer.head());
    assert!(reader.verify(VerifyOptions::default()).unwrap().ok());
    // One writer at a time, of either kind.
    assert!(locked(SegmentStorage::open(&path)));
    assert!(locked(SegmentStorage::open_sharing_reads(
        &path,
        Duration::ZERO
    )));
    // A reader still reading: an append that may not wait is refused, nothing written.
    let second = submission(&writer, &key(0), 0, payload(2, 10));
    let refused = writer.append(vec![second.clone()], 2);
    assert!(
        matches!(
            refused,
            Err(AppendError::Storage(StorageError::Locked { .. }))
        ),
        "{refused:?}"
    );
    assert_eq!(writer.head().count, 1);
    drop(reader);
    writer.append(vec![second], 2).unwrap();
    // Readers come back in between appends and see the new head.
    let reader = Log::open(SegmentStorage::open_read_only(&path).unwrap()).unwrap();
    assert_eq!(reader.head(), writer.head());
    assert_eq!(reader.head().count, 2);
    assert!(reader.verify(VerifyOptions::default()).unwrap().ok());
}

#[test]
fn an_append_waits_for_the_reader_in_progress() {
    let (_dir, path) = store_of_one_record();
    let mut writer =
        Log::open(SegmentStorage::open_sharing_reads(&path, Duration::from_secs(20)).unwrap())
            .unwrap();
    let reader = SegmentStorage::open_read_only(&path).unwrap();
    let started = Instant::now();
    let reading = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        drop(reader);
    });
    let next = submission(&writer, &key(0), 0, payload(2, 10));
    writer.append(vec![next], 2).unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    reading.join().unwrap();
    drop(writer);
    let log = Log::open(SegmentStorage::open(&path).unwrap()).unwrap();
    assert_eq!(log.head().count, 2);
}

#[test]
fn a_serving_writer_keeps_readers_out() {
    // `SegmentStorage::open` (rekap serve, init) holds the lock exclusively throughout.
    let (_dir, path) = store_of_one_record();
    let _writer = SegmentStorage::open(&path).unwrap();
    assert!(locked(SegmentStorage::open_read_only(&path)));
}
