//! Progress for long commands: a spinner with the current stage on a terminal (stderr),
//! nothing when stderr is piped (indicatif hides itself then).

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

pub struct Stage {
    bar: ProgressBar,
}

impl Stage {
    pub fn start(message: &'static str) -> Stage {
        let bar = ProgressBar::new_spinner();
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
