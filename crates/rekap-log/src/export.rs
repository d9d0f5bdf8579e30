//! The export file: one self-contained file an auditor verifies offline.
//!
//! ```text
//! header : magic "REKAPLOG" (8 bytes) | format version u32 LE (= 1) | record count u64 LE
//! frames : record count times ( record length u32 LE | record bytes )
//! trailer: magic "REKAPEND" (8 bytes) | head hash (32 bytes: last record's hash, zeros if none)
//! ```

use std::io::{self, BufReader, BufWriter, Read, Write};

use crate::error::LogError;
use crate::frame::check_frame_length;
use crate::log::Log;
use crate::record::{short_hex, Hash};
use crate::storage::Storage;
use crate::verify::{ChainVerifier, VerifyOptions, VerifyReport};

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

/// Verifies an export read from `input`. Structural problems become failures in the
/// report; only a read error of the medium is an `Err`.
pub fn verify_export(input: impl Read, options: VerifyOptions) -> io::Result<VerifyReport> {
    let mut input = BufReader::with_capacity(1 << 20, input);
    let mut verifier = ChainVerifier::from_genesis(options);
    let declared = match read_header(&mut input)? {
        Ok(declared) => declared,
        Err(reason) => {
            verifier.fail(None, reason);
            return Ok(verifier.finish());
        }
    };
    let frames_complete = read_frames(&mut input, &mut verifier, declared)?;
    if frames_complete {
        check_trailer(&mut input, &mut verifier)?;
    }
    Ok(verifier.finish())
}

/// Reads the header; the inner Err is a failure of the file, not of the medium.
fn read_header(input: &mut impl Read) -> io::Result<Result<u64, String>> {
    let mut header = [0u8; HEADER_BYTES];
    if !read_full(input, &mut header)? {
        return Ok(Err("file is too short for an export header".into()));
    }
    if &header[..8] != EXPORT_MAGIC {
        return Ok(Err("not a rekap export (magic is not REKAPLOG)".into()));
    }
    let version = u32::from_le_bytes([header[8], header[9], header[10], header[11]]);
    if version != EXPORT_VERSION {
        return Ok(Err(format!(
            "export format version {version} is not supported (expected {EXPORT_VERSION})"
        )));
    }
    let mut count = [0u8; 8];
    count.copy_from_slice(&header[12..20]);
    Ok(Ok(u64::from_le_bytes(count)))
}

/// Records read before they are checked together (hashes computed on every core).
const BLOCK_BYTES: usize = 4 * 1024 * 1024;

/// Reads `declared` frames; returns whether all of them were read whole.
fn read_frames(
    input: &mut impl Read,
    verifier: &mut ChainVerifier,
    declared: u64,
) -> io::Result<bool> {
    let mut block = RecordBlock::default();
    for index in 0..declared {
        let seq = verifier.next_seq() + block.len() as u64;
        match read_frame(input, declared, index, &mut block.bytes)? {
            Ok(()) => block.ends.push(block.bytes.len()),
            Err((failure_seq, reason)) => {
                block.check(verifier);
                verifier.fail(failure_seq.then_some(seq), reason);
                return Ok(false);
            }
        }
        if block.bytes.len() >= BLOCK_BYTES {
            block.check(verifier);
        }
    }
    block.check(verifier);
    Ok(true)
}

/// Consecutive records held in one buffer.
#[derive(Default)]
struct RecordBlock {
    bytes: Vec<u8>,
    ends: Vec<usize>,
}

impl RecordBlock {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn check(&mut self, verifier: &mut ChainVerifier) {
        let mut start = 0;
        let records: Vec<&[u8]> = self
            .ends
            .iter()
            .map(|end| {
                let record = &self.bytes[start..*end];
                start = *end;
                record
            })
            .collect();
        verifier.check_many(&records);
        self.bytes.clear();
        self.ends.clear();
    }
}

/// Reads one frame's record onto the end of `buffer`. The inner error is (whether it
/// belongs to a record, reason); `buffer` may then hold a partial record.
fn read_frame(
    input: &mut impl Read,
    declared: u64,
    index: u64,
    buffer: &mut Vec<u8>,
) -> io::Result<Result<(), (bool, String)>> {
    let mut length_bytes = [0u8; 4];
    if !read_full(input, &mut length_bytes)? {
        let reason = format!("header declares {declared} records but the file ends after {index}");
        return Ok(Err((false, reason)));
    }
    if &length_bytes == b"REKA" {
        let reason =
            format!("header declares {declared} records but the trailer follows record {index}");
        return Ok(Err((false, reason)));
    }
    let length = match check_frame_length(u32::from_le_bytes(length_bytes)) {
        Ok(length) => length,
        Err(error) => return Ok(Err((true, error.to_string()))),
    };
    let start = buffer.len();
    buffer.resize(start + length, 0);
    if !read_full(input, &mut buffer[start..])? {
        buffer.truncate(start);
        let reason = "record is cut off: the file ends inside it".to_owned();
        return Ok(Err((true, reason)));
    }
    Ok(Ok(()))
}

fn check_trailer(input: &mut impl Read, verifier: &mut ChainVerifier) -> io::Result<()> {
    let mut trailer = [0u8; TRAILER_BYTES];
    if !read_full(input, &mut trailer)? {
        verifier.fail(None, "the trailer is missing: the file is truncated");
        return Ok(());
    }
    if &trailer[..8] != TRAILER_MAGIC {
        verifier.fail(
            None,
            "no trailer after the declared records: the header's record count is wrong",
        );
        return Ok(());
    }
    let mut head = [0u8; 32];
    head.copy_from_slice(&trailer[8..]);
    let report_head = verifier.head();
    if head != report_head {
        verifier.fail(
            None,
            format!(
                "trailer head {} differs from the last record's hash {}",
                short_hex(&head),
                short_hex(&report_head)
            ),
        );
    }
    let mut extra = [0u8; 1];
    if input.read(&mut extra)? != 0 {
        verifier.fail(None, "bytes follow the trailer");
    }
    Ok(())
}

/// Fills `buffer`; Ok(false) when the input ends first.
fn read_full(input: &mut impl Read, buffer: &mut [u8]) -> io::Result<bool> {
    match input.read_exact(buffer) {
        Ok(()) => Ok(true),
        Err(error) if error.kind() == io::ErrorKind::UnexpectedEof => Ok(false),
        Err(error) => Err(error),
    }
}
