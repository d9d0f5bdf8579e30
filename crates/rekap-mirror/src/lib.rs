//! rekap-mirror: `rekap mirror`. Follows a rekap server: reads its signed checkpoint, fetches
//! the records since its own head, verifies each as the audit does (chain, hashes,
//! signatures, and every decision replayed by the model, incrementally:
//! `Ledger::append_given`), checks that they lead to the checkpoint's root (so the
//! checkpoint is consistent with every record already held), and only then appends them to
//! its own store, byte for byte. A checkpoint that contradicts what it accepted (a fork, a
//! rollback to another history, a rewritten record) is refused for good: the mirror writes
//! an evidence file (`rekap-evidence/1`, crates/rekap-witness), raises an alarm and stops
//! following.
//!
//! The store is a rekap store (any reading command works on it) with a `mirror/` directory:
//! `from` (the server), `log-key` (the log's vkey), `checkpoint` (the last accepted signed
//! checkpoint), `status.json` and `evidence/`.

pub mod source;
pub mod status;
mod sync;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rekap_ledger::{Ledger, LedgerError};
use rekap_log::{DefaultStorage, Log, LogError, StorageError};
use rekap_tlog::checkpoint::Checkpoint;
use rekap_tlog::note::Verifier;

pub use source::{FetchError, HttpSource};

/// A failed attempt of [`Mirror::poll`] that will be tried again after `wait`.
#[derive(Debug)]
pub struct Retry<'a> {
    /// The attempt that failed, from 1.
    pub attempt: u32,
    pub error: &'a FetchError,
    pub wait: Duration,
}
pub use status::{Alarm, MirrorStatus};
pub use sync::Step;

/// The mirror's own directory inside the store.
pub const MIRROR_DIRECTORY: &str = "mirror";

/// Why the mirror cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum MirrorError {
    // Not transparent: the exit code looks for the storage error in the chain.
    #[error("the mirror's store: {0}")]
    Storage(#[from] StorageError),
    #[error("the mirror's log: {0}")]
    Log(#[from] LogError),
    #[error("the mirror's ledger: {0}")]
    Ledger(#[from] LedgerError),
    #[error("{path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error("{0}")]
    Setup(SetupProblem),
    /// The server could not be read, after every retry.
    #[error("the server could not be read: {0}")]
    Unreachable(FetchError),
    /// The origin was refused for good (see the status's alarm).
    #[error("ALARM: {0}")]
    Alarm(String),
}

/// Why a mirror cannot be set up or go on with what it keeps; the command line words each.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SetupProblem {
    #[error("no attempt was made")]
    NoAttempt,
    #[error("{path}: {error}")]
    BadKeptKey { path: String, error: String },
    #[error("this mirror follows the {what} {kept:?}, not {given:?}: use another --store")]
    FollowsAnother {
        what: Settled,
        kept: String,
        given: String,
    },
    #[error(
        "a new mirror needs the {what} (--log-key VKEY: `rekap log-key` on the server's store)"
    )]
    Needs { what: Settled },
    #[error("the log key {key} is not a key the log names for its checkpoints")]
    KeyNotNamed { key: String },
    #[error("{path} is damaged: {error}")]
    Damaged { path: String, error: String },
    #[error("the mirror's own tree: {error}")]
    OwnTree { error: String },
    #[error("the mirror's store was lost")]
    StoreLost,
}

/// What a mirror keeps from its first run and checks on every later one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Settled {
    #[error("log key")]
    LogKey,
    #[error("server")]
    Server,
}

/// What the mirror holds: an empty log before the genesis, a ledger after.
enum Held {
    Empty(Box<Log<DefaultStorage>>),
    Ledger(Box<Ledger<DefaultStorage>>),
}

/// A mirror over its store.
pub struct Mirror {
    directory: PathBuf,
    source: HttpSource,
    log_key: Verifier,
    held: Option<Held>,
    accepted: Option<(String, Checkpoint)>,
    status: MirrorStatus,
}

pub fn unix_seconds() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> MirrorError + '_ {
    move |error| MirrorError::Io {
        path: path.display().to_string(),
        error,
    }
}

/// The mirror directory of a store.
pub fn mirror_directory(store: &Path) -> PathBuf {
    store.join(MIRROR_DIRECTORY)
}

