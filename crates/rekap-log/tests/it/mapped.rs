//! The mapped reader of a segment store (`storage::mapped`, the fast rollup's path): the
//! same committed records as the log's own reading, an uncommitted tail left unread, and
//! frames or chunks that do not parse refused with an error, never a panic.

use std::fs;
use std::path::{Path, PathBuf};

use rekap_log::storage::chunk::{scan, ChunkHeader, HEADER_BYTES, TRAILER_BYTES};
use rekap_log::storage::mapped::MappedLog;
use rekap_log::{Log, SegmentStorage, StorageError};

use crate::harness::{key, payload, submission};

/// A store of three chunks (3, 1 and 4 records) of payloads of varied lengths.
fn store(directory: &Path) -> PathBuf {
    let path = directory.join("store");
    let mut log = Log::open(SegmentStorage::create(&path).unwrap()).unwrap();
    for (round, count) in [3u64, 1, 4].into_iter().enumerate() {
        let batch = (0..count)
            .map(|index| {
                let length = 40 + 97 * index as usize + round;
                submission(
                    &log,
                    &key(1),
                    index,
                    payload(round as u64 * 10 + index, length),
                )
            })
            .collect();
        log.append(batch, round as u64).unwrap();
    }
    path
}

/// Every record's (seq, payload) as the log reads them.
fn read_by_the_log(path: &Path) -> Vec<(u64, Vec<u8>)> {
    let log = Log::open(SegmentStorage::open_read_only(path).unwrap()).unwrap();
    log.records_from(1)
        .map(|record| record.map(|record| (record.seq, record.payload)).unwrap())
        .collect()
}

fn read_mapped(path: &Path) -> Result<Vec<(u64, Vec<u8>)>, StorageError> {
    let log = MappedLog::open(path)?;
    let records = log.records()?;
    assert_eq!(log.record_count(), records.len() as u64);
    Ok(records
        .iter()
        .map(|record| (record.seq, record.payload.to_vec()))
        .collect())
}

#[test]
fn the_mapped_reader_reads_the_committed_records_the_log_reads() {
    let directory = tempfile::tempdir().unwrap();
    let path = store(directory.path());
    let expected = read_by_the_log(&path);
    assert_eq!(expected.len(), 8);
    assert_eq!(read_mapped(&path).unwrap(), expected);

    // An append that never got its trailer is not read (and changes nothing).
    let segment = path.join("log.segment");
    let mut bytes = fs::read(&segment).unwrap();
    let committed = bytes.len();
    let last = scan(&fs::File::open(&segment).unwrap(), committed as u64)
        .unwrap()
        .chunks
        .pop()
        .unwrap();
    let frames = &bytes[last.frames_offset() as usize..last.end() as usize - TRAILER_BYTES];
    let header = ChunkHeader::for_frames(9, last.header.record_count, frames);
    let mut torn = header.encode().to_vec();
    torn.extend_from_slice(frames);
    bytes.extend_from_slice(&torn);
    fs::write(&segment, &bytes).unwrap();
    assert_eq!(read_mapped(&path).unwrap(), expected);
    assert_eq!(fs::read(&segment).unwrap().len(), bytes.len());
}

#[test]
fn an_empty_store_has_no_records() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("store");
    drop(SegmentStorage::create(&path).unwrap());
    assert_eq!(read_mapped(&path).unwrap(), Vec::new());
}

#[test]
fn frames_that_do_not_parse_are_refused_not_panicked_on() {
    let directory = tempfile::tempdir().unwrap();
    let path = store(directory.path());
    let segment = path.join("log.segment");
    let original = fs::read(&segment).unwrap();
    let chunks = scan(&fs::File::open(&segment).unwrap(), original.len() as u64)
        .unwrap()
        .chunks;
    let first_frame = chunks[0].offset as usize + HEADER_BYTES;
    // A frame length past the chunk, a record too short, a seq out of order: each within a
    // committed chunk whose header and trailer still check.
    let damages: [(usize, Vec<u8>); 3] = [
        (first_frame, u32::MAX.to_le_bytes().to_vec()),
        (first_frame, 20u32.to_le_bytes().to_vec()),
        (first_frame + 4, 7u64.to_le_bytes().to_vec()),
    ];
    for (at, bytes) in damages {
        let mut damaged = original.clone();
        damaged[at..at + bytes.len()].copy_from_slice(&bytes);
        fs::write(&segment, &damaged).unwrap();
        match read_mapped(&path) {
            Err(StorageError::Damaged { reason, .. }) => assert!(!reason.is_empty()),
            other => panic!("damage at byte {at} read as {other:?}"),
        }
    }
    // A header that no crash leaves: refused at open.
    let mut damaged = original.clone();
    damaged[chunks[1].offset as usize + 5] ^= 1;
    fs::write(&segment, &damaged).unwrap();
    assert!(matches!(
        MappedLog::open(&path),
        Err(StorageError::Damaged { .. })
    ));
    // Not a store at all.
    assert!(MappedLog::open(directory.path()).is_err());
}
