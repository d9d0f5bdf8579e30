//! Progress for long commands: a spinner with the current stage, or a bar with counts and an
//! estimate of the time left, on a terminal (stderr); nothing when stderr is not a terminal
//! (indicatif draws only to a terminal) or with `-q`.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use std::fmt;

use indicatif::{ProgressBar, ProgressState, ProgressStyle};

/// `-q`: no progress and no notes on stderr (warnings and errors are still printed).
static QUIET: AtomicBool = AtomicBool::new(false);

pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// A spinner with the current stage, which turns into a bar with counts and an estimate
/// for a stage whose amount of work is known ([`Stage::count`]).
pub struct Stage {
    bar: ProgressBar,
}

fn spinner_style() -> Option<ProgressStyle> {
    ProgressStyle::with_template("{spinner} {msg} ({elapsed})").ok()
}

/// `{message} [====>   ] 1.024/4.096 (3s left)`, counts grouped as the language writes
/// them (1.790.192 in Indonesian), bytes as sizes.
fn counter_style(unit: Unit) -> Option<ProgressStyle> {
    let lang = crate::lang::current();
    let counts = match unit {
        Unit::Items => "{done}/{total}",
        Unit::Bytes => "{bytes}/{total_bytes}",
    };
    let left = lang.message("progress-left");
    let template = format!("{{msg}} [{{bar:30}}] {counts} ({{eta}} {left})");
    let style = ProgressStyle::with_template(&template).ok()?;
    let style = style
        .with_key(
            "done",
            move |state: &ProgressState, out: &mut dyn fmt::Write| {
                let _ = out.write_str(&lang.number(state.pos()));
            },
        )
        .with_key(
            "total",
            move |state: &ProgressState, out: &mut dyn fmt::Write| {
                let _ = out.write_str(&lang.number(state.len().unwrap_or(0)));
            },
        );
    Some(style.progress_chars("=> "))
}

fn hidden_unless_shown(bar: ProgressBar) -> ProgressBar {
    if quiet() {
        ProgressBar::hidden()
    } else {
        bar
    }
}

impl Stage {
    pub fn start(message: impl Into<Cow<'static, str>>) -> Stage {
        let bar = hidden_unless_shown(ProgressBar::new_spinner());
        if let Some(style) = spinner_style() {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        bar.set_message(message);
        Stage { bar }
    }

    /// The next stage, its amount of work unknown: a spinner.
    pub fn next(&self, message: impl Into<Cow<'static, str>>) {
        if let Some(style) = spinner_style() {
            self.bar.set_style(style);
        }
        self.bar.set_message(message);
    }

    /// The next stage, over `total` items or bytes: a bar with counts and the time left.
    pub fn count(&self, message: impl Into<Cow<'static, str>>, total: u64, unit: Unit) {
        if let Some(style) = counter_style(unit) {
            self.bar.set_style(style);
        }
        self.bar.set_length(total);
        self.bar.set_position(0);
        self.bar.reset_eta();
        self.bar.set_message(message);
    }

    pub fn advance(&self, amount: u64) {
        self.bar.inc(amount);
    }

    /// `done` of `total` (the total may be learnt as the work goes).
    pub fn set(&self, done: u64, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(done);
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

/// A bar over a known amount of work (files, bytes, records).
pub struct Counter {
    stage: Stage,
    /// Set by [`Counter::next`]: the new stage's first count is drawn at once, so that every
    /// stage is seen at least once, however short (the terminal is otherwise drawn at most
    /// 20 times a second, and a stage shorter than that would never be shown).
    stage_unseen: AtomicBool,
}

impl Counter {
    /// `unit` is what is counted; bytes are shown as sizes.
    pub fn start(message: impl Into<Cow<'static, str>>, total: u64, unit: Unit) -> Counter {
        let bar = hidden_unless_shown(ProgressBar::new(total));
        let stage = Stage { bar };
        stage.count(message, total, unit);
        Counter {
            stage,
            stage_unseen: AtomicBool::new(false),
        }
    }

    pub fn advance(&self, amount: u64) {
        self.stage.advance(amount);
    }

    /// The next stage of the work, counted from nothing.
    pub fn next(&self, message: impl Into<Cow<'static, str>>) {
        self.stage.bar.set_message(message);
        self.stage.bar.set_position(0);
        self.stage.bar.reset_eta();
        self.stage_unseen.store(true, Ordering::Relaxed);
    }

    /// `done` of `total` (the total may be learnt as the work goes).
    pub fn set(&self, done: u64, total: u64) {
        self.stage.set(done, total);
        if self.stage_unseen.swap(false, Ordering::Relaxed) {
            self.stage.bar.force_draw();
        }
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

/// A reader that moves a [`Stage`] by the bytes read through it.
pub struct CountingReader<'a, R> {
    pub inner: R,
    pub stage: &'a Stage,
}

impl<R: std::io::Read> std::io::Read for CountingReader<'_, R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.stage.advance(read as u64);
        Ok(read)
    }
}
