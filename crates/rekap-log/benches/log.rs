//! Log benchmark: durable appends, scan, and export verification beside plain blake3 over
//! the same bytes (the baseline). Run: `cargo bench -p rekap-log --bench log`.
//! Figures and the machine are recorded in docs/PERFORMANCE.md.

use std::cell::Cell;
use std::sync::LazyLock;

use divan::counter::{BytesCount, ItemsCount};
use divan::Bencher;
use ed25519_dalek::SigningKey;
use rekap_log::export::{verify_export, write_export};
use rekap_log::{
    Log, MemoryStorage, SegmentStorage, SignedSubmission, SledStorage, Storage, VerifyOptions,
};

fn main() {
    divan::main();
}

/// The two disk stores: the default segment file and the sled-only layout.
trait DiskStore: Storage + Sized {
    fn create(path: &std::path::Path) -> Self;
    fn open(path: &std::path::Path) -> Self;
}

impl DiskStore for SegmentStorage {
    fn create(path: &std::path::Path) -> Self {
        SegmentStorage::create(path).unwrap()
    }
    fn open(path: &std::path::Path) -> Self {
        SegmentStorage::open(path).unwrap()
    }
}

impl DiskStore for SledStorage {
    fn create(path: &std::path::Path) -> Self {
        SledStorage::create(path).unwrap()
    }
    fn open(path: &std::path::Path) -> Self {
        SledStorage::open(path).unwrap()
    }
}

const PAYLOAD_BYTES: usize = 200;

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7; 32])
}

fn submissions(first_counter: u64, count: usize, payload_bytes: usize) -> Vec<SignedSubmission> {
    let key = key();
    (0..count as u64)
        .map(|index| {
            let payload = vec![(index % 251) as u8; payload_bytes];
            SignedSubmission::sign(&key, first_counter + index, payload)
        })
        .collect()
}

/// Durable append of one batch of `batch` records of 200-byte payloads, signature checks
/// included (the log checks every signature before it appends).
#[divan::bench(types = [SegmentStorage, SledStorage], args = [1, 100, 10_000], sample_count = 12, sample_size = 1)]
fn append_durable<S: DiskStore>(bencher: Bencher, batch: usize) {
    let dir = tempfile::tempdir().unwrap();
    let mut log = Log::open(S::create(&dir.path().join("s"))).unwrap();
    let next_counter = Cell::new(1u64);
    bencher
        .counter(BytesCount::new(batch * PAYLOAD_BYTES))
        .counter(ItemsCount::new(batch))
        .with_inputs(|| {
            let first = next_counter.get();
            next_counter.set(first + batch as u64);
            submissions(first, batch, PAYLOAD_BYTES)
        })
        .bench_local_values(|batch| log.append(batch, 0).unwrap());
}

/// The bulk-import shape: one batch of 16 records, each a 256 KiB payload of many events.
#[divan::bench(types = [SegmentStorage, SledStorage], sample_count = 12, sample_size = 1)]
fn append_durable_bulk_payloads<S: DiskStore>(bencher: Bencher) {
    const RECORDS: usize = 16;
    const BYTES: usize = 256 * 1024;
    let dir = tempfile::tempdir().unwrap();
    let mut log = Log::open(S::create(&dir.path().join("s"))).unwrap();
    let next_counter = Cell::new(1u64);
    bencher
        .counter(BytesCount::new(RECORDS * BYTES))
        .with_inputs(|| {
            let first = next_counter.get();
            next_counter.set(first + RECORDS as u64);
            submissions(first, RECORDS, BYTES)
        })
        .bench_local_values(|batch| log.append(batch, 0).unwrap());
}

const SCAN_BATCHES: usize = 50;
const SCAN_BATCH_RECORDS: usize = 1_000;

/// Reads and decodes every record of a store of 50,000 records of 200-byte payloads, in
/// batches of 1,000.
#[divan::bench(types = [SegmentStorage, SledStorage], sample_count = 20)]
fn scan<S: DiskStore>(bencher: Bencher) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s");
    let mut bytes = 0u64;
    {
        let mut log = Log::open(S::create(&path)).unwrap();
        for batch in 0..SCAN_BATCHES {
            let first = (batch * SCAN_BATCH_RECORDS) as u64 + 1;
            for record in log
                .append(submissions(first, SCAN_BATCH_RECORDS, PAYLOAD_BYTES), 0)
                .unwrap()
            {
                bytes += record.encode().len() as u64;
            }
        }
    }
    let log = Log::open(S::open(&path)).unwrap();
    bencher
        .counter(BytesCount::new(bytes))
        .bench_local(|| log.records_from(1).filter(Result::is_ok).count());
}

