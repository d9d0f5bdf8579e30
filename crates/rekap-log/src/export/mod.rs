//! The export file: one self-contained file an auditor verifies offline.
//!
//! ```text
//! header : magic "REKAPLOG" (8 bytes) | format version u32 LE (= 1) | record count u64 LE
//! frames : record count times ( record length u32 LE | record bytes )
//! trailer: magic "REKAPEND" (8 bytes) | head hash (32 bytes: last record's hash, zeros if none)
//! ```

use std::io::{self, BufWriter, Write};

use crate::error::LogError;
use crate::log::Log;
use crate::record::Hash;
use crate::storage::Storage;

mod verify;
mod window;

pub use verify::verify_export;

pub const EXPORT_MAGIC: &[u8; 8] = b"REKAPLOG";
pub const TRAILER_MAGIC: &[u8; 8] = b"REKAPEND";
pub const EXPORT_VERSION: u32 = 1;
pub const HEADER_BYTES: usize = 8 + 4 + 8;
pub const TRAILER_BYTES: usize = 8 + 32;

/// Errors writing an export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Log(#[from] LogError),
    #[error("writing the export: {0}")]
    Io(#[from] io::Error),
}

/// What an export holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExportSummary {
    pub records: u64,
    pub head: Hash,
    pub bytes: u64,
}

/// Writes the whole log to `out`. The stored bytes are copied as they are: the export is
/// what the store holds, and verifying it verifies the store.
pub fn write_export<S: Storage>(
    log: &Log<S>,
    out: impl Write,
) -> Result<ExportSummary, ExportError> {
    let head = log.head();
    let mut out = BufWriter::new(out);
    out.write_all(EXPORT_MAGIC)?;
    out.write_all(&EXPORT_VERSION.to_le_bytes())?;
    out.write_all(&head.count.to_le_bytes())?;
    let mut bytes = (HEADER_BYTES + TRAILER_BYTES) as u64;
    let mut io_error = None;
    log.for_each_chunk(|chunk| {
        if let Err(error) = out.write_all(&chunk.framed_records) {
            io_error = Some(error);
        }
        bytes += chunk.framed_records.len() as u64;
        Ok(())
    })?;
    if let Some(error) = io_error {
        return Err(error.into());
    }
    out.write_all(TRAILER_MAGIC)?;
    out.write_all(&head.last_hash)?;
    out.flush()?;
    Ok(ExportSummary {
        records: head.count,
        head: head.last_hash,
        bytes,
    })
}

/// The records of an export held in memory, in order; stops at the first frame or record
/// that cannot be read (verify the export first to know why).
pub fn records_in_export(bytes: &[u8]) -> Vec<crate::record::Record> {
    let Some(frames) = bytes.get(HEADER_BYTES..bytes.len().saturating_sub(TRAILER_BYTES)) else {
        return Vec::new();
    };
    crate::frame::Frames::new(frames)
        .map_while(|frame| {
            frame
                .ok()
                .and_then(|bytes| crate::record::Record::decode(bytes).ok())
        })
        .collect()
}
