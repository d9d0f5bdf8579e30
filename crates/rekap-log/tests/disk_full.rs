//! A write that fails halfway (disk full) leaves the segment store exactly as it was: the
//! append reports the error, nothing of it stays in the file, the next append lands, and
//! the store reopens and verifies.
//!
//! Its own test binary because the fault is a process-wide file-size limit
//! (`RLIMIT_FSIZE`): past it, `write` fails with EFBIG, as it would with ENOSPC.

use ed25519_dalek::SigningKey;
use rekap_log::{Log, SegmentStorage, SignedSubmission, VerifyOptions};

fn submissions(
    key: &SigningKey,
    first_counter: u64,
    count: u64,
    bytes: usize,
) -> Vec<SignedSubmission> {
    (first_counter..first_counter + count)
        .map(|counter| SignedSubmission::sign(key, counter, vec![counter as u8; bytes]))
        .collect()
}

fn set_file_size_limit(bytes: u64) {
    let limit = libc::rlimit {
        rlim_cur: bytes,
        rlim_max: libc::RLIM_INFINITY,
    };
    // SAFETY: setrlimit with a valid pointer to an initialised rlimit.
    assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_FSIZE, &limit) }, 0);
}

#[test]
fn a_write_that_fails_halfway_leaves_the_store_as_it_was() {
    // Exceeding the limit raises SIGXFSZ, which would kill the process; ignored, the write
    // fails with EFBIG instead.
    // SAFETY: installing SIG_IGN for one signal, before any other thread exists.
    unsafe { libc::signal(libc::SIGXFSZ, libc::SIG_IGN) };
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("store");
    let key = SigningKey::from_bytes(&[9; 32]);
    let mut log = Log::open(SegmentStorage::create(&path).unwrap()).unwrap();
    log.append(submissions(&key, 1, 3, 1_000), 1).unwrap();
    let segment = path.join("log.segment");
    let before = std::fs::read(&segment).unwrap();
    let head = log.head();

    set_file_size_limit(before.len() as u64 + 10_000);
    let failed = log.append(submissions(&key, 4, 50, 1_000), 2);
    set_file_size_limit(libc::RLIM_INFINITY);

    assert!(failed.is_err(), "a write past the limit must fail");
    let after = std::fs::read(&segment).unwrap();
    assert!(
        after == before,
        "nothing of the failed append stays: {} bytes, were {}",
        after.len(),
        before.len()
    );
    assert_eq!(log.head(), head);
    let appended = log.append(submissions(&key, 4, 2, 1_000), 3).unwrap();
    assert_eq!(
        appended.first().map(|record| record.seq),
        Some(head.count + 1)
    );
    drop(log);
    let reopened = Log::open(SegmentStorage::open(&path).unwrap()).unwrap();
    assert_eq!(reopened.head().count, 5);
    assert!(reopened.verify(VerifyOptions::default()).unwrap().ok());
}