/// An export of 50,000 records of 200-byte payloads, in memory.
static EXPORT: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let mut log = Log::open(MemoryStorage::new()).unwrap();
    for batch in 0..SCAN_BATCHES {
        let first = (batch * SCAN_BATCH_RECORDS) as u64 + 1;
        log.append(submissions(first, SCAN_BATCH_RECORDS, PAYLOAD_BYTES), 0)
            .unwrap();
    }
    let mut bytes = Vec::new();
    write_export(&log, &mut bytes).unwrap();
    bytes
});

/// Baseline: plain blake3 over the export's bytes.
#[divan::bench(sample_count = 20)]
fn baseline_blake3_of_export(bencher: Bencher) {
    let bytes = &*EXPORT;
    bencher
        .counter(BytesCount::new(bytes.len()))
        .bench_local(|| blake3::hash(bytes));
}

/// Chain verification of the export: framing, decoding, hashes, links, time, counters.
#[divan::bench(sample_count = 20)]
fn verify_export_chain_only(bencher: Bencher) {
    let bytes = &*EXPORT;
    let options = VerifyOptions { signatures: false };
    bencher
        .counter(BytesCount::new(bytes.len()))
        .bench_local(|| verify_export(bytes.as_slice(), options).unwrap().ok());
}

/// The export written to a file, as an auditor receives it.
static EXPORT_FILE: LazyLock<tempfile::NamedTempFile> = LazyLock::new(|| {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    std::io::Write::write_all(&mut file, &EXPORT).unwrap();
    file
});

/// Baseline for `rekap verify --log FILE`: read the file and blake3 it.
#[divan::bench(sample_count = 20)]
fn baseline_blake3_of_export_file(bencher: Bencher) {
    let path = EXPORT_FILE.path();
    bencher
        .counter(BytesCount::new(EXPORT.len()))
        .bench_local(|| blake3::hash(&std::fs::read(path).unwrap()));
}

/// `rekap verify --log FILE --no-signatures`: chain verification streamed from the file.
#[divan::bench(sample_count = 20)]
fn verify_export_file_chain_only(bencher: Bencher) {
    let path = EXPORT_FILE.path();
    let options = VerifyOptions { signatures: false };
    bencher
        .counter(BytesCount::new(EXPORT.len()))
        .bench_local(|| {
            let file = std::fs::File::open(path).unwrap();
            verify_export(file, options).unwrap().ok()
        });
}

/// Full verification of the export, signatures included (both cores).
#[divan::bench(sample_count = 5)]
fn verify_export_with_signatures(bencher: Bencher) {
    let bytes = &*EXPORT;
    bencher
        .counter(BytesCount::new(bytes.len()))
        .counter(ItemsCount::new(SCAN_BATCHES * SCAN_BATCH_RECORDS))
        .bench_local(|| {
            verify_export(bytes.as_slice(), VerifyOptions::default())
                .unwrap()
                .ok()
        });
}

/// Layout baseline: 10,000 records of 200 bytes as one sled key each, then one flush.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn layout_sled_key_per_record(bencher: Bencher) {
    const RECORDS: usize = 10_000;
    let dir = tempfile::tempdir().unwrap();
    let database = sled::open(dir.path()).unwrap();
    let next = Cell::new(0u64);
    bencher.counter(ItemsCount::new(RECORDS)).bench_local(|| {
        let mut batch = sled::Batch::default();
        for _ in 0..RECORDS {
            let seq = next.get();
            next.set(seq + 1);
            batch.insert(&seq.to_be_bytes()[..], &[1u8; PAYLOAD_BYTES][..]);
        }
        database.apply_batch(batch).unwrap();
        database.flush().unwrap();
    });
}

/// Layout chosen: the same 10,000 records packed in one sled value, then one flush.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn layout_sled_key_per_batch(bencher: Bencher) {
    const RECORDS: usize = 10_000;
    let dir = tempfile::tempdir().unwrap();
    let database = sled::open(dir.path()).unwrap();
    let next = Cell::new(0u64);
    let packed = vec![1u8; RECORDS * PAYLOAD_BYTES];
    bencher.counter(ItemsCount::new(RECORDS)).bench_local(|| {
        let seq = next.get();
        next.set(seq + 1);
        database.insert(seq.to_be_bytes(), &packed[..]).unwrap();
        database.flush().unwrap();
    });
}
