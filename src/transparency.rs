//! The binary's front end over the store's transparency log (rekap_ledger::checkpoints: the
//! log key, the origin, the kept checkpoints and signing), as docs/FORMAT.md "Transparency
//! log" states. Signing is a write: the appending commands call it after their append, under
//! the store's lock they already hold, and so does `rekap checkpoint` when the log grew.

use std::path::Path;

use rekap_ledger::Ledger;
use rekap_log::DefaultStorage;

pub use rekap_ledger::checkpoints::{
    kept, kept_of_size, latest, sign_current, verifier, SignedCheckpoint, LOG_KEY_FILE,
};

/// After an append: signs the new checkpoint. Never fails the command (the append is
/// durable already); `rekap checkpoint` signs it later.
pub fn sign_after_append(store: &Path, ledger: &Ledger<DefaultStorage>) {
    if let Err(error) = sign_current(store, ledger) {
        let cause = crate::error_words::cause_text(&error, crate::lang::current());
        eprintln!(
            "{}",
            crate::lang::say_with(
                "command-transparency-no-checkpoint-signed",
                &[("error", &cause)]
            )
        );
    }
}

/// [`sign_after_append`] after an append decided without a replay.
pub fn sign_after_thin_append(store: &Path, thin: &rekap_ledger::thin::ThinLedger<DefaultStorage>) {
    let signed =
        rekap_ledger::checkpoints::sign_current_of(store, thin.log(), thin.state().log_keys());
    if let Err(error) = signed {
        let cause = crate::error_words::cause_text(&error, crate::lang::current());
        eprintln!(
            "{}",
            crate::lang::say_with(
                "command-transparency-no-checkpoint-signed",
                &[("error", &cause)]
            )
        );
    }
}
