//! Segment-file storage: the log's bytes in one append-only file, fsynced per append.
//!
//! Directory layout:
//! - `REKAP_STORE`: marker file (`rekap store, format 3`).
//! - `LOCK`: held with an exclusive OS file lock while a process has the store open.
//! - `log.segment`: the chunks, one per append batch, back to back:
//!   `magic "RKCH" (4) | first seq u64 LE | record count u64 LE | frames length u64 LE |
//!   blake3 of the frames (32) | frames` (the frames exactly as in an export).
//! - `<name>.view`: views (the totals of every region at the head), stamped with where the
//!   segment file ended when they were saved, so `rekap totals` reads one without opening
//!   the store: see [`super::view_file`].
//! - `sled/`: a sled database for other derived, rebuildable key-values, never the log's
//!   truth; opened only when first used, since opening it costs tens of milliseconds.
//!
//! Why not sled for the log: measured at national scale, sled's open (its recovery pass)
//! took 643 ms and its store was 2.6x the export; here opening reads only the chunk
//! headers and the file is the export's size plus 60 bytes per batch. sled keeps what it is
//! good at: small, rewritable, derived values.
//!
//! Failure cases of an append: the chunk is written after the last one and fsynced before
//! the append returns. A crash before the fsync completes can leave a torn or zero-filled
//! last chunk; it was never acknowledged, so on open a last chunk that is short or whose
//! checksum does not match is cut off. A chunk before the last is never cut: damage there
//! is reported by verification.

