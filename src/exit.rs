//! Exit codes: the contract with scripts. Keep in sync with the `--help` text in cli.rs and
//! with docs/OPERATOR.md.

use std::process::ExitCode;

use rekap_ledger::LedgerError;
use rekap_log::{LogError, StorageError};

/// Success.
pub const OK: u8 = 0;
/// Verification failed, or input was rejected.
pub const REJECTED: u8 = 1;
// 2 is clap's usage error.
/// A file or store could not be read or written (missing, unreadable, not a store).
pub const IO_ERROR: u8 = 3;
/// The store is locked by another process.
pub const LOCKED: u8 = 4;

/// What a command reports when it finished without an error.
pub enum Outcome {
    Success,
    Rejected,
}

/// Turns a command's result into the process exit code, printing errors to stderr.
pub fn finish(result: anyhow::Result<Outcome>) -> ExitCode {
    match result {
        Ok(Outcome::Success) => ExitCode::from(OK),
        Ok(Outcome::Rejected) => ExitCode::from(REJECTED),
        Err(error) if crate::output::is_broken_pipe(&error) => ExitCode::from(OK),
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(code_of(&error))
        }
    }
}

/// Locked store: 4. A file or store that could not be read or written: 3. Anything else
/// is input the product refused (a rule, an unknown code, a bad key file): 1.
fn code_of(error: &anyhow::Error) -> u8 {
    for cause in error.chain() {
        if let Some(StorageError::Locked { .. }) = cause.downcast_ref::<StorageError>() {
            return LOCKED;
        }
    }
    let unreadable = error.chain().any(|cause| {
        cause.is::<std::io::Error>()
            || cause.is::<StorageError>()
            || cause.is::<LogError>()
            || matches!(
                cause.downcast_ref::<LedgerError>(),
                Some(LedgerError::Log(_) | LedgerError::Storage(_) | LedgerError::Empty)
            )
    });
    if unreadable {
        IO_ERROR
    } else {
        REJECTED
    }
}
