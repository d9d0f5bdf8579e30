//! The log's last record, read from the segment file with a few small reads, so that a
//! reader that does not open the store (the totals view) can still check that what it
//! answers from belongs to this log.
//!
//! What this assumes about `log.segment` (see [`super::chunk`]): chunks back to back, each a
//! checksummed 92-byte header, the frames (`length u32 LE | record bytes`) and a 40-byte
//! commit trailer; the last chunk's trailer ends exactly at the end of the file.
//!
//! Given the offset of the last chunk's header (a view stamps it), the frames are walked by
//! their length prefixes alone, reading the chunk in windows of [`WINDOW_BYTES`] while
//! records are small and a prefix alone after a large one, so a 117 MB bulk import of 82
//! records costs 82 small reads and one read of the last record, not 117 MB. The last record is then parsed and its hash recomputed: its bytes must hash
//! to its own hash field, and it must be the record the header's first seq and count place
//! last. The chunk's own checksum is not recomputed (that would read the whole chunk);
//! that is left to verification. A forger who wants another record taken as the last one
//! would need bytes, ending at the end of the file, that hash to the genuine last record's
//! hash field.

use std::fs::File;
use std::os::unix::fs::FileExt;

use super::chunk::{ChunkHeader, HEADER_BYTES, TRAILER_BYTES};
use crate::frame::{check_frame_length, FRAME_HEADER_BYTES};
use crate::limits::MAX_BATCH_RECORDS;
use crate::record::{record_hash, Hash, RecordView};

/// Bytes read at a time while walking frame lengths.
const WINDOW_BYTES: u64 = 64 * 1024;

/// The last record of a log: its sequence number and its (recomputed, matching) hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LastRecord {
    pub seq: u64,
    pub hash: Hash,
}

/// What the end of the segment file holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogEnd {
    /// No records at all (an empty segment file).
    Empty,
    Last(LastRecord),
    /// The last chunk or its last record does not read or does not check; why, with the
    /// byte offset.
    Damaged(String),
}

/// The last record of `segment`, whose last chunk's header is at `last_header_offset` and
/// whose length is `segment_length` (both as the caller found them; the file is not
/// re-measured, so a concurrent append cannot shift what is checked).
pub fn read_log_end(
    segment: &File,
    last_header_offset: u64,
    segment_length: u64,
) -> std::io::Result<LogEnd> {
    if segment_length == 0 {
        return Ok(LogEnd::Empty);
    }
    let damaged = |reason: String| Ok(LogEnd::Damaged(reason));
    let frames_start = last_header_offset.saturating_add(HEADER_BYTES as u64);
    if frames_start > segment_length {
        return damaged(format!(
            "no whole chunk header at byte {last_header_offset} of a {segment_length}-byte log"
        ));
    }
    let mut header_bytes = [0u8; HEADER_BYTES];
    segment.read_exact_at(&mut header_bytes, last_header_offset)?;
    let header = match ChunkHeader::decode(&header_bytes) {
        Ok(header) => header,
        Err(why) => return damaged(format!("byte {last_header_offset}: {why}")),
    };
    let (first_seq, count, frames_length) =
        (header.first_seq, header.record_count, header.frames_length);
    let frames_end = frames_start.saturating_add(frames_length);
    if count > MAX_BATCH_RECORDS as u64
        || frames_end.saturating_add(TRAILER_BYTES as u64) != segment_length
    {
        return damaged(format!(
            "the chunk at byte {last_header_offset} (count {count}, {frames_length} bytes of \
             records) does not end at the end of the log ({segment_length} bytes)"
        ));
    }
    let mut trailer = [0u8; TRAILER_BYTES];
    segment.read_exact_at(&mut trailer, frames_end)?;
    if trailer != header.trailer() {
        return damaged(format!(
            "the chunk at byte {last_header_offset} has no commit trailer at byte {frames_end}"
        ));
    }
    let Some(last_seq) = first_seq.checked_add(count - 1) else {
        return damaged(format!(
            "the chunk at byte {last_header_offset} has no valid seq"
        ));
    };
    let mut frames = FrameWalk::new(segment, frames_start, frames_end);
    for _ in 1..count {
        match frames.skip()? {
            Ok(()) => {}
            Err(reason) => return damaged(reason),
        }
    }
    let (offset, bytes) = match frames.last()? {
        Ok(found) => found,
        Err(reason) => return damaged(reason),
    };
    let record = match RecordView::parse(&bytes) {
        Ok(record) => record,
        Err(error) => {
            return damaged(format!(
                "the last record (at byte {offset}) does not decode: {error}"
            ))
        }
    };
    if record_hash(&bytes) != *record.hash {
        return damaged(format!(
            "the last record (at byte {offset}) does not match its hash"
        ));
    }
    if record.seq != last_seq {
        return damaged(format!(
            "the last record (at byte {offset}) says seq {} where its chunk places {last_seq}",
            record.seq
        ));
    }
    Ok(LogEnd::Last(LastRecord {
        seq: record.seq,
        hash: *record.hash,
    }))
}

