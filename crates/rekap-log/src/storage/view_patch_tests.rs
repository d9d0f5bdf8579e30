use std::fs::{self, File};

use super::super::view_file::{ViewReader, CHUNK_HEADER_BYTES};
use super::*;

const BLOCK: usize = VIEW_BLOCK_BYTES as usize;

pub(in crate::storage) fn mark(length: u64) -> EndMark {
    EndMark {
        segment_length: length,
        last_header_offset: length.saturating_sub(CHUNK_HEADER_BYTES as u64),
        last_header: [length as u8; CHUNK_HEADER_BYTES],
    }
}

pub(in crate::storage) fn body(length: usize, seed: usize) -> Vec<u8> {
    (0..length)
        .map(|index| ((index + seed) * 7 % 251) as u8)
        .collect()
}

/// A directory holding view "totals" of `earlier`, and its header checksum.
fn saved(earlier: &[u8]) -> (tempfile::TempDir, [u8; 32]) {
    let directory = tempfile::tempdir().unwrap();
    let checksum = write_view(directory.path(), "totals", &mark(100), earlier).unwrap();
    (directory, checksum)
}

/// The view file's bytes, and the body a reader of it reads (any mark), if it reads.
fn read_back(directory: &Path) -> (Vec<u8>, Option<Vec<u8>>) {
    let bytes = fs::read(view_path(directory, "totals")).unwrap();
    let reader = ViewReader::open_of_any_mark(directory, "totals").unwrap();
    let body = reader.and_then(|reader| reader.read(0, reader.body_length()).ok());
    (bytes, body)
}

/// Saves `new` over view "totals" in `directory`, stamped with `mark(200)`.
fn save_over(
    directory: &tempfile::TempDir,
    checksum: &[u8; 32],
    earlier: &[u8],
    new: &[u8],
) -> ([u8; 32], Saved) {
    write_view_over(
        directory.path(),
        "totals",
        &mark(200),
        checksum,
        earlier,
        new,
    )
    .unwrap()
}

/// The bytes a whole save of `body` stamped with `mark(200)` writes.
fn whole_bytes(body: &[u8]) -> Vec<u8> {
    let directory = tempfile::tempdir().unwrap();
    write_view(directory.path(), "totals", &mark(200), body).unwrap();
    fs::read(view_path(directory.path(), "totals")).unwrap()
}

#[test]
fn a_save_in_place_writes_the_changed_blocks_and_leaves_the_file_a_whole_save_writes() {
    let earlier = body(5 * BLOCK + 123, 0);
    for changes in [
        vec![0],
        vec![2 * BLOCK + 5],
        vec![10, 4 * BLOCK + 100],
        vec![],
    ] {
        let (directory, checksum) = saved(&earlier);
        let mut new = earlier.clone();
        for at in &changes {
            new[*at] ^= 0xff;
        }
        let (written, how) = save_over(&directory, &checksum, &earlier, &new);
        let blocks_written = changes.len() as u64;
        assert_eq!(
            how,
            Saved::InPlace { blocks_written },
            "changes at {changes:?}"
        );
        let (bytes, read) = read_back(directory.path());
        assert_eq!(bytes, whole_bytes(&new), "changes at {changes:?}");
        assert_eq!(read.as_deref(), Some(&new[..]));
        let reader = ViewReader::open_of_any_mark(directory.path(), "totals")
            .unwrap()
            .unwrap();
        assert_eq!(reader.header_checksum(), written);
        assert_eq!(reader.mark(), mark(200));
    }
}

#[test]
fn a_body_that_grows_or_shrinks_within_its_last_block_is_saved_in_place() {
    let earlier = body(3 * BLOCK + 500, 1);
    for length in [3 * BLOCK + 1, 3 * BLOCK + 499, 3 * BLOCK + 501, 4 * BLOCK] {
        let (directory, checksum) = saved(&earlier);
        let mut new = body(length, 1);
        new[0] ^= 1;
        let (_, how) = save_over(&directory, &checksum, &earlier, &new);
        assert!(matches!(how, Saved::InPlace { .. }), "length {length}");
        let (bytes, read) = read_back(directory.path());
        assert_eq!(bytes, whole_bytes(&new), "length {length}");
        assert_eq!(read.as_deref(), Some(&new[..]));
    }
}

