//! Which 32-byte strings may serve as a key (R16 of docs/RULES.md).

use ed25519_dalek::VerifyingKey;

/// Why a key can never sign.
pub(crate) enum UnusableKey {
    /// The bytes do not decode as a curve point.
    NotAPoint,
    /// The identity or another point of small order (ed25519-dalek's `is_weak`).
    /// `verify_strict` refuses every signature by such a key, and under the plain
    /// cofactorless equation anyone could forge one, so it is never a registrar, an
    /// officer or a witness.
    Weak,
}

/// Whether `key` is an ed25519 public key that can sign.
pub(crate) fn check_key(key: &[u8; 32]) -> Result<(), UnusableKey> {
    let key = VerifyingKey::from_bytes(key).map_err(|_| UnusableKey::NotAPoint)?;
    if key.is_weak() {
        return Err(UnusableKey::Weak);
    }
    Ok(())
}
