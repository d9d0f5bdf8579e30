//! Progress for long commands: a spinner with the current stage on a terminal (stderr),
//! nothing when stderr is piped (indicatif hides itself then).

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
