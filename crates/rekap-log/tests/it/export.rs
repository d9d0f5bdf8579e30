//! Export round-trips, and every kind of tampering is found at the right record.

use proptest::prelude::*;
use rekap_log::export::{verify_export, HEADER_BYTES, TRAILER_BYTES};
use rekap_log::frame::FRAME_HEADER_BYTES;
use rekap_log::{Log, MemoryStorage, VerifyOptions, VerifyReport};

use crate::harness::{build_log, export_bytes};

/// Payload lengths of each batch: up to 4 batches of up to 5 records.
fn batches() -> impl Strategy<Value = Vec<Vec<usize>>> {
    prop::collection::vec(prop::collection::vec(0usize..300, 1..5), 1..5)
}

fn verify(bytes: &[u8]) -> VerifyReport {
    verify_export(bytes, VerifyOptions::default()).expect("reading from memory cannot fail")
}

/// The (start, end) byte range of every record's frame in an export, by seq - 1.
fn frame_ranges(bytes: &[u8], records: u64) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut offset = HEADER_BYTES;
    for _ in 0..records {
        let length = u32::from_le_bytes(bytes[offset..offset + 4].try_into().unwrap()) as usize;
        let end = offset + FRAME_HEADER_BYTES + length;
        ranges.push((offset, end));
        offset = end;
    }
    assert_eq!(offset + TRAILER_BYTES, bytes.len());
    ranges
}

/// Rebuilds an export from a list of frames, fixing the header count and trailer so that
/// only the chain itself can reveal the change.
fn reassemble(original: &[u8], frames: &[&[u8]], trailer_head: &[u8]) -> Vec<u8> {
    let mut bytes = original[..12].to_vec();
    bytes.extend_from_slice(&(frames.len() as u64).to_le_bytes());
    for frame in frames {
        bytes.extend_from_slice(frame);
    }
    bytes.extend_from_slice(b"REKAPEND");
    bytes.extend_from_slice(trailer_head);
    bytes
}

fn last_record_hash(frame: &[u8]) -> &[u8] {
    &frame[frame.len() - 32..]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn export_round_trips_bit_exactly(batches in batches()) {
        let log = build_log(&batches);
        let bytes = export_bytes(&log);
        let report = verify(&bytes);
        prop_assert!(report.ok(), "{:?}", report.failures);
        prop_assert_eq!(report.records, log.head().count);
        prop_assert_eq!(report.head, log.head().last_hash);
        // Re-export of the records read back gives the same bytes.
        let mut copy = Log::open(MemoryStorage::new()).unwrap();
        for record in log.records_from(1) {
            let record = record.unwrap();
            let submission = rekap_log::SignedSubmission {
                author: record.author,
                counter: record.counter,
                payload: record.payload,
                signature: record.signature,
            };
            copy.append(vec![submission], record.recorded_at_ms).unwrap();
        }
        prop_assert_eq!(export_bytes(&copy), bytes);
    }

    #[test]
    fn any_flipped_byte_is_found_at_its_record(
        batches in batches(),
        position in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let log = build_log(&batches);
        let mut bytes = export_bytes(&log);
        let ranges = frame_ranges(&bytes, log.head().count);
        let index = position.index(bytes.len());
        bytes[index] ^= flip;
        let report = verify(&bytes);
        prop_assert!(!report.ok(), "flip at byte {} went unnoticed", index);
        let holder = ranges
            .iter()
            .position(|(start, end)| (*start..*end).contains(&index))
            .map(|frame| frame as u64 + 1);
        let first = report.first_failure().unwrap();
        prop_assert_eq!(first.seq, holder, "byte {} reported as {:?}", index, first);
    }

    #[test]
    fn deleting_a_record_is_detected(batches in batches(), victim in any::<prop::sample::Index>()) {
        let log = build_log(&batches);
        let bytes = export_bytes(&log);
        let ranges = frame_ranges(&bytes, log.head().count);
        // Deleting the *last* record and rewriting count and trailer leaves a shorter log
        // that is valid on its own: only a published head hash reveals it (docs/FORMAT.md).
        prop_assume!(ranges.len() >= 2);
        let victim = victim.index(ranges.len() - 1);
        let frames: Vec<&[u8]> = ranges
            .iter()
            .enumerate()
            .filter(|(index, _)| *index != victim)
            .map(|(_, (start, end))| &bytes[*start..*end])
            .collect();
        let head = last_record_hash(frames.last().unwrap());
        let report = verify(&reassemble(&bytes, &frames, head));
        prop_assert!(!report.ok());
        prop_assert_eq!(report.first_failure().unwrap().seq, Some(victim as u64 + 1));
    }

    #[test]
    fn duplicating_a_record_is_detected(batches in batches(), victim in any::<prop::sample::Index>()) {
        let log = build_log(&batches);
        let bytes = export_bytes(&log);
        let ranges = frame_ranges(&bytes, log.head().count);
        let victim = victim.index(ranges.len());
        let mut frames: Vec<&[u8]> = ranges.iter().map(|(start, end)| &bytes[*start..*end]).collect();
        frames.insert(victim, frames[victim]);
        let head = last_record_hash(frames.last().unwrap());
        let report = verify(&reassemble(&bytes, &frames, head));
        prop_assert!(!report.ok());
        prop_assert_eq!(report.first_failure().unwrap().seq, Some(victim as u64 + 2));
    }

    #[test]
    fn swapping_records_is_detected(batches in batches(), first in any::<prop::sample::Index>()) {
        let log = build_log(&batches);
        let bytes = export_bytes(&log);
        let ranges = frame_ranges(&bytes, log.head().count);
        prop_assume!(ranges.len() >= 2);
        let first = first.index(ranges.len() - 1);
        let mut frames: Vec<&[u8]> = ranges.iter().map(|(start, end)| &bytes[*start..*end]).collect();
        frames.swap(first, first + 1);
        let head = last_record_hash(frames.last().unwrap());
        let report = verify(&reassemble(&bytes, &frames, head));
        prop_assert!(!report.ok());
        prop_assert_eq!(report.first_failure().unwrap().seq, Some(first as u64 + 1));
    }

    #[test]
    fn truncating_anywhere_is_detected(batches in batches(), cut in any::<prop::sample::Index>()) {
        let log = build_log(&batches);
        let bytes = export_bytes(&log);
        let cut = cut.index(bytes.len());
        let report = verify(&bytes[..cut]);
        prop_assert!(!report.ok(), "cut at {} of {} went unnoticed", cut, bytes.len());
    }

    #[test]
    fn dropping_whole_records_from_the_end_is_detected(batches in batches(), keep in any::<prop::sample::Index>()) {
        let log = build_log(&batches);
        let bytes = export_bytes(&log);
        let ranges = frame_ranges(&bytes, log.head().count);
        let keep = keep.index(ranges.len());
        let frames: Vec<&[u8]> = ranges[..keep].iter().map(|(start, end)| &bytes[*start..*end]).collect();
        // The header still declares the original count: the truncation is visible.
        let mut truncated = bytes[..HEADER_BYTES].to_vec();
        for frame in &frames {
            truncated.extend_from_slice(frame);
        }
        let report = verify(&truncated);
        prop_assert!(!report.ok());
    }
}