#[test]
fn a_save_that_cannot_be_made_in_place_is_made_whole_and_reads_back() {
    let earlier = body(2 * BLOCK + 10, 2);
    let mut changed = earlier.clone();
    changed[BLOCK + 1] ^= 1;
    let other_block_count = body(3 * BLOCK + 10, 2);
    let other_body = body(earlier.len(), 9);
    // (case, the header checksum claimed (zeros: the real one), earlier, new)
    type Case<'a> = (&'a str, [u8; 32], &'a [u8], &'a [u8]);
    let cases: [Case; 3] = [
        ("another block count", [0; 32], &earlier, &other_block_count),
        (
            "not the header the caller read",
            [7; 32],
            &earlier,
            &changed,
        ),
        (
            "not the body the file holds",
            [0; 32],
            &other_body,
            &changed,
        ),
    ];
    for (case, checksum, claimed_earlier, new) in cases {
        let (directory, real_checksum) = saved(&earlier);
        let checksum = if checksum == [0; 32] {
            real_checksum
        } else {
            checksum
        };
        let (_, how) = save_over(&directory, &checksum, claimed_earlier, new);
        assert_eq!(how, Saved::Whole, "{case}");
        let (bytes, read) = read_back(directory.path());
        assert_eq!(bytes, whole_bytes(new), "{case}");
        assert_eq!(read.as_deref(), Some(new), "{case}");
    }
}

#[test]
fn a_view_being_read_is_saved_whole_and_its_reader_keeps_the_old_body() {
    let earlier = body(4 * BLOCK, 3);
    let (directory, checksum) = saved(&earlier);
    let reader = ViewReader::open_of_any_mark(directory.path(), "totals")
        .unwrap()
        .unwrap();
    let mut new = earlier.clone();
    new[3 * BLOCK] ^= 1;
    let (_, how) = save_over(&directory, &checksum, &earlier, &new);
    assert_eq!(how, Saved::Whole);
    assert_eq!(reader.read(0, reader.body_length()).unwrap(), earlier);
    drop(reader);
    assert_eq!(read_back(directory.path()).1.as_deref(), Some(&new[..]));
}

/// A crash between the steps of the module docs: the blocks written but not the header, or
/// the header but not every block. Neither reads as a view.
#[test]
fn a_save_cut_between_its_writes_leaves_a_view_that_does_not_read() {
    let earlier = body(3 * BLOCK + 7, 4);
    let mut new = earlier.clone();
    new[BLOCK + 3] ^= 1;
    let (directory, checksum) = saved(&earlier);
    let old_bytes = fs::read(view_path(directory.path(), "totals")).unwrap();
    save_over(&directory, &checksum, &earlier, &new);
    let new_bytes = fs::read(view_path(directory.path(), "totals")).unwrap();
    let header_bytes = old_bytes.len() - earlier.len();
    let spliced =
        |header: &[u8], body: &[u8]| [&header[..header_bytes], &body[header_bytes..]].concat();
    for (case, bytes) in [
        ("blocks without the header", spliced(&old_bytes, &new_bytes)),
        (
            "the header without the blocks",
            spliced(&new_bytes, &old_bytes),
        ),
    ] {
        fs::write(view_path(directory.path(), "totals"), &bytes).unwrap();
        assert_eq!(read_back(directory.path()).1, None, "{case}");
    }
}

/// A process that holds a view file's lock and stops (a save in place cut short by a
/// debugger or SIGSTOP) delays readers by at most a second; it does not hang them.
#[test]
fn a_reader_does_not_wait_for_a_lock_held_for_ever() {
    let earlier = body(BLOCK + 3, 5);
    let (directory, _) = saved(&earlier);
    let holder = File::open(view_path(directory.path(), "totals")).unwrap();
    holder.lock().unwrap();
    let reader = ViewReader::open_of_any_mark(directory.path(), "totals")
        .unwrap()
        .unwrap();
    assert_eq!(reader.read_whole().unwrap(), earlier);
}
