//! Crash safety: a child process appends batches to a sled store in a loop and is killed
//! with SIGKILL at random moments. After every kill the store must open, verify, accept
//! appends, and hold every batch whose append had returned success.
//!
//! CI runs 20 kills; set REKAP_CRASH_ITERATIONS for more (e.g. 500 for a long run).

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use rekap_log::{Log, SegmentStorage, SledStorage, Storage, VerifyOptions};

use crate::harness::{key, payload, submission};

const CHILD_STORE_VARIABLE: &str = "REKAP_CRASH_CHILD_STORE";
const CHILD_KIND_VARIABLE: &str = "REKAP_CRASH_CHILD_KIND";

/// Runs only as the child of the `killed_appender_*` tests.
#[test]
#[ignore = "child process of the crash test; not a test on its own"]
fn crash_child_appends_until_killed() {
    let Some(store) = std::env::var_os(CHILD_STORE_VARIABLE) else {
        return;
    };
    let path = Path::new(&store);
    if std::env::var(CHILD_KIND_VARIABLE).as_deref() == Ok("segment") {
        let storage = if SegmentStorage::is_store(path) {
            SegmentStorage::open(path)
        } else {
            SegmentStorage::create(path)
        };
        append_forever(Log::open(storage.expect("child opens store")).expect("child opens log"));
    } else {
        let storage = if SledStorage::is_store(path) {
            SledStorage::open(path)
        } else {
            SledStorage::create(path)
        };
        append_forever(Log::open(storage.expect("child opens store")).expect("child opens log"));
    }
}

fn append_forever<S: Storage>(mut log: Log<S>) {
    let mut stdout = std::io::stdout().lock();
    for round in 0u64.. {
        let size = 1 + (round * 7919 % 40);
        let batch = (0..size)
            .map(|index| submission(&log, &key((round % 2) as u8), index, payload(round, 200)))
            .collect();
        let records = log.append(batch, round).expect("child append");
        let last = records.last().expect("non-empty batch").seq;
        // Acknowledge only after append returned: this is what "success" means.
        writeln!(stdout, "{last}").expect("write ack");
        stdout.flush().expect("flush ack");
    }
}

fn iterations() -> u64 {
    std::env::var("REKAP_CRASH_ITERATIONS")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(20)
}

#[test]
fn killed_appender_never_loses_acknowledged_batches_sled() {
    crash_loop("sled", |path| {
        Log::open(SledStorage::open(path).expect("store opens after kill")).expect("log opens")
    });
}

#[test]
fn killed_appender_never_loses_acknowledged_batches_segment() {
    crash_loop("segment", |path| {
        Log::open(SegmentStorage::open(path).expect("store opens after kill")).expect("log opens")
    });
}

fn crash_loop<S: Storage>(kind: &str, open: impl Fn(&Path) -> Log<S>) {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    // The store exists before the first child starts: a child killed while it was still
    // creating the directory (a slow start on a loaded machine) would leave one that is
    // not a store, and this test is about appends, not creation (`rekap init` builds a
    // store beside its place and renames it in, see src/new_store.rs).
    if kind == "segment" {
        drop(SegmentStorage::create(&store).expect("creates the store"));
    } else {
        drop(SledStorage::create(&store).expect("creates the store"));
    }
    let mut random = 0x9e37_79b9_7f4a_7c15u64;
    let mut acknowledged = 0u64;
    for iteration in 0..iterations() {
        random ^= random << 13;
        random ^= random >> 7;
        random ^= random << 17;
        let run_for = Duration::from_millis(20 + random % 300);
        let last_ack = run_child_and_kill(&store, kind, run_for);
        acknowledged = acknowledged.max(last_ack.unwrap_or(0));

        let log = open(&store);
        assert!(
            log.tail_problem().is_none(),
            "{kind} iteration {iteration}: tail does not verify: {:?}",
            log.tail_problem()
        );
        let report = log.verify(VerifyOptions::default()).unwrap();
        assert!(
            report.ok(),
            "{kind} iteration {iteration}: {:?}",
            report.failures
        );
        assert!(
            log.head().count >= acknowledged,
            "{kind} iteration {iteration}: acknowledged {acknowledged} records but only {} survived",
            log.head().count
        );
    }
    assert!(acknowledged > 0, "the child never acknowledged an append");
}

/// Runs the child for `run_for`, kills it with SIGKILL, returns the last acknowledged seq.
fn run_child_and_kill(store: &Path, kind: &str, run_for: Duration) -> Option<u64> {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "crash::crash_child_appends_until_killed",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_STORE_VARIABLE, store)
        .env(CHILD_KIND_VARIABLE, kind)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn child");
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Ok(seq) = line.trim().parse::<u64>() {
                let _ = sender.send(seq);
            }
        }
    });
    std::thread::sleep(run_for);
    child.kill().expect("SIGKILL child"); // Child::kill sends SIGKILL on Unix.
    child.wait().expect("reap child");
    reader.join().expect("reader thread");
    receiver.try_iter().max()
}
