//! View files: derived state that a reader answers from without opening the store.
//!
//! A view (e.g. the totals of every region at the head) is saved as a plain file beside the
//! segment file, stamped with the segment file's *end mark*: its length and its last chunk's
//! header. The segment file is append-only and a chunk header carries the blake3 of its
//! records, so while the file still has that length and ends with that header, the log is
//! the one the view was computed from. Checking that costs one `stat` and one 92-byte read;
//! no lock, no sled, no replay. The moment anything is appended (even an unacknowledged,
//! torn write) the mark no longer matches and readers fall back to opening the store.
//!
//! The body is checksummed in blocks, so that a reader can take a few rows out of a
//! national view (10 MB) by reading and hashing a few blocks, not the whole file.
//!
//! File layout (`<name>.view`), integers little-endian:
//!
//! | bytes | field |
//! |---|---|
//! | 8 | magic `RKVIEW03` |
//! | 8 | segment file length at saving |
//! | 8 | byte offset of the last chunk's header (0 for an empty log) |
//! | 92 | the last chunk's header, copied (zeros for an empty log) |
//! | 8 | body length n |
//! | 32 × ceil(n / 16384) | blake3 of each 16 KiB block of the body (the last may be shorter) |
//! | 32 | blake3 of everything above |
//! | n | body (owned by the caller; rekap-ledger's totals view) |
//!
//! Failure cases of saving: the file is written as `<name>.view.tmp`, fsynced, renamed over
//! `<name>.view`, and the directory fsynced. A crash leaves the old view or the new one,
//! never half of one; a leftover `.tmp` is overwritten by the next save (a save over the
//! view read before it writes only its changed blocks: `super::view_patch`). A view is derived
//! state: a missing, stale or damaged view is only ever a reason to recompute it.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use super::store_dir::io_error;
use super::StorageError;

pub(super) const VIEW_MAGIC: &[u8; 8] = b"RKVIEW03";
/// Bytes of a chunk header in the segment file.
pub(crate) const CHUNK_HEADER_BYTES: usize = super::chunk::HEADER_BYTES;
/// Magic, end mark, body length.
pub(super) const FIXED_HEADER_BYTES: usize = 8 + 8 + 8 + CHUNK_HEADER_BYTES + 8;
/// Bytes of the body one checksum covers.
pub const VIEW_BLOCK_BYTES: u64 = 16 * 1024;
/// Largest view body: far above a national totals view (about 10 MB), and a bound on what
/// a damaged length field can make a reader allocate.
pub const MAX_VIEW_BYTES: u64 = 1 << 30;

/// Where the segment file ends: enough to tell, cheaply, whether anything was appended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EndMark {
    pub segment_length: u64,
    pub last_header_offset: u64,
    pub last_header: [u8; CHUNK_HEADER_BYTES],
}

impl EndMark {
    /// The mark of an empty segment file.
    pub const EMPTY: EndMark = EndMark {
        segment_length: 0,
        last_header_offset: 0,
        last_header: [0; CHUNK_HEADER_BYTES],
    };

    /// Whether `segment` still ends where `self` says.
    pub fn still_matches(&self, segment: &File) -> std::io::Result<bool> {
        if segment.metadata()?.len() != self.segment_length {
            return Ok(false);
        }
        if self.segment_length == 0 {
            return Ok(true);
        }
        let mut header = [0u8; CHUNK_HEADER_BYTES];
        segment.read_exact_at(&mut header, self.last_header_offset)?;
        Ok(header == self.last_header)
    }
}

/// The path of view `name` in store directory `directory`.
pub(super) fn view_path(directory: &Path, name: &str) -> PathBuf {
    directory.join(format!("{name}.view"))
}

/// View names are file names: short, lowercase ASCII letters, digits and `-`.
pub fn is_valid_view_name(name: &str) -> bool {
    (1..=32).contains(&name.len())
        && name
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
}

