//! The transparency tree the segment store maintains (src/tree.rs): built on append, checked
//! against the log before it is believed, never a reason for an append to fail, and never
//! written by a reader.

use std::path::Path;

use rekap_log::tree::TREE_DIRECTORY;
use rekap_log::{Log, SegmentStorage};
use rekap_tlog::Tree;

use crate::harness::{key, payload, submission};

/// Appends `batches` batches of `per_batch` records to the store at `path`.
fn append_batches(log: &mut Log<SegmentStorage>, batches: u64, per_batch: u64) {
    let author = key(0);
    for batch in 0..batches {
        let submissions = (0..per_batch)
            .map(|index| submission(log, &author, index, payload(batch * 1000 + index, 40)))
            .collect();
        log.append(submissions, 1_732_665_600_000 + batch)
            .expect("append");
    }
}

/// The tree computed from the records alone.
fn expected_tree(log: &Log<SegmentStorage>) -> Tree {
    let hashes: Vec<[u8; 32]> = log
        .records_from(1)
        .map(|record| record.unwrap().hash)
        .collect();
    Tree::from_entries(hashes.iter())
}

/// The tree the files on disk hold, as they are.
fn files_tree(store: &Path) -> Tree {
    rekap_tlog::files::TreeFiles::open(&store.join(TREE_DIRECTORY))
        .expect("open tree files")
        .1
}

#[test]
fn appends_keep_the_files_equal_to_the_tree_of_the_records() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let mut log = Log::open(SegmentStorage::create(&path).unwrap()).unwrap();
    append_batches(&mut log, 7, 100);
    let expected = expected_tree(&log);
    assert_eq!(expected.size(), 700);
    assert!(files_tree(&path) == expected);
    assert!(log.tree().unwrap() == expected);
    drop(log);
    // A new process appends incrementally from the files.
    let mut log = Log::open(SegmentStorage::open(&path).unwrap()).unwrap();
    append_batches(&mut log, 1, 3);
    assert!(files_tree(&path) == expected_tree(&log));
}

#[test]
fn stale_or_damaged_files_are_reconciled_by_the_next_append() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let mut log = Log::open(SegmentStorage::create(&path).unwrap()).unwrap();
    append_batches(&mut log, 3, 300);
    drop(log);
    let level0 = path.join(TREE_DIRECTORY).join("level-0");
    // Stale: the last 10 leaves are missing (an append that could not update the tree).
    let length = std::fs::metadata(&level0).unwrap().len();
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&level0)
        .unwrap();
    file.set_len(length - 10 * 32).unwrap();
    drop(file);
    let log = Log::open(SegmentStorage::open_read_only(&path).unwrap()).unwrap();
    assert!(
        log.tree().unwrap() == expected_tree(&log),
        "a reader completes it in memory"
    );
    drop(log);
    assert_eq!(
        std::fs::metadata(&level0).unwrap().len(),
        length - 10 * 32,
        "reader wrote"
    );
    // Damaged: the last leaf flipped; the next append rebuilds.
    let mut bytes = std::fs::read(&level0).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&level0, &bytes).unwrap();
    let mut log = Log::open(SegmentStorage::open(&path).unwrap()).unwrap();
    assert!(
        log.tree().unwrap() == expected_tree(&log),
        "a damaged leaf is not believed"
    );
    append_batches(&mut log, 1, 1);
    assert!(files_tree(&path) == expected_tree(&log));
}

#[test]
fn an_append_succeeds_when_the_tree_cannot_be_written_and_the_next_rebuilds_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let mut log = Log::open(SegmentStorage::create(&path).unwrap()).unwrap();
    append_batches(&mut log, 1, 5);
    drop(log);
    // A file where the tree's directory should be: no tree file can be written.
    let tree_directory = path.join(TREE_DIRECTORY);
    std::fs::remove_dir_all(&tree_directory).unwrap();
    std::fs::write(&tree_directory, b"in the way").unwrap();
    let mut log = Log::open(SegmentStorage::open(&path).unwrap()).unwrap();
    append_batches(&mut log, 1, 5);
    assert_eq!(
        log.head().count,
        10,
        "the append was not failed by the tree"
    );
    assert!(log.tree().unwrap() == expected_tree(&log));
    drop(log);
    std::fs::remove_file(&tree_directory).unwrap();
    let mut log = Log::open(SegmentStorage::open(&path).unwrap()).unwrap();
    append_batches(&mut log, 1, 1);
    assert!(files_tree(&path) == expected_tree(&log));
}

#[test]
fn a_reader_never_creates_the_tree_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let mut log = Log::open(SegmentStorage::create(&path).unwrap()).unwrap();
    append_batches(&mut log, 2, 10);
    drop(log);
    std::fs::remove_dir_all(path.join(TREE_DIRECTORY)).unwrap();
    let log = Log::open(SegmentStorage::open_read_only(&path).unwrap()).unwrap();
    assert!(log.tree().unwrap() == expected_tree(&log));
    assert!(!path.join(TREE_DIRECTORY).exists());
}

#[test]
fn the_tree_of_an_earlier_head_holds_only_the_records_up_to_it() {
    // The first append of a process opens the files as the tree of the head before the
    // batch it just wrote, then adds the batch's hashes from memory: that tree must not take
    // in the records after the head it is asked for (nor read them).
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let mut log = Log::open(SegmentStorage::create(&path).unwrap()).unwrap();
    append_batches(&mut log, 2, 50);
    let earlier_head = log.head();
    let earlier = expected_tree(&log);
    append_batches(&mut log, 1, 50);
    let tree = rekap_log::tree::read(log.storage(), None, &earlier_head).expect("tree");
    assert_eq!(tree.size(), 100);
    assert!(
        tree == earlier,
        "the tree of the head after the second batch"
    );
    let stale = dir.path().join("stale");
    std::fs::create_dir(&stale).unwrap();
    let tree = rekap_log::tree::read(log.storage(), Some(&stale), &earlier_head).expect("tree");
    assert!(
        tree == earlier,
        "an empty directory extended to that head, no further"
    );
}

#[test]
fn a_new_process_whose_files_lag_extends_them_then_adds_its_batch() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    let mut log = Log::open(SegmentStorage::create(&path).unwrap()).unwrap();
    append_batches(&mut log, 2, 40);
    drop(log);
    // The files hold only the first batch (a process that could not write the second's).
    let level0 = path.join(TREE_DIRECTORY).join("level-0");
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&level0)
        .unwrap();
    file.set_len(40 * 32).unwrap();
    drop(file);
    let mut log = Log::open(SegmentStorage::open(&path).unwrap()).unwrap();
    append_batches(&mut log, 1, 40);
    let expected = expected_tree(&log);
    assert_eq!(expected.size(), 120);
    assert!(files_tree(&path) == expected);
    assert!(log.tree().unwrap() == expected);
}
