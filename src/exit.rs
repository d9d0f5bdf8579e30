//! Exit codes: the contract with scripts. Keep in sync with the `--help` text in cli.rs and
//! with docs/OPERATOR.md.

use std::process::ExitCode;

use rekap_ledger::LedgerError;
use rekap_log::{AppendError, LogError, StorageError};

/// Success.
pub const OK: u8 = 0;
/// Verification failed, or input was rejected.
pub const REJECTED: u8 = 1;
/// A usage error: clap's own, or a command line a command refuses after parsing ([`Usage`]).
pub const USAGE: u8 = 2;
/// A file or store could not be read or written (missing, unreadable, not a store).
pub const IO_ERROR: u8 = 3;
/// The store is locked by another process.
pub const LOCKED: u8 = 4;

/// A command line that clap accepts but the command refuses before doing anything: a flag
/// that another needs, one that does not apply, a value that does not parse. Exit 2, as
/// clap's own usage errors; the text (already worded) names the flag and the reason.
#[derive(Debug)]
pub struct Usage(pub String);

impl std::fmt::Display for Usage {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

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
            let lang = crate::lang::current();
            eprintln!(
                "{}: {}",
                lang.message("error-prefix"),
                crate::error_words::chain(&error, lang)
            );
            let code = code_of(&error);
            if code == LOCKED {
                eprintln!("{}", lang.message("error-hint-locked"));
            }
            ExitCode::from(code)
        }
    }
}

/// Whether `error` is a store locked by another process (exit 4).
pub fn is_locked(error: &anyhow::Error) -> bool {
    code_of(error) == LOCKED
}

/// Locked store: 4. A file or store that could not be read or written (disk full and file
/// too large included): 3. Anything else is input the product refused (a rule, an unknown
/// code, a bad key file, a file that is not UTF-8): 1.
fn code_of(error: &anyhow::Error) -> u8 {
    let storage_errors = || error.chain().filter_map(storage_error_of);
    if storage_errors().any(|cause| matches!(cause, StorageError::Locked { .. })) {
        return LOCKED;
    }
    // As the error itself or as the context of another (`--columns: <why>`).
    if error.downcast_ref::<Usage>().is_some() || error.chain().any(|cause| cause.is::<Usage>()) {
        return USAGE;
    }
    let unreadable = storage_errors().next().is_some()
        || error.chain().any(refuses_a_damaged_tail)
        || error.chain().any(|cause| {
            cause.is::<std::io::Error>()
                || cause.is::<LogError>()
                || cause.is::<rekap_log::export::ExportError>()
                || matches!(
                    cause.downcast_ref::<LedgerError>(),
                    Some(LedgerError::Log(_) | LedgerError::Empty)
                )
        });
    if unreadable {
        IO_ERROR
    } else {
        REJECTED
    }
}

/// An append refused because the store's last records do not verify: the store is
/// damaged (3), not the input (1).
fn refuses_a_damaged_tail(cause: &(dyn std::error::Error + 'static)) -> bool {
    let tail = |append: &AppendError| matches!(append, AppendError::TailDoesNotVerify(_));
    match cause.downcast_ref::<LedgerError>() {
        Some(LedgerError::Append(append)) => tail(append),
        _ => cause.downcast_ref::<AppendError>().is_some_and(tail),
    }
}

/// The storage error inside `cause`, however it was wrapped. The wrappers are
/// `#[error(transparent)]`, whose inner error is not part of the chain, so each is looked
/// into here: an append that failed on a full disk is an `AppendError::Storage` inside a
/// `LedgerError::Append`.
fn storage_error_of<'a>(cause: &'a (dyn std::error::Error + 'static)) -> Option<&'a StorageError> {
    if let Some(storage) = cause.downcast_ref::<StorageError>() {
        return Some(storage);
    }
    let from_append = |append: &'a AppendError| match append {
        AppendError::Storage(storage) => Some(storage),
        _ => None,
    };
    let from_log = |log: &'a LogError| match log {
        LogError::Storage(storage) => Some(storage),
        LogError::Corrupt { .. } => None,
    };
    if let Some(append) = cause.downcast_ref::<AppendError>() {
        return from_append(append);
    }
    if let Some(log) = cause.downcast_ref::<LogError>() {
        return from_log(log);
    }
    match cause.downcast_ref::<LedgerError>()? {
        LedgerError::Storage(storage) => Some(storage),
        LedgerError::Append(append) => from_append(append),
        LedgerError::Log(log) => from_log(log),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn storage_io(reason: &str) -> StorageError {
        StorageError::Io {
            path: "store".to_owned(),
            reason: reason.to_owned(),
        }
    }

    /// An append that fails on the disk comes out of the ledger as
    /// `LedgerError::Append(AppendError::Storage(StorageError::Io))`, its io::Error kept only
    /// as text: the classification must look through the wrappers.
    #[test]
    fn a_full_disk_or_a_file_too_large_during_an_append_is_an_io_error() {
        for reason in [
            "No space left on device (os error 28)",
            "File too large (os error 27)",
        ] {
            let error = anyhow::Error::new(LedgerError::Append(AppendError::Storage(storage_io(
                reason,
            ))))
            .context("cannot import");
            assert_eq!(code_of(&error), IO_ERROR, "{reason}");
            let error = anyhow::Error::new(LedgerError::Log(LogError::Storage(storage_io(reason))));
            assert_eq!(code_of(&error), IO_ERROR, "{reason}");
        }
        for kind in [
            std::io::ErrorKind::StorageFull,
            std::io::ErrorKind::FileTooLarge,
        ] {
            let error = anyhow::Error::new(std::io::Error::from(kind)).context("cannot write");
            assert_eq!(code_of(&error), IO_ERROR, "{kind:?}");
        }
    }

    #[test]
    fn a_locked_store_is_four_however_it_is_wrapped() {
        let locked = || StorageError::Locked {
            path: "store".to_owned(),
        };
        for error in [
            anyhow::Error::new(locked()),
            anyhow::Error::new(LedgerError::Storage(locked())),
            anyhow::Error::new(LedgerError::Log(LogError::Storage(locked()))),
            anyhow::Error::new(LedgerError::Append(AppendError::Storage(locked()))),
        ] {
            assert_eq!(code_of(&error), LOCKED, "{error:#}");
        }
    }

    #[test]
    fn a_damaged_store_is_three_however_it_is_wrapped() {
        let tail = || AppendError::TailDoesNotVerify("record 9: signature".to_owned());
        let damaged = || StorageError::Damaged {
            path: "store".to_owned(),
            offset: 60,
            reason: "the chunk header does not match its checksum".to_owned(),
        };
        for error in [
            anyhow::Error::new(LedgerError::Append(tail())),
            anyhow::Error::new(tail()),
            anyhow::Error::new(LedgerError::Log(LogError::Storage(damaged()))),
            anyhow::Error::new(LogError::Storage(damaged())),
        ] {
            assert_eq!(code_of(&error), IO_ERROR, "{error:#}");
        }
    }

    #[test]
    fn refused_input_is_one() {
        let refused = AppendError::BadSignature {
            index: 0,
            author: "00".to_owned(),
        };
        assert_eq!(
            code_of(&anyhow::Error::new(LedgerError::Append(refused))),
            REJECTED
        );
        assert_eq!(
            code_of(&anyhow::anyhow!("k.key is not UTF-8 text")),
            REJECTED
        );
    }
}
