//! The tile tree's bytes (rekap_ledger::tiles) over a log of 600 records: full and partial
//! tiles, bundles that parse back to the log's records, nothing past the checkpoint.

use std::collections::BTreeMap;

use ed25519_dalek::SigningKey;
use rekap_ledger::checkpoints::SignedCheckpoint;
use rekap_ledger::tiles::{self, Resource, TilesError};
use rekap_log::record::record_hash;
use rekap_log::{Log, MemoryStorage, SignedSubmission};
use rekap_tlog::checkpoint::Checkpoint;
use rekap_tlog::note::Signer;
use rekap_tlog::Tree;

const ORIGIN: &str = "rekap/tiles-test";

/// A log of `count` records in batches of 100, its tree and a checkpoint of its size.
fn log(count: u64) -> (Log<MemoryStorage>, Tree, SignedCheckpoint) {
    let mut log = Log::open(MemoryStorage::new()).unwrap();
    let author = SigningKey::from_bytes(&[4; 32]);
    let mut counter = 0;
    while counter < count {
        let batch = (counter + 1..=(counter + 100).min(count))
            .map(|n| SignedSubmission::sign(&author, n, format!("payload {n}").into_bytes()))
            .collect();
        log.append(batch, 1_000).unwrap();
        counter = (counter + 100).min(count);
    }
    let tree = log.tree().unwrap();
    (log, tree.clone(), signed(&tree, count))
}

fn signed(tree: &Tree, size: u64) -> SignedCheckpoint {
    let signer = Signer::new(ORIGIN, SigningKey::from_bytes(&[5; 32])).unwrap();
    let checkpoint = Checkpoint {
        origin: ORIGIN.into(),
        size,
        root: tree.root(size).unwrap(),
        extensions: Vec::new(),
    };
    SignedCheckpoint::parse(checkpoint.sign(&signer).unwrap()).unwrap()
}

fn resource(path: &str) -> Resource {
    Resource::parse(path).unwrap()
}

#[test]
fn resource_paths_round_trip_and_only_canonical_ones_parse() {
    for path in [
        "checkpoint",
        "tile/0/000",
        "tile/1/x001/234.p/5",
        "tile/entries/002.p/88",
        "records/000",
        "records/x001/234.p/255",
    ] {
        assert_eq!(resource(path).to_path(), path);
    }
    assert_eq!(
        resource("records/002.p/88"),
        Resource::Records {
            index: 2,
            width: 88
        }
    );
    assert!(resource("records/002.p/88").is_partial());
    assert!(!resource("records/002").is_partial());
    for bad in [
        "records/2",
        "records/002.p/256",
        "records/x000/002",
        "records/",
        "tile/0/002/",
        "checkpoints",
        "/checkpoint",
        "",
    ] {
        assert!(Resource::parse(bad).is_err(), "{bad} parsed");
    }
}

#[test]
fn tiles_and_bundles_hold_the_tree_and_the_records_of_the_checkpoint() {
    let (log, tree, checkpoint) = log(600);
    let read = |path: &str| tiles::read(&log, &tree, &checkpoint, &resource(path)).unwrap();
    assert_eq!(read("checkpoint"), checkpoint.note.as_bytes());
    assert_eq!(read("tile/0/001"), tree.tile(0, 1, 600).unwrap().concat());
    assert_eq!(read("tile/0/002.p/88").len(), 88 * 32);
    assert_eq!(
        read("tile/1/000.p/2"),
        tree.tile(1, 0, 600).unwrap().concat()
    );
    // A reader of an older checkpoint asks for a narrower partial tile: a prefix.
    assert_eq!(read("tile/0/002.p/7"), read("tile/0/002.p/88")[..7 * 32]);
    let records = read("records/002.p/88");
    let records = tiles::parse_record_bundle("records/002.p/88", &records, 88).unwrap();
    let entries = read("tile/entries/002.p/88");
    let entries = tiles::parse_entry_bundle("e", &entries, 88).unwrap();
    for (position, (record, entry)) in records.iter().zip(&entries).enumerate() {
        let seq = 512 + position as u64 + 1;
        assert_eq!(*record, log.read(seq).unwrap().unwrap().encode().as_slice());
        assert_eq!(record_hash(record), *entry);
        assert_eq!(
            rekap_tlog::leaf_hash(entry),
            tree.leaf(seq - 1).unwrap(),
            "entry {seq}"
        );
    }
    let hashes = tiles::parse_hash_tile("t", &read("tile/0/001"), 256).unwrap();
    assert_eq!(hashes, tree.tile(0, 1, 600).unwrap());
}

#[test]
fn nothing_past_the_checkpoint_is_answered() {
    let (log, tree, _) = log(600);
    let older = signed(&tree, 300);
    for path in [
        "tile/0/001",
        "tile/0/002.p/1",
        "tile/1/000.p/2",
        "tile/entries/001.p/45",
        "records/001",
        "records/002.p/1",
        "tile/2/000.p/1",
    ] {
        let error = tiles::read(&log, &tree, &older, &resource(path)).unwrap_err();
        assert!(
            matches!(error, TilesError::NotFound { size: 300, .. }),
            "{path}: {error}"
        );
    }
    tiles::read(&log, &tree, &older, &resource("records/001.p/44")).unwrap();
}

