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

/// Keys checked on one thread by [`check_keys`]: a curve point takes about 11 us, a thread
/// about 20 us to start. A fixed number, not the machine's core count, which only the OS
/// knows (the model does no IO) and which could not change an answer anyway.
const KEYS_PER_THREAD: usize = 2_048;

/// [`check_key`] of every key, in order, on threads of [`KEYS_PER_THREAD`] keys each: a
/// national definition's 7,831 initial officers take about 85 ms on one core, and every
/// replay and every append that replays checks them (`Election::new`).
pub(crate) fn check_keys(keys: &[[u8; 32]]) -> Vec<Result<(), UnusableKey>> {
    check_keys_in_parts(keys, KEYS_PER_THREAD)
}

/// [`check_keys`] with `per_thread` keys on each thread (one part: this thread).
fn check_keys_in_parts(keys: &[[u8; 32]], per_thread: usize) -> Vec<Result<(), UnusableKey>> {
    let per_thread = per_thread.max(1);
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
        for per_thread in [0, 1, 2, 3, 5, 7, 39, 40, 41, 1_000] {
            assert_eq!(
                check_keys_in_parts(&keys, per_thread),
                one_by_one,
                "{per_thread} keys a thread"
            );
        }
        assert_eq!(check_keys(&keys), one_by_one);
        assert!(check_keys_in_parts(&[], 4).is_empty());
    }
}