use std::fs::{self, File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::last_record::{read_log_end, LogEnd};
use super::sled_store::{io_error, lock_store, open_sled, MARKER_FILE};
use super::view_file::{self, EndMark, ViewReader, CHUNK_HEADER_BYTES};
use super::{ChunkWrite, Storage, StorageError, StoredChunk};
use crate::frame::Frames;
use crate::limits::MAX_BATCH_BYTES;
use crate::record::{PublicKey, RecordView};

const MARKER_CONTENTS: &str = "rekap store, format 3\n";
const SEGMENT_FILE: &str = "log.segment";
const CHUNK_MAGIC: &[u8; 4] = b"RKCH";

/// Where one chunk's frames are in the file.
#[derive(Clone, Copy, Debug)]
struct ChunkEntry {
    first_seq: u64,
    offset: u64,
    length: u64,
}

/// A store directory whose log is one append-only segment file.
pub struct SegmentStorage {
    path: PathBuf,
    file: File,
    end: u64,
    chunks: Vec<ChunkEntry>,
    /// Each author's last counter, read from the records on first use.
    counters: OnceLock<std::collections::BTreeMap<PublicKey, u64>>,
    /// Opened on first use.
    derived: OnceLock<sled::Db>,
    _lock: File,
}

impl SegmentStorage {
    /// Creates a new store in `path`, which must not exist or be an empty directory.
    pub fn create(path: &Path) -> Result<Self, StorageError> {
        if path.exists()
            && fs::read_dir(path)
                .map_err(|e| io_error(path, &e.to_string()))?
                .next()
                .is_some()
        {
            return Err(io_error(
                path,
                "already exists and is not an empty directory; choose a new path",
            ));
        }
        fs::create_dir_all(path).map_err(|e| io_error(path, &e.to_string()))?;
        let lock = lock_store(path)?;
        File::create(path.join(SEGMENT_FILE)).map_err(|e| io_error(path, &e.to_string()))?;
        // The marker last: a directory with a marker always has its segment file.
        fs::write(path.join(MARKER_FILE), MARKER_CONTENTS)
            .map_err(|e| io_error(path, &e.to_string()))?;
        sync_directory(path)?;
        Self::open_locked(path, lock)
    }

    /// Opens an existing store.
    pub fn open(path: &Path) -> Result<Self, StorageError> {
        if !Self::is_store(path) {
            return Err(super::not_a_store(path, MARKER_CONTENTS));
        }
        let lock = lock_store(path)?;
        Self::open_locked(path, lock)
    }

    /// Whether `path` holds a store of this format.
    pub fn is_store(path: &Path) -> bool {
        fs::read_to_string(path.join(MARKER_FILE)).is_ok_and(|contents| contents == MARKER_CONTENTS)
    }

    fn open_locked(path: &Path, lock: File) -> Result<Self, StorageError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .open(path.join(SEGMENT_FILE))
            .map_err(|e| io_error(path, &e.to_string()))?;
        let mut storage = SegmentStorage {
            path: path.to_owned(),
            file,
            end: 0,
            chunks: Vec::new(),
            counters: OnceLock::new(),
            derived: OnceLock::new(),
            _lock: lock,
        };
        storage.scan()?;
        Ok(storage)
    }

    /// View `name` of the store at `path`, read without opening the store: no lock, no
    /// scan, no sled. `Ok(None)` if there is no such view or the log has changed since it
    /// was saved (then open the store and recompute it).
    pub fn open_view_unopened(path: &Path, name: &str) -> Result<Option<ViewReader>, StorageError> {
        if !Self::is_store(path) {
            return Ok(None);
        }
        let segment =
            File::open(path.join(SEGMENT_FILE)).map_err(|e| io_error(path, &e.to_string()))?;
        ViewReader::open(path, name, &segment)
    }

    /// [`Self::open_view_unopened`], with what the segment file holds as the log's last
    /// record where the view says the log ends, for the caller to check that the view is of
    /// this log (see [`super::last_record`]).
    pub fn open_view_at_log_end(
        path: &Path,
        name: &str,
    ) -> Result<Option<(ViewReader, LogEnd)>, StorageError> {
        if !Self::is_store(path) {
            return Ok(None);
        }
        let segment =
            File::open(path.join(SEGMENT_FILE)).map_err(|e| io_error(path, &e.to_string()))?;
        let Some(reader) = ViewReader::open(path, name, &segment)? else {
            return Ok(None);
        };
        let mark = reader.mark();
        let end = read_log_end(&segment, mark.last_header_offset, mark.segment_length)
            .map_err(|e| io_error(path, &e.to_string()))?;
        Ok(Some((reader, end)))
    }

    /// Where the segment file ends now.
    fn end_mark(&self) -> Result<EndMark, StorageError> {
        let Some(last) = self.chunks.last() else {
            return Ok(EndMark::EMPTY);
        };
        let offset = last.offset - CHUNK_HEADER_BYTES as u64;
        let mut header = [0u8; CHUNK_HEADER_BYTES];
        self.file
            .read_exact_at(&mut header, offset)
            .map_err(|e| self.io(e))?;
        Ok(EndMark {
            segment_length: self.end,
            last_header_offset: offset,
            last_header: header,
        })
    }

    fn derived(&self) -> Result<&sled::Db, StorageError> {
        if let Some(database) = self.derived.get() {
            return Ok(database);
        }
        let database = open_sled(&self.path)?;
        Ok(self.derived.get_or_init(|| database))
    }

    fn io(&self, error: std::io::Error) -> StorageError {
        io_error(&self.path, &error.to_string())
    }

    /// Reads the chunk headers; cuts off a torn last chunk (see the module docs).
    fn scan(&mut self) -> Result<(), StorageError> {
        let length = self.file.metadata().map_err(|e| self.io(e))?.len();
        let mut offset = 0u64;
        let mut chunks = Vec::new();
        let mut expected_seq = 1u64;
        while offset < length {
            let Some((entry, checksum, count)) = self.read_header(offset, length)? else {
                break;
            };
            if entry.first_seq != expected_seq {
                return Err(StorageError::Corrupt(format!(
                    "chunk at byte {offset} starts at seq {} where {expected_seq} was expected",
                    entry.first_seq
                )));
            }
            let end = entry.offset + entry.length;
            let is_last = end >= length;
            if is_last && !self.checksum_matches(&entry, &checksum)? {
                break;
            }
            chunks.push(entry);
            expected_seq = entry.first_seq + count;
            offset = end;
        }
        if offset < length {
            // Cut only a torn last append. Unreadable bytes followed by another chunk's magic
            // are damage in the middle of the log: refuse rather than lose what follows.
            if self.magic_after(offset + 1, length)? {
                return Err(StorageError::Corrupt(format!(
                    "the chunk at byte {offset} of {SEGMENT_FILE} is damaged and chunks follow \
                     it; not cutting the log (recover the records from an export)"
                )));
            }
            self.file.set_len(offset).map_err(|e| self.io(e))?;
            self.file.sync_all().map_err(|e| self.io(e))?;
        }
        self.end = offset;
        self.chunks = chunks;
        Ok(())
    }

    /// Whether a chunk magic appears anywhere in `from..length` (read in blocks).
    fn magic_after(&self, from: u64, length: u64) -> Result<bool, StorageError> {
        const BLOCK: u64 = 1 << 20;
        let overlap = (CHUNK_MAGIC.len() - 1) as u64;
        let mut start = from;
        let mut block = Vec::new();
        while start < length {
            let size = BLOCK.min(length - start);
            block.resize(size as usize, 0);
            self.file
                .read_exact_at(&mut block, start)
                .map_err(|e| self.io(e))?;
            if block
                .windows(CHUNK_MAGIC.len())
                .any(|window| window == CHUNK_MAGIC)
            {
                return Ok(true);
            }
            if start + size >= length {
                break;
            }
            start += size - overlap.min(size);
        }
        Ok(false)
    }

    /// The header at `offset`, if a whole chunk follows it within `length`.
    fn read_header(
        &self,
        offset: u64,
        length: u64,
    ) -> Result<Option<(ChunkEntry, [u8; 32], u64)>, StorageError> {
        if length - offset < CHUNK_HEADER_BYTES as u64 {
            return Ok(None);
        }
        let mut header = [0u8; CHUNK_HEADER_BYTES];
        self.file
            .read_exact_at(&mut header, offset)
            .map_err(|e| self.io(e))?;
        if &header[..4] != CHUNK_MAGIC {
            return Ok(None);
        }
        let word = |at: usize| u64::from_le_bytes(header[at..at + 8].try_into().unwrap_or([0; 8]));
        let (first_seq, count, frames) = (word(4), word(12), word(20));
        let mut checksum = [0u8; 32];
        checksum.copy_from_slice(&header[28..60]);
        let start = offset + CHUNK_HEADER_BYTES as u64;
        if frames > MAX_BATCH_BYTES as u64 || frames > length - start || count == 0 {
            return Ok(None);
        }
        let entry = ChunkEntry {
            first_seq,
            offset: start,
            length: frames,
        };
        Ok(Some((entry, checksum, count)))
    }

    fn read_frames(&self, entry: &ChunkEntry) -> Result<Vec<u8>, StorageError> {
        let mut frames = vec![0u8; entry.length as usize];
        self.file
            .read_exact_at(&mut frames, entry.offset)
            .map_err(|e| self.io(e))?;
        Ok(frames)
    }

    fn checksum_matches(
        &self,
        entry: &ChunkEntry,
        checksum: &[u8; 32],
    ) -> Result<bool, StorageError> {
        // In blocks, so a large last batch costs no large buffer.
        const BLOCK: u64 = 1 << 20;
        let mut hasher = blake3::Hasher::new();
        let mut block = vec![0u8; BLOCK.min(entry.length) as usize];
        let mut done = 0u64;
        while done < entry.length {
            let size = BLOCK.min(entry.length - done) as usize;
            let buffer = &mut block[..size];
            self.file
                .read_exact_at(buffer, entry.offset + done)
                .map_err(|e| self.io(e))?;
            hasher.update(buffer);
            done += size as u64;
        }
        Ok(hasher.finalize().as_bytes() == checksum)
    }

    fn stored(&self, entry: &ChunkEntry) -> Result<StoredChunk, StorageError> {
        Ok(StoredChunk {
            first_seq: entry.first_seq,
            framed_records: self.read_frames(entry)?,
        })
    }

    fn index_containing(&self, seq: u64) -> Option<usize> {
        self.chunks
            .partition_point(|entry| entry.first_seq <= seq)
            .checked_sub(1)
    }

    fn load_counters(&self) -> Result<std::collections::BTreeMap<PublicKey, u64>, StorageError> {
        let mut counters = std::collections::BTreeMap::new();
        for entry in &self.chunks {
            let frames = self.read_frames(entry)?;
            for frame in Frames::new(&frames) {
                let Ok(bytes) = frame else { break };
                if let Ok(record) = RecordView::parse(bytes) {
                    counters.insert(*record.author, record.counter);
                }
            }
        }
        Ok(counters)
    }
}