pub(super) fn block_count(body_length: u64) -> u64 {
    body_length.div_ceil(VIEW_BLOCK_BYTES)
}

/// The header and checksum table of a view with `body`, stamped with `mark`.
fn view_header(mark: &EndMark, body: &[u8]) -> Vec<u8> {
    let checksums: Vec<[u8; 32]> = (body.chunks(VIEW_BLOCK_BYTES as usize))
        .map(|block| *blake3::hash(block).as_bytes())
        .collect();
    header_of(mark, body.len() as u64, &checksums)
}

/// The header of a view whose body is `body_length` bytes with the blocks' `checksums`,
/// stamped with `mark`, its own checksum last.
pub(super) fn header_of(mark: &EndMark, body_length: u64, checksums: &[[u8; 32]]) -> Vec<u8> {
    debug_assert_eq!(checksums.len() as u64, block_count(body_length));
    let mut header = Vec::with_capacity(FIXED_HEADER_BYTES + 32 * (checksums.len() + 1));
    header.extend_from_slice(VIEW_MAGIC);
    header.extend_from_slice(&mark.segment_length.to_le_bytes());
    header.extend_from_slice(&mark.last_header_offset.to_le_bytes());
    header.extend_from_slice(&mark.last_header);
    header.extend_from_slice(&body_length.to_le_bytes());
    for checksum in checksums {
        header.extend_from_slice(checksum);
    }
    let checksum = blake3::hash(&header);
    header.extend_from_slice(checksum.as_bytes());
    header
}

/// Saves `body` as view `name`, stamped with `mark` (see the module docs for the steps).
/// Gives the checksum of the header written ([`ViewReader::header_checksum`]).
pub fn write_view(
    directory: &Path,
    name: &str,
    mark: &EndMark,
    body: &[u8],
) -> Result<[u8; 32], StorageError> {
    if !is_valid_view_name(name) || body.len() as u64 > MAX_VIEW_BYTES {
        return Err(io_error(
            directory,
            &format!("cannot save view {name:?}: invalid name or too large"),
        ));
    }
    let header = view_header(mark, body);
    let path = view_path(directory, name);
    let temporary = path.with_extension("view.tmp");
    let io = |error: std::io::Error| io_error(&path, &error.to_string());
    let mut file = File::create(&temporary).map_err(io)?;
    file.write_all(&header).map_err(io)?;
    file.write_all(body).map_err(io)?;
    file.sync_all().map_err(io)?;
    fs::rename(&temporary, &path).map_err(io)?;
    File::open(directory)
        .and_then(|directory| directory.sync_all())
        .map_err(io)?;
    Ok(header_checksum(&header))
}

/// The last 32 bytes of a view header: the checksum of everything before them, and so of
/// every block's checksum.
pub(super) fn header_checksum(header: &[u8]) -> [u8; 32] {
    let start = header.len().saturating_sub(32);
    header
        .get(start..)
        .and_then(|tail| tail.try_into().ok())
        .unwrap_or([0; 32])
}

/// The end mark of every view file in `directory` that has an intact header, by name: the
/// lengths the segment file had when they were saved, evidence that it was at least that
/// long then.
pub fn saved_end_marks(directory: &Path) -> Vec<(String, EndMark)> {
    let Ok(entries) = fs::read_dir(directory) else {
        return Vec::new();
    };
    let mut marks = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(name) = file_name.strip_suffix(".view") else {
            continue;
        };
        let path = entry.path();
        let Ok(file) = File::open(&path) else {
            continue;
        };
        let Ok(length) = file.metadata().map(|metadata| metadata.len()) else {
            continue;
        };
        if let Ok(Some((mark, _))) = ViewReader::read_header(file, &path, length) {
            marks.push((name.to_owned(), mark));
        }
    }
    marks.sort_by(|left, right| left.0.cmp(&right.0));
    marks
}