#[test]
fn replayed_record_in_an_export_is_detected() {
    // A record whose author counter repeats: built by hand with a valid chain and signature.
    use rekap_log::{Record, SignedSubmission};
    let key = crate::harness::key(0);
    let first = SignedSubmission::sign(&key, 1, vec![1, 2, 3]);
    let (record_one, bytes_one) = Record::seal(1, [0; 32], 10, first.clone());
    let (_, bytes_two) = Record::seal(2, record_one.hash, 20, first);
    let mut frames = Vec::new();
    for bytes in [&bytes_one, &bytes_two] {
        let mut frame = (bytes.len() as u32).to_le_bytes().to_vec();
        frame.extend_from_slice(bytes);
        frames.push(frame);
    }
    let head = last_record_hash(&frames[1]).to_vec();
    let mut export = b"REKAPLOG".to_vec();
    export.extend_from_slice(&1u32.to_le_bytes());
    let refs: Vec<&[u8]> = frames.iter().map(Vec::as_slice).collect();
    let export = reassemble(&[export, vec![0; 8]].concat(), &refs, &head);
    let report = verify(&export);
    let first = report.first_failure().unwrap();
    assert_eq!(first.seq, Some(2));
    assert!(first.reason.contains("replayed"), "{}", first.reason);
}

#[test]
fn time_going_backwards_in_an_export_is_detected() {
    use rekap_log::{Record, SignedSubmission};
    let key = crate::harness::key(0);
    let (record_one, bytes_one) =
        Record::seal(1, [0; 32], 50, SignedSubmission::sign(&key, 1, vec![1]));
    let (_, bytes_two) = Record::seal(
        2,
        record_one.hash,
        40,
        SignedSubmission::sign(&key, 2, vec![2]),
    );
    let mut export = b"REKAPLOG".to_vec();
    export.extend_from_slice(&1u32.to_le_bytes());
    export.extend_from_slice(&2u64.to_le_bytes());
    for bytes in [&bytes_one, &bytes_two] {
        export.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        export.extend_from_slice(bytes);
    }
    export.extend_from_slice(b"REKAPEND");
    export.extend_from_slice(&bytes_two[bytes_two.len() - 32..]);
    let report = verify(&export);
    let first = report.first_failure().unwrap();
    assert_eq!(first.seq, Some(2));
    assert!(first.reason.contains("backwards"), "{}", first.reason);
}

#[test]
fn stored_log_verifies_like_its_export() {
    let log = build_log(&[vec![5, 6], vec![7]]);
    let stored = log.verify(VerifyOptions::default()).unwrap();
    let exported = verify(&export_bytes(&log));
    assert!(stored.ok() && exported.ok());
    assert_eq!(stored.head, exported.head);
    assert_eq!(stored.records, exported.records);
}

#[test]
fn bytes_after_the_trailer_are_detected() {
    let log = build_log(&[vec![5, 6], vec![7]]);
    let clean = export_bytes(&log);
    for extra in [&b"x"[..], &[0u8; 100][..], &clean[..]] {
        let mut bytes = clean.clone();
        bytes.extend_from_slice(extra);
        let report = verify(&bytes);
        assert!(!report.ok(), "{} extra bytes went unnoticed", extra.len());
        assert_eq!(report.first_failure().unwrap().seq, None);
    }
}

#[test]
fn a_file_ending_inside_a_length_prefix_blames_that_record() {
    let log = build_log(&[vec![5, 6], vec![7]]);
    let bytes = export_bytes(&log);
    let ranges = frame_ranges(&bytes, 3);
    let cut = ranges[2].0 + 2;
    let report = verify(&bytes[..cut]);
    assert_eq!(report.first_failure().unwrap().seq, Some(3));
    let at_boundary = verify(&bytes[..ranges[2].0]);
    assert_eq!(at_boundary.first_failure().unwrap().seq, None);
}