impl Storage for SegmentStorage {
    fn append_chunk(&mut self, chunk: ChunkWrite<'_>) -> Result<(), StorageError> {
        let mut header = Vec::with_capacity(CHUNK_HEADER_BYTES);
        header.extend_from_slice(CHUNK_MAGIC);
        header.extend_from_slice(&chunk.first_seq.to_le_bytes());
        header.extend_from_slice(&chunk.record_count.to_le_bytes());
        header.extend_from_slice(&(chunk.framed_records.len() as u64).to_le_bytes());
        header.extend_from_slice(blake3::hash(chunk.framed_records).as_bytes());
        debug_assert_eq!(header.len(), CHUNK_HEADER_BYTES);
        let chunk_bytes = (header.len() + chunk.framed_records.len()) as u64;
        let write = (|| {
            self.file.seek(SeekFrom::Start(self.end))?;
            // Two writes, not one copy of a batch that can be 256 MB.
            self.file.write_all(&header)?;
            self.file.write_all(chunk.framed_records)?;
            // Durable before success is reported.
            self.file.sync_data()
        })();
        if let Err(error) = write {
            // Leave nothing of a failed append behind.
            let _ = self.file.set_len(self.end);
            return Err(self.io(error));
        }
        self.chunks.push(ChunkEntry {
            first_seq: chunk.first_seq,
            offset: self.end + CHUNK_HEADER_BYTES as u64,
            length: chunk.framed_records.len() as u64,
        });
        self.end += chunk_bytes;
        if let Some(counters) = self.counters.get_mut() {
            for (author, counter) in chunk.author_counters {
                counters.insert(*author, *counter);
            }
        }
        Ok(())
    }

