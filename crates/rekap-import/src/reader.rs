//! A reader that enforces the file-size and line-length limits while the CSV parser reads,
//! so that neither a huge file nor one endless line is ever buffered by the parser. (A file
//! checked in parts, `parallel.rs`, is first read whole, at most one byte past the size
//! limit.)

use std::collections::VecDeque;
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
    lines: LineIndex,
    /// Whether the last byte read was a `\r`.
    after_carriage_return: bool,
}

/// Where lines start, for the lines the parser has not passed yet, so that a record's
/// byte offset gives the line an editor shows. The CSV parser's own line count is one short
/// per `\r\n` before the record, so the lines are counted here: `\n`, `\r\n` and a lone
/// `\r` each end one. Only the starts ahead of the last record asked about are kept: about
/// one parser buffer's worth.
#[derive(Debug)]
struct LineIndex {
    /// Byte offsets of line starts, ascending; the first is the start of line `passed + 1`.
    starts: VecDeque<u64>,
    passed: u64,
}

impl LineIndex {
    fn new() -> LineIndex {
        LineIndex {
            starts: VecDeque::from([0]),
            passed: 0,
        }
    }

    /// The line (1-based) of a record the parser says starts at byte `offset`; offsets must
    /// not decrease between calls. After a `\r\n` the parser places the record at the `\n`
    /// (it ended the line at the `\r`): a byte just before a line start is a line break,
    /// never a record's first byte (empty lines are skipped), so it belongs to the next line.
    fn line_of(&mut self, offset: u64) -> u64 {
        let offset = match self.starts.binary_search(&(offset + 1)) {
            Ok(_) => offset + 1,
            Err(_) => offset,
        };
        while self.starts.get(1).is_some_and(|next| *next <= offset) {
            self.starts.pop_front();
            self.passed += 1;
        }
        self.passed + 1
    }
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
            lines: LineIndex::new(),
            after_carriage_return: false,
        }
    }

    /// The line (1-based, as an editor counts) of byte `offset` of the file. Asked in file
    /// order (one record after another).
    pub(crate) fn line_of(&mut self, offset: u64) -> u64 {
        self.lines.line_of(offset)
    }
}

fn exceeded(limit: LimitExceeded) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, limit)
}

impl<R: Read> Read for LimitedReader<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buffer)?;
        let offset = self.total;
        self.total += read as u64;
        if self.total > self.file_limit {
            return Err(exceeded(LimitExceeded::File {
                limit: self.file_limit,
            }));
        }
        self.scan_lines(buffer.get(..read).unwrap_or(&[]), offset)?;
        Ok(read)
    }
}

impl<R> LimitedReader<R> {
    /// Counts lines and their lengths in `bytes` (at byte `offset` of the file): `\n`, `\r`
    /// and `\r\n` each end a line.
    fn scan_lines(&mut self, bytes: &[u8], offset: u64) -> io::Result<()> {
        let mut start = 0;
        let is_break = |byte: &u8| *byte == b'\n' || *byte == b'\r';
        while let Some(found) = bytes[start..].iter().position(is_break) {
            let at = start + found;
            self.line_bytes += found as u64;
            let after_return = found == 0 && self.after_carriage_return;
            let next_line_start = offset + at as u64 + 1;
            if bytes[at] == b'\n' && after_return {
                // The `\n` of a `\r\n`: the line ended at the `\r`, and starts after this.
                if let Some(last) = self.lines.starts.back_mut() {
                    *last = next_line_start;
                }
            } else {
                self.check_line()?;
                self.line += 1;
                self.line_bytes = 0;
                self.lines.starts.push_back(next_line_start);
            }
            self.after_carriage_return = bytes[at] == b'\r';
            start = at + 1;
        }
        if start < bytes.len() {
            self.line_bytes += (bytes.len() - start) as u64;
            self.after_carriage_return = false;
        }
        self.check_line()
    }

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
