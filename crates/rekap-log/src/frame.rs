//! Framing: a record in a stored chunk or in an export is its length as u32 little-endian
//! followed by its canonical bytes.

use crate::limits::{MAX_RECORD_BYTES, RECORD_OVERHEAD_BYTES};

/// Bytes of the length prefix.
pub const FRAME_HEADER_BYTES: usize = 4;

/// Appends one framed record to `buffer`.
pub fn push_frame(buffer: &mut Vec<u8>, record_bytes: &[u8]) {
    debug_assert!(record_bytes.len() <= MAX_RECORD_BYTES);
    buffer.extend_from_slice(&(record_bytes.len() as u32).to_le_bytes());
    buffer.extend_from_slice(record_bytes);
}

/// Why a frame could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("{available} bytes left, too few for a frame's length")]
    TruncatedLength { available: usize },
    #[error("frame length {length} is outside {RECORD_OVERHEAD_BYTES}..={MAX_RECORD_BYTES}")]
    LengthOutOfRange { length: u64 },
    #[error("frame declares {length} bytes but only {available} remain")]
    TruncatedBody { length: usize, available: usize },
}

/// Checks a frame's declared length.
pub fn check_frame_length(length: u32) -> Result<usize, FrameError> {
    let length = length as usize;
    if !(RECORD_OVERHEAD_BYTES..=MAX_RECORD_BYTES).contains(&length) {
        return Err(FrameError::LengthOutOfRange {
            length: length as u64,
        });
    }
    Ok(length)
}

/// Iterates the framed records of a byte slice (a stored chunk).
pub struct Frames<'a> {
    rest: &'a [u8],
}

impl<'a> Frames<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }
}

impl<'a> Iterator for Frames<'a> {
    type Item = Result<&'a [u8], FrameError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let result = split_frame(self.rest);
        match result {
            Ok((frame, rest)) => {
                self.rest = rest;
                Some(Ok(frame))
            }
            Err(error) => {
                // Nothing after a broken frame can be located; stop here.
                self.rest = &[];
                Some(Err(error))
            }
        }
    }
}

fn split_frame(bytes: &[u8]) -> Result<(&[u8], &[u8]), FrameError> {
    let Some((length_bytes, body)) = bytes.split_first_chunk::<FRAME_HEADER_BYTES>() else {
        return Err(FrameError::TruncatedLength {
            available: bytes.len(),
        });
    };
    let length = check_frame_length(u32::from_le_bytes(*length_bytes))?;
    if body.len() < length {
        return Err(FrameError::TruncatedBody {
            length,
            available: body.len(),
        });
    }
    Ok(body.split_at(length))
}
