//! The segment store tells a torn append from damage (issue 10, item 1). Every mutation of
//! a store's bytes ends one of two ways, never in success on fewer records:
//! - *torn* (only a truncation or a zero-filled tail may be): a read-only open refuses to
//!   answer and changes nothing; an appending open moves exactly the uncommitted bytes to
//!   `quarantine/` and the log that remains verifies;
//! - *damage*: every open refuses or reports it, nothing is changed, nothing appended.

use std::fs;
use std::path::{Path, PathBuf};

use rekap_log::storage::chunk::{scan, CommittedChunk, HEADER_BYTES, TRAILER_BYTES};
use rekap_log::{Log, SegmentStorage, Storage, StorageError, VerifyOptions};

use crate::harness::{key, payload, submission};

/// A store of three chunks (3, 1 and 4 records), and the chunks as the scan sees them.
fn three_chunk_store(directory: &Path) -> (PathBuf, Vec<CommittedChunk>) {
    let path = directory.join("store");
    let mut log = Log::open(SegmentStorage::create(&path).unwrap()).unwrap();
    for (round, count) in [3u64, 1, 4].into_iter().enumerate() {
        let batch = (0..count)
            .map(|index| {
                submission(
                    &log,
                    &key(1),
                    index,
                    payload(round as u64 * 10 + index, 300),
                )
            })
            .collect();
        log.append(batch, round as u64).unwrap();
    }
    drop(log);
    let segment = fs::File::open(path.join("log.segment")).unwrap();
    let length = segment.metadata().unwrap().len();
    let chunks = scan(&segment, length).unwrap().chunks;
    assert_eq!(chunks.len(), 3);
    (path, chunks)
}

#[derive(Debug, PartialEq)]
enum Verdict {
    Torn { cut_at: u64 },
    Damaged,
}

/// Writes `bytes` as the store's segment file and judges it both ways, checking every
/// promise of the module docs on the way.
fn judge(store: &Path, bytes: &[u8], label: &str) -> Verdict {
    let segment = store.join("log.segment");
    let quarantine = store.join("quarantine");
    let _ = fs::remove_dir_all(&quarantine);
    fs::write(&segment, bytes).unwrap();

    // Read-only: never an answer, never a change.
    let read_only = SegmentStorage::open_read_only(store).unwrap();
    let reported = read_only.tail_damage();
    assert!(
        matches!(
            Log::open(read_only),
            Err(rekap_log::LogError::Storage(StorageError::Damaged { .. }))
        ),
        "{label}: a read-only open answered"
    );
    let for_verification =
        Log::open_for_verification(SegmentStorage::open_read_only(store).unwrap()).unwrap();
    let report = for_verification.verify(VerifyOptions::default()).unwrap();
    assert!(!report.ok(), "{label}: verify passed");
    drop(for_verification);
    assert_eq!(
        fs::read(&segment).unwrap(),
        bytes,
        "{label}: a reader changed the file"
    );
    assert!(!quarantine.exists(), "{label}: a reader quarantined");
    let reason = reported
        .map(|damage| damage.to_string())
        .unwrap_or_default();
    assert!(reason.contains("byte "), "{label}: no offset in {reason:?}");

    match SegmentStorage::open(store) {
        Err(StorageError::Damaged { .. }) => {
            assert_eq!(
                fs::read(&segment).unwrap(),
                bytes,
                "{label}: damage was cut"
            );
            assert!(!quarantine.exists(), "{label}: damage was quarantined");
            Verdict::Damaged
        }
        Err(error) => panic!("{label}: unexpected error {error}"),
        Ok(storage) => {
            let moved = storage.quarantined().cloned().expect("something was wrong");
            let kept = fs::read(&segment).unwrap();
            assert_eq!(
                kept,
                bytes[..moved.offset as usize],
                "{label}: cut elsewhere"
            );
            assert_eq!(
                fs::read(&moved.file).unwrap(),
                bytes[moved.offset as usize..],
                "{label}: the quarantined bytes are not the cut ones"
            );
            let log = Log::open(storage).unwrap();
            assert!(
                log.verify(VerifyOptions::default()).unwrap().ok(),
                "{label}"
            );
            assert!(log.tail_problem().is_none(), "{label}");
            Verdict::Torn {
                cut_at: moved.offset,
            }
        }
    }
}

/// Every byte class of a chunk: header fields, frame lengths, record bytes, trailer.
fn class_offsets(chunk: &CommittedChunk) -> Vec<u64> {
    let start = chunk.offset;
    let frames = chunk.frames_offset();
    let trailer = chunk.end() - TRAILER_BYTES as u64;
    let mut offsets: Vec<u64> = (start..frames).collect();
    offsets.extend((frames..trailer).step_by(37));
    offsets.extend([frames, frames + 3, frames + 4, trailer - 1]);
    offsets.extend(trailer..chunk.end());
    offsets
}

