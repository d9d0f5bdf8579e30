//! Saving a view in place from the byte ranges that changed, without the rest of its body.
//!
//! An approval rewrites the stations view's preamble and its directory at the end of the
//! body (a few hundred kilobytes of a national 38 MB view) and nothing between them. With
//! [`super::view_patch`] the caller reads the whole earlier body (every block checked), lays
//! out the whole new one and compares the two; here it names only the ranges it rewrites,
//! and only the blocks they touch are read, checked, patched and written. The failure
//! cases are those of [`super::view_patch`], step by step:
//!
//! 1. Checks, nothing written yet: the ranges are in order, inside the new body, and cover
//!    every byte past the earlier body's end; the file is the view the caller read (its
//!    header checksum is the one the caller was given with it), has as many blocks as the
//!    new body will, and is read by nobody (its lock is taken exclusively, without
//!    waiting); every block a range touches (and the last block, if the length changes)
//!    hashes to the checksum the header has for it. Any check that fails answers `None`:
//!    nothing was changed, and the caller saves the whole body instead.
//! 2. The patched blocks are written in place; 3. the file is cut or grown to the new
//!    length and the new header written. A crash or an I/O error in either leaves a header
//!    with a stale end mark or checksums that do not match: a view every reader refuses
//!    and rebuilds. An I/O error is given back (the view is not saved).
//!
//! The blocks no range touches are neither read nor checked here: their checksums are
//! carried over unchanged, so a block damaged on the medium still fails its own checksum
//! for the next reader.

use std::os::unix::fs::FileExt;
use std::path::Path;

use super::store_dir::io_error;
use super::view_file::{
    block_count, header_checksum, header_of, is_valid_view_name, view_path, EndMark,
    FIXED_HEADER_BYTES, MAX_VIEW_BYTES, VIEW_BLOCK_BYTES,
};
use super::view_patch::{header_table, open_unread};
use super::StorageError;

/// One changed range of a view's body: its offset and its new bytes.
pub type Change<'a> = (u64, &'a [u8]);

/// Saves view `name`, stamped with `mark`, as the body of the file whose header checksum
/// is `earlier_checksum` with `changes` written over it and its length set to
/// `new_length` (see the module docs). `Some(checksum)` of the new header when saved in
/// place; `None` when it could not be, and nothing was written.
pub fn write_view_ranges(
    directory: &Path,
    name: &str,
    mark: &EndMark,
    earlier_checksum: &[u8; 32],
    new_length: u64,
    changes: &[Change<'_>],
) -> Result<Option<[u8; 32]>, StorageError> {
    if !is_valid_view_name(name) || new_length > MAX_VIEW_BYTES || !in_order(changes, new_length) {
        return Ok(None);
    }
    let path = view_path(directory, name);
    let io = |error: std::io::Error| io_error(&path, &error.to_string());
    let Some(file) = open_unread(&path).map_err(io)? else {
        return Ok(None);
    };
    let Some((earlier_length, mut checksums)) =
        header_table(&file, earlier_checksum).map_err(io)?
    else {
        return Ok(None);
    };
    let same_blocks = block_count(new_length) == checksums.len() as u64;
    if !same_blocks || !covers_the_growth(changes, earlier_length, new_length) {
        return Ok(None);
    }
    let header_bytes = (FIXED_HEADER_BYTES + 32 * (checksums.len() + 1)) as u64;
    let lengths = Lengths {
        earlier: earlier_length,
        new: new_length,
    };
    let mut patched = Vec::new();
    for index in touched_blocks(changes, lengths) {
        let read =
            |offset: u64, buffer: &mut [u8]| file.read_exact_at(buffer, header_bytes + offset);
        let Some(block) = patched_block(index, lengths, changes, &checksums, read).map_err(io)?
        else {
            return Ok(None);
        };
        let checksum = *blake3::hash(&block).as_bytes();
        if checksum != checksums[index as usize] {
            checksums[index as usize] = checksum;
            patched.push((index, block));
        }
    }
    // Step 2: nothing has been written before this line.
    for (index, block) in &patched {
        file.write_all_at(block, header_bytes + index * VIEW_BLOCK_BYTES)
            .map_err(io)?;
    }
    // Step 3.
    file.set_len(header_bytes + new_length).map_err(io)?;
    let header = header_of(mark, new_length, &checksums);
    debug_assert_eq!(header.len() as u64, header_bytes);
    file.write_all_at(&header, 0).map_err(io)?;
    Ok(Some(header_checksum(&header)))
}

#[derive(Clone, Copy)]
struct Lengths {
    earlier: u64,
    new: u64,
}

/// Whether `changes` are sorted, do not overlap, are not empty ranges and end inside a
/// body of `length` bytes.
fn in_order(changes: &[Change<'_>], length: u64) -> bool {
    let mut next_free = 0u64;
    for (offset, bytes) in changes {
        let Some(end) = offset.checked_add(bytes.len() as u64) else {
            return false;
        };
        if bytes.is_empty() || *offset < next_free || end > length {
            return false;
        }
        next_free = end;
    }
    true
}

/// Whether every byte from `earlier` to `new` (the part a longer body gains) is inside a
/// change (`changes` in order).
fn covers_the_growth(changes: &[Change<'_>], earlier: u64, new: u64) -> bool {
    let mut covered_to = earlier;
    for (offset, bytes) in changes {
        if *offset <= covered_to {
            covered_to = covered_to.max(offset + bytes.len() as u64);
        }
    }
    covered_to >= new
}

/// The blocks the changes touch, and the last block if the length changes, in order.
fn touched_blocks(changes: &[Change<'_>], lengths: Lengths) -> Vec<u64> {
    let mut blocks: Vec<u64> = changes
        .iter()
        .flat_map(|(offset, bytes)| {
            let last = (offset + bytes.len() as u64 - 1) / VIEW_BLOCK_BYTES;
            offset / VIEW_BLOCK_BYTES..=last
        })
        .collect();
    if lengths.earlier != lengths.new && lengths.new > 0 {
        blocks.push((lengths.new - 1) / VIEW_BLOCK_BYTES);
    }
    blocks.sort_unstable();
    blocks.dedup();
    blocks
}

/// Block `index` of the new body: the earlier block read with `read(offset, buffer)` and
/// checked against its checksum, cut or grown to the new length, the changes written over
/// it. `None` if the earlier block does not hash to its checksum.
fn patched_block(
    index: u64,
    lengths: Lengths,
    changes: &[Change<'_>],
    checksums: &[[u8; 32]],
    read: impl Fn(u64, &mut [u8]) -> std::io::Result<()>,
) -> std::io::Result<Option<Vec<u8>>> {
    let start = index * VIEW_BLOCK_BYTES;
    let earlier_end = (start + VIEW_BLOCK_BYTES).min(lengths.earlier);
    let mut block = vec![0u8; earlier_end.saturating_sub(start) as usize];
    read(start, &mut block)?;
    if blake3::hash(&block).as_bytes() != &checksums[index as usize] {
        return Ok(None);
    }
    let new_end = (start + VIEW_BLOCK_BYTES).min(lengths.new);
    block.resize(new_end.saturating_sub(start) as usize, 0);
    for (offset, bytes) in changes {
        let from = (*offset).max(start);
        let to = (offset + bytes.len() as u64).min(new_end);
        if from < to {
            let source = &bytes[(from - offset) as usize..(to - offset) as usize];
            block[(from - start) as usize..(to - start) as usize].copy_from_slice(source);
        }
    }
    Ok(Some(block))
}

#[cfg(test)]
#[path = "view_ranges_tests.rs"]
mod tests;
