//! A reader that enforces the file-size and line-length limits while the CSV parser reads,
//! so that neither a huge file nor one endless line is ever buffered.

use std::io::{self, Read, Take};

/// Which limit a read ran into; carried inside the `io::Error` the CSV parser returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum LimitExceeded {
    #[error("the file is larger than {limit} bytes")]
    File { limit: u64 },
    #[error("line {line} is longer than {limit} bytes")]
    Line { line: u64, limit: u64 },
}

pub(crate) struct LimitedReader<R> {
    inner: Take<R>,
    file_limit: u64,
    line_limit: u64,
    total: u64,
    /// Bytes of the current line so far (without its newline).
    line_bytes: u64,
    /// The current line, 1-based.
    line: u64,
}

impl<R: Read> LimitedReader<R> {
    pub(crate) fn new(inner: R, file_limit: u64, line_limit: u64) -> Self {
        LimitedReader {
            // One byte more than allowed, to tell "exactly at the limit" from "over it".
            inner: inner.take(file_limit.saturating_add(1)),
            file_limit,
            line_limit,
            total: 0,
            line_bytes: 0,
            line: 1,
        }
    }
}

fn exceeded(limit: LimitExceeded) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, limit)
}

impl<R: Read> Read for LimitedReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.total += read as u64;
        if self.total > self.file_limit {
            return Err(exceeded(LimitExceeded::File {
                limit: self.file_limit,
            }));
        }
        let mut segments = buffer.get(..read).unwrap_or(&[]).split(|&b| b == b'\n');
        if let Some(first) = segments.next() {
            self.line_bytes += first.len() as u64;
            for segment in segments {
                self.check_line()?;
                self.line += 1;
                self.line_bytes = segment.len() as u64;
            }
            self.check_line()?;
        }
        Ok(read)
    }
}

impl<R> LimitedReader<R> {
    fn check_line(&self) -> io::Result<()> {
        if self.line_bytes > self.line_limit {
            return Err(exceeded(LimitExceeded::Line {
                line: self.line,
                limit: self.line_limit,
            }));
        }
        Ok(())
    }
}

/// The limit a CSV error reports, if it is one of ours.
pub(crate) fn limit_of(error: &csv::Error) -> Option<LimitExceeded> {
    match error.kind() {
        csv::ErrorKind::Io(io) => io.get_ref()?.downcast_ref::<LimitExceeded>().copied(),
        _ => None,
    }
}
