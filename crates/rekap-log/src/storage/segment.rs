//! Segment-file storage: the log's bytes in one append-only file, fsynced per append.
//!
//! Directory layout:
//! - `REKAP_STORE`: marker file (`rekap store, format 4`).
//! - `LOCK`: held with an exclusive OS file lock while a process has the store open.
//! - `log.segment`: the chunks, one per append batch, back to back, each a header, the
//!   frames (exactly as in an export) and a commit trailer: see [`super::chunk`].
//! - `quarantine/`: the bytes of incomplete appends that an appending command moved out of
//!   `log.segment` (never deleted; see below).
//! - `<name>.view`: views (the totals of every region at the head), stamped with where the
//!   segment file ended when they were saved, so `rekap totals` reads one without opening
//!   the store: see [`super::view_file`].
//! - `tree/`: the transparency tree's node files, derived state checked against the log
//!   before it is believed and updated after each append: see [`crate::tree`].
//! - `derived/`: other derived, rebuildable key-values, one file each, never the log's
//!   truth. (sled held them once; nothing on a command's path used it, and a view file
//!   answers in a few milliseconds where opening sled costs tens, so sled is now only the
//!   sled-only storage behind the `sled` feature: docs/ARCHITECTURE.md.)
//!
//! Why not sled for the log: measured at national scale, sled's open (its recovery pass)
//! took 643 ms and its store was 2.6x the export; here opening reads only the chunk
//! headers and trailers, and the file is the export's size plus 132 bytes per batch.
//!
//! Failure cases of an append, step by step:
//! 1. Header and frames are written after the last committed chunk. A crash here leaves a
//!    short chunk, or one whose unwritten pages read back as zeros: no trailer.
//! 2. fsync. A crash before it completes leaves the same.
//! 3. The 40-byte commit trailer is written. A crash leaves the file ending inside it, or
//!    zeros where it should be.
//! 4. fsync; only now is the append reported as successful. A crash before it completes
//!    leaves the chunk with or without its trailer; both are consistent (a committed chunk
//!    that nobody was told about is kept, as any log keeps a record whose reply was lost).
//! 5. A failed write or fsync (disk full, file too large) cuts the file back to where it
//!    was; if even that fails, the uncommitted bytes have no trailer and are handled as 1.
//!
//! Opening tells the cases apart ([`super::chunk::scan`]). An uncommitted tail (steps 1-3)
//! was never acknowledged: opening for appending moves its bytes to `quarantine/`, fsyncs
//! that, then cuts `log.segment` back and fsyncs it, and reports what it moved. A crash
//! between the two leaves the bytes in both places; the next open moves them again under a
//! new name. Opening read-only changes nothing and reports the tail instead. Anything a
//! crash cannot leave (a flipped bit anywhere, a damaged header or trailer) is damage:
//! every open reports it and nothing is cut, quarantined or appended.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use super::chunk::{self, ChunkHeader, CommittedChunk, Tail, HEADER_BYTES};
use super::last_record::{read_log_end, LogEnd};
use super::locate::{self, RecordLocation};
use super::quarantine::{self, Quarantined};
use super::segment_reader::{ChunkIndex, SegmentReader};
use super::store_dir::{io_error, lock_store, lock_store_as, MARKER_FILE};
use super::view_file::{self, EndMark, ViewReader};
use super::writer_lock::{lock_writer, SharedAppends};
use super::{view_patch, view_ranges};
use super::{ChunkWrite, Storage, StorageError, StoredChunk};
use crate::frame::Frames;
use crate::record::{PublicKey, RecordView};

pub(crate) const MARKER_CONTENTS: &str = "rekap store, format 4\n";
/// Derived key-values ([`Storage::put_derived`]), one file per key; rebuildable, never the
/// log's truth. (Stores written before sled moved behind a feature have a `sled/` directory
/// instead, which nothing reads.)
const DERIVED_DIRECTORY: &str = "derived";
pub(crate) const SEGMENT_FILE: &str = "log.segment";

/// Where one chunk's frames are in the file.
#[derive(Clone, Copy, Debug)]
struct ChunkEntry {
    chunk: CommittedChunk,
    /// Whether its frames were already checked against its header (the last chunk at open,
    /// and chunks this process wrote); the others are checked each time they are read.
    checked: bool,
}

/// How a store was opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Appends allowed; an uncommitted tail was moved to quarantine on open.
    Append,
    /// Nothing is ever written; the tail is reported, not cut.
    ReadOnly,
}

