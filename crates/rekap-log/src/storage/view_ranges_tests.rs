use std::fs;

use super::super::view_file::{write_view, ViewReader};
use super::super::view_patch::tests::{body, mark};
use super::*;

const BLOCK: usize = VIEW_BLOCK_BYTES as usize;

/// A directory holding view "stations" of `earlier`, and its header checksum.
fn saved(earlier: &[u8]) -> (tempfile::TempDir, [u8; 32]) {
    let directory = tempfile::tempdir().unwrap();
    let checksum = write_view(directory.path(), "stations", &mark(100), earlier).unwrap();
    (directory, checksum)
}

/// The bytes a whole save of `body` stamped with `mark(200)` writes.
fn whole_bytes(body: &[u8]) -> Vec<u8> {
    let directory = tempfile::tempdir().unwrap();
    write_view(directory.path(), "stations", &mark(200), body).unwrap();
    fs::read(view_path(directory.path(), "stations")).unwrap()
}

fn file_bytes(directory: &tempfile::TempDir) -> Vec<u8> {
    fs::read(view_path(directory.path(), "stations")).unwrap()
}

fn save(
    directory: &tempfile::TempDir,
    checksum: &[u8; 32],
    new_length: usize,
    changes: &[Change<'_>],
) -> Option<[u8; 32]> {
    write_view_ranges(
        directory.path(),
        "stations",
        &mark(200),
        checksum,
        new_length as u64,
        changes,
    )
    .unwrap()
}

/// `earlier` with `changes` written over it, cut or grown (with zeros) to `length`.
fn expected(earlier: &[u8], length: usize, changes: &[Change<'_>]) -> Vec<u8> {
    let mut out = earlier.to_vec();
    out.resize(length, 0);
    for (offset, bytes) in changes {
        out[*offset as usize..*offset as usize + bytes.len()].copy_from_slice(bytes);
    }
    out
}

#[test]
fn ranges_saved_in_place_give_the_file_a_whole_save_of_the_new_body_gives() {
    let earlier = body(5 * BLOCK + 300, 1);
    let preamble = [9u8; 16];
    let tail = body(2 * BLOCK + 200, 2);
    let tail_at = 3 * BLOCK + 100;
    // A shorter, a longer and an equally long new body, all with five-and-a-bit blocks.
    for length in [
        tail_at + tail.len() - 150,
        tail_at + tail.len(),
        5 * BLOCK + 900,
    ] {
        let tail = &tail[..tail.len().min(length - tail_at)];
        let mut grown = tail.to_vec();
        grown.resize(length - tail_at, 7);
        let changes: Vec<Change<'_>> = vec![(0, &preamble), (tail_at as u64, &grown)];
        let (directory, checksum) = saved(&earlier);
        let new_checksum = save(&directory, &checksum, length, &changes).expect("in place");
        let new = expected(&earlier, length, &changes);
        assert_eq!(file_bytes(&directory), whole_bytes(&new), "length {length}");
        let reader = ViewReader::open_of_any_mark(directory.path(), "stations")
            .unwrap()
            .unwrap();
        assert_eq!(reader.header_checksum(), new_checksum);
        assert_eq!(reader.read_whole().unwrap(), new);
    }
}

#[test]
fn a_range_save_refused_writes_nothing() {
    let earlier = body(3 * BLOCK + 10, 3);
    let bytes = [1u8; 8];
    let (directory, checksum) = saved(&earlier);
    let before = file_bytes(&directory);
    let length = earlier.len();
    let refused: Vec<(&str, [u8; 32], usize, Vec<Change<'_>>)> = vec![
        ("another header", [0; 32], length, vec![(0, &bytes)]),
        (
            "out of order",
            checksum,
            length,
            vec![(20, &bytes), (0, &bytes)],
        ),
        (
            "overlapping",
            checksum,
            length,
            vec![(0, &bytes), (4, &bytes)],
        ),
        (
            "past the end",
            checksum,
            length,
            vec![(length as u64 - 4, &bytes)],
        ),
        (
            "a block more",
            checksum,
            4 * BLOCK + 8,
            vec![(4 * BLOCK as u64, &bytes)],
        ),
        ("growth not given", checksum, length + 20, vec![(0, &bytes)]),
        ("empty range", checksum, length, vec![(0, &[])]),
    ];
    for (why, checksum, length, changes) in refused {
        assert_eq!(save(&directory, &checksum, length, &changes), None, "{why}");
        assert_eq!(file_bytes(&directory), before, "{why}");
    }
}

#[test]
fn a_damaged_block_under_a_range_refuses_the_save() {
    let earlier = body(3 * BLOCK, 4);
    let (directory, checksum) = saved(&earlier);
    let path = view_path(directory.path(), "stations");
    let mut bytes = fs::read(&path).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    fs::write(&path, &bytes).unwrap();
    let change = [5u8; 4];
    let at = (3 * BLOCK - 10) as u64;
    assert_eq!(
        save(&directory, &checksum, earlier.len(), &[(at, &change)]),
        None
    );
    assert_eq!(fs::read(&path).unwrap(), bytes);
}

#[test]
fn a_damaged_block_no_range_touches_still_fails_for_the_next_reader() {
    let earlier = body(3 * BLOCK, 5);
    let (directory, checksum) = saved(&earlier);
    let path = view_path(directory.path(), "stations");
    let mut bytes = fs::read(&path).unwrap();
    let header_bytes = bytes.len() - earlier.len();
    bytes[header_bytes + BLOCK + 3] ^= 1;
    fs::write(&path, &bytes).unwrap();
    let change = [5u8; 4];
    assert!(save(&directory, &checksum, earlier.len(), &[(0, &change)]).is_some());
    let reader = ViewReader::open_of_any_mark(directory.path(), "stations")
        .unwrap()
        .unwrap();
    assert!(reader.read(0, 4).is_ok());
    assert!(reader.read(BLOCK as u64, 4).is_err());
}

#[test]
fn a_view_being_read_is_not_saved_in_place() {
    let earlier = body(2 * BLOCK, 6);
    let (directory, checksum) = saved(&earlier);
    let reader = ViewReader::open_of_any_mark(directory.path(), "stations")
        .unwrap()
        .unwrap();
    let change = [5u8; 4];
    assert_eq!(
        save(&directory, &checksum, earlier.len(), &[(0, &change)]),
        None
    );
    assert_eq!(reader.read_whole().unwrap(), earlier);
}