    fn last_chunk(&self) -> Result<Option<StoredChunk>, StorageError> {
        self.chunks
            .last()
            .map(|entry| self.stored(entry))
            .transpose()
    }

    fn chunk_containing(&self, seq: u64) -> Result<Option<StoredChunk>, StorageError> {
        self.index_containing(seq)
            .and_then(|index| self.chunks.get(index))
            .map(|entry| self.stored(entry))
            .transpose()
    }

    fn chunks_from(
        &self,
        seq: u64,
    ) -> Box<dyn Iterator<Item = Result<StoredChunk, StorageError>> + '_> {
        let start = self.index_containing(seq).unwrap_or(0);
        Box::new(
            self.chunks[start.min(self.chunks.len())..]
                .iter()
                .map(|entry| self.stored(entry)),
        )
    }

    fn author_counter(&self, author: &PublicKey) -> Result<Option<u64>, StorageError> {
        if self.counters.get().is_none() {
            let counters = self.load_counters()?;
            let _ = self.counters.set(counters);
        }
        Ok(self
            .counters
            .get()
            .and_then(|counters| counters.get(author).copied()))
    }

    fn put_derived(&mut self, key: &str, value: &[u8]) -> Result<(), StorageError> {
        let sled_error = |error: sled::Error| io_error(&self.path, &error.to_string());
        let derived = self.derived()?;
        derived.insert(key.as_bytes(), value).map_err(sled_error)?;
        derived.flush().map_err(sled_error)?;
        Ok(())
    }

    fn get_derived(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let value = self
            .derived()?
            .get(key.as_bytes())
            .map_err(|error| io_error(&self.path, &error.to_string()))?;
        Ok(value.map(|bytes| bytes.to_vec()))
    }

    fn put_view(&mut self, name: &str, body: &[u8]) -> Result<(), StorageError> {
        view_file::write_view(&self.path, name, &self.end_mark()?, body)
    }

    fn get_view(&self, name: &str) -> Result<Option<Vec<u8>>, StorageError> {
        match ViewReader::open(&self.path, name, &self.file)? {
            // A damaged view is only a reason to recompute it, like a missing one.
            Some(reader) => match reader.read(0, reader.body_length()) {
                Ok(body) => Ok(Some(body)),
                Err(StorageError::Corrupt(_)) => Ok(None),
                Err(error) => Err(error),
            },
            None => Ok(None),
        }
    }
}

fn sync_directory(path: &Path) -> Result<(), StorageError> {
    File::open(path)
        .and_then(|directory| directory.sync_all())
        .map_err(|e| io_error(path, &e.to_string()))
}