/// The status of the mirror at `store`, without opening (or locking) the store.
pub fn read_status(store: &Path) -> Option<MirrorStatus> {
    MirrorStatus::read(&mirror_directory(store).join("status.json"))
}

impl Mirror {
    /// Opens (or creates: a missing or empty directory) the mirror's store and locks it.
    /// `log_key` is required the first time and must agree with the kept one after.
    pub fn open(
        store: &Path,
        source: HttpSource,
        log_key: Option<Verifier>,
    ) -> Result<Mirror, MirrorError> {
        let new = !store.exists()
            || std::fs::read_dir(store)
                .map_err(io(store))?
                .next()
                .is_none();
        let storage = if new {
            DefaultStorage::create(store)?
        } else {
            DefaultStorage::open(store)?
        };
        let directory = mirror_directory(store);
        std::fs::create_dir_all(directory.join("evidence")).map_err(io(&directory))?;
        let log_key = settle(&directory.join("log-key"), log_key, Settled::LogKey)?;
        let from = settle_text(
            &directory.join("from"),
            Some(source.base().to_owned()),
            Settled::Server,
        )?;
        let log = Log::open(storage)?;
        let held = if log.head().count == 0 {
            Held::Empty(Box::new(log))
        } else {
            Held::Ledger(Box::new(Ledger::replay(log, u64::MAX)?))
        };
        let keys = match &held {
            Held::Ledger(ledger) => {
                let keys = ledger.state().log_keys();
                pinned_key_of_log(&log_key, keys)?;
                Some(keys.clone())
            }
            Held::Empty(_) => None,
        };
        let accepted = read_accepted(&directory.join("checkpoint"), &log_key, keys.as_ref())?;
        let mut status = MirrorStatus::read(&directory.join("status.json")).unwrap_or_default();
        status.origin = from;
        status.log = log_key.name().to_owned();
        let mut mirror = Mirror {
            directory,
            source,
            log_key,
            held: Some(held),
            accepted,
            status,
        };
        mirror.refresh_status();
        Ok(mirror)
    }

    pub fn status(&self) -> &MirrorStatus {
        &self.status
    }

    /// The last checkpoint accepted, as the server signed it.
    pub fn accepted_note(&self) -> Option<&str> {
        self.accepted.as_ref().map(|(note, _)| note.as_str())
    }

    /// The log's verifier key this mirror checks every checkpoint with.
    pub fn log_key(&self) -> &Verifier {
        &self.log_key
    }

    /// The server followed.
    pub fn source_base(&self) -> &str {
        self.source.base()
    }

    /// The ledger, once the genesis is held.
    pub fn ledger(&self) -> Option<&Ledger<DefaultStorage>> {
        match self.held.as_ref()? {
            Held::Ledger(ledger) => Some(ledger.as_ref()),
            Held::Empty(_) => None,
        }
    }

    fn head_count(&self) -> u64 {
        match &self.held {
            Some(Held::Ledger(ledger)) => ledger.head().count,
            _ => 0,
        }
    }

    fn refresh_status(&mut self) {
        self.status.size = self.head_count();
        self.status.checkpoint = self.accepted.as_ref().map(|(note, _)| note.clone());
        self.status.checkpoint_size = self.accepted.as_ref().map_or(0, |(_, c)| c.size);
        self.status.lag = self.status.server_size.saturating_sub(self.status.size);
    }

    fn save_status(&mut self) -> Result<(), MirrorError> {
        self.refresh_status();
        let path = self.directory.join("status.json");
        self.status.write(&path).map_err(io(&path))
    }

