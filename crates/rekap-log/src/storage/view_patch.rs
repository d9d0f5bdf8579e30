//! Saving a view over the one saved before it by writing only the blocks that changed.
//!
//! One `approve` or `correct` changes a few lines and the directory of a national totals view
//! (14 MB) and stations view (38 MB). Saving them whole (`view_file::write_view`: a new file,
//! fsynced, renamed) writes 52 MB for a few hundred changed bytes. Here the 16 KiB blocks
//! that differ from the earlier body are written where they are, then the header with their
//! new checksums and the new end mark. The header stays the same size only while the block
//! count does, so a body that gains or loses a block is saved whole.
//!
//! Failure cases, step by step:
//! 1. Checks, nothing written yet: the file must be the view the caller read (its header
//!    checksum is the one the caller recorded when it read or wrote it, and every changed
//!    block of `earlier` hashes to the checksum the file has for it), have as many blocks as
//!    the new body, and be read by nobody (its lock is taken exclusively, without waiting).
//!    Any check that fails means a whole save instead; nothing was changed.
//! 2. The changed blocks are written in place. A crash or an I/O error here leaves the old
//!    header, whose end mark is stale (the log was appended, durably, before any view is
//!    saved) and whose checksums no longer match the written blocks: a stale or damaged
//!    view, which every reader only rebuilds. After an I/O error the view is saved whole.
//! 3. The file is cut or grown to the new body's length, then the new header is written.
//!    A torn header fails its own checksum; a header written before some of the blocks
//!    reached the disk fails theirs. Either is a damaged view, rebuilt, never believed.
//!
//! No fsync: every outcome of a crash is a view that readers refuse (and rebuild), or the
//! new one, so the order in which the pages reach the disk does not matter. (A whole save
//! keeps its fsync: a renamed file must not turn out empty where an old view was.)
//!
//! Readers that do not hold the store's lock hold a shared lock on the view file while they
//! read it (`ViewReader`), so a save in place never changes bytes under a reader; a view
//! being read is saved whole instead, and the reader keeps reading the old file.

use std::fs::{File, OpenOptions, TryLockError};
use std::os::unix::fs::FileExt;
use std::path::Path;

use super::view_file::{
    block_count, header_checksum, header_of, is_valid_view_name, view_path, write_view, EndMark,
    FIXED_HEADER_BYTES, MAX_VIEW_BYTES, VIEW_BLOCK_BYTES, VIEW_MAGIC,
};
use super::StorageError;

/// How view `name` was saved by [`write_view_over`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    /// The changed blocks (this many) and the header, in place.
    InPlace { blocks_written: u64 },
    /// A new file renamed over the old one.
    Whole,
}

/// Saves `body` as view `name` stamped with `mark`, over the file that holds `earlier` (the
/// body read or written before, whose header checksum was `earlier_checksum`): in place
/// when it can (see the module docs), else whole. Gives the new header's checksum.
pub fn write_view_over(
    directory: &Path,
    name: &str,
    mark: &EndMark,
    earlier_checksum: &[u8; 32],
    earlier: &[u8],
    body: &[u8],
) -> Result<([u8; 32], Saved), StorageError> {
    let path = view_path(directory, name);
    match patch_in_place(&path, name, mark, earlier_checksum, earlier, body) {
        Ok(Some((checksum, blocks_written))) => Ok((checksum, Saved::InPlace { blocks_written })),
        // Refused before anything was written, or failed while writing: a whole save
        // replaces whatever the file holds now.
        Ok(None) | Err(_) => Ok((write_view(directory, name, mark, body)?, Saved::Whole)),
    }
}