#[test]
fn a_flipped_bit_in_the_last_chunk_is_damage_never_a_cut() {
    let directory = tempfile::tempdir().unwrap();
    let (store, chunks) = three_chunk_store(directory.path());
    let whole = fs::read(store.join("log.segment")).unwrap();
    for offset in class_offsets(&chunks[2]) {
        let mut flipped = whole.clone();
        flipped[offset as usize] ^= 0x10;
        let label = format!("flip at byte {offset} of the last chunk");
        assert_eq!(judge(&store, &flipped, &label), Verdict::Damaged, "{label}");
    }
}

#[test]
fn a_flipped_bit_in_a_middle_chunk_is_found_and_never_cut() {
    let directory = tempfile::tempdir().unwrap();
    let (store, chunks) = three_chunk_store(directory.path());
    let segment = store.join("log.segment");
    let whole = fs::read(&segment).unwrap();
    let middle = chunks[1];
    for offset in class_offsets(&middle) {
        let mut flipped = whole.clone();
        flipped[offset as usize] ^= 0x10;
        fs::write(&segment, &flipped).unwrap();
        let label = format!("flip at byte {offset} of the middle chunk");
        let in_frames =
            (middle.frames_offset()..middle.end() - TRAILER_BYTES as u64).contains(&offset);
        if !in_frames {
            // Header and trailer are checked on every open.
            assert!(
                matches!(
                    SegmentStorage::open(&store),
                    Err(StorageError::Damaged { .. })
                ),
                "{label}"
            );
        } else {
            // Frames are checked when read: every replay and every verification reads them.
            let log = Log::open(SegmentStorage::open_read_only(&store).unwrap()).unwrap();
            assert!(
                !log.verify(VerifyOptions::default()).unwrap().ok(),
                "{label}"
            );
            assert!(log.records_from(1).any(|record| record.is_err()), "{label}");
        }
        assert_eq!(fs::read(&segment).unwrap(), flipped, "{label}: changed");
        assert!(!store.join("quarantine").exists(), "{label}");
    }
}

#[test]
fn a_truncation_at_any_boundary_is_cut_as_torn_or_reported() {
    let directory = tempfile::tempdir().unwrap();
    let (store, chunks) = three_chunk_store(directory.path());
    let whole = fs::read(store.join("log.segment")).unwrap();
    let last = chunks[2];
    let frames = last.frames_offset();
    let trailer = last.end() - TRAILER_BYTES as u64;
    let mut cuts = vec![
        last.offset + 1,
        last.offset + HEADER_BYTES as u64 - 1,
        frames,
        frames + 2,
    ];
    cuts.extend([
        frames + 4,
        frames + 304,
        trailer,
        trailer + 8,
        last.end() - 1,
    ]);
    cuts.push(whole.len() as u64 - 100);
    for cut in &cuts {
        let label = format!("cut at byte {cut}");
        let verdict = judge(&store, &whole[..*cut as usize], &label);
        // A torn last append leaves the log as it was before that append.
        let torn = Verdict::Torn {
            cut_at: last.offset,
        };
        assert_eq!(verdict, torn, "{label}");
    }
    // A view saved at the whole log shows that the last chunk was committed: a cut inside
    // it, or exactly at a chunk boundary (a whole but shorter log), is then damage.
    fs::write(store.join("log.segment"), &whole).unwrap();
    let mut storage = SegmentStorage::open(&store).unwrap();
    storage.put_view("totals", b"derived").unwrap();
    drop(storage);
    for cut in cuts.iter().copied().chain([chunks[1].offset, last.offset]) {
        let label = format!("cut at byte {cut} after a view was saved");
        let verdict = judge(&store, &whole[..cut as usize], &label);
        assert_eq!(verdict, Verdict::Damaged, "{label}");
    }
}

