//! The two locks of a store directory, so that a reader never waits behind a writer's
//! replay (docs/OPERATOR.md, "Readers beside a writer").
//!
//! - `LOCK.writer`: held exclusively by every process that opens the store to append, for
//!   as long as it has it open. One writer at a time: nothing but the holder ever appends, so
//!   the head a writer replayed is the head it appends after.
//! - `LOCK`: shared by readers for as long as they read; exclusive while anything changes
//!   the segment file. A writer opened with [`super::segment::SegmentStorage::open_sharing_reads`]
//!   holds it exclusively only to scan (and move an incomplete append aside) and to append a
//!   chunk, and shared in between: readers open and finish while it replays. Every other
//!   appending open (`rekap serve`, `init`) holds it exclusively throughout, as before.
//!
//! Before each append the sharing writer takes `LOCK` exclusively (waiting for readers in
//! progress, up to its wait) and checks that the segment file still ends where its replay
//! ended; a file that grew is refused, never appended after.

use std::fs::{self, File, OpenOptions};
use std::path::Path;
use std::time::{Duration, Instant};

use super::store_dir::io_error;
use super::StorageError;

pub(crate) const WRITER_LOCK_FILE: &str = "LOCK.writer";

/// `LOCK.writer` of the store at `path`, held exclusively; `Locked` if another writer has it.
pub(crate) fn lock_writer(path: &Path) -> Result<File, StorageError> {
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path.join(WRITER_LOCK_FILE))
        .map_err(|error| io_error(path, &error.to_string()))?;
    match lock.try_lock() {
        Ok(()) => Ok(lock),
        Err(fs::TryLockError::WouldBlock) => Err(locked(path)),
        Err(fs::TryLockError::Error(error)) => Err(io_error(path, &error.to_string())),
    }
}

fn locked(path: &Path) -> StorageError {
    StorageError::Locked {
        path: path.display().to_string(),
    }
}

/// A writer that lets readers share `LOCK` between its appends.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SharedAppends {
    /// How long an append waits for readers in progress before `Locked`.
    pub wait: Duration,
}

impl SharedAppends {
    /// Lets readers in: `LOCK` from exclusive to shared. (Not atomic, and need not be:
    /// only a writer could take it exclusively in between, and this process holds
    /// `LOCK.writer`.)
    pub fn share(&self, lock: &File, path: &Path) -> Result<(), StorageError> {
        lock.lock_shared()
            .map_err(|error| io_error(path, &error.to_string()))
    }

    /// `LOCK` exclusively for an append, once the readers in progress are done (up to
    /// `wait`, else `Locked`).
    pub fn exclusive(&self, lock: &File, path: &Path) -> Result<(), StorageError> {
        let started = Instant::now();
        // From shared to exclusive: let go first, or two holders would wait on each other.
        lock.unlock()
            .map_err(|error| io_error(path, &error.to_string()))?;
        loop {
            match lock.try_lock() {
                Ok(()) => return Ok(()),
                Err(fs::TryLockError::WouldBlock) if started.elapsed() < self.wait => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(fs::TryLockError::WouldBlock) => {
                    // Back to shared, as the caller holds it between appends.
                    self.share(lock, path)?;
                    return Err(locked(path));
                }
                Err(fs::TryLockError::Error(error)) => {
                    return Err(io_error(path, &error.to_string()))
                }
            }
        }
    }
}