/// Step 1 to 3 of the module docs. `Ok(None)`: a check failed and nothing was written.
fn patch_in_place(
    path: &Path,
    name: &str,
    mark: &EndMark,
    earlier_checksum: &[u8; 32],
    earlier: &[u8],
    body: &[u8],
) -> std::io::Result<Option<([u8; 32], u64)>> {
    let blocks = block_count(body.len() as u64);
    if !is_valid_view_name(name)
        || body.len() as u64 > MAX_VIEW_BYTES
        || blocks != block_count(earlier.len() as u64)
    {
        return Ok(None);
    }
    let Some(file) = open_unread(path)? else {
        return Ok(None);
    };
    let Some(mut checksums) = earlier_checksums(&file, earlier, earlier_checksum)? else {
        return Ok(None);
    };
    let header_bytes = (FIXED_HEADER_BYTES + 32 * (checksums.len() + 1)) as u64;
    let changed = changed_blocks(earlier, body, &mut checksums);
    let Some(changed) = changed else {
        return Ok(None);
    };
    // Step 2: nothing has been written before this line.
    for block in &changed {
        let start = *block as usize * VIEW_BLOCK_BYTES as usize;
        let end = (start + VIEW_BLOCK_BYTES as usize).min(body.len());
        file.write_all_at(&body[start..end], header_bytes + start as u64)?;
    }
    // Step 3.
    file.set_len(header_bytes + body.len() as u64)?;
    let header = header_of(mark, body.len() as u64, &checksums);
    debug_assert_eq!(header.len() as u64, header_bytes);
    file.write_all_at(&header, 0)?;
    Ok(Some((header_checksum(&header), changed.len() as u64)))
}

/// The view file at `path` opened for writing and locked exclusively, if it exists and
/// nobody is reading it (a reader holds a shared lock: its bytes must not change under it).
pub(super) fn open_unread(path: &Path) -> std::io::Result<Option<File>> {
    let file = match OpenOptions::new().read(true).write(true).open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(error),
    };
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(TryLockError::WouldBlock) => Ok(None),
        Err(TryLockError::Error(error)) => Err(error),
    }
}

/// The block checksums of the view in `file`, if its header is intact, its checksum is
/// `expected` and its body is as long as `earlier`.
fn earlier_checksums(
    file: &File,
    earlier: &[u8],
    expected: &[u8; 32],
) -> std::io::Result<Option<Vec<[u8; 32]>>> {
    Ok(header_table(file, expected)?
        .filter(|(length, _)| *length == earlier.len() as u64)
        .map(|(_, checksums)| checksums))
}

/// The body length and block checksums of the view in `file`, if its header is intact, its
/// checksum is `expected` and the file is as long as the header says.
pub(super) fn header_table(
    file: &File,
    expected: &[u8; 32],
) -> std::io::Result<Option<(u64, Vec<[u8; 32]>)>> {
    let file_length = file.metadata()?.len();
    if file_length < FIXED_HEADER_BYTES as u64 {
        return Ok(None);
    }
    let mut fixed = [0u8; FIXED_HEADER_BYTES];
    file.read_exact_at(&mut fixed, 0)?;
    let mut length_field = [0u8; 8];
    length_field.copy_from_slice(&fixed[FIXED_HEADER_BYTES - 8..]);
    let length = u64::from_le_bytes(length_field);
    if length > MAX_VIEW_BYTES {
        return Ok(None);
    }
    let blocks = block_count(length) as usize;
    let header_bytes = FIXED_HEADER_BYTES + 32 * (blocks + 1);
    if file_length != header_bytes as u64 + length {
        return Ok(None);
    }
    let mut header = vec![0u8; header_bytes];
    file.read_exact_at(&mut header, 0)?;
    let (covered, claimed) = header.split_at(header_bytes - 32);
    if &covered[..8] != VIEW_MAGIC
        || claimed != expected
        || blake3::hash(covered).as_bytes() != claimed
    {
        return Ok(None);
    }
    let table = &covered[FIXED_HEADER_BYTES..];
    let checksums = (table.chunks_exact(32))
        .map(|checksum| checksum.try_into().unwrap_or([0; 32]))
        .collect();
    Ok(Some((length, checksums)))
}

/// The blocks of `body` that differ from `earlier`'s, their new checksums set in
/// `checksums`. `None` if a changed block of `earlier` does not hash to its checksum: the
/// file does not hold `earlier`.
fn changed_blocks(earlier: &[u8], body: &[u8], checksums: &mut [[u8; 32]]) -> Option<Vec<u64>> {
    let size = VIEW_BLOCK_BYTES as usize;
    let mut changed = Vec::new();
    for (index, checksum) in checksums.iter_mut().enumerate() {
        let range = |bytes: &[u8]| {
            let start = (index * size).min(bytes.len());
            start..(start + size).min(bytes.len())
        };
        let (old, new) = (&earlier[range(earlier)], &body[range(body)]);
        if old == new {
            continue;
        }
        if blake3::hash(old).as_bytes() != checksum {
            return None;
        }
        *checksum = *blake3::hash(new).as_bytes();
        changed.push(index as u64);
    }
    Some(changed)
}

#[cfg(test)]
#[path = "view_patch_tests.rs"]
pub(super) mod tests;
