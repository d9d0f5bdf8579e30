//! A window over a byte stream: large reads straight into one buffer, so that verifying an
//! export copies each byte once, and consecutive records can be handed out together.

use std::io::{self, Read};

/// Most bytes read from the input at a time; reads start small and double, so that a tiny
/// export does not cost a large buffer.
const MAX_READ_BYTES: usize = 8 * 1024 * 1024;
const FIRST_READ_BYTES: usize = 64 * 1024;

pub struct Window<R> {
    input: R,
    buffer: Vec<u8>,
    /// `buffer[start..end]` holds bytes read but not consumed.
    start: usize,
    end: usize,
    input_ended: bool,
}

impl<R: Read> Window<R> {
    pub fn new(input: R) -> Self {
        Self {
            input,
            buffer: Vec::new(),
            start: 0,
            end: 0,
            input_ended: false,
        }
    }

    /// The unconsumed bytes.
    pub fn available(&self) -> &[u8] {
        &self.buffer[self.start..self.end]
    }

    pub fn consume(&mut self, count: usize) {
        debug_assert!(count <= self.end - self.start);
        self.start += count.min(self.end - self.start);
    }

    /// Makes at least `wanted` bytes available; Ok(false) when the input ends first.
    /// Callers bound `wanted` (by the frame limit), so the buffer cannot grow without bound.
    pub fn fill(&mut self, wanted: usize) -> io::Result<bool> {
        while self.end - self.start < wanted {
            if self.input_ended {
                return Ok(false);
            }
            self.make_room(wanted);
            let read = read_retrying(&mut self.input, &mut self.buffer[self.end..])?;
            if read == 0 {
                self.input_ended = true;
            }
            self.end += read;
        }
        Ok(true)
    }

    /// Whether nothing is left: no unconsumed bytes and nothing more in the input.
    pub fn at_end(&mut self) -> io::Result<bool> {
        Ok(self.end == self.start && !self.fill(1)?)
    }

    /// Moves unconsumed bytes to the front and grows the buffer to hold `wanted` plus a read.
    fn make_room(&mut self, wanted: usize) {
        if self.start > 0 {
            self.buffer.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        let read_bytes = (2 * self.buffer.len()).clamp(FIRST_READ_BYTES, MAX_READ_BYTES);
        let size = wanted.max(self.end + read_bytes);
        if self.buffer.len() < size {
            self.buffer.resize(size, 0);
        }
    }
}

fn read_retrying(input: &mut impl Read, buffer: &mut [u8]) -> io::Result<usize> {
    loop {
        match input.read(buffer) {
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}
