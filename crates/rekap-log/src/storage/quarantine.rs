//! Moving the bytes of an uncommitted append out of the segment file, never deleting them.
//!
//! Steps and their failure cases:
//! 1. The bytes are copied to a new file `quarantine/log.segment.at-<offset>[.<n>]`
//!    (`create_new`: an earlier file is never overwritten). A crash leaves a partial copy
//!    and the segment file as it was; the next open copies them again under the next name.
//! 2. The copy and the directory are fsynced. Same as 1.
//! 3. The segment file is cut back to `offset` and fsynced. A crash before the fsync leaves
//!    it cut or not; if not, the next open copies the bytes once more.
//!
//! Nothing is cut unless its copy is durable, and a copy is never removed by rekap.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use super::store_dir::io_error;
use super::StorageError;

/// The store's directory of moved-aside bytes.
pub const QUARANTINE_DIRECTORY: &str = "quarantine";
/// Most copies of the bytes at one offset (each a crash during an earlier move).
const MAX_COPIES: u32 = 1_000;

/// What an appending open moved out of the segment file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quarantined {
    /// Byte offset in `log.segment` where the moved bytes started.
    pub offset: u64,
    pub bytes: u64,
    /// Where they are now.
    pub file: PathBuf,
    /// Why they were judged an append that was never committed.
    pub why: String,
}

impl std::fmt::Display for Quarantined {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            formatter,
            "moved {} bytes of an incomplete append ({}) from byte {} of log.segment to {}; \
             they were never acknowledged",
            self.bytes,
            self.why,
            self.offset,
            self.file.display()
        )
    }
}

/// Copies `segment[offset .. offset + bytes]` into the quarantine directory of `store`,
/// durably, then cuts the segment file back to `offset`.
pub fn move_aside(
    store: &Path,
    segment: &File,
    offset: u64,
    bytes: u64,
    why: &str,
) -> Result<Quarantined, StorageError> {
    let directory = store.join(QUARANTINE_DIRECTORY);
    let io = |error: std::io::Error| io_error(&directory, &error.to_string());
    fs::create_dir_all(&directory).map_err(io)?;
    let (path, mut copy) = new_copy(&directory, offset)?;
    let mut buffer = vec![0u8; bytes.min(1 << 20) as usize];
    let mut done = 0u64;
    while done < bytes {
        let size = (bytes - done).min(buffer.len() as u64) as usize;
        segment
            .read_exact_at(&mut buffer[..size], offset + done)
            .map_err(io)?;
        copy.write_all(&buffer[..size]).map_err(io)?;
        done += size as u64;
    }
    copy.sync_all().map_err(io)?;
    File::open(&directory)
        .and_then(|handle| handle.sync_all())
        .map_err(io)?;
    segment.set_len(offset).map_err(io)?;
    segment.sync_all().map_err(io)?;
    Ok(Quarantined {
        offset,
        bytes,
        file: path,
        why: why.to_owned(),
    })
}

/// A new file for the bytes at `offset`, never one that exists.
fn new_copy(directory: &Path, offset: u64) -> Result<(PathBuf, File), StorageError> {
    for copy in 1..=MAX_COPIES {
        let name = match copy {
            1 => format!("log.segment.at-{offset}"),
            _ => format!("log.segment.at-{offset}.{copy}"),
        };
        let path = directory.join(name);
        match OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(file) => return Ok((path, file)),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(io_error(&path, &error.to_string())),
        }
    }
    Err(io_error(
        directory,
        &format!("{MAX_COPIES} copies of the bytes at {offset} already; look at them first"),
    ))
}
