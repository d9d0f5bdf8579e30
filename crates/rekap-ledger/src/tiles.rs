//! The log as a C2SP tlog-tiles tree (docs/FORMAT.md, "Tile tree"): the bytes of
//! `checkpoint`, of every hash tile `tile/<L>/<N>[.p/<W>]`, entry bundle
//! `tile/entries/<N>[.p/<W>]` and record bundle `records/<N>[.p/<W>]`, from a log and its
//! tree. No file is read or written here but the log's own: `rekap publish` writes these
//! bytes to a directory, `rekap serve` answers them under `/tlog/`, `verify --tiles` parses
//! them with the `parse_*` functions.
//!
//! Every resource is answered for the size of a signed checkpoint, never beyond it, so a
//! reader who holds that checkpoint finds every tile it names and nothing it cannot verify.

use rekap_log::frame::{push_frame, Frames};
use rekap_log::storage::StoredChunk;
use rekap_log::{LogError, Storage, StorageError};
use rekap_tlog::tile_path::{changed_tiles, TilePath, TilePathError};
use rekap_tlog::{hash_from_slice, Hash, Tree, TreeError, TILE_WIDTH};

use crate::checkpoints::SignedCheckpoint;

/// The path of the signed checkpoint in a tile tree.
pub const CHECKPOINT_PATH: &str = "checkpoint";
/// The first element of a record bundle's path.
pub const RECORDS_PREFIX: &str = "records/";
const ENTRIES_PREFIX: &str = "tile/entries/";
/// Bytes of an entry in an entry bundle: a big-endian u16 length (32), then the entry.
const ENTRY_BYTES: usize = 2 + 32;

/// One resource of a tile tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Resource {
    /// The signed checkpoint (`checkpoint`).
    Checkpoint,
    /// A hash tile or an entry bundle (`tile/...`).
    Tile(TilePath),
    /// The framed records of entries `[256 index, 256 index + width)`, i.e. of seqs
    /// `256 index + 1` on (`records/<N>[.p/<W>]`).
    Records {
        /// The bundle's index (that of the level-0 tile over the same entries).
        index: u64,
        /// Records in the bundle, 1 to 256.
        width: u16,
    },
}