    /// Polls the server until it answers or `retries` attempts failed, waiting `backoff`
    /// doubled after each failure (at most `max_backoff`). Returns what the poll did.
    /// Before each wait, `on_retry` is told the failed attempt (the caller words it in its
    /// user's language; this library prints nothing).
    pub fn poll(
        &mut self,
        retries: u32,
        backoff: Duration,
        max_backoff: Duration,
        on_retry: &mut dyn FnMut(Retry<'_>),
    ) -> Result<Step, MirrorError> {
        if let Some(alarm) = &self.status.alarm {
            return Err(MirrorError::Alarm(alarm.reason.clone()));
        }
        let mut wait = backoff;
        for attempt in 1..=retries.max(1) {
            self.status.last_attempt = Some(unix_seconds());
            match self.sync() {
                Ok(step) => {
                    self.status.last_contact = self.status.last_attempt;
                    self.status.last_error = None;
                    self.save_status()?;
                    return Ok(step);
                }
                Err(MirrorError::Unreachable(error)) => {
                    self.status.last_error = Some(error.to_string());
                    self.save_status()?;
                    if attempt == retries.max(1) {
                        return Err(MirrorError::Unreachable(error));
                    }
                    on_retry(Retry {
                        attempt,
                        error: &error,
                        wait,
                    });
                    std::thread::sleep(wait);
                    wait = (wait * 2).min(max_backoff);
                }
                Err(MirrorError::Alarm(reason)) => {
                    self.save_status()?;
                    return Err(MirrorError::Alarm(reason));
                }
                Err(other) => return Err(other),
            }
        }
        unreachable_retries()
    }
}

/// The loop above always returns; this keeps the signature honest without a panic.
fn unreachable_retries() -> Result<Step, MirrorError> {
    Err(MirrorError::Setup(SetupProblem::NoAttempt))
}

/// A value kept in a file: written the first time, then the given one must agree.
fn settle(path: &Path, given: Option<Verifier>, what: Settled) -> Result<Verifier, MirrorError> {
    let kept = settle_text(path, given.map(|key| key.to_vkey()), what)?;
    Verifier::from_vkey(kept.trim()).map_err(|error| {
        MirrorError::Setup(SetupProblem::BadKeptKey {
            path: path.display().to_string(),
            error: error.to_string(),
        })
    })
}

fn settle_text(path: &Path, given: Option<String>, what: Settled) -> Result<String, MirrorError> {
    let kept = match std::fs::read_to_string(path) {
        Ok(kept) => Some(kept.trim().to_owned()),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(io(path)(error)),
    };
    match (kept, given) {
        (Some(kept), Some(given)) if kept != given => {
            Err(MirrorError::Setup(SetupProblem::FollowsAnother {
                what,
                kept,
                given,
            }))
        }
        (Some(kept), _) => Ok(kept),
        (None, Some(given)) => {
            rekap_witness::witness::write_durably(path, format!("{given}\n").as_bytes())
                .map_err(io(path))?;
            Ok(given)
        }
        (None, None) => Err(MirrorError::Setup(SetupProblem::Needs { what })),
    }
}

/// The `--log-key` a mirror was set up with must be one of the keys the log names.
fn pinned_key_of_log(pinned: &Verifier, keys: &rekap_model::LogKeys) -> Result<(), MirrorError> {
    let key = pinned.public_key().to_bytes();
    if pinned.name() == keys.origin() && keys.periods().iter().any(|period| period.key == key) {
        return Ok(());
    }
    Err(MirrorError::Setup(SetupProblem::KeyNotNamed {
        key: pinned.to_vkey(),
    }))
}

fn read_accepted(
    path: &Path,
    log_key: &Verifier,
    keys: Option<&rekap_model::LogKeys>,
) -> Result<Option<(String, Checkpoint)>, MirrorError> {
    let note = match std::fs::read_to_string(path) {
        Ok(note) => note,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(io(path)(error)),
    };
    let damaged = |error: &dyn std::fmt::Display| {
        MirrorError::Setup(SetupProblem::Damaged {
            path: path.display().to_string(),
            error: error.to_string(),
        })
    };
    // Signed by the key the held log names for its size (the kept key before any log).
    let verifier = match keys {
        Some(keys) => {
            let size = rekap_ledger::checkpoints::SignedCheckpoint::parse(note.clone())
                .map_err(|error| damaged(&error))?
                .checkpoint
                .size;
            rekap_ledger::checkpoints::verifier_at(keys, size).map_err(|error| damaged(&error))?
        }
        None => log_key.clone(),
    };
    let checkpoint = Checkpoint::open(note.as_bytes(), verifier.name(), &verifier)
        .map_err(|error| damaged(&error))?;
    Ok(Some((note, checkpoint)))
}
