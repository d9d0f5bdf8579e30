//! The committed test vector: a tiny export whose bytes are written out in docs/FORMAT.md.
//! If this test fails, the byte format changed: that breaks every export ever made and every
//! independent verifier. Change docs/FORMAT.md and the format version first.
//! To regenerate after a deliberate format change: REKAP_UPDATE_VECTORS=1 cargo test.

use ed25519_dalek::SigningKey;
use rekap_log::export::verify_export;
use rekap_log::{Log, MemoryStorage, SignedSubmission, VerifyOptions};

use crate::harness::export_bytes;

const VECTOR_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/vectors/tiny-log.rekap"
);

/// The head hash written in docs/FORMAT.md.
const DOCUMENTED_HEAD: &str = include_str!("../../../../tests/vectors/tiny-log.head");

/// The tiny log of docs/FORMAT.md: two authors with secret keys 32 x 0x01 and 32 x 0x02;
/// batch one at 2024-11-27T00:00:00Z holds "hello" by author one; batch two one second
/// later holds "rekap" by author two and an empty payload by author one.
pub fn tiny_log() -> Log<MemoryStorage> {
    let one = SigningKey::from_bytes(&[1; 32]);
    let two = SigningKey::from_bytes(&[2; 32]);
    let mut log = Log::open(MemoryStorage::new()).unwrap();
    let voting_day_ms = 1_732_665_600_000;
    log.append(
        vec![SignedSubmission::sign(&one, 1, b"hello".to_vec())],
        voting_day_ms,
    )
    .unwrap();
    log.append(
        vec![
            SignedSubmission::sign(&two, 1, b"rekap".to_vec()),
            SignedSubmission::sign(&one, 2, Vec::new()),
        ],
        voting_day_ms + 1_000,
    )
    .unwrap();
    log
}

#[test]
fn tiny_log_matches_the_committed_vector() {
    let bytes = export_bytes(&tiny_log());
    if std::env::var_os("REKAP_UPDATE_VECTORS").is_some() {
        std::fs::write(VECTOR_PATH, &bytes).unwrap();
        let head = hex::encode(tiny_log().head().last_hash);
        std::fs::write(VECTOR_PATH.replace(".rekap", ".head"), head + "\n").unwrap();
    }
    let committed = std::fs::read(VECTOR_PATH).expect("tests/vectors/tiny-log.rekap exists");
    assert_eq!(
        hex::encode(&bytes),
        hex::encode(&committed),
        "the byte format changed"
    );
}

#[test]
fn committed_vector_verifies_with_the_documented_head() {
    let committed = std::fs::read(VECTOR_PATH).unwrap();
    let report = verify_export(committed.as_slice(), VerifyOptions::default()).unwrap();
    assert!(report.ok(), "{:?}", report.failures);
    assert_eq!(report.records, 3);
    assert_eq!(hex::encode(report.head), DOCUMENTED_HEAD.trim());
}
