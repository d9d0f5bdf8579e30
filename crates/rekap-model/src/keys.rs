//! Which 32-byte strings may serve as a key (R16 of docs/RULES.md).

use ed25519_dalek::VerifyingKey;

/// Why a key can never sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UnusableKey {
    /// The bytes do not decode as a curve point.
    NotAPoint,
    /// The identity or another point of small order (ed25519-dalek's `is_weak`).
    /// `verify_strict` refuses every signature by such a key, and under the plain
    /// cofactorless equation anyone could forge one, so it is never a registrar, an
    /// officer or a witness.
    Weak,
}

/// Fewest keys worth a thread of their own in [`check_keys`]: a curve point takes about
/// 11 us, a thread about 20 us to start.
const MINIMUM_KEYS_PER_THREAD: usize = 512;

/// [`check_key`] of every key, in order, on every core when there are many: a national
/// definition's 7,831 initial officers take about 85 ms on one core, and every replay and
/// every append that replays checks them (`Election::new`).
pub(crate) fn check_keys(keys: &[[u8; 32]]) -> Vec<Result<(), UnusableKey>> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    check_keys_on(keys, threads, MINIMUM_KEYS_PER_THREAD)
}

/// [`check_keys`] on at most `threads` threads of at least `minimum_per_thread` keys each.
fn check_keys_on(
    keys: &[[u8; 32]],
    threads: usize,
    minimum_per_thread: usize,
) -> Vec<Result<(), UnusableKey>> {
    let per_thread = keys
        .len()
        .div_ceil(threads.max(1))
        .max(minimum_per_thread.max(1));
    if keys.len() <= per_thread {
        return keys.iter().map(check_key).collect();
    }
    std::thread::scope(|scope| {
        let workers: Vec<_> = (keys.chunks(per_thread))
            .map(|chunk| scope.spawn(move || chunk.iter().map(check_key).collect::<Vec<_>>()))
            .collect();
        (workers.into_iter())
            .flat_map(|worker| match worker.join() {
                Ok(checked) => checked,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// Whether `key` is an ed25519 public key that can sign.
pub(crate) fn check_key(key: &[u8; 32]) -> Result<(), UnusableKey> {
    let key = VerifyingKey::from_bytes(key).map_err(|_| UnusableKey::NotAPoint)?;
    if key.is_weak() {
        return Err(UnusableKey::Weak);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::SigningKey;

    /// Split over threads or not, every key gets its own answer, in order: a key that is not
    /// a point and a weak key (the identity) are found in whichever part they fall.
    #[test]
    fn keys_checked_on_threads_are_answered_in_order() {
        let mut keys: Vec<[u8; 32]> = (0..40u8)
            .map(|seed| {
                SigningKey::from_bytes(&[seed; 32])
                    .verifying_key()
                    .to_bytes()
            })
            .collect();
        let not_a_point = (0..=255u8)
            .map(|byte| [byte; 32])
            .find(|bytes| VerifyingKey::from_bytes(bytes).is_err())
            .expect("some bytes are not a point");
        let mut identity = [0u8; 32];
        identity[0] = 1;
        keys[3] = not_a_point;
        keys[22] = identity;
        keys[39] = not_a_point;
        let one_by_one: Vec<_> = keys.iter().map(check_key).collect();
        assert_eq!(one_by_one[3], Err(UnusableKey::NotAPoint));
        assert_eq!(one_by_one[22], Err(UnusableKey::Weak));
        assert_eq!(
            one_by_one.iter().filter(|answer| answer.is_ok()).count(),
            37
        );
        for (threads, minimum) in [(1, 1), (2, 1), (3, 5), (7, 1), (64, 1), (4, 100)] {
            assert_eq!(
                check_keys_on(&keys, threads, minimum),
                one_by_one,
                "{threads} threads, at least {minimum} keys each"
            );
        }
        assert!(check_keys_on(&[], 4, 1).is_empty());
    }
}
