//! One chunk of the segment file (one append batch) and the rule that tells a torn append
//! from damage.
//!
//! ```text
//! header   magic "RKCH" (4) | first seq u64 LE | record count u64 LE | frames length u64 LE |
//!          blake3 of the frames (32) | blake3 of the 60 bytes before (32)      = 92 bytes
//! frames   the records, framed exactly as in an export
//! trailer  magic "RKCOMMIT" (8) | the header's own checksum (its last 32 bytes) = 40 bytes
//! ```
//!
//! An append writes header and frames, fsyncs, then writes the trailer and fsyncs again; it
//! is acknowledged only after the second fsync. So a chunk with its trailer was written in
//! full before it was committed, and a chunk without one was never acknowledged. What a
//! crash can leave is a region that is short or reads back as zeros where the data or the
//! trailer never reached the disk. Anything else that does not check (a header whose
//! checksum fails, a trailer that is neither zeros nor right, frames that do not match a
//! committed header, bytes after an uncommitted chunk) is damage: no crash produces it.

use std::fs::File;
use std::os::unix::fs::FileExt;

use crate::limits::MAX_BATCH_BYTES;

/// Bytes of a chunk header.
pub const HEADER_BYTES: usize = 92;
/// Bytes of a chunk's commit trailer.
pub const TRAILER_BYTES: usize = 40;
const MAGIC: &[u8; 4] = b"RKCH";
const TRAILER_MAGIC: &[u8; 8] = b"RKCOMMIT";
/// Bytes of the header its checksum covers.
const CHECKED_BYTES: usize = HEADER_BYTES - 32;

/// A chunk's header fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChunkHeader {
    pub first_seq: u64,
    pub record_count: u64,
    pub frames_length: u64,
    pub frames_hash: [u8; 32],
}

impl ChunkHeader {
    /// The header for `framed_records`.
    pub fn for_frames(first_seq: u64, record_count: u64, framed_records: &[u8]) -> Self {
        ChunkHeader {
            first_seq,
            record_count,
            frames_length: framed_records.len() as u64,
            frames_hash: *blake3::hash(framed_records).as_bytes(),
        }
    }

    /// The header's bytes, its checksum last.
    pub fn encode(&self) -> [u8; HEADER_BYTES] {
        let mut bytes = [0u8; HEADER_BYTES];
        bytes[..4].copy_from_slice(MAGIC);
        bytes[4..12].copy_from_slice(&self.first_seq.to_le_bytes());
        bytes[12..20].copy_from_slice(&self.record_count.to_le_bytes());
        bytes[20..28].copy_from_slice(&self.frames_length.to_le_bytes());
        bytes[28..60].copy_from_slice(&self.frames_hash);
        let checksum = blake3::hash(&bytes[..CHECKED_BYTES]);
        bytes[CHECKED_BYTES..].copy_from_slice(checksum.as_bytes());
        bytes
    }

    /// Decodes a header, or says why these bytes are not one.
    pub fn decode(bytes: &[u8; HEADER_BYTES]) -> Result<Self, &'static str> {
        if &bytes[..4] != MAGIC {
            return Err("no chunk magic where a chunk header should start");
        }
        if blake3::hash(&bytes[..CHECKED_BYTES]).as_bytes() != &bytes[CHECKED_BYTES..] {
            return Err("the chunk header does not match its checksum");
        }
        let word = |at: usize| {
            let mut word = [0u8; 8];
            word.copy_from_slice(&bytes[at..at + 8]);
            u64::from_le_bytes(word)
        };
        let mut frames_hash = [0u8; 32];
        frames_hash.copy_from_slice(&bytes[28..60]);
        let header = ChunkHeader {
            first_seq: word(4),
            record_count: word(12),
            frames_length: word(20),
            frames_hash,
        };
        if header.record_count == 0 || header.frames_length > MAX_BATCH_BYTES as u64 {
            return Err("the chunk header's counts are outside the limits");
        }
        Ok(header)
    }

    /// The commit trailer that follows this header's frames.
    pub fn trailer(&self) -> [u8; TRAILER_BYTES] {
        let header = self.encode();
        let mut trailer = [0u8; TRAILER_BYTES];
        trailer[..8].copy_from_slice(TRAILER_MAGIC);
        trailer[8..].copy_from_slice(&header[CHECKED_BYTES..]);
        trailer
    }

    /// Bytes of the whole chunk: header, frames and trailer.
    pub fn chunk_bytes(&self) -> u64 {
        (HEADER_BYTES + TRAILER_BYTES) as u64 + self.frames_length
    }
}

/// A committed chunk: where it starts and what its header says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommittedChunk {
    /// Byte offset of its header in the segment file.
    pub offset: u64,
    pub header: ChunkHeader,
}

impl CommittedChunk {
    /// Byte offset of its frames.
    pub fn frames_offset(&self) -> u64 {
        self.offset + HEADER_BYTES as u64
    }

    /// Byte offset just past its trailer.
    pub fn end(&self) -> u64 {
        self.offset + self.header.chunk_bytes()
    }
}

/// What follows the last committed chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tail {
    /// Nothing: the file ends with a committed chunk (or is empty).
    Clean,
    /// An append that was never committed: it may be moved aside by an appending command.
    Torn {
        offset: u64,
        bytes: u64,
        why: String,
    },
    /// Bytes that no crash leaves: refuse to append, report, keep everything.
    Damaged { offset: u64, why: String },
}

/// The committed chunks of a segment file and what follows them.
#[derive(Clone, Debug)]
pub struct Scan {
    pub chunks: Vec<CommittedChunk>,
    /// Where the last committed chunk ends.
    pub end: u64,
    pub tail: Tail,
}

