//! sled storage: one directory, no server.
//!
//! Directory layout:
//! - `REKAP_STORE`: marker file, so that commands never mistake another directory for a store
//!   and `demo` only ever replaces a store it made.
//! - `LOCK`: held with an exclusive OS file lock while a process has the store open.
//! - `sled/`: the sled database. Tree `log`: key `c` + first seq (u64 big-endian) + part
//!   (u32 big-endian) -> up to `PART_BYTES` of the framed records of one batch (a batch is
//!   the concatenation of its parts in key order); key `a` + author key -> last counter (u64
//!   little-endian). All of a batch's keys are written in one sled batch, then flushed
//!   (fsync) before the append returns. Tree `derived`: rebuildable state such as
//!   views (see [`super::Storage::put_view`]).
//!
//! Why parts: sled stores a value above about a quarter of its 512 KiB segment as a separate
//! blob file, and rewrote a 120 MB national import blob eight times (941 MB on disk for a
//! 120 MB export). Values of at most 64 KiB stay inside sled's pages.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::store_dir::{io_error, lock_store, MARKER_FILE};
use super::{ChunkWrite, Storage, StorageError, StoredChunk};
use crate::record::PublicKey;

/// Name of the marker file of a store directory.
const MARKER_CONTENTS: &str = "rekap store, format 2\n";
const CHUNK_PREFIX: u8 = b'c';
/// Largest value written to sled: small enough to stay out of sled's blob files.
const PART_BYTES: usize = 64 * 1024;
const COUNTER_PREFIX: u8 = b'a';
/// sled's page cache; the log is read sequentially, so a small cache suffices.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// A store directory backed by sled.
pub struct SledStorage {
    path: PathBuf,
    database: sled::Db,
    log: sled::Tree,
    derived: sled::Tree,
    // Held for the lifetime of the storage: the OS releases the lock when the file closes,
    // also when the process is killed.
    _lock: File,
}

impl SledStorage {
    /// Creates a new store in `path`, which must not exist or be an empty directory.
    pub fn create(path: &Path) -> Result<Self, StorageError> {
        if path.exists() && !is_empty_dir(path)? {
            return Err(io_error(
                path,
                "already exists and is not an empty directory; choose a new path",
            ));
        }
        fs::create_dir_all(path).map_err(|error| io_error(path, &error.to_string()))?;
        let lock = lock_store(path)?;
        fs::write(path.join(MARKER_FILE), MARKER_CONTENTS)
            .map_err(|error| io_error(path, &error.to_string()))?;
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

    /// Whether `path` holds a rekap store.
    pub fn is_store(path: &Path) -> bool {
        fs::read_to_string(path.join(MARKER_FILE))
            .map(|contents| contents == MARKER_CONTENTS)
            .unwrap_or(false)
    }

    fn open_locked(path: &Path, lock: File) -> Result<Self, StorageError> {
        let database = open_sled(path)?;
        let log = database
            .open_tree("log")
            .map_err(|error| sled_error(path, error))?;
        let derived = database
            .open_tree("derived")
            .map_err(|error| sled_error(path, error))?;
        Ok(Self {
            path: path.to_owned(),
            database,
            log,
            derived,
            _lock: lock,
        })
    }

    fn error(&self, error: sled::Error) -> StorageError {
        sled_error(&self.path, error)
    }
}

/// How long to wait for a sled database this process closed a moment ago.
const SLED_RELEASE_WAIT: Duration = Duration::from_secs(5);

/// Opens the sled database. We already hold the store's `LOCK`, so no other process has it
/// open; sled's own file lock can still be held for a moment by the background flusher of a
/// database this same process just dropped (sled 0.34 releases it asynchronously), so a
/// lock conflict is retried for a bounded time.
pub(crate) fn open_sled(path: &Path) -> Result<sled::Db, StorageError> {
    let started = Instant::now();
    loop {
        let opened = sled::Config::new()
            .path(path.join("sled"))
            .cache_capacity(CACHE_BYTES)
            .open();
        match opened {
            Err(sled::Error::Io(error))
                if error.to_string().contains("could not acquire lock")
                    && started.elapsed() < SLED_RELEASE_WAIT =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other.map_err(|error| sled_error(path, error)),
        }
    }
}

fn is_empty_dir(path: &Path) -> Result<bool, StorageError> {
    let mut entries = fs::read_dir(path).map_err(|error| io_error(path, &error.to_string()))?;
    Ok(entries.next().is_none())
}

fn sled_error(path: &Path, error: sled::Error) -> StorageError {
    match error {
        sled::Error::Corruption { .. } => StorageError::Corrupt(error.to_string()),
        other => io_error(path, &other.to_string()),
    }
}

fn chunk_key(first_seq: u64, part: u32) -> [u8; 13] {
    let mut key = [CHUNK_PREFIX; 13];
    key[1..9].copy_from_slice(&first_seq.to_be_bytes());
    key[9..].copy_from_slice(&part.to_be_bytes());
    key
}

fn counter_key(author: &PublicKey) -> [u8; 33] {
    let mut key = [COUNTER_PREFIX; 33];
    key[1..].copy_from_slice(author);
    key
}

/// The first seq a chunk-part key belongs to.
fn first_seq_of(key: &[u8]) -> Result<u64, StorageError> {
    key.get(1..9)
        .and_then(|bytes| <[u8; 8]>::try_from(bytes).ok())
        .map(u64::from_be_bytes)
        .ok_or_else(|| StorageError::Corrupt(format!("malformed chunk key {key:?}")))
}

impl SledStorage {
    /// The whole chunk starting at `first_seq`: its parts, concatenated.
    fn assemble(&self, first_seq: u64) -> Result<StoredChunk, StorageError> {
        let mut framed_records = Vec::new();
        for entry in self
            .log
            .range(chunk_key(first_seq, 0)..=chunk_key(first_seq, u32::MAX))
        {
            let (_, value) = entry.map_err(|error| self.error(error))?;
            framed_records.extend_from_slice(&value);
        }
        Ok(StoredChunk {
            first_seq,
            framed_records,
        })
    }

