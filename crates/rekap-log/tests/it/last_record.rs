//! The log's last record read from the segment file by frame lengths alone
//! (`storage::last_record`): it is the log's head on an intact store, whatever the batch
//! shapes, and any change to the last chunk's header fields, frame lengths or last record
//! is reported as damage, never read as another head.

use std::fs::File;
use std::path::Path;

use rekap_log::storage::last_record::{read_log_end, LastRecord, LogEnd};
use rekap_log::{Log, SegmentStorage};

use crate::harness::{key, payload, submission};

/// Bytes of a chunk header and of its commit trailer in `log.segment` (docs/FORMAT.md,
/// "Store layout").
const HEADER: usize = 92;
const TRAILER: usize = 40;

/// A store whose batches have records of the given payload lengths.
fn store(path: &Path, batches: &[Vec<usize>]) -> Log<SegmentStorage> {
    let mut log = Log::open(SegmentStorage::create(path).unwrap()).unwrap();
    for (round, lengths) in batches.iter().enumerate() {
        let batch = lengths
            .iter()
            .enumerate()
            .map(|(index, length)| {
                let tag = (round * 1000 + index) as u64;
                submission(&log, &key(1), index as u64, payload(tag, *length))
            })
            .collect();
        log.append(batch, round as u64).unwrap();
    }
    log
}

/// The offset of the last chunk's header, found by walking the headers as FORMAT.md
/// describes them.
fn last_header_offset(bytes: &[u8]) -> usize {
    let mut offset = 0;
    let mut last = 0;
    while offset < bytes.len() {
        assert_eq!(&bytes[offset..offset + 4], b"RKCH");
        let frames = u64::from_le_bytes(bytes[offset + 20..offset + 28].try_into().unwrap());
        last = offset;
        offset += HEADER + frames as usize + TRAILER;
    }
    assert_eq!(offset, bytes.len());
    last
}

fn log_end(segment: &Path, offset: usize) -> LogEnd {
    let file = File::open(segment).unwrap();
    let length = file.metadata().unwrap().len();
    read_log_end(&file, offset as u64, length).unwrap()
}

#[test]
fn the_last_record_read_by_frame_lengths_is_the_log_head() {
    // One large record; many small ones (more than one 64 KiB window of frame prefixes);
    // records larger than a window between small ones.
    let shapes: [&[Vec<usize>]; 3] = [
        &[vec![10], vec![200_000]],
        &[vec![10], vec![300; 700]],
        &[vec![5, 6], vec![100, 90_000, 20, 70_000, 3]],
    ];
    for shape in shapes {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("store");
        let head = store(&path, shape).head();
        let segment = path.join("log.segment");
        let offset = last_header_offset(&std::fs::read(&segment).unwrap());
        assert_eq!(
            log_end(&segment, offset),
            LogEnd::Last(LastRecord {
                seq: head.count,
                hash: head.last_hash
            }),
            "batches {shape:?}"
        );
    }
}

#[test]
fn an_empty_log_has_no_last_record() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("store");
    drop(store(&path, &[]));
    assert_eq!(log_end(&path.join("log.segment"), 0), LogEnd::Empty);
}

#[test]
fn any_change_to_the_last_chunk_that_is_read_is_damage() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("store");
    drop(store(&path, &[vec![10], vec![40, 50, 60]]));
    let segment = path.join("log.segment");
    let intact = std::fs::read(&segment).unwrap();
    let offset = last_header_offset(&intact);
    // Every header byte (its checksum covers the fields); the three frame prefixes; every
    // byte of the last record and of the commit trailer.
    let frames = offset + HEADER;
    let prefixes = [frames, frames + 4 + 232, frames + 2 * 4 + 232 + 242];
    for (prefix, length) in prefixes.iter().zip([232u32, 242, 252]) {
        assert_eq!(
            intact[*prefix..prefix + 4],
            length.to_le_bytes(),
            "192 + payload"
        );
    }
    let last_record = prefixes[2] + 4;
    let mut positions: Vec<usize> = (offset..offset + HEADER).collect();
    for prefix in prefixes {
        positions.extend(prefix..prefix + 4);
    }
    positions.extend(last_record..intact.len());
    for position in positions {
        for flip in [0x01u8, 0x80] {
            let mut bytes = intact.clone();
            bytes[position] ^= flip;
            std::fs::write(&segment, &bytes).unwrap();
            let end = log_end(&segment, offset);
            assert!(
                matches!(end, LogEnd::Damaged(_)),
                "a flip of {flip:#x} at byte {position} read as {end:?}"
            );
        }
    }
    // Cut anywhere inside the last chunk, or pointed at a header that is not the last.
    for length in [offset + 10, frames + 3, last_record + 100, intact.len() - 1] {
        std::fs::write(&segment, &intact[..length]).unwrap();
        assert!(matches!(log_end(&segment, offset), LogEnd::Damaged(_)));
    }
    std::fs::write(&segment, &intact).unwrap();
    assert!(matches!(log_end(&segment, 0), LogEnd::Damaged(_)));
    assert!(matches!(log_end(&segment, offset + 1), LogEnd::Damaged(_)));
}