/// Reads every chunk header and trailer of `file` (`length` bytes); hashes the frames of
/// the last committed chunk only (a chunk before it is checked when it is read).
pub fn scan(file: &File, length: u64) -> std::io::Result<Scan> {
    let Scan {
        mut chunks,
        end,
        tail,
    } = scan_headers(file, length)?;
    // Only a crash during the last append can leave its frames unwritten, and that chunk
    // has no trailer. A committed last chunk whose frames do not match is damage.
    if let (Tail::Clean, Some(last)) = (&tail, chunks.last()) {
        if !frames_match(file, last)? {
            let tail = Tail::Damaged {
                offset: last.frames_offset(),
                why: format!(
                    "the records of the last chunk (from seq {}) do not match the checksum \
                     in its committed header",
                    last.header.first_seq
                ),
            };
            chunks.pop();
            let end = chunks.last().map_or(0, CommittedChunk::end);
            return Ok(Scan { chunks, end, tail });
        }
    }
    Ok(Scan { chunks, end, tail })
}

/// Reads every chunk header and trailer of `file` (`length` bytes), hashing no frames: the
/// committed chunks are those with their trailer (see [`scan`] for the last one's check).
pub fn scan_headers(file: &File, length: u64) -> std::io::Result<Scan> {
    let mut chunks: Vec<CommittedChunk> = Vec::new();
    let mut offset = 0u64;
    let mut expected_seq = 1u64;
    let tail = loop {
        match next_chunk(file, offset, length, expected_seq)? {
            Next::Chunk(chunk) => {
                expected_seq = chunk.header.first_seq + chunk.header.record_count;
                offset = chunk.end();
                chunks.push(chunk);
            }
            Next::End(tail) => break tail,
        }
    };
    Ok(Scan {
        chunks,
        end: offset,
        tail,
    })
}

enum Next {
    Chunk(CommittedChunk),
    End(Tail),
}

/// The committed chunk at `offset`, or what the bytes from `offset` to the end are.
fn next_chunk(file: &File, offset: u64, length: u64, expected_seq: u64) -> std::io::Result<Next> {
    let remaining = length - offset;
    if remaining == 0 {
        return Ok(Next::End(Tail::Clean));
    }
    let torn = |why: &str| {
        Next::End(Tail::Torn {
            offset,
            bytes: remaining,
            why: why.to_owned(),
        })
    };
    let damaged = |why: String| Next::End(Tail::Damaged { offset, why });
    if remaining < HEADER_BYTES as u64 {
        return Ok(torn("the file ends inside a chunk header"));
    }
    let mut header_bytes = [0u8; HEADER_BYTES];
    file.read_exact_at(&mut header_bytes, offset)?;
    let header = match ChunkHeader::decode(&header_bytes) {
        Ok(header) => header,
        Err(_) if all_zero(file, offset, length)? => {
            return Ok(torn(
                "the bytes of an append never reached the disk (zeros)",
            ))
        }
        Err(why) => return Ok(damaged(why.to_owned())),
    };
    if header.first_seq != expected_seq {
        return Ok(damaged(format!(
            "the chunk starts at seq {} where {expected_seq} was expected",
            header.first_seq
        )));
    }
    let chunk = CommittedChunk { offset, header };
    if chunk.end() > length {
        return Ok(torn("the file ends before the chunk's commit trailer"));
    }
    let mut trailer = [0u8; TRAILER_BYTES];
    file.read_exact_at(&mut trailer, chunk.end() - TRAILER_BYTES as u64)?;
    if trailer == header.trailer() {
        return Ok(Next::Chunk(chunk));
    }
    if trailer != [0u8; TRAILER_BYTES] {
        return Ok(damaged(
            "the chunk's commit trailer is neither written nor absent".to_owned(),
        ));
    }
    if chunk.end() < length {
        return Ok(damaged(
            "a chunk without its commit trailer is followed by more bytes".to_owned(),
        ));
    }
    Ok(torn("the chunk's commit trailer was never written"))
}

/// Whether the chunk's frames hash to what its header says.
pub fn frames_match(file: &File, chunk: &CommittedChunk) -> std::io::Result<bool> {
    let mut hasher = blake3::Hasher::new();
    visit_blocks(
        file,
        chunk.frames_offset(),
        chunk.header.frames_length,
        |block| {
            hasher.update(block);
            true
        },
    )?;
    Ok(hasher.finalize().as_bytes() == &chunk.header.frames_hash)
}

/// Whether every byte in `from..to` is zero.
fn all_zero(file: &File, from: u64, to: u64) -> std::io::Result<bool> {
    visit_blocks(file, from, to - from, |block| {
        block.iter().all(|byte| *byte == 0)
    })
}

/// Calls `visit` on `length` bytes from `from`, a megabyte at a time, until it says stop;
/// returns whether it never did. In blocks, so that a 256 MB chunk costs no 256 MB buffer.
fn visit_blocks(
    file: &File,
    from: u64,
    length: u64,
    mut visit: impl FnMut(&[u8]) -> bool,
) -> std::io::Result<bool> {
    const BLOCK: u64 = 1 << 20;
    let mut block = vec![0u8; BLOCK.min(length) as usize];
    let mut done = 0u64;
    while done < length {
        let size = BLOCK.min(length - done) as usize;
        let buffer = &mut block[..size];
        file.read_exact_at(buffer, from + done)?;
        if !visit(buffer) {
            return Ok(false);
        }
        done += size as u64;
    }
    Ok(true)
}
