//! Verifying an export file as a stream: header, frames in blocks (hashed on every core),
//! trailer.

use std::io::{self, Read};

use super::window::Window;
use super::{EXPORT_MAGIC, EXPORT_VERSION, HEADER_BYTES, TRAILER_BYTES, TRAILER_MAGIC};
use crate::frame::{check_frame_length, FRAME_HEADER_BYTES};
use crate::record::short_hex;
use crate::verify::{ChainVerifier, VerifyOptions, VerifyReport};

/// Verifies an export read from `input`. Structural problems become failures in the
/// report; only a read error of the medium is an `Err`.
pub fn verify_export(input: impl Read, options: VerifyOptions) -> io::Result<VerifyReport> {
    let mut window = Window::new(input);
    let mut verifier = ChainVerifier::from_genesis(options);
    let declared = match read_header(&mut window)? {
        Ok(declared) => declared,
        Err(reason) => {
            verifier.fail(None, reason);
            return Ok(verifier.finish());
        }
    };
    if read_frames(&mut window, &mut verifier, declared)? {
        check_trailer(&mut window, &mut verifier)?;
    }
    Ok(verifier.finish())
}

/// Reads the header; the inner Err is a failure of the file, not of the medium.
fn read_header(window: &mut Window<impl Read>) -> io::Result<Result<u64, String>> {
    if !window.fill(HEADER_BYTES)? {
        return Ok(Err("file is too short for an export header".into()));
    }
    let header = &window.available()[..HEADER_BYTES];
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
    window.consume(HEADER_BYTES);
    Ok(Ok(u64::from_le_bytes(count)))
}

/// Where the frames stopped being readable.
struct FrameFailure {
    /// Whether the failure belongs to the record at that position (else to the file).
    in_record: bool,
    reason: String,
}

/// Reads `declared` frames, checking every block of whole frames in the window together.
/// Returns whether all of them were read whole.
fn read_frames(
    window: &mut Window<impl Read>,
    verifier: &mut ChainVerifier,
    declared: u64,
) -> io::Result<bool> {
    let mut read = 0u64;
    while read < declared {
        let (records, consumed, failure) = split_frames(window.available(), declared - read);
        verifier.check_many(&records);
        read += records.len() as u64;
        window.consume(consumed);
        if let Some(failure) = failure {
            let seq = failure.in_record.then(|| verifier.next_seq());
            verifier.fail(seq, failure.reason);
            return Ok(false);
        }
        if read < declared && !fill_next_frame(window, verifier, declared, read)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Splits whole frames off the front of `bytes`, at most `limit`. Returns the records, the
/// bytes they take, and a failure that makes reading further impossible.
fn split_frames(bytes: &[u8], limit: u64) -> (Vec<&[u8]>, usize, Option<FrameFailure>) {
    let mut records = Vec::new();
    let mut offset = 0;
    while (records.len() as u64) < limit {
        let Some(length_bytes) = bytes.get(offset..offset + FRAME_HEADER_BYTES) else {
            break;
        };
        if length_bytes == b"REKA" {
            let reason = "the trailer comes before the header's declared record count";
            return (records, offset, Some(file_failure(reason)));
        }
        let length = match check_frame_length(u32::from_le_bytes([
            length_bytes[0],
            length_bytes[1],
            length_bytes[2],
            length_bytes[3],
        ])) {
            Ok(length) => length,
            Err(error) => return (records, offset, Some(record_failure(error.to_string()))),
        };
        let body_start = offset + FRAME_HEADER_BYTES;
        let Some(record) = bytes.get(body_start..body_start + length) else {
            break;
        };
        records.push(record);
        offset = body_start + length;
    }
    (records, offset, None)
}

/// Makes the next whole frame available; records a failure and returns false if the file
/// ends first.
fn fill_next_frame(
    window: &mut Window<impl Read>,
    verifier: &mut ChainVerifier,
    declared: u64,
    read: u64,
) -> io::Result<bool> {
    if !window.fill(FRAME_HEADER_BYTES)? {
        if window.available().is_empty() {
            let reason =
                format!("header declares {declared} records but the file ends after {read}");
            verifier.fail(None, reason);
        } else {
            let reason = "record is cut off: the file ends inside its length";
            verifier.fail(Some(verifier.next_seq()), reason);
        }
        return Ok(false);
    }
    let available = window.available();
    let length = u32::from_le_bytes([available[0], available[1], available[2], available[3]]);
    // An out-of-range length is reported by split_frames on the next round.
    let wanted = FRAME_HEADER_BYTES + check_frame_length(length).unwrap_or(0);
    if !window.fill(wanted)? {
        verifier.fail(
            Some(verifier.next_seq()),
            "record is cut off: the file ends inside it",
        );
        return Ok(false);
    }
    Ok(true)
}

fn file_failure(reason: &str) -> FrameFailure {
    FrameFailure {
        in_record: false,
        reason: reason.to_owned(),
    }
}

fn record_failure(reason: String) -> FrameFailure {
    FrameFailure {
        in_record: true,
        reason,
    }
}

fn check_trailer(window: &mut Window<impl Read>, verifier: &mut ChainVerifier) -> io::Result<()> {
    if !window.fill(TRAILER_BYTES)? {
        verifier.fail(None, "the trailer is missing: the file is truncated");
        return Ok(());
    }
    let trailer = &window.available()[..TRAILER_BYTES];
    if &trailer[..8] != TRAILER_MAGIC {
        verifier.fail(
            None,
            "no trailer after the declared records: the header's record count is wrong",
        );
        return Ok(());
    }
    let mut head = [0u8; 32];
    head.copy_from_slice(&trailer[8..]);
    if head != verifier.head() {
        let reason = format!(
            "trailer head {} differs from the last record's hash {}",
            short_hex(&head),
            short_hex(&verifier.head())
        );
        verifier.fail(None, reason);
    }
    window.consume(TRAILER_BYTES);
    if !window.at_end()? {
        verifier.fail(None, "bytes follow the trailer");
    }
    Ok(())
}
