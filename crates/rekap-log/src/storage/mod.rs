//! Where the log's bytes live. The log hands storage whole *chunks*: the framed records of
//! one append batch, keyed by the sequence number of their first record. A chunk is written
//! atomically and durably, together with the authors' new counters, or not at all.
//!
//! Layout was chosen by measurement (docs/PERFORMANCE.md): one key per batch instead of one
//! key per record, so that a bulk import is a handful of large sequential writes and a scan
//! reads a few large values.

pub mod chunk;
pub mod last_record;
pub mod locate;
pub mod mapped;
pub mod memory;
pub mod quarantine;
pub mod segment;
pub mod segment_reader;
#[cfg(feature = "sled")]
pub mod sled_store;
pub mod store_dir;
pub mod view_file;
pub mod view_patch;
pub mod view_ranges;
mod writer_lock;

use std::collections::BTreeMap;

use crate::record::PublicKey;

/// One append batch, ready to be made durable.
pub struct ChunkWrite<'a> {
    /// Sequence number of the first record in `framed_records`.
    pub first_seq: u64,
    /// Number of records in the chunk.
    pub record_count: u64,
    /// The records, framed (see [`crate::frame`]).
    pub framed_records: &'a [u8],
    /// Each author's last counter after this batch.
    pub author_counters: &'a [(PublicKey, u64)],
}

/// A stored chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredChunk {
    pub first_seq: u64,
    pub framed_records: Vec<u8>,
}

/// Storage errors.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("store {path} is locked by another process")]
    Locked { path: String },
    #[error("store {path}: {reason}")]
    Io { path: String, reason: String },
    #[error("store is corrupt: {0}")]
    Corrupt(String),
    /// Bytes of the log that no crash leaves, or an incomplete append seen by a reader.
    #[error("store {path} is damaged: byte {offset} of log.segment: {reason}")]
    Damaged {
        path: String,
        offset: u64,
        reason: String,
    },
    #[error("injected fault: {0}")]
    InjectedFault(String),
}

/// Why `path` cannot be opened as a store whose marker reads `expected`: no marker at all,
/// or the marker of another store format (stores written by an earlier rekap).
pub(crate) fn not_a_store(path: &std::path::Path, expected: &str) -> StorageError {
    let marker = std::fs::read_to_string(path.join(store_dir::MARKER_FILE)).ok();
    let format_of = |marker: &str| {
        marker
            .trim_end()
            .strip_prefix("rekap store, format ")
            .map(str::to_owned)
    };
    let reason = match (marker.as_deref().and_then(format_of), format_of(expected)) {
        (Some(found), Some(wanted)) => format!(
            "is a rekap store of format {found}; this rekap reads format {wanted}. Export its \
             log with the rekap that wrote it (`rekap export`); this one verifies and audits \
             the export (`rekap verify --log`, `rekap audit --log`)"
        ),
        _ => {
            "is not a rekap store (no REKAP_STORE marker); create one with `rekap init`".to_owned()
        }
    };
    store_dir::io_error(path, &reason)
}