    /// The first seq of the chunk whose last part key is at or before `key`.
    fn chunk_at_or_before(&self, key: [u8; 13]) -> Result<Option<u64>, StorageError> {
        match self.log.range(chunk_key(0, 0)..=key).next_back() {
            None => Ok(None),
            Some(entry) => {
                let (key, _) = entry.map_err(|error| self.error(error))?;
                first_seq_of(&key).map(Some)
            }
        }
    }
}

impl Storage for SledStorage {
    fn append_chunk(&mut self, chunk: ChunkWrite<'_>) -> Result<(), StorageError> {
        let mut batch = sled::Batch::default();
        for (part, bytes) in chunk.framed_records.chunks(PART_BYTES).enumerate() {
            batch.insert(&chunk_key(chunk.first_seq, part as u32)[..], bytes);
        }
        for (author, counter) in chunk.author_counters {
            batch.insert(&counter_key(author)[..], &counter.to_le_bytes()[..]);
        }
        self.log
            .apply_batch(batch)
            .map_err(|error| self.error(error))?;
        // Durable before success is reported: sled's flush writes and fsyncs its log.
        self.database.flush().map_err(|error| self.error(error))?;
        Ok(())
    }

    fn last_chunk(&self) -> Result<Option<StoredChunk>, StorageError> {
        match self.chunk_at_or_before(chunk_key(u64::MAX, u32::MAX))? {
            None => Ok(None),
            Some(first_seq) => self.assemble(first_seq).map(Some),
        }
    }

    fn chunk_containing(&self, seq: u64) -> Result<Option<StoredChunk>, StorageError> {
        match self.chunk_at_or_before(chunk_key(seq, u32::MAX))? {
            None => Ok(None),
            Some(first_seq) => self.assemble(first_seq).map(Some),
        }
    }

    fn chunks_from(
        &self,
        seq: u64,
    ) -> Box<dyn Iterator<Item = Result<StoredChunk, StorageError>> + '_> {
        let start = match self.chunk_at_or_before(chunk_key(seq, u32::MAX)) {
            Ok(Some(first_seq)) => first_seq,
            Ok(None) => seq,
            Err(error) => return Box::new(std::iter::once(Err(error))),
        };
        let parts = self
            .log
            .range(chunk_key(start, 0)..=chunk_key(u64::MAX, u32::MAX));
        Box::new(ChunkAssembler {
            storage: self,
            parts: parts.peekable(),
        })
    }

    fn author_counter(&self, author: &PublicKey) -> Result<Option<u64>, StorageError> {
        let value = self
            .log
            .get(counter_key(author))
            .map_err(|error| self.error(error))?;
        let Some(value) = value else {
            return Ok(None);
        };
        let bytes: [u8; 8] = value
            .as_ref()
            .try_into()
            .map_err(|_| StorageError::Corrupt("malformed author counter".into()))?;
        Ok(Some(u64::from_le_bytes(bytes)))
    }

    fn put_derived(&mut self, key: &str, value: &[u8]) -> Result<(), StorageError> {
        self.derived
            .insert(key.as_bytes(), value)
            .map_err(|error| self.error(error))?;
        self.database.flush().map_err(|error| self.error(error))?;
        Ok(())
    }

    fn get_derived(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError> {
        let value = self
            .derived
            .get(key.as_bytes())
            .map_err(|error| self.error(error))?;
        Ok(value.map(|bytes| bytes.to_vec()))
    }
}

/// Joins consecutive parts of the same chunk while scanning.
struct ChunkAssembler<'a> {
    storage: &'a SledStorage,
    parts: std::iter::Peekable<sled::Iter>,
}

impl Iterator for ChunkAssembler<'_> {
    type Item = Result<StoredChunk, StorageError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (key, value) = match self.parts.next()? {
            Ok(entry) => entry,
            Err(error) => return Some(Err(self.storage.error(error))),
        };
        let first_seq = match first_seq_of(&key) {
            Ok(first_seq) => first_seq,
            Err(error) => return Some(Err(error)),
        };
        let mut framed_records = value.to_vec();
        while let Some(Ok((next_key, _))) = self.parts.peek() {
            if first_seq_of(next_key).ok() != Some(first_seq) {
                break;
            }
            if let Some(Ok((_, value))) = self.parts.next() {
                framed_records.extend_from_slice(&value);
            }
        }
        Some(Ok(StoredChunk {
            first_seq,
            framed_records,
        }))
    }
}
