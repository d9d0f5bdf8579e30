//! Salvage: a new store from every record of a damaged one that still verifies.
//!
//! For an operator whose disk damaged a store. The original is only read (its segment
//! file, opened read-only; no lock is taken, no file created): it stays as it was for
//! whoever examines it. Records are copied byte for byte, so the new store's records have
//! the same hashes and signatures; a chain cannot skip a record, so the copy is the longest
//! prefix in which every record verifies (chain, hash, signature, counter, time), and the
//! report names the first record that does not and how many the original held after it.

use std::fs::File;
use std::os::unix::fs::FileExt;
use std::path::Path;

use crate::frame::Frames;
use crate::record::{Hash, PublicKey, RecordView, GENESIS_PREV_HASH};
use crate::storage::chunk::{ChunkHeader, HEADER_BYTES};
use crate::storage::segment::SEGMENT_FILE;
use crate::storage::store_dir::io_error;
use crate::storage::{ChunkWrite, Storage, StorageError};
use crate::verify::{ChainVerifier, VerifyOptions};
use crate::SegmentStorage;

/// What a salvage copied and what it could not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SalvageReport {
    /// Records copied: 1 ..= kept.
    pub kept: u64,
    /// Hash of the last record copied.
    pub head: Hash,
    /// The first record not copied, if any.
    pub lost: Option<Lost>,
}

/// Where the copy stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lost {
    /// The first record not copied.
    pub first_seq: u64,
    /// The highest record number any readable chunk header of the original claims, if it
    /// is not below `first_seq` (the records in between are lost too).
    pub last_seq_claimed: Option<u64>,
    /// Byte offset in the original's `log.segment` where the trouble is.
    pub offset: u64,
    pub reason: String,
}

/// Copies every record of the store at `source` that still verifies into a new store at
/// `destination` (which must not exist or be empty).
pub fn salvage(source: &Path, destination: &Path) -> Result<SalvageReport, StorageError> {
    let segment_path = source.join(SEGMENT_FILE);
    let segment = File::open(&segment_path).map_err(|e| io_error(&segment_path, &e.to_string()))?;
    let length = segment
        .metadata()
        .map_err(|e| io_error(&segment_path, &e.to_string()))?
        .len();
    let mut target = SegmentStorage::create(destination)?;
    let mut copier = Copier {
        verifier: ChainVerifier::from_genesis(VerifyOptions { signatures: true }),
        kept: 0,
        head: GENESIS_PREV_HASH,
    };
    let mut offset = 0u64;
    let lost = loop {
        match copier.copy_chunk(&segment, offset, length, &mut target) {
            Ok(Some(next)) => offset = next,
            Ok(None) => break None,
            Err(stop) => break Some(stop),
        }
    };
    let lost = lost.map(|(offset, reason)| Lost {
        first_seq: copier.kept + 1,
        last_seq_claimed: highest_claimed(&segment, length).filter(|seq| *seq > copier.kept),
        offset,
        reason,
    });
    Ok(SalvageReport {
        kept: copier.kept,
        head: copier.head,
        lost,
    })
}

struct Copier {
    verifier: ChainVerifier,
    kept: u64,
    head: Hash,
}

impl Copier {
    /// Copies the verified records of the chunk at `offset`. `Ok(Some(next))`: all of them,
    /// continue at `next`; `Ok(None)`: the file ends cleanly; `Err((offset, why))`: stopped.
    fn copy_chunk(
        &mut self,
        segment: &File,
        offset: u64,
        length: u64,
        target: &mut SegmentStorage,
    ) -> Result<Option<u64>, (u64, String)> {
        if offset == length {
            return Ok(None);
        }
        let io = |error: std::io::Error| (offset, error.to_string());
        let mut header_bytes = [0u8; HEADER_BYTES];
        if length - offset < HEADER_BYTES as u64 {
            return Err((offset, "the file ends inside a chunk header".into()));
        }
        segment
            .read_exact_at(&mut header_bytes, offset)
            .map_err(io)?;
        let header = ChunkHeader::decode(&header_bytes).map_err(|why| (offset, why.into()))?;
        let frames_offset = offset + HEADER_BYTES as u64;
        // An incomplete last chunk: copy what of it verifies.
        let available = header.frames_length.min(length - frames_offset);
        let mut frames = vec![0u8; available as usize];
        segment
            .read_exact_at(&mut frames, frames_offset)
            .map_err(io)?;
        let (good, stop) = self.verified_prefix(&frames, frames_offset);
        self.write(target, &frames[..good.bytes], good.records, &good.counters)
            .map_err(|error| (offset, error.to_string()))?;
        match stop {
            Some(stop) => Err(stop),
            None if available < header.frames_length => Err((
                frames_offset + available,
                "the file ends inside the chunk".into(),
            )),
            None => Ok(Some(offset + header.chunk_bytes())),
        }
    }

    /// The frames from the start of `frames` whose records verify.
    fn verified_prefix(
        &mut self,
        frames: &[u8],
        frames_offset: u64,
    ) -> (Good, Option<(u64, String)>) {
        let mut good = Good::default();
        for frame in Frames::new(frames) {
            let at = frames_offset + good.bytes as u64;
            let bytes = match frame {
                Ok(bytes) => bytes,
                Err(error) => return (good, Some((at, error.to_string()))),
            };
            let before = self.verifier.failures_so_far();
            let checked = self.verifier.check(bytes);
            let Some(checked) = checked.filter(|_| self.verifier.failures_so_far() == before)
            else {
                let why = self
                    .verifier
                    .last_failure()
                    .map(|failure| failure.reason.as_str());
                let reason = format!(
                    "record {} does not verify: {}",
                    self.kept + good.records + 1,
                    why.unwrap_or("it does not decode")
                );
                return (good, Some((at, reason)));
            };
            if let Ok(record) = RecordView::parse(bytes) {
                good.counters.push((*record.author, record.counter));
            }
            good.records += 1;
            good.bytes += 4 + bytes.len();
            self.head = checked.hash;
        }
        (good, None)
    }

    fn write(
        &mut self,
        target: &mut SegmentStorage,
        frames: &[u8],
        records: u64,
        counters: &[(PublicKey, u64)],
    ) -> Result<(), StorageError> {
        if records == 0 {
            return Ok(());
        }
        target.append_chunk(ChunkWrite {
            first_seq: self.kept + 1,
            record_count: records,
            framed_records: frames,
            author_counters: counters,
        })?;
        self.kept += records;
        Ok(())
    }
}

#[derive(Default)]
struct Good {
    records: u64,
    bytes: usize,
    counters: Vec<(PublicKey, u64)>,
}

/// The highest `first seq + count - 1` of any chunk header in the file that decodes, read
/// a megabyte at a time (overlapping by a header, so none is missed at a block edge).
fn highest_claimed(segment: &File, length: u64) -> Option<u64> {
    const BLOCK: u64 = 1 << 20;
    let mut highest = None;
    let mut start = 0u64;
    let mut block = Vec::new();
    while start < length {
        let size = (BLOCK + HEADER_BYTES as u64).min(length - start);
        block.resize(size as usize, 0);
        segment.read_exact_at(&mut block, start).ok()?;
        let claimed = block
            .windows(HEADER_BYTES)
            .filter(|window| window.starts_with(b"RKCH"))
            .filter_map(|window| ChunkHeader::decode(window.try_into().ok()?).ok())
            .map(|header| header.first_seq.saturating_add(header.record_count) - 1)
            .max();
        highest = highest.max(claimed);
        start += BLOCK;
    }
    highest
}
