//! Fixed keys: key number n is the Ed25519 key whose secret is 32 bytes of n.

use ed25519_dalek::SigningKey;

/// Key number n.
pub fn signing(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

/// The public key of key number n.
pub fn pk(n: u8) -> [u8; 32] {
    signing(n).verifying_key().to_bytes()
}

/// The secret of the key the test genesis names for its log: a key of its own, never an
/// officer's (docs/RULES.md R65).
pub const LOG_KEY_NUMBER: u8 = 250;

/// The key the test genesis names for its log.
pub fn log_key() -> [u8; 32] {
    pk(LOG_KEY_NUMBER)
}