/// A store directory whose log is one append-only segment file.
pub struct SegmentStorage {
    path: PathBuf,
    file: File,
    mode: Mode,
    end: u64,
    chunks: Vec<ChunkEntry>,
    /// What follows the last committed chunk (always clean for an appending open).
    tail: Tail,
    /// What opening moved to quarantine, if anything.
    quarantined: Option<Quarantined>,
    /// Each author's last counter, read from the records on first use.
    counters: OnceLock<BTreeMap<PublicKey, u64>>,
    /// The committed chunks, published for [`SegmentReader`]s after each durable append.
    published: Arc<ChunkIndex>,
    lock: File,
    /// `LOCK.writer`, held by an appending open (see [`super::writer_lock`]).
    _writer_lock: Option<File>,
    /// Set when readers share `LOCK` between this writer's appends.
    shared_appends: Option<SharedAppends>,
    /// The header checksum of each view this storage read whole or saved, by name: what
    /// [`Storage::put_view_over`] requires of the file it saves in place.
    views_seen: Mutex<BTreeMap<String, [u8; 32]>>,
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
        Self::open_locked(path, lock, Mode::Append)
    }

    /// Opens an existing store for appending. An uncommitted last append (never
    /// acknowledged) is moved to `quarantine/` first: see [`Self::quarantined`]. Damage is
    /// an error, and nothing is changed.
    pub fn open(path: &Path) -> Result<Self, StorageError> {
        Self::open_as(path, Mode::Append)
    }

    /// Opens an existing store to read it: no file of the store is ever changed. Whatever
    /// follows the last committed chunk is reported by [`Storage::tail_damage`].
    pub fn open_read_only(path: &Path) -> Result<Self, StorageError> {
        Self::open_as(path, Mode::ReadOnly)
    }

    /// Opens an existing store for appending, as [`Self::open`], but lets readers share
    /// the store's lock while the caller replays it and between appends; each append waits
    /// up to `wait` for the readers in progress. See [`super::writer_lock`].
    pub fn open_sharing_reads(path: &Path, wait: Duration) -> Result<Self, StorageError> {
        let storage = Self::open_as(path, Mode::Append)?;
        let shared = SharedAppends { wait };
        shared.share(&storage.lock, path)?;
        Ok(SegmentStorage {
            shared_appends: Some(shared),
            ..storage
        })
    }

    fn open_as(path: &Path, mode: Mode) -> Result<Self, StorageError> {
        if !Self::is_store(path) {
            return Err(super::not_a_store(path, MARKER_CONTENTS));
        }
        let writer_lock = match mode {
            Mode::Append => Some(lock_writer(path)?),
            Mode::ReadOnly => None,
        };
        let lock = lock_store_as(path, mode == Mode::ReadOnly)?;
        let storage = Self::open_locked(path, lock, mode)?;
        Ok(SegmentStorage {
            _writer_lock: writer_lock,
            ..storage
        })
    }

    /// Whether `path` holds a store of this format.
    pub fn is_store(path: &Path) -> bool {
        fs::read_to_string(path.join(MARKER_FILE)).is_ok_and(|contents| contents == MARKER_CONTENTS)
    }

    /// The store's directory.
    pub fn directory(&self) -> &Path {
        &self.path
    }

    /// What opening for appending moved to quarantine: the caller tells the user.
    pub fn quarantined(&self) -> Option<&Quarantined> {
        self.quarantined.as_ref()
    }

    fn open_locked(path: &Path, lock: File, mode: Mode) -> Result<Self, StorageError> {
        let file = OpenOptions::new()
            .read(true)
            .write(mode == Mode::Append)
            .open(path.join(SEGMENT_FILE))
            .map_err(|e| io_error(path, &e.to_string()))?;
        let mut storage = SegmentStorage {
            path: path.to_owned(),
            file,
            mode,
            end: 0,
            chunks: Vec::new(),
            tail: Tail::Clean,
            quarantined: None,
            counters: OnceLock::new(),
            published: Arc::default(),
            lock,
            _writer_lock: None,
            shared_appends: None,
            views_seen: Mutex::default(),
        };
        storage.scan()?;
        for entry in &storage.chunks {
            let chunk = &entry.chunk;
            storage.published.push(chunk.header.first_seq, chunk.offset);
        }
        Ok(storage)
    }

    /// A reader of the committed chunks for other threads, which sees each append once it
    /// is durable (and never one that is not) without waiting for this storage: see
    /// [`super::segment_reader`].
    pub fn reader(&self) -> Result<SegmentReader, StorageError> {
        let file = File::open(self.path.join(SEGMENT_FILE)).map_err(|e| self.io(e))?;
        Ok(SegmentReader::new(&self.path, file, self.published.clone()))
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

    /// The segment file of the store at `path`, opened for reading only (no lock): for a
    /// reader that answers from a view and reads records where the view says they are
    /// ([`super::locate::read_located_record`]).
    pub fn segment_file_unopened(path: &Path) -> Result<File, StorageError> {
        File::open(path.join(SEGMENT_FILE)).map_err(|e| io_error(path, &e.to_string()))
    }

    /// Where the segment file ends now.
    fn end_mark(&self) -> EndMark {
        match self.chunks.last() {
            None => EndMark::EMPTY,
            Some(last) => EndMark {
                segment_length: self.end,
                last_header_offset: last.chunk.offset,
                last_header: last.chunk.header.encode(),
            },
        }
    }

    /// The file of derived key `key` (hex, so any key is a plain file name).
    fn derived_path(&self, key: &str) -> PathBuf {
        let name: String = key.bytes().map(|byte| format!("{byte:02x}")).collect();
        self.path.join(DERIVED_DIRECTORY).join(name)
    }

    fn io(&self, error: std::io::Error) -> StorageError {
        io_error(&self.path, &error.to_string())
    }

    fn damaged(&self, offset: u64, reason: &str) -> StorageError {
        StorageError::Damaged {
            path: self.path.display().to_string(),
            offset,
            reason: reason.to_owned(),
        }
    }

    /// Reads the chunk headers and trailers; moves an uncommitted tail aside if appending.
    fn scan(&mut self) -> Result<(), StorageError> {
        let length = self.file.metadata().map_err(|e| self.io(e))?.len();
        let scan = chunk::scan(&self.file, length).map_err(|e| self.io(e))?;
        let last = scan.chunks.len().saturating_sub(1);
        self.chunks = (scan.chunks.iter().enumerate())
            .map(|(index, chunk)| ChunkEntry {
                chunk: *chunk,
                checked: index == last,
            })
            .collect();
        self.end = scan.end;
        let tail = match scan.tail {
            Tail::Damaged { offset, why } => Tail::Damaged { offset, why },
            tail => self.shorter_than_a_view(scan.end).unwrap_or(tail),
        };
        match (self.mode, tail) {
            (_, Tail::Clean) => {}
            (Mode::Append, Tail::Damaged { offset, why }) => {
                return Err(self.damaged(offset, &why));
            }
            (Mode::Append, Tail::Torn { offset, bytes, why }) => {
                let moved = quarantine::move_aside(&self.path, &self.file, offset, bytes, &why)?;
                self.quarantined = Some(moved);
            }
            (Mode::ReadOnly, tail) => self.tail = tail,
        }
        Ok(())
    }

    /// A view saved when the committed chunks reached further than `committed_end` is
    /// evidence that committed chunks were cut (by hand or by a disk): without it, a cut
    /// exactly at a chunk boundary leaves a shorter log that is whole by itself, and a cut
    /// inside the last chunk looks like a torn append.
    fn shorter_than_a_view(&self, committed_end: u64) -> Option<Tail> {
        let (name, mark) = view_file::saved_end_marks(&self.path)
            .into_iter()
            .find(|(_, mark)| mark.segment_length > committed_end)?;
        Some(Tail::Damaged {
            offset: committed_end,
            why: format!(
                "the committed chunks end at byte {committed_end}, but reached byte {} when \
                 {name}.view was saved: committed records are missing",
                mark.segment_length
            ),
        })
    }

    fn read_frames(&self, entry: &ChunkEntry) -> Result<Vec<u8>, StorageError> {
        let chunk = &entry.chunk;
        let mut frames = vec![0u8; chunk.header.frames_length as usize];
        self.file
            .read_exact_at(&mut frames, chunk.frames_offset())
            .map_err(|e| self.io(e))?;
        if !entry.checked && blake3::hash(&frames).as_bytes() != &chunk.header.frames_hash {
            return Err(self.damaged(
                chunk.frames_offset(),
                &format!(
                    "the records of the chunk from seq {} do not match its checksum",
                    chunk.header.first_seq
                ),
            ));
        }
        Ok(frames)
    }

    fn stored(&self, entry: &ChunkEntry) -> Result<StoredChunk, StorageError> {
        Ok(StoredChunk {
            first_seq: entry.chunk.header.first_seq,
            framed_records: self.read_frames(entry)?,
        })
    }

    fn index_containing(&self, seq: u64) -> Option<usize> {
        self.chunks
            .partition_point(|entry| entry.chunk.header.first_seq <= seq)
            .checked_sub(1)
    }

    fn load_counters(&self) -> Result<BTreeMap<PublicKey, u64>, StorageError> {
        let mut counters = BTreeMap::new();
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

    /// Writes one chunk after the last: steps 1-4 of the module docs.
    fn write_chunk(&mut self, header: &ChunkHeader, frames: &[u8]) -> std::io::Result<()> {
        self.file.seek(SeekFrom::Start(self.end))?;
        // Separate writes, not one copy of a batch that can be 256 MB.
        self.file.write_all(&header.encode())?;
        self.file.write_all(frames)?;
        self.file.sync_data()?;
        self.file.write_all(&header.trailer())?;
        // Durable before success is reported.
        self.file.sync_data()
    }

    /// For a writer that shared the lock: the segment file still ends where this process
    /// left it. One writer holds `LOCK.writer`, so it does; a file that grew anyway is
    /// never appended after (its head is not the one the writer decided against).
    fn unchanged_since_read(&self) -> Result<(), StorageError> {
        let length = self.file.metadata().map_err(|e| self.io(e))?.len();
        if length == self.end {
            Ok(())
        } else {
            Err(io_error(
                &self.path,
                "the segment file changed since this command read it; nothing is appended",
            ))
        }
    }

    /// Writes one chunk; the caller holds `LOCK` exclusively.
    fn append_locked(&mut self, chunk: ChunkWrite<'_>) -> Result<(), StorageError> {
        let header =
            ChunkHeader::for_frames(chunk.first_seq, chunk.record_count, chunk.framed_records);
        if let Err(error) = self.write_chunk(&header, chunk.framed_records) {
            // Leave nothing of a failed append behind (step 5).
            let _ = self.file.set_len(self.end);
            let _ = self.file.sync_data();
            return Err(self.io(error));
        }
        let committed = CommittedChunk {
            offset: self.end,
            header,
        };
        debug_assert_eq!(committed.frames_offset(), self.end + HEADER_BYTES as u64);
        self.end = committed.end();
        self.chunks.push(ChunkEntry {
            chunk: committed,
            checked: true,
        });
        // Durable (both fsyncs done): readers may see it now.
        self.published.push(header.first_seq, committed.offset);
        if let Some(counters) = self.counters.get_mut() {
            for (author, counter) in chunk.author_counters {
                counters.insert(*author, *counter);
            }
        }
        Ok(())
    }
}

impl Storage for SegmentStorage {
    fn tree_directory(&self) -> Option<PathBuf> {
        Some(self.path.join(crate::tree::TREE_DIRECTORY))
    }

    fn append_chunk(&mut self, chunk: ChunkWrite<'_>) -> Result<(), StorageError> {
        if self.mode == Mode::ReadOnly {
            return Err(io_error(
                &self.path,
                "opened read-only; nothing is appended",
            ));
        }
        let Some(shared) = self.shared_appends else {
            return self.append_locked(chunk);
        };
        shared.exclusive(&self.lock, &self.path)?;
        let appended = self
            .unchanged_since_read()
            .and_then(|()| self.append_locked(chunk));
        shared.share(&self.lock, &self.path)?;
        appended
    }

    fn tail_damage(&self) -> Option<StorageError> {
        match &self.tail {
            Tail::Clean => None,
            Tail::Damaged { offset, why } => Some(self.damaged(*offset, why)),
            Tail::Torn { offset, bytes, why } => Some(self.damaged(
                *offset,
                &format!(
                    "{bytes} bytes of an incomplete append ({why}): never acknowledged, or \
                     the file was cut short. An appending command moves them to quarantine/; \
                     `rekap repair` copies every record that verifies to a new store"
                ),
            )),
        }
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

    fn known_counters(&self) -> Option<BTreeMap<PublicKey, u64>> {
        self.counters.get().cloned()
    }

    fn seed_counters(&mut self, counters: BTreeMap<PublicKey, u64>) {
        // The same map `load_counters` would read from the segment file.
        let _ = self.counters.set(counters);
    }

    fn put_derived(&mut self, key: &str, value: &[u8]) -> Result<(), StorageError> {
        if self.mode == Mode::ReadOnly {
            return Err(io_error(&self.path, "opened read-only"));
        }
        let path = self.derived_path(key);
        let io = |error: std::io::Error| io_error(&path, &error.to_string());
        fs::create_dir_all(self.path.join(DERIVED_DIRECTORY)).map_err(io)?;
        let temporary = path.with_extension("tmp");
        let mut file = File::create(&temporary).map_err(io)?;
        file.write_all(value).map_err(io)?;
        file.sync_all().map_err(io)?;
        fs::rename(&temporary, &path).map_err(io)?;
        sync_directory(&self.path.join(DERIVED_DIRECTORY))
    }

    fn get_derived(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let path = self.derived_path(key);
        match fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(io_error(&path, &error.to_string())),
        }
    }

    fn put_view(&mut self, name: &str, body: &[u8]) -> Result<(), StorageError> {
        self.check_writable()?;
        let checksum = view_file::write_view(&self.path, name, &self.end_mark(), body)?;
        self.saw_view(name, checksum);
        Ok(())
    }

    fn put_views(&mut self, views: &[(&str, &[u8])]) -> Result<(), StorageError> {
        self.check_writable()?;
        let (directory, mark) = (&self.path, self.end_mark());
        let written: Vec<Result<[u8; 32], StorageError>> = std::thread::scope(|scope| {
            let writers: Vec<_> = (views.iter())
                .map(|(name, body)| {
                    scope.spawn(|| view_file::write_view(directory, name, &mark, body))
                })
                .collect();
            (writers.into_iter())
                .map(|writer| {
                    (writer.join()).unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        });
        let mut first_error = None;
        for ((name, _), written) in views.iter().zip(written) {
            match written {
                Ok(checksum) => self.saw_view(name, checksum),
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    fn put_view_over(
        &mut self,
        name: &str,
        earlier: &[u8],
        body: &[u8],
    ) -> Result<(), StorageError> {
        self.check_writable()?;
        let Some(earlier_checksum) = self.seen(name) else {
            return self.put_view(name, body);
        };
        let (checksum, _) = view_patch::write_view_over(
            &self.path,
            name,
            &self.end_mark(),
            &earlier_checksum,
            earlier,
            body,
        )?;
        self.saw_view(name, checksum);
        Ok(())
    }

    fn put_view_ranges(
        &mut self,
        name: &str,
        earlier_checksum: &[u8; 32],
        new_length: u64,
        changes: &[view_ranges::Change<'_>],
    ) -> Result<Option<[u8; 32]>, StorageError> {
        self.check_writable()?;
        let saved = view_ranges::write_view_ranges(
            &self.path,
            name,
            &self.end_mark(),
            earlier_checksum,
            new_length,
            changes,
        )?;
        if let Some(checksum) = saved {
            self.saw_view(name, checksum);
        }
        Ok(saved)
    }

    fn record_locations(&self, seqs: &[u64]) -> Result<Option<Vec<RecordLocation>>, StorageError> {
        let chunks: Vec<CommittedChunk> = self.chunks.iter().map(|entry| entry.chunk).collect();
        locate::locate(&self.file, &chunks, seqs, &self.path).map(Some)
    }

    fn get_view_of_any_head(&self, name: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let reader = ViewReader::open_of_any_mark(&self.path, name)?;
        self.read_whole(name, reader)
    }

    fn view_reader_of_any_head(&self, name: &str) -> Result<Option<ViewReader>, StorageError> {
        ViewReader::open_of_any_mark(&self.path, name)
    }

    fn get_view(&self, name: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let reader = ViewReader::open(&self.path, name, &self.file)?;
        self.read_whole(name, reader)
    }
}

impl SegmentStorage {
    fn check_writable(&self) -> Result<(), StorageError> {
        if self.mode == Mode::ReadOnly || self.tail != Tail::Clean {
            return Err(io_error(&self.path, "opened read-only; no view is saved"));
        }
        Ok(())
    }

    fn seen(&self, name: &str) -> Option<[u8; 32]> {
        let seen = self
            .views_seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        seen.get(name).copied()
    }

    fn saw_view(&self, name: &str, checksum: [u8; 32]) {
        let mut seen = self
            .views_seen
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        seen.insert(name.to_owned(), checksum);
    }

    /// The whole body `reader` reads, every block checked, its header checksum remembered.
    fn read_whole(
        &self,
        name: &str,
        reader: Option<ViewReader>,
    ) -> Result<Option<Vec<u8>>, StorageError> {
        let Some(reader) = reader else {
            return Ok(None);
        };
        match reader.read_whole() {
            Ok(body) => {
                self.saw_view(name, reader.header_checksum());
                Ok(Some(body))
            }
            // A damaged view is only a reason to recompute it, like a missing one.
            Err(StorageError::Corrupt(_)) => Ok(None),
            Err(error) => Err(error),
        }
    }
}

fn sync_directory(path: &Path) -> Result<(), StorageError> {
    File::open(path)
        .and_then(|directory| directory.sync_all())
        .map_err(|e| io_error(path, &e.to_string()))
}
