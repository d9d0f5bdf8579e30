//! How long the client keeps trying a server that is down, starting or full: a server that
//! restarts (it replays its store first, about 4 s on the national store, answering 503
//! meanwhile) must not turn an operator's `submit --server` into exit 3.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long to keep retrying without `--wait`: a restart of the national store's server
/// (about 4 s of replay) several times over.
pub const DEFAULT_PATIENCE: Duration = Duration::from_secs(20);

/// The first pause between two attempts; each later one doubles, up to [`LONGEST_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(100);
const LONGEST_PAUSE: Duration = Duration::from_secs(2);
/// A server's Retry-After is followed up to this long (a larger one is not waited out
/// whole: the deadline still holds).
const LONGEST_RETRY_AFTER: Duration = Duration::from_secs(10);

/// How long to keep retrying: `--wait SECONDS` (0: one attempt), else [`DEFAULT_PATIENCE`].
pub fn patience() -> Duration {
    crate::store::wait_seconds().map_or(DEFAULT_PATIENCE, Duration::from_secs)
}

/// What one attempt came to.
pub enum Attempt<T, E> {
    Done(T),
    /// Worth another try (no connection, 503, 429, 408): `error` is what is reported if
    /// the deadline comes first; `retry_after` is the server's Retry-After in seconds.
    Again {
        error: E,
        retry_after: Option<u64>,
    },
    Failed(E),
}

/// The pause before attempt `attempt + 1`.
fn pause(attempt: u32, retry_after: Option<u64>) -> Duration {
    let backoff = FIRST_PAUSE
        .saturating_mul(1 << attempt.saturating_sub(1).min(5))
        .min(LONGEST_PAUSE);
    match retry_after {
        Some(seconds) => Duration::from_secs(seconds).min(LONGEST_RETRY_AFTER),
        None => backoff,
    }
}

/// Runs `once` until it is done or failed, or until `patience` has passed. The first
/// failure worth another try is said on stderr (once per process, not with `-q`), with how
/// long the client keeps trying: a server that cannot be reached (a mistyped address among
/// them) would otherwise be silence for the whole patience.
pub fn with_retries<T, E: std::fmt::Display>(
    patience: Duration,
    mut once: impl FnMut() -> Attempt<T, E>,
) -> Result<T, E> {
    let deadline = Instant::now() + patience;
    let mut attempt = 0;
    loop {
        attempt += 1;
        match once() {
            Attempt::Done(value) => return Ok(value),
            Attempt::Failed(error) => return Err(error),
            Attempt::Again { error, retry_after } => {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(error);
                }
                if attempt == 1 {
                    say_retrying(&error, left);
                }
                std::thread::sleep(pause(attempt, retry_after).min(left));
            }
        }
    }
}

fn say_retrying(error: &impl std::fmt::Display, left: Duration) {
    // Once per command: a remote import retried batch after batch says it once.
    static SAID: AtomicBool = AtomicBool::new(false);
    if crate::progress::quiet() || SAID.swap(true, Ordering::Relaxed) {
        return;
    }
    let lang = crate::lang::current();
    // Whole seconds, rounded up: "up to 0 s" would read as no wait at all.
    let seconds = lang.number(left.as_millis().div_ceil(1000) as u64);
    let reason = error.to_string();
    eprintln!(
        "{}",
        lang.message_with(
            "client-retrying",
            &[("reason", &reason), ("seconds", &seconds)]
        )
    );
}

/// How many attempts a loop that pauses `first`, doubling up to `longest`, makes within
/// `patience` (the mirror's poll counts attempts, not time).
pub fn attempts_within(patience: Duration, first: Duration, longest: Duration) -> u32 {
    let (mut slept, mut next, mut attempts) = (Duration::ZERO, first, 1u32);
    while slept < patience && attempts < 10_000 {
        slept += next;
        next = (next * 2).min(longest);
        attempts += 1;
    }
    attempts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_until_done_and_gives_up_at_the_deadline() {
        let mut calls = 0;
        let done: Result<u32, &str> = with_retries(Duration::from_secs(5), || {
            calls += 1;
            if calls < 3 {
                Attempt::Again {
                    error: "down",
                    retry_after: None,
                }
            } else {
                Attempt::Done(calls)
            }
        });
        assert_eq!(done, Ok(3));
        let started = Instant::now();
        let given_up: Result<(), &str> =
            with_retries(Duration::from_millis(300), || Attempt::Again {
                error: "down",
                retry_after: Some(60),
            });
        assert_eq!(given_up, Err("down"));
        // The deadline holds even against a long Retry-After.
        assert!(started.elapsed() < Duration::from_secs(5));
        let failed: Result<(), &str> =
            with_retries(Duration::from_secs(5), || Attempt::Failed("refused"));
        assert_eq!(failed, Err("refused"));
    }

    #[test]
    fn pauses_double_up_to_the_longest_and_follow_retry_after() {
        assert_eq!(pause(1, None), Duration::from_millis(100));
        assert_eq!(pause(2, None), Duration::from_millis(200));
        assert_eq!(pause(30, None), LONGEST_PAUSE);
        assert_eq!(pause(1, Some(3)), Duration::from_secs(3));
        assert_eq!(pause(1, Some(3600)), LONGEST_RETRY_AFTER);
    }

    #[test]
    fn the_mirrors_attempts_cover_the_patience() {
        let first = Duration::from_millis(200);
        let longest = Duration::from_secs(2);
        // 0.2 + 0.4 + 0.8 + 1.6 = 3 s in 5 attempts; then 2 s per attempt.
        assert_eq!(attempts_within(Duration::from_secs(3), first, longest), 5);
        assert_eq!(attempts_within(Duration::from_secs(7), first, longest), 7);
        assert_eq!(attempts_within(Duration::ZERO, first, longest), 1);
    }
}