/// The storage a [`crate::Log`] runs on. `Sync`: a replay reads the log on one thread while
/// it decides on another (rekap-ledger's `replay.rs`).
pub trait Storage: Sync {
    /// Makes the chunk and the counters durable, all or nothing, before returning Ok.
    fn append_chunk(&mut self, chunk: ChunkWrite<'_>) -> Result<(), StorageError>;

    /// What a read-only open found after the last committed chunk, if anything: such a
    /// storage must not be believed to hold the whole log.
    fn tail_damage(&self) -> Option<StorageError> {
        None
    }

    /// The chunk with the highest first sequence number.
    fn last_chunk(&self) -> Result<Option<StoredChunk>, StorageError>;

    /// The chunk that holds record `seq`: the one with the greatest first_seq <= seq.
    fn chunk_containing(&self, seq: u64) -> Result<Option<StoredChunk>, StorageError>;

    /// Chunks in order, starting with the one that holds `seq`.
    fn chunks_from(
        &self,
        seq: u64,
    ) -> Box<dyn Iterator<Item = Result<StoredChunk, StorageError>> + '_>;

    /// The last counter stored for `author`.
    fn author_counter(&self, author: &PublicKey) -> Result<Option<u64>, StorageError>;

    /// Takes each author's last counter from a caller that has just read every record the
    /// storage holds ([`crate::Log::seed_counters`] checks that), so that the first append
    /// need not read the whole log again to find them. A storage that keeps its counters
    /// durably, or has found them already, ignores it.
    fn seed_counters(&mut self, _counters: BTreeMap<PublicKey, u64>) {}

    /// Every author's last counter, if this storage holds them all in memory already
    /// (loaded, seeded or kept since it was opened): what a saved authority state records so
    /// that the next process can seed them without reading the log. `None`: not at hand.
    fn known_counters(&self) -> Option<BTreeMap<PublicKey, u64>> {
        None
    }

    /// Derived, rebuildable key-values: never the source of truth.
    fn put_derived(&mut self, key: &str, value: &[u8]) -> Result<(), StorageError>;

    /// Reads derived state written by [`Storage::put_derived`].
    fn get_derived(&self, key: &str) -> Result<Option<Vec<u8>>, StorageError>;

    /// Saves `body` as view `name`: derived state valid exactly while the log ends where it
    /// ends now. The default keeps it with the derived state; a segment store writes a file
    /// that readers check without opening the store (see [`view_file`]).
    fn put_view(&mut self, name: &str, body: &[u8]) -> Result<(), StorageError> {
        self.put_derived(&format!("view/{name}"), body)
    }

    /// Saves each `(name, body)` as [`Storage::put_view`] would, the views independent of
    /// each other: a segment store writes their files at once, each on its own thread (a
    /// national import's stations and history views are 37 and 35 MB, each made durable
    /// before it is renamed into place). Every view that could be saved is saved; the
    /// error is the first view's that could not. The default saves them in turn.
    fn put_views(&mut self, views: &[(&str, &[u8])]) -> Result<(), StorageError> {
        let mut first_error = None;
        for (name, body) in views {
            if let Err(error) = self.put_view(name, body) {
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Saves `body` as view `name` over `earlier`, the body this storage last gave or saved
    /// for it (by [`Storage::get_view`], [`Storage::get_view_of_any_head`] or a save): a
    /// segment store writes only the blocks that changed when it can ([`view_patch`]). The
    /// default saves it whole.
    fn put_view_over(
        &mut self,
        name: &str,
        earlier: &[u8],
        body: &[u8],
    ) -> Result<(), StorageError> {
        let _ = earlier;
        self.put_view(name, body)
    }

    /// Saves view `name` in place as the body of the view file whose header checksum is
    /// `earlier_checksum` (a [`view_file::ViewReader`] of it gave it) with `changes`
    /// written over it and `new_length` bytes long, reading and writing only the blocks the
    /// changes touch ([`view_ranges`]): the new header's checksum. `None` when this storage
    /// cannot: it keeps no view files, or the file is another, being read or of another
    /// block count. Nothing was written then; save the whole body instead.
    fn put_view_ranges(
        &mut self,
        name: &str,
        earlier_checksum: &[u8; 32],
        new_length: u64,
        changes: &[view_ranges::Change<'_>],
    ) -> Result<Option<[u8; 32]>, StorageError> {
        let _ = (name, earlier_checksum, new_length, changes);
        Ok(None)
    }

    /// Where the records `seqs` (sorted, distinct) are in the store's one file, for views
    /// that point into the log; `None`: this storage has no such file.
    fn record_locations(
        &self,
        _seqs: &[u64],
    ) -> Result<Option<Vec<locate::RecordLocation>>, StorageError> {
        Ok(None)
    }

    /// Where the transparency tree's node files live ([`crate::tree`]); `None`: the tree
    /// is computed in memory when asked for.
    fn tree_directory(&self) -> Option<std::path::PathBuf> {
        None
    }

    /// The body of view `name`. A store that can tell checks that the log has not changed
    /// since (the segment store); otherwise the caller checks the head the body names.
    fn get_view(&self, name: &str) -> Result<Option<Vec<u8>>, StorageError> {
        self.get_derived(&format!("view/{name}"))
    }

    /// View `name` as last saved, whatever the log has had appended since, to read lazily
    /// (block by block, each checked); `None` when this storage keeps no view files.
    fn view_reader_of_any_head(
        &self,
        _name: &str,
    ) -> Result<Option<view_file::ViewReader>, StorageError> {
        Ok(None)
    }

    /// The body of view `name` as last saved, whatever the log has had appended since
    /// (intact, but not checked against the log: for a view that can be brought forward,
    /// which checks the head the body names itself).
    fn get_view_of_any_head(&self, name: &str) -> Result<Option<Vec<u8>>, StorageError> {
        self.get_derived(&format!("view/{name}"))
    }
}