/// Every resource `for_each_changed` gives from `old`, with its bytes.
fn streamed(
    log: &Log<MemoryStorage>,
    tree: &Tree,
    checkpoint: &SignedCheckpoint,
    old: u64,
) -> Vec<(Resource, Vec<u8>)> {
    let mut seen = Vec::new();
    tiles::for_each_changed::<_, TilesError>(log, tree, checkpoint, old, |resource, bytes| {
        seen.push((*resource, bytes.to_vec()));
        Ok(())
    })
    .unwrap();
    seen
}

#[test]
fn the_stream_of_changes_is_what_read_answers_checkpoint_last() {
    let (log, tree, checkpoint) = log(600);
    for old in [0, 1, 255, 256, 300, 599, 600] {
        let seen = streamed(&log, &tree, &checkpoint, old);
        assert_eq!(
            seen.last().map(|(resource, _)| *resource),
            Some(Resource::Checkpoint)
        );
        let streamed: BTreeMap<Resource, Vec<u8>> = seen.into_iter().collect();
        let expected: BTreeMap<Resource, Vec<u8>> = tiles::changed(old, 600)
            .into_iter()
            .map(|resource| {
                let bytes = tiles::read(&log, &tree, &checkpoint, &resource).unwrap();
                (resource, bytes)
            })
            .collect();
        assert_eq!(streamed, expected, "from {old}");
    }
    // From 300 the bundle 001 (left partial at 300) and 002 are new, 000 is not.
    let paths: Vec<String> = tiles::changed(300, 600)
        .iter()
        .map(Resource::to_path)
        .collect();
    assert!(paths.contains(&"records/001".to_owned()), "{paths:?}");
    assert!(paths.contains(&"records/002.p/88".to_owned()), "{paths:?}");
    assert!(!paths.contains(&"records/000".to_owned()), "{paths:?}");
}

#[test]
fn malformed_tiles_and_bundles_are_refused_with_their_path() {
    let (log, tree, checkpoint) = log(300);
    let read = |path: &str| tiles::read(&log, &tree, &checkpoint, &resource(path)).unwrap();
    let mut entries = read("tile/entries/000");
    assert!(tiles::parse_entry_bundle("e", &entries, 255).is_err());
    entries[35] = 31;
    let error = tiles::parse_entry_bundle("tile/entries/000", &entries, 256).unwrap_err();
    assert_eq!(
        error.to_string(),
        "tile/entries/000: entry 1: its length is not 32"
    );
    let records = read("records/001.p/44");
    assert!(tiles::parse_record_bundle("r", &records, 43).is_err());
    assert!(tiles::parse_record_bundle("r", &records[..records.len() - 1], 44).is_err());
    let mut longer = records.clone();
    longer.push(0);
    assert!(tiles::parse_record_bundle("r", &longer, 44).is_err());
    assert!(tiles::parse_hash_tile("t", &read("tile/0/000")[1..], 256).is_err());
}

/// `rekap serve` reads bundles from the segment file beside the writer
/// (rekap_log::storage::segment_reader): the same bytes as the log's own, for every bundle
/// of a checkpoint, also while the writer goes on appending after it on another thread.
#[test]
fn bundles_read_beside_the_writer_are_the_log_s_own() {
    let directory = tempfile::tempdir().unwrap();
    let storage = rekap_log::SegmentStorage::create(&directory.path().join("store")).unwrap();
    let mut log = Log::open(storage).unwrap();
    let author = SigningKey::from_bytes(&[4; 32]);
    let mut counter = 0;
    let mut append = |log: &mut Log<rekap_log::SegmentStorage>, count: u64| {
        let batch = (counter + 1..=counter + count)
            .map(|n| SignedSubmission::sign(&author, n, format!("payload {n}").into_bytes()))
            .collect();
        log.append(batch, 1_000).unwrap();
        counter += count;
    };
    for _ in 0..6 {
        append(&mut log, 100);
    }
    let tree = log.tree().unwrap();
    let checkpoint = signed(&tree, 600);
    let reader = log.storage().reader().unwrap();
    let paths = [
        "tile/entries/000",
        "tile/entries/001",
        "tile/entries/002.p/88",
        "tile/entries/002.p/5",
        "records/000",
        "records/001",
        "records/002.p/88",
    ];
    let expected: Vec<Vec<u8>> = paths
        .iter()
        .map(|path| tiles::read(&log, &tree, &checkpoint, &resource(path)).unwrap())
        .collect();
    let beside = std::thread::spawn(move || {
        (0..20)
            .flat_map(|_| paths)
            .map(|path| {
                let bytes = tiles::read_bundle(&resource(path), 600, |seq| reader.chunks_from(seq));
                (path, bytes.unwrap())
            })
            .collect::<Vec<_>>()
    });
    for _ in 0..20 {
        append(&mut log, 7);
    }
    for (path, bytes) in beside.join().unwrap() {
        let at = paths.iter().position(|known| *known == path).unwrap();
        assert_eq!(bytes, expected[at], "{path}");
    }
    // Past the checkpoint: not found, even though the log now holds those records.
    let reader = log.storage().reader().unwrap();
    let beyond = tiles::read_bundle(&resource("records/002"), 600, |seq| reader.chunks_from(seq));
    assert!(
        matches!(beyond, Err(TilesError::NotFound { .. })),
        "{beyond:?}"
    );
}
