//! The transparency tree over the log (docs/FORMAT.md, "Transparency log"): an RFC 6962
//! SHA-256 tree whose entry `i` is the 32-byte blake3 hash of record `i + 1` (sequence numbers
//! start at 1, tree indices at 0).
//!
//! The tree is derived state. An appending store keeps its nodes in `tree/` (see
//! [`rekap_tlog::files`]), updated after each durable append and never a reason for an append
//! to fail: an update that fails leaves the files stale, and the next append reconciles them.
//! Before the files are believed they are checked against the log: the tree's size must be
//! the record count and its last leaf the leaf of the head's hash; a tree that is a prefix of
//! the log is extended, anything else is rebuilt from the records. Reading commands never
//! write the files: they read them as they are, or compute the tree in memory.

use std::path::Path;

use rekap_tlog::files::TreeFiles;
use rekap_tlog::{leaf_hash, Tree};

use crate::error::LogError;
use crate::frame::Frames;
use crate::log::Head;
use crate::record::{Hash, RecordView};
use crate::storage::Storage;

/// The directory of the tree's node files inside a store directory.
pub const TREE_DIRECTORY: &str = "tree";

/// Whether `tree` is the tree of the log that ends at `head`.
pub fn matches_head(tree: &Tree, head: &Head) -> bool {
    if tree.size() != head.count {
        return false;
    }
    head.count == 0 || tree.leaf(head.count - 1).ok() == Some(leaf_hash(&head.last_hash))
}

/// The stored hash of every record from `first_seq` to `last_seq`, in order, to `visit`.
/// No chunk after the one holding `last_seq` is read: a tree of an earlier head than the
/// storage's end never reads the records appended since.
fn for_each_entry(
    storage: &impl Storage,
    first_seq: u64,
    last_seq: u64,
    mut visit: impl FnMut(&Hash),
) -> Result<(), LogError> {
    if first_seq > last_seq {
        return Ok(());
    }
    for chunk in storage.chunks_from(first_seq) {
        let chunk = chunk?;
        let frames = (chunk.first_seq..).zip(Frames::new(&chunk.framed_records));
        for (seq, frame) in frames {
            let record = frame
                .map_err(|error| error.to_string())
                .and_then(|bytes| RecordView::parse(bytes).map_err(|error| error.to_string()))
                .map_err(|reason| LogError::Corrupt { seq, reason })?;
            if seq >= first_seq {
                visit(record.hash);
            }
            if seq == last_seq {
                return Ok(());
            }
        }
    }
    Ok(())
}

/// The stored hash of record `seq`.
fn entry(storage: &impl Storage, seq: u64) -> Result<Option<Hash>, LogError> {
    let mut found = None;
    let Some(chunk) = storage.chunk_containing(seq)? else {
        return Ok(None);
    };
    let frames = (chunk.first_seq..).zip(Frames::new(&chunk.framed_records));
    for (at, frame) in frames {
        if at == seq {
            let bytes = frame.map_err(|error| LogError::Corrupt {
                seq,
                reason: error.to_string(),
            })?;
            let record = RecordView::parse(bytes).map_err(|error| LogError::Corrupt {
                seq,
                reason: error.to_string(),
            })?;
            found = Some(*record.hash);
        }
    }
    Ok(found)
}

/// The tree of the whole log, computed from its records.
pub fn rebuild(storage: &impl Storage, head: &Head) -> Result<Tree, LogError> {
    let mut tree = Tree::new();
    extend(storage, &mut tree, head)?;
    Ok(tree)
}

/// Appends the entries of the records the tree lacks.
fn extend(storage: &impl Storage, tree: &mut Tree, head: &Head) -> Result<(), LogError> {
    if tree.size() >= head.count {
        return Ok(());
    }
    let mut batch: Vec<[u8; 32]> = Vec::with_capacity(4096);
    let mut failure = None;
    for_each_entry(storage, tree.size() + 1, head.count, |hash| {
        batch.push(*hash);
        if batch.len() == batch.capacity() {
            tree.append(&batch);
            batch.clear();
        }
    })
    .unwrap_or_else(|error| failure = Some(error));
    if let Some(error) = failure {
        return Err(error);
    }
    tree.append(&batch);
    Ok(())
}

/// Makes a tree read from the files the tree of the log ending at `head`: cut back if it is
/// longer, checked at its last leaf, extended if it is a prefix; `None` if it is not a
/// prefix of the log (then rebuild).
fn reconcile(
    storage: &impl Storage,
    mut tree: Tree,
    head: &Head,
) -> Result<Option<Tree>, LogError> {
    if tree.size() > head.count {
        tree.truncate(head.count);
    }
    let size = tree.size();
    if size > 0 {
        let Some(last) = entry(storage, size)? else {
            return Ok(None);
        };
        if tree.leaf(size - 1).ok() != Some(leaf_hash(&last)) {
            return Ok(None);
        }
    }
    extend(storage, &mut tree, head)?;
    Ok(Some(tree))
}

/// The tree of the log ending at `head`, for a reader: the files in `directory` as they are
/// if they match the log (or are a prefix of it, then extended in memory), else computed from
/// the records. Writes nothing.
pub fn read(
    storage: &impl Storage,
    directory: Option<&Path>,
    head: &Head,
) -> Result<Tree, LogError> {
    if let Some(directory) = directory.filter(|directory| directory.is_dir()) {
        if let Ok((_, tree)) = TreeFiles::open(directory) {
            if let Some(tree) = reconcile(storage, tree, head)? {
                return Ok(tree);
            }
        }
    }
    rebuild(storage, head)
}

/// The node files of an appending store and the tree they hold, kept between appends so that
/// each append writes only its new hashes.
pub(crate) struct MaintainedTree {
    files: TreeFiles,
    tree: Tree,
}

impl MaintainedTree {
    /// Opens the files in `directory` and makes them the tree of the log ending at `head`.
    pub(crate) fn open(
        storage: &impl Storage,
        directory: &Path,
        head: &Head,
    ) -> Result<MaintainedTree, String> {
        let reconciled = match TreeFiles::open(directory) {
            Ok((files, tree)) => reconcile(storage, tree, head)
                .map_err(|error| error.to_string())?
                .map(|tree| (files, tree)),
            Err(_) => None,
        };
        let (files, tree) = match reconciled {
            Some(reconciled) => reconciled,
            None => {
                // Not the log's tree: the files are derived state, written anew from the
                // records (a save writes only past what is on disk, so they are removed).
                let tree = rebuild(storage, head).map_err(|error| error.to_string())?;
                std::fs::remove_dir_all(directory).map_err(|error| error.to_string())?;
                let (files, _) = TreeFiles::open(directory).map_err(|error| error.to_string())?;
                (files, tree)
            }
        };
        let mut maintained = MaintainedTree { files, tree };
        maintained.save()?;
        Ok(maintained)
    }

    /// Appends the entries of records just made durable; they must follow the tree's last.
    pub(crate) fn append(&mut self, first_seq: u64, entries: &[[u8; 32]]) -> Result<(), String> {
        if first_seq != self.tree.size() + 1 {
            return Err(format!(
                "the tree has {} entries but the batch starts at record {first_seq}",
                self.tree.size()
            ));
        }
        self.tree.append(entries);
        self.save()
    }

    /// Writes the new hashes. Not fsynced: the files are checked against the log when next
    /// opened, and a torn or missing hash is recomputed.
    fn save(&mut self) -> Result<(), String> {
        self.files
            .save(&self.tree, false)
            .map_err(|error| error.to_string())
    }

    pub(crate) fn tree(&self) -> &Tree {
        &self.tree
    }
}
