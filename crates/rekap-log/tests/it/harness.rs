//! Small helpers shared by the tests.

use ed25519_dalek::SigningKey;
use rekap_log::export::write_export;
use rekap_log::{Log, MemoryStorage, SignedSubmission, Storage};

/// A deterministic key for author number `n`.
pub fn key(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n.wrapping_add(1); 32])
}

/// A payload of `length` bytes that differs per `tag`.
pub fn payload(tag: u64, length: usize) -> Vec<u8> {
    (0..length)
        .map(|index| (tag as usize).wrapping_mul(31).wrapping_add(index) as u8)
        .collect()
}

/// Signs the next submission of `key` on `log`.
pub fn submission<S: Storage>(
    log: &Log<S>,
    key: &SigningKey,
    counter_offset: u64,
    payload: Vec<u8>,
) -> SignedSubmission {
    let counter = log
        .next_counter(&key.verifying_key().to_bytes())
        .expect("read counter")
        + counter_offset;
    SignedSubmission::sign(key, counter, payload)
}

/// Appends batches of the given sizes (payload lengths per record) by rotating authors.
pub fn build_log(batches: &[Vec<usize>]) -> Log<MemoryStorage> {
    let mut log = Log::open(MemoryStorage::new()).expect("open memory log");
    let mut time = 1_732_665_600_000u64; // 2024-11-27T00:00:00Z
    for (batch_index, lengths) in batches.iter().enumerate() {
        let author = key((batch_index % 3) as u8);
        let submissions = lengths
            .iter()
            .enumerate()
            .map(|(index, length)| {
                let tag = (batch_index * 1000 + index) as u64;
                submission(&log, &author, index as u64, payload(tag, *length))
            })
            .collect();
        log.append(submissions, time).expect("append batch");
        time += 1_000;
    }
    log
}

/// The export bytes of a log.
pub fn export_bytes<S: Storage>(log: &Log<S>) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_export(log, &mut bytes).expect("export to memory");
    bytes
}
