//! Progress for long commands: a spinner with the current stage, or a bar with counts and an
//! estimate of the time left, on a terminal (stderr); nothing when stderr is not a terminal
//! (indicatif draws only to a terminal) or with `-q`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

/// `-q`: no progress and no notes on stderr (warnings and errors are still printed).
static QUIET: AtomicBool = AtomicBool::new(false);

pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

pub struct Stage {
    bar: ProgressBar,
}

impl Stage {
    pub fn start(message: &'static str) -> Stage {
        let bar = if quiet() {
            ProgressBar::hidden()
        } else {
            ProgressBar::new_spinner()
        };
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        bar.set_message(message);
        Stage { bar }
    }

    pub fn next(&self, message: &'static str) {
        self.bar.set_message(message);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// A bar over a known amount of work (files, bytes): `{message} [====>   ] 1.024/4.096 (3s
/// left)`.
pub struct Counter {
    bar: ProgressBar,
}

impl Counter {
    /// `unit` is what is counted; bytes are shown as sizes.
    pub fn start(message: &'static str, total: u64, unit: Unit) -> Counter {
        let bar = if quiet() {
            ProgressBar::hidden()
        } else {
            ProgressBar::new(total)
        };
        let counts = match unit {
            Unit::Items => "{human_pos}/{human_len}",
            Unit::Bytes => "{bytes}/{total_bytes}",
        };
        let template = format!("{{msg}} [{{bar:30}}] {counts} ({{eta}} left)");
        if let Ok(style) = ProgressStyle::with_template(&template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message(message);
        Counter { bar }
    }

    pub fn advance(&self, amount: u64) {
        self.bar.inc(amount);
    }
}

impl Drop for Counter {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// What a [`Counter`] counts.
#[derive(Clone, Copy)]
pub enum Unit {
    Items,
    Bytes,
}

/// A writer that moves a [`Counter`] by the bytes written through it.
pub struct CountingWriter<'a, W> {
    pub inner: W,
    pub counter: &'a Counter,
}

impl<W: std::io::Write> std::io::Write for CountingWriter<'_, W> {
    fn write(&mut self, buffer: &[u8]) -> std::io::Result<usize> {
        let written = self.inner.write(buffer)?;
        self.counter.advance(written as u64);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