/// Walks the frames of one chunk by their length prefixes.
pub(super) struct FrameWalk<'a> {
    file: &'a File,
    position: u64,
    end: u64,
    /// Bytes of the file from `window_start`.
    window: Vec<u8>,
    window_start: u64,
    /// Whether the last frame stepped over was larger than a window: the next prefix is
    /// then read alone, not with a window of record bytes nobody needs.
    large_frames: bool,
}

impl<'a> FrameWalk<'a> {
    pub(super) fn new(file: &'a File, start: u64, end: u64) -> Self {
        FrameWalk {
            file,
            position: start,
            end,
            window: Vec::new(),
            window_start: start,
            large_frames: false,
        }
    }

    /// The length of the frame at the current position, checked to lie inside the chunk.
    fn frame_length(&mut self) -> std::io::Result<Result<u64, String>> {
        let at = self.position;
        if self.end - at < FRAME_HEADER_BYTES as u64 {
            return Ok(Err(format!("a frame at byte {at} is cut short")));
        }
        let prefix = self.read_prefix(at)?;
        let length = match check_frame_length(u32::from_le_bytes(prefix)) {
            Ok(length) => length as u64,
            Err(error) => return Ok(Err(format!("the frame at byte {at}: {error}"))),
        };
        if length > self.end - at - FRAME_HEADER_BYTES as u64 {
            return Ok(Err(format!(
                "the frame at byte {at} runs past the end of the log"
            )));
        }
        Ok(Ok(length))
    }

    /// The 4 bytes at `at`, from the window (refilled from `at` when it does not hold them).
    fn read_prefix(&mut self, at: u64) -> std::io::Result<[u8; 4]> {
        let inside = at >= self.window_start
            && at + FRAME_HEADER_BYTES as u64 <= self.window_start + self.window.len() as u64;
        if !inside {
            let wanted = if self.large_frames {
                FRAME_HEADER_BYTES as u64
            } else {
                WINDOW_BYTES
            };
            let size = wanted.min(self.end - at) as usize;
            self.window.resize(size, 0);
            self.file.read_exact_at(&mut self.window, at)?;
            self.window_start = at;
        }
        let from = (at - self.window_start) as usize;
        let mut prefix = [0u8; 4];
        prefix.copy_from_slice(&self.window[from..from + FRAME_HEADER_BYTES]);
        Ok(prefix)
    }

    /// Steps over the next frame, the chunk's last one too: where its record bytes start,
    /// and their length.
    pub(super) fn step(&mut self) -> std::io::Result<Result<(u64, u64), String>> {
        Ok(self.frame_length()?.map(|length| {
            let start = self.position + FRAME_HEADER_BYTES as u64;
            self.position = start + length;
            self.large_frames = length > WINDOW_BYTES;
            (start, length)
        }))
    }

    /// Steps over one frame that is not the chunk's last.
    fn skip(&mut self) -> std::io::Result<Result<(), String>> {
        Ok(self.frame_length()?.and_then(|length| {
            let next = self.position + FRAME_HEADER_BYTES as u64 + length;
            if next >= self.end {
                return Err(format!(
                    "the chunk ends before its record count at byte {}",
                    self.position
                ));
            }
            self.position = next;
            self.large_frames = length > WINDOW_BYTES;
            Ok(())
        }))
    }

    /// The last frame's record bytes and their offset; it must end exactly at the end.
    fn last(&mut self) -> std::io::Result<Result<(u64, Vec<u8>), String>> {
        let length = match self.frame_length()? {
            Ok(length) => length,
            Err(reason) => return Ok(Err(reason)),
        };
        let start = self.position + FRAME_HEADER_BYTES as u64;
        if start + length != self.end {
            return Ok(Err(format!(
                "the last frame (at byte {}) does not end at the end of the log",
                self.position
            )));
        }
        let mut bytes = vec![0u8; length as usize];
        self.file.read_exact_at(&mut bytes, start)?;
        Ok(Ok((start, bytes)))
    }
}