/// How long a reader waits for a save in place to finish (it holds the file for the few
/// milliseconds of writing its changed blocks and header).
const READ_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// Takes a shared lock on a view file, held while the view is read: a save in place
/// (`super::view_patch`) does not write a file being read. Never waits more than
/// [`READ_LOCK_WAIT`] (a saving process stopped half way must not hang a reader), and a
/// file system without locks is read without one: either way a save may then change
/// blocks under the reader, which finds them not matching their checksums (damaged) and
/// only opens the store instead.
fn lock_for_reading(file: &File) {
    let started = std::time::Instant::now();
    while let Err(std::fs::TryLockError::WouldBlock) = file.try_lock_shared() {
        if started.elapsed() >= READ_LOCK_WAIT {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

/// An open, current view: its body read block by block, each block checked on first read.
pub struct ViewReader {
    file: File,
    /// Where the log ended when the view was saved (and still ends, or it was not opened).
    mark: EndMark,
    path: PathBuf,
    body_offset: u64,
    body_length: u64,
    checksums: Vec<[u8; 32]>,
    /// The header's own checksum, which covers every block's.
    header_checksum: [u8; 32],
    /// Blocks read and checked so far, by block number.
    blocks: RefCell<BTreeMap<u64, Vec<u8>>>,
}

impl ViewReader {
    /// View `name` in `directory` if it exists, its header is intact, and `segment` still
    /// ends where it did when the view was saved. `Ok(None)` for a missing, stale or
    /// damaged view.
    pub fn open(
        directory: &Path,
        name: &str,
        segment: &File,
    ) -> Result<Option<ViewReader>, StorageError> {
        let Some((mark, reader)) = Self::open_with_mark(directory, name)? else {
            return Ok(None);
        };
        let path = view_path(directory, name);
        let current =
            (mark.still_matches(segment)).map_err(|error| io_error(&path, &error.to_string()))?;
        Ok(current.then_some(reader))
    }

    /// View `name` in `directory` if it exists and its header is intact, whatever the
    /// segment file has had appended since it was saved (see [`ViewReader::mark`]).
    pub fn open_of_any_mark(
        directory: &Path,
        name: &str,
    ) -> Result<Option<ViewReader>, StorageError> {
        Ok(Self::open_with_mark(directory, name)?.map(|(_, reader)| reader))
    }

    /// The view and the segment end it was saved at, if it exists and its header is intact.
    fn open_with_mark(
        directory: &Path,
        name: &str,
    ) -> Result<Option<(EndMark, ViewReader)>, StorageError> {
        if !is_valid_view_name(name) {
            return Ok(None);
        }
        let path = view_path(directory, name);
        let file = match File::open(&path) {
            Ok(file) => file,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(error) => return Err(io_error(&path, &error.to_string())),
        };
        let io = |error: std::io::Error| io_error(&path, &error.to_string());
        lock_for_reading(&file);
        let file_length = file.metadata().map_err(io)?.len();
        Self::read_header(file, &path, file_length).map_err(io)
    }

    fn read_header(
        file: File,
        path: &Path,
        file_length: u64,
    ) -> std::io::Result<Option<(EndMark, ViewReader)>> {
        let mut fixed = [0u8; FIXED_HEADER_BYTES];
        if file_length < FIXED_HEADER_BYTES as u64 {
            return Ok(None);
        }
        file.read_exact_at(&mut fixed, 0)?;
        let word = |at: usize| u64::from_le_bytes(fixed[at..at + 8].try_into().unwrap_or([0; 8]));
        let body_length = word(24 + CHUNK_HEADER_BYTES);
        let table_bytes = 32 * (block_count(body_length) + 1);
        let body_offset = FIXED_HEADER_BYTES as u64 + table_bytes;
        if &fixed[..8] != VIEW_MAGIC
            || body_length > MAX_VIEW_BYTES
            || file_length != body_offset + body_length
        {
            return Ok(None);
        }
        let mut table = vec![0u8; table_bytes as usize];
        file.read_exact_at(&mut table, FIXED_HEADER_BYTES as u64)?;
        let (checksums, claimed) = table.split_at(table.len() - 32);
        let mut hasher = blake3::Hasher::new();
        hasher.update(&fixed).update(checksums);
        if hasher.finalize().as_bytes() != claimed {
            return Ok(None);
        }
        let mut last_header = [0u8; CHUNK_HEADER_BYTES];
        last_header.copy_from_slice(&fixed[24..24 + CHUNK_HEADER_BYTES]);
        let mark = EndMark {
            segment_length: word(8),
            last_header_offset: word(16),
            last_header,
        };
        let reader = ViewReader {
            file,
            mark,
            path: path.to_owned(),
            body_offset,
            body_length,
            header_checksum: claimed.try_into().unwrap_or([0; 32]),
            checksums: checksums
                .chunks_exact(32)
                .map(|checksum| checksum.try_into().unwrap_or([0; 32]))
                .collect(),
            blocks: RefCell::new(BTreeMap::new()),
        };
        Ok(Some((mark, reader)))
    }

    pub fn body_length(&self) -> u64 {
        self.body_length
    }

    /// The checksum of the header as read: it names every block's checksum, so two reads
    /// with the same header checksum read the same body.
    pub fn header_checksum(&self) -> [u8; 32] {
        self.header_checksum
    }

    /// Where the log ended when the view was saved; it still did when the view was opened.
    pub fn mark(&self) -> EndMark {
        self.mark
    }

    /// `length` bytes of the body from `offset`, every block they touch checked against its
    /// checksum. An error for a range outside the body or a block that does not match.
    pub fn read(&self, offset: u64, length: u64) -> Result<Vec<u8>, StorageError> {
        let end = offset
            .checked_add(length)
            .filter(|end| *end <= self.body_length)
            .ok_or_else(|| self.damaged(&format!("no bytes {offset}+{length} in the view")))?;
        let mut out = Vec::with_capacity(length as usize);
        let mut position = offset;
        while position < end {
            let block = position / VIEW_BLOCK_BYTES;
            let block_start = block * VIEW_BLOCK_BYTES;
            self.load_block(block)?;
            let blocks = self.blocks.borrow();
            let bytes = blocks.get(&block).map(Vec::as_slice).unwrap_or(&[]);
            let from = (position - block_start) as usize;
            let to = ((end - block_start) as usize).min(bytes.len());
            out.extend_from_slice(bytes.get(from..to).unwrap_or(&[]));
            position = block_start + to as u64;
            if to <= from {
                return Err(self.damaged("a short block"));
            }
        }
        Ok(out)
    }

    /// The whole body, read with one copy and every block checked against its checksum
    /// (no blocks are kept for later reads: a caller of this holds the body itself).
    pub fn read_whole(&self) -> Result<Vec<u8>, StorageError> {
        let mut body = vec![0u8; self.body_length as usize];
        self.file
            .read_exact_at(&mut body, self.body_offset)
            .map_err(|error| io_error(&self.path, &error.to_string()))?;
        let blocks = body.chunks(VIEW_BLOCK_BYTES as usize);
        if blocks.len() != self.checksums.len() {
            return Err(self.damaged("a checksum table of another length"));
        }
        for (index, (block, expected)) in blocks.zip(&self.checksums).enumerate() {
            if blake3::hash(block).as_bytes() != expected {
                return Err(self.damaged(&format!("block {index} does not match its checksum")));
            }
        }
        Ok(body)
    }

    fn load_block(&self, block: u64) -> Result<(), StorageError> {
        if self.blocks.borrow().contains_key(&block) {
            return Ok(());
        }
        let start = block * VIEW_BLOCK_BYTES;
        let size = VIEW_BLOCK_BYTES.min(self.body_length - start) as usize;
        let mut bytes = vec![0u8; size];
        self.file
            .read_exact_at(&mut bytes, self.body_offset + start)
            .map_err(|error| io_error(&self.path, &error.to_string()))?;
        let expected = self.checksums.get(block as usize);
        if expected != Some(blake3::hash(&bytes).as_bytes()) {
            return Err(self.damaged(&format!("block {block} does not match its checksum")));
        }
        self.blocks.borrow_mut().insert(block, bytes);
        Ok(())
    }

    fn damaged(&self, reason: &str) -> StorageError {
        StorageError::Corrupt(format!("view {}: {reason}", self.path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(body: &[u8]) -> (tempfile::TempDir, File) {
        let directory = tempfile::tempdir().unwrap();
        let segment_path = directory.path().join("segment");
        fs::write(&segment_path, []).unwrap();
        write_view(directory.path(), "totals", &EndMark::EMPTY, body).unwrap();
        let segment = File::open(segment_path).unwrap();
        (directory, segment)
    }

    fn body(length: usize) -> Vec<u8> {
        (0..length).map(|index| (index * 7 % 251) as u8).collect()
    }

    #[test]
    fn any_range_reads_back_as_written() {
        let written = body(3 * VIEW_BLOCK_BYTES as usize + 100);
        let (directory, segment) = saved(&written);
        let reader = ViewReader::open(directory.path(), "totals", &segment)
            .unwrap()
            .unwrap();
        let block = VIEW_BLOCK_BYTES as usize;
        for (offset, length) in [
            (0, 1),
            (block - 3, 10),
            (10, 2 * block),
            (0, written.len()),
            (written.len(), 0),
        ] {
            assert_eq!(
                reader.read(offset as u64, length as u64).unwrap(),
                &written[offset..offset + length]
            );
        }
        assert_eq!(reader.read_whole().unwrap(), written);
        assert!(reader.read(written.len() as u64 - 1, 2).is_err());
        assert!(reader.read(u64::MAX, 2).is_err());
    }

    #[test]
    fn a_flipped_byte_anywhere_is_noticed() {
        let written = body(VIEW_BLOCK_BYTES as usize + 10);
        let (directory, segment) = saved(&written);
        let path = view_path(directory.path(), "totals");
        let bytes = fs::read(&path).unwrap();
        // Every header and table byte, and a spread of body bytes in both blocks.
        let header_bytes = bytes.len() - written.len();
        for index in (0..bytes.len()).filter(|index| *index < header_bytes || index % 61 == 0) {
            let mut flipped = bytes.clone();
            flipped[index] ^= 0x01;
            fs::write(&path, &flipped).unwrap();
            let noticed = match ViewReader::open(directory.path(), "totals", &segment).unwrap() {
                None => true,
                Some(reader) => {
                    let whole = reader.read_whole().is_err();
                    assert_eq!(
                        whole,
                        reader.read(0, written.len() as u64).is_err(),
                        "byte {index}"
                    );
                    whole
                }
            };
            assert!(noticed, "a flip at byte {index} went unnoticed");
        }
    }

    #[test]
    fn a_view_is_current_only_while_the_segment_ends_where_it_did() {
        let (directory, segment) = saved(b"body");
        assert!(ViewReader::open(directory.path(), "totals", &segment)
            .unwrap()
            .is_some());
        fs::write(directory.path().join("segment"), b"appended").unwrap();
        let grown = File::open(directory.path().join("segment")).unwrap();
        assert!(ViewReader::open(directory.path(), "totals", &grown)
            .unwrap()
            .is_none());
        assert!(ViewReader::open(directory.path(), "absent", &segment)
            .unwrap()
            .is_none());
    }

    #[test]
    fn view_names_are_plain_file_names() {
        assert!(is_valid_view_name("totals"));
        assert!(!is_valid_view_name("../totals"));
        assert!(!is_valid_view_name(""));
        assert!(!is_valid_view_name("Totals"));
    }
}