#[test]
fn a_zero_filled_tail_after_a_header_is_torn_and_inside_one_is_damage() {
    let directory = tempfile::tempdir().unwrap();
    let (store, chunks) = three_chunk_store(directory.path());
    let whole = fs::read(store.join("log.segment")).unwrap();
    let last = chunks[2];
    let zeroed_from = |from: u64| {
        let mut bytes = whole.clone();
        bytes[from as usize..].fill(0);
        bytes
    };
    // Zeros where the chunk, its frames or its trailer should be: never written.
    let trailer = last.end() - TRAILER_BYTES as u64;
    for from in [
        last.offset,
        last.frames_offset(),
        last.frames_offset() + 500,
        trailer,
    ] {
        let label = format!("zeros from byte {from}");
        assert_eq!(
            judge(&store, &zeroed_from(from), &label),
            Verdict::Torn {
                cut_at: last.offset
            }
        );
    }
    // Zeros after a partly kept header or trailer: no crash of an append leaves that.
    for from in [last.offset + 10, trailer + 8, trailer + 20] {
        let label = format!("zeros from byte {from}");
        assert_eq!(judge(&store, &zeroed_from(from), &label), Verdict::Damaged);
    }
    // Zeros appended after the last committed chunk: a torn next append.
    let mut grown = whole.clone();
    grown.extend_from_slice(&[0u8; 5000]);
    assert_eq!(
        judge(&store, &grown, "zeros after the end"),
        Verdict::Torn {
            cut_at: whole.len() as u64
        }
    );
}

#[test]
fn a_torn_append_is_quarantined_once_and_the_log_goes_on() {
    let directory = tempfile::tempdir().unwrap();
    let (store, _) = three_chunk_store(directory.path());
    let segment = store.join("log.segment");
    let before = fs::metadata(&segment).unwrap().len();
    // A fourth append, then its second half lost, as a crash before the fsync leaves it.
    let mut log = Log::open(SegmentStorage::open(&store).unwrap()).unwrap();
    let batch = (0..3)
        .map(|index| submission(&log, &key(1), index, payload(40 + index, 2_000)))
        .collect();
    log.append(batch, 4).unwrap();
    drop(log);
    let after = fs::metadata(&segment).unwrap().len();
    let file = fs::OpenOptions::new().write(true).open(&segment).unwrap();
    file.set_len(before + (after - before) / 2).unwrap();
    drop(file);

    let mut log = Log::open(SegmentStorage::open(&store).unwrap()).unwrap();
    assert_eq!(log.head().count, 8);
    assert_eq!(fs::metadata(&segment).unwrap().len(), before);
    let next = submission(&log, &key(1), 0, payload(99, 10));
    log.append(vec![next], 9).unwrap();
    assert!(log.verify(VerifyOptions::default()).unwrap().ok());
    drop(log);
    let quarantined: Vec<_> = fs::read_dir(store.join("quarantine")).unwrap().collect();
    assert_eq!(quarantined.len(), 1);
    // Reopening finds nothing more to move.
    let storage = SegmentStorage::open(&store).unwrap();
    assert!(storage.quarantined().is_none());
}

#[test]
fn an_empty_store_reads_as_empty_and_a_fresh_one_is_clean() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("store");
    drop(SegmentStorage::create(&path).unwrap());
    let storage = SegmentStorage::open_read_only(&path).unwrap();
    assert!(storage.tail_damage().is_none());
    assert_eq!(Log::open(storage).unwrap().head().count, 0);
}

#[test]
fn salvage_copies_the_verified_prefix_byte_for_byte_and_names_the_lost_records() {
    let directory = tempfile::tempdir().unwrap();
    let (store, chunks) = three_chunk_store(directory.path());
    let segment = store.join("log.segment");
    let mut bytes = fs::read(&segment).unwrap();
    // Record 4, the middle chunk's only record: a byte of its payload.
    bytes[chunks[1].frames_offset() as usize + 150] ^= 0x01;
    fs::write(&segment, &bytes).unwrap();
    let copy = directory.path().join("copy");
    let report = rekap_log::repair::salvage(&store, &copy).unwrap();
    assert_eq!(
        fs::read(&segment).unwrap(),
        bytes,
        "the original is untouched"
    );
    assert_eq!(report.kept, 3);
    let lost = report.lost.expect("records were lost");
    assert_eq!((lost.first_seq, lost.last_seq_claimed), (4, Some(8)));
    assert!(lost.reason.contains("record 4"), "{}", lost.reason);
    let log = Log::open(SegmentStorage::open_read_only(&copy).unwrap()).unwrap();
    assert!(log.verify(VerifyOptions::default()).unwrap().ok());
    assert_eq!(log.head().count, 3);
    assert_eq!(log.head().last_hash, report.head);
    let copied = fs::read(copy.join("log.segment")).unwrap();
    assert_eq!(
        copied[..chunks[1].offset as usize],
        bytes[..chunks[1].offset as usize]
    );
    // An intact store is copied whole.
    fs::write(&segment, {
        let mut fixed = bytes.clone();
        fixed[chunks[1].frames_offset() as usize + 150] ^= 0x01;
        fixed
    })
    .unwrap();
    let whole = rekap_log::repair::salvage(&store, &directory.path().join("whole")).unwrap();
    assert_eq!((whole.kept, whole.lost), (8, None));
}
