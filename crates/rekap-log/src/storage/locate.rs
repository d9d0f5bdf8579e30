//! Where records are in the segment file, so that a reader that does not open the store
//! (the stations view, `rekap sheet`) reads one record with one `pread` instead of its
//! chunk (a bulk import is one chunk of 117 MB nationally), and checks it against the hash
//! the view holds for it.
//!
//! Finding the locations walks the chunks' frames by their length prefixes alone (see
//! [`super::last_record`]): a few small reads per chunk, no record bytes.

use std::fs::File;
use std::os::unix::fs::FileExt;

use super::chunk::CommittedChunk;
use super::last_record::FrameWalk;
use super::store_dir::io_error;
use super::StorageError;
use crate::record::{record_hash, Hash, RecordView};

/// Where one record's bytes are: `length` bytes from `offset` of `log.segment`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordLocation {
    pub seq: u64,
    pub offset: u64,
    pub length: u64,
    /// The record's hash field (its last 32 bytes), as the file holds it.
    pub hash: Hash,
}

/// The locations of `seqs` (sorted, distinct) in `segment`, whose committed chunks are
/// `chunks` in log order. A seq the log does not hold is left out.
pub(super) fn locate(
    segment: &File,
    chunks: &[CommittedChunk],
    seqs: &[u64],
    path: &std::path::Path,
) -> Result<Vec<RecordLocation>, StorageError> {
    let io = |error: std::io::Error| io_error(path, &error.to_string());
    let mut found = Vec::with_capacity(seqs.len());
    let mut wanted = seqs.iter().copied().peekable();
    for chunk in chunks {
        let first = chunk.header.first_seq;
        let end_seq = first.saturating_add(chunk.header.record_count);
        while wanted.next_if(|seq| *seq < first).is_some() {}
        if wanted.peek().is_none_or(|seq| *seq >= end_seq) {
            continue;
        }
        let frames_start = chunk.frames_offset();
        let frames_end = frames_start.saturating_add(chunk.header.frames_length);
        let mut walk = FrameWalk::new(segment, frames_start, frames_end);
        for seq in first..end_seq {
            let (offset, length) = walk
                .step()
                .map_err(io)?
                .map_err(|reason| StorageError::Corrupt(format!("log.segment: {reason}")))?;
            if wanted.next_if_eq(&seq).is_some() {
                let mut hash = [0u8; 32];
                if length < 32 {
                    return Err(StorageError::Corrupt(format!(
                        "log.segment: the record at byte {offset} is shorter than its hash"
                    )));
                }
                segment
                    .read_exact_at(&mut hash, offset + length - 32)
                    .map_err(io)?;
                found.push(RecordLocation {
                    seq,
                    offset,
                    length,
                    hash,
                });
            }
            if wanted.peek().is_none_or(|next| *next >= end_seq) {
                break;
            }
        }
    }
    Ok(found)
}

/// The bytes of the record at `location`, if they are a record of that seq whose own hash
/// field is their hash and equals the location's; `Ok(None)` otherwise (a view that does
/// not describe this log: the caller replays instead).
pub fn read_located_record(
    segment: &File,
    location: &RecordLocation,
) -> std::io::Result<Option<Vec<u8>>> {
    let expected = &location.hash;
    let Ok(length) = usize::try_from(location.length) else {
        return Ok(None);
    };
    if location.length > crate::limits::MAX_RECORD_BYTES as u64 {
        return Ok(None);
    }
    let mut bytes = vec![0u8; length];
    segment.read_exact_at(&mut bytes, location.offset)?;
    let checks = RecordView::parse(&bytes).is_ok_and(|record| {
        record.seq == location.seq && record.hash == expected && record_hash(&bytes) == *expected
    });
    Ok(checks.then_some(bytes))
}