/// Why a resource could not be given or parsed.
#[derive(Debug, thiserror::Error)]
pub enum TilesError {
    #[error(transparent)]
    BadPath(#[from] TilePathError),
    #[error("{path:?} is not in the tile tree of size {size}")]
    NotFound { path: String, size: u64 },
    #[error("{path}: {reason}")]
    Malformed { path: String, reason: String },
    #[error("the log holds fewer records than the checkpoint of size {size}")]
    LogTooShort { size: u64 },
    #[error(transparent)]
    Tree(#[from] TreeError),
    #[error(transparent)]
    Log(#[from] LogError),
}

impl Resource {
    /// Parses a path relative to the tile root, refusing every non-canonical spelling.
    pub fn parse(path: &str) -> Result<Resource, TilesError> {
        if path == CHECKPOINT_PATH {
            return Ok(Resource::Checkpoint);
        }
        if let Some(rest) = path.strip_prefix(RECORDS_PREFIX) {
            // The same index scheme as an entry bundle's, under another first element.
            return match TilePath::parse(&format!("{ENTRIES_PREFIX}{rest}")) {
                Ok(TilePath::Entries { index, width }) => Ok(Resource::Records { index, width }),
                _ => Err(TilePathError {
                    path: path.to_owned(),
                    reason: "not records/<N>[.p/<W>] in the tlog-tiles index scheme",
                }
                .into()),
            };
        }
        Ok(Resource::Tile(TilePath::parse(path)?))
    }

    /// The path relative to the tile root.
    pub fn to_path(&self) -> String {
        match *self {
            Resource::Checkpoint => CHECKPOINT_PATH.to_owned(),
            Resource::Tile(tile) => tile.to_path(),
            Resource::Records { index, width } => {
                let entries = TilePath::Entries { index, width }.to_path();
                format!("{RECORDS_PREFIX}{}", &entries[ENTRIES_PREFIX.len()..])
            }
        }
    }

    /// A partial tile or bundle (width below 256): a full one replaces it as the log grows.
    pub fn is_partial(&self) -> bool {
        let width = match *self {
            Resource::Checkpoint => return false,
            Resource::Tile(TilePath::Hashes { width, .. } | TilePath::Entries { width, .. }) => {
                width
            }
            Resource::Records { width, .. } => width,
        };
        u64::from(width) < TILE_WIDTH
    }
}

/// The bytes of `resource` in the tile tree of `checkpoint` (whose size `tree` and `log`
/// must reach). A partial tile narrower than the tree's edge is answered too (a reader of an
/// older checkpoint asks for it); anything past the checkpoint is [`TilesError::NotFound`].
pub fn read<S: Storage>(
    log: &rekap_log::Log<S>,
    tree: &Tree,
    checkpoint: &SignedCheckpoint,
    resource: &Resource,
) -> Result<Vec<u8>, TilesError> {
    let size = checkpoint.checkpoint.size;
    let not_found = || TilesError::NotFound {
        path: resource.to_path(),
        size,
    };
    match *resource {
        Resource::Checkpoint => Ok(checkpoint.note.clone().into_bytes()),
        Resource::Tile(TilePath::Hashes {
            level,
            index,
            width,
        }) => {
            let tile = tree.tile(level, index, size).map_err(|_| not_found())?;
            let hashes = tile.get(..usize::from(width)).ok_or_else(not_found)?;
            Ok(hashes.concat())
        }
        Resource::Tile(TilePath::Entries { .. }) | Resource::Records { .. } => {
            read_bundle(resource, size, |seq| log.storage().chunks_from(seq))
        }
    }
}

/// The bytes of an entry or record bundle of the tree of `size`, from the stored chunks
/// `chunks_from(seq)` gives from the one holding `seq` on: a log's storage, or a reader
/// beside the writer (`rekap_log::storage::segment_reader`), which must hold `size`
/// records. Any other resource is [`TilesError::NotFound`].
pub fn read_bundle<I>(
    resource: &Resource,
    size: u64,
    chunks_from: impl FnOnce(u64) -> I,
) -> Result<Vec<u8>, TilesError>
where
    I: IntoIterator<Item = Result<StoredChunk, StorageError>>,
{
    let not_found = || TilesError::NotFound {
        path: resource.to_path(),
        size,
    };
    let (index, width, entries) = match *resource {
        Resource::Tile(TilePath::Entries { index, width }) => (index, width, true),
        Resource::Records { index, width } => (index, width, false),
        _ => return Err(not_found()),
    };
    let first = bundle_start(index, width, size).ok_or_else(not_found)?;
    let mut bytes = Vec::new();
    let chunks = chunks_from(first + 1);
    for_each_record(chunks, first, u64::from(width), |record| {
        push_bundle_item(&mut bytes, record, entries);
    })?;
    Ok(bytes)
}

/// The entry index a bundle of `width` at `index` starts with, if the tree of `size` holds
/// all of it.
fn bundle_start(index: u64, width: u16, size: u64) -> Option<u64> {
    let first = index.checked_mul(TILE_WIDTH)?;
    (first.checked_add(u64::from(width))? <= size).then_some(first)
}

/// Appends a record to an entry bundle (its hash, the last 32 bytes of the record) or to a
/// record bundle (its frame).
fn push_bundle_item(bundle: &mut Vec<u8>, record: &[u8], entries: bool) {
    if entries {
        bundle.extend_from_slice(&32u16.to_be_bytes());
        bundle.extend_from_slice(&record[record.len().saturating_sub(32)..]);
    } else {
        push_frame(bundle, record);
    }
}

/// Calls `visit` with the canonical bytes of the records of entries `[first, first + count)`
/// (seqs `first + 1` on), in order, reading the log's chunks once.
/// `chunks` must start with the chunk holding seq `first + 1`.
fn for_each_record(
    chunks: impl IntoIterator<Item = Result<StoredChunk, StorageError>>,
    first: u64,
    count: u64,
    mut visit: impl FnMut(&[u8]),
) -> Result<(), TilesError> {
    if count == 0 {
        return Ok(());
    }
    let (first_seq, end_seq) = (first + 1, first + 1 + count);
    let mut next_seq = first_seq;
    for chunk in chunks {
        let chunk = chunk.map_err(LogError::from)?;
        for (seq, frame) in (chunk.first_seq..).zip(Frames::new(&chunk.framed_records)) {
            if seq < next_seq {
                continue;
            }
            if seq >= end_seq {
                return Ok(());
            }
            let record = frame.map_err(|error| LogError::Corrupt {
                seq,
                reason: error.to_string(),
            })?;
            visit(record);
            next_seq = seq + 1;
        }
        if next_seq >= end_seq {
            return Ok(());
        }
    }
    Err(TilesError::LogTooShort {
        size: end_seq.saturating_sub(1),
    })
}

/// Every resource the tile tree of size `new` has and that of size `old` has not with the
/// same bytes, checkpoint last: what `rekap publish` writes to go from `old` to `new`.
pub fn changed(old: u64, new: u64) -> Vec<Resource> {
    let mut resources = Vec::new();
    for tile in changed_tiles(old, new) {
        resources.push(Resource::Tile(tile));
        if let TilePath::Hashes {
            level: 0,
            index,
            width,
        } = tile
        {
            resources.push(Resource::Tile(TilePath::Entries { index, width }));
            resources.push(Resource::Records { index, width });
        }
    }
    resources.push(Resource::Checkpoint);
    resources
}

/// Calls `visit` with each resource of [`changed`]`(old, checkpoint size)` and its bytes:
/// hash tiles, then bundles, the checkpoint last. Reads the log once from the first changed
/// bundle: the streaming form of [`read`] for a whole tree.
pub fn for_each_changed<S: Storage, E: From<TilesError>>(
    log: &rekap_log::Log<S>,
    tree: &Tree,
    checkpoint: &SignedCheckpoint,
    old: u64,
    mut visit: impl FnMut(&Resource, &[u8]) -> Result<(), E>,
) -> Result<(), E> {
    let size = checkpoint.checkpoint.size;
    for resource in changed(old, size) {
        if let Resource::Tile(TilePath::Hashes { .. }) = resource {
            visit(&resource, &read(log, tree, checkpoint, &resource)?)?;
        }
    }
    // Unchanged bundles are not read again; the one `old` left partial is.
    let first = if old >= size {
        size
    } else {
        (old / TILE_WIDTH) * TILE_WIDTH
    };
    let (mut entries, mut records) = (Vec::new(), Vec::new());
    let mut outcome = Ok(());
    let mut next = first;
    let chunks = log.storage().chunks_from(first + 1);
    for_each_record(chunks, first, size - first, |record| {
        if outcome.is_err() {
            return;
        }
        push_bundle_item(&mut entries, record, true);
        push_bundle_item(&mut records, record, false);
        next += 1;
        if next % TILE_WIDTH == 0 || next == size {
            let index = (next - 1) / TILE_WIDTH;
            let width = (next - index * TILE_WIDTH) as u16;
            outcome = visit(
                &Resource::Tile(TilePath::Entries { index, width }),
                &entries,
            )
            .and_then(|()| visit(&Resource::Records { index, width }, &records));
            entries.clear();
            records.clear();
        }
    })?;
    outcome?;
    visit(&Resource::Checkpoint, checkpoint.note.as_bytes())
}

/// The hashes of a hash tile of `width`, checked to be exactly that many.
pub fn parse_hash_tile(path: &str, bytes: &[u8], width: u16) -> Result<Vec<Hash>, TilesError> {
    if bytes.len() != usize::from(width) * 32 {
        return Err(malformed(
            path,
            format!("{} bytes, not {} hashes of 32", bytes.len(), width),
        ));
    }
    Ok(bytes
        .chunks_exact(32)
        .filter_map(|hash| hash_from_slice(hash).ok())
        .collect())
}

/// The entries of an entry bundle of `width`: each a big-endian u16 length that must be 32,
/// then the 32-byte entry (a record's blake3 hash).
pub fn parse_entry_bundle(path: &str, bytes: &[u8], width: u16) -> Result<Vec<Hash>, TilesError> {
    if bytes.len() != usize::from(width) * ENTRY_BYTES {
        return Err(malformed(
            path,
            format!(
                "{} bytes, not {width} entries of {ENTRY_BYTES}",
                bytes.len()
            ),
        ));
    }
    let mut entries = Vec::new();
    for (position, item) in bytes.chunks_exact(ENTRY_BYTES).enumerate() {
        if item[..2] != 32u16.to_be_bytes() {
            return Err(malformed(
                path,
                format!("entry {position}: its length is not 32"),
            ));
        }
        entries
            .push(hash_from_slice(&item[2..]).map_err(|error| malformed(path, error.to_string()))?);
    }
    Ok(entries)
}

/// The records of a record bundle of `width`: exactly `width` frames (u32 little-endian
/// length, then the record's canonical bytes), nothing after them.
pub fn parse_record_bundle<'a>(
    path: &str,
    bytes: &'a [u8],
    width: u16,
) -> Result<Vec<&'a [u8]>, TilesError> {
    let mut records = Vec::new();
    for frame in Frames::new(bytes) {
        let record =
            frame.map_err(|error| malformed(path, format!("frame {}: {error}", records.len())))?;
        records.push(record);
    }
    if records.len() != usize::from(width) {
        return Err(malformed(
            path,
            format!("{} records, not {width}", records.len()),
        ));
    }
    Ok(records)
}

fn malformed(path: &str, reason: String) -> TilesError {
    TilesError::Malformed {
        path: path.to_owned(),
        reason,
    }
}
