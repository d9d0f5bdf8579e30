//! The store directory's pieces that every disk storage shares: the marker file naming the
//! store format, the lock, and how an IO failure is reported.

use std::fs::{self, File, OpenOptions};
use std::path::Path;

use super::StorageError;

/// The file whose contents name a store's format.
pub const MARKER_FILE: &str = "REKAP_STORE";

pub(crate) fn lock_store(path: &Path) -> Result<File, StorageError> {
    lock_store_as(path, false)
}

/// The store's lock: exclusive for a writer; shared for a reader (`shared`), so readers
/// never lock each other out and a writer waits only for readers in progress. Nothing is
/// appended while any reader holds it, so a reader never sees half an append.
pub(crate) fn lock_store_as(path: &Path, shared: bool) -> Result<File, StorageError> {
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path.join("LOCK"))
        .map_err(|error| io_error(path, &error.to_string()))?;
    let attempt = if shared {
        lock.try_lock_shared()
    } else {
        lock.try_lock()
    };
    match attempt {
        Ok(()) => Ok(lock),
        Err(fs::TryLockError::WouldBlock) => Err(StorageError::Locked {
            path: path.display().to_string(),
        }),
        Err(fs::TryLockError::Error(error)) => Err(io_error(path, &error.to_string())),
    }
}

pub(crate) fn io_error(path: &Path, reason: &str) -> StorageError {
    StorageError::Io {
        path: path.display().to_string(),
        reason: reason.to_owned(),
    }
}
