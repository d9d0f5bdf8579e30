//! Views saved together (`Storage::put_views`): a segment store writes their files at once,
//! and each is then exactly what `put_view` of it alone would have saved.

use rekap_log::{Log, SegmentStorage, Storage};

use crate::harness::{key, payload, submission};

/// A segment store of one record, and its directory.
fn store() -> (tempfile::TempDir, SegmentStorage) {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("store");
    let mut log = Log::open(SegmentStorage::create(&path).unwrap()).unwrap();
    let batch = vec![submission(&log, &key(1), 0, payload(1, 300))];
    log.append(batch, 1).unwrap();
    drop(log);
    let storage = SegmentStorage::open(&path).unwrap();
    (directory, storage)
}

#[test]
fn views_saved_together_read_back_as_each_saved_alone() {
    let (directory, mut together) = store();
    let stations: Vec<u8> = (0..200_000u32).map(|index| (index % 251) as u8).collect();
    let history = b"history".repeat(30_000);
    together
        .put_views(&[("stations", &stations), ("history", &history)])
        .unwrap();
    assert_eq!(
        together.get_view("stations").unwrap(),
        Some(stations.clone())
    );
    assert_eq!(together.get_view("history").unwrap(), Some(history.clone()));
    let path = directory.path().join("store");
    let saved_together = std::fs::read(path.join("stations.view")).unwrap();
    together.put_view("stations", &stations).unwrap();
    assert_eq!(
        std::fs::read(path.join("stations.view")).unwrap(),
        saved_together
    );
    // A reader opened after the writer closed sees them too.
    drop(together);
    let reopened = SegmentStorage::open_read_only(&path).unwrap();
    assert_eq!(reopened.get_view("history").unwrap(), Some(history));
}

#[test]
fn a_view_that_cannot_be_saved_is_the_error_and_the_others_are_saved() {
    let (_directory, mut storage) = store();
    let refused = storage.put_views(&[("no/such name", b"x"), ("totals", b"derived")]);
    assert!(refused.is_err(), "an invalid name is refused");
    assert_eq!(
        storage.get_view("totals").unwrap(),
        Some(b"derived".to_vec())
    );
    assert_eq!(storage.get_view("no/such name").unwrap(), None);
}

#[test]
fn a_read_only_store_saves_none_of_them() {
    let (directory, writer) = store();
    drop(writer);
    let mut read_only = SegmentStorage::open_read_only(&directory.path().join("store")).unwrap();
    assert!(read_only.put_views(&[("totals", b"derived")]).is_err());
    assert_eq!(read_only.get_view("totals").unwrap(), None);
}
