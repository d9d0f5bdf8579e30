//! A store's transparency log: its Ed25519 log key (`log.key`), and the checkpoints it has
//! signed (`checkpoints`), as docs/FORMAT.md "Transparency log" states. The origin and the
//! public log key are the log's own: the genesis names them and a `LogKeyRotated` record
//! replaces the key (the model's `LogKeys`); the store's key file only holds the secret half,
//! and is used only while it is the key the log names.
//!
//! The tree itself is rekap-log's (derived state in `tree/`); what needs the election (the
//! origin) and a secret (the log key) lives here, so that the CLI and `rekap serve` sign the
//! same way. A log never signs two inconsistent checkpoints: every checkpoint it signs is
//! kept, append-only, and a new one is signed only if the tree at the last one's size has the
//! last one's root.
//!
//! Signing appends to `checkpoints`: the caller holds the store's exclusive lock (the CLI's
//! appending commands, or `rekap serve` for its whole life). Nothing here takes it.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use rekap_log::Storage;
use rekap_model::LogKeys;
use rekap_tlog::checkpoint::{Checkpoint, CheckpointError};
use rekap_tlog::note::{Note, NoteError, Signer, Verifier};
use rekap_tlog::{Tree, TreeError};

use crate::Ledger;

/// The log key's file in a store (a rekap key file, mode 0600).
pub const LOG_KEY_FILE: &str = "log.key";
/// The next log key while a rotation is under way: written before the `LogKeyRotated`
/// record is appended, renamed over [`LOG_KEY_FILE`] once the log names it.
pub const NEXT_LOG_KEY_FILE: &str = "log.key.next";
/// The signed checkpoints, oldest first: per checkpoint, its length in bytes in ASCII
/// decimal, a newline, then the signed note.
pub const CHECKPOINTS_FILE: &str = "checkpoints";
/// The first line of a rekap key file; the second is the 32-byte seed in hex.
pub const KEY_FILE_HEADER: &str = "rekap-secret-key/1";

/// Why the log key could not be read or a checkpoint not be signed or read.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointsError {
    #[error("cannot read {path}: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("cannot write {path}: {error}")]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{path} is not a rekap key file: {reason}")]
    BadKeyFile { path: PathBuf, reason: &'static str },
    #[error(
        "key file {path} is readable or writable by others than its owner (mode {mode:04o}); \
         run `chmod 600` on it"
    )]
    KeyFileOpen { path: PathBuf, mode: u32 },
    #[error("{path} is damaged after {kept} checkpoints")]
    Damaged { path: PathBuf, kept: usize },
    #[error("the last signed checkpoint is of size {kept} but the tree has {size} entries")]
    Shrunk { kept: u64, size: u64 },
    #[error(
        "the log's tree at size {size} is not the one its last checkpoint signed: refusing to \
         sign an inconsistent checkpoint"
    )]
    Inconsistent { size: u64 },
    #[error("a kept checkpoint: {0}")]
    Checkpoint(#[from] CheckpointError),
    #[error("the log key: {0}")]
    Note(#[from] NoteError),
    #[error("the tree: {0}")]
    Tree(#[from] TreeError),
    #[error("the log: {0}")]
    Log(#[from] rekap_log::LogError),
    #[error(
        "the store's log key {found} is not the key the log names for its checkpoints from \
         tree size {from_size} on ({named}): a rotated-out key never signs again; put the \
         named key in the store as {LOG_KEY_FILE}"
    )]
    NotTheLogKey {
        found: String,
        named: String,
        from_size: u64,
    },
}

/// The default origin of an election's log (the one `rekap init` names in the genesis).
pub fn origin(definition_hash: &[u8; 32]) -> String {
    rekap_model::default_origin(definition_hash)
}

/// The origin the genesis of the ledger's log names.
pub fn origin_of<S: Storage>(ledger: &Ledger<S>) -> String {
    ledger.state().log_keys().origin().to_owned()
}

/// The verifier of the key that signs the checkpoint of tree size `size`, as the log names
/// it (the genesis, or the last `LogKeyRotated` record within the tree).
pub fn verifier_at(keys: &LogKeys, size: u64) -> Result<Verifier, CheckpointsError> {
    let key = keys.key_at(size);
    let key =
        ed25519_dalek::VerifyingKey::from_bytes(&key).map_err(|_| NoteError::BadVerifierKey {
            reason: "the log names a key that is not a curve point",
        })?;
    Ok(Verifier::new(keys.origin(), key)?)
}

/// Reads a rekap key file, whatever its mode (for its public key).
pub fn read_key_file(path: &Path) -> Result<SigningKey, CheckpointsError> {
    let bytes = fs::read(path).map_err(|error| CheckpointsError::Read {
        path: path.to_owned(),
        error,
    })?;
    let bad = |reason| CheckpointsError::BadKeyFile {
        path: path.to_owned(),
        reason,
    };
    let text = std::str::from_utf8(&bytes).map_err(|_| bad("it is not UTF-8 text"))?;
    let mut lines = text.lines();
    if lines.next() != Some(KEY_FILE_HEADER) {
        return Err(bad("the first line must be rekap-secret-key/1"));
    }
    let seed = lines
        .next()
        .and_then(|line| hex::decode(line.trim()).ok())
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .ok_or(bad("the second line must be 64 hex digits"))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// Reads a key file to sign with: refused unless only its owner may read and write it
/// (anyone who could read it could sign as its owner).
pub fn read_signing_key_file(path: &Path) -> Result<SigningKey, CheckpointsError> {
    let mode = fs::metadata(path)
        .map_err(|error| CheckpointsError::Read {
            path: path.to_owned(),
            error,
        })?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(CheckpointsError::KeyFileOpen {
            path: path.to_owned(),
            mode: mode & 0o7777,
        });
    }
    read_key_file(path)
}

/// The log's signer: the store's key file, which must hold the key the log names now.
pub fn signer<S: Storage>(store: &Path, ledger: &Ledger<S>) -> Result<Signer, CheckpointsError> {
    let keys = ledger.state().log_keys();
    let key = current_signing_key(store, keys)?;
    Ok(Signer::new(keys.origin(), key)?)
}

/// The log's verifier key now, as the log itself names it (no key file is read).
pub fn verifier<S: Storage>(
    _store: &Path,
    ledger: &Ledger<S>,
) -> Result<Verifier, CheckpointsError> {
    let keys = ledger.state().log_keys();
    verifier_at(keys, keys.current().from_size)
}

/// The store's secret log key, checked to be the key the log names now (mode 0600). After a
/// rotation whose record is durable but whose key file was not yet moved into place, the
/// next key's file is the named one: it is moved over the old key's file first.
pub fn current_signing_key(store: &Path, keys: &LogKeys) -> Result<SigningKey, CheckpointsError> {
    let named = keys.current();
    let path = store.join(LOG_KEY_FILE);
    let key = read_signing_key_file(&path)?;
    if key.verifying_key().to_bytes() == named.key {
        return Ok(key);
    }
    let next_path = store.join(NEXT_LOG_KEY_FILE);
    if let Ok(next) = read_signing_key_file(&next_path) {
        if next.verifying_key().to_bytes() == named.key {
            fs::rename(&next_path, &path).map_err(|error| CheckpointsError::Write {
                path: path.clone(),
                error,
            })?;
            return Ok(next);
        }
    }
    Err(CheckpointsError::NotTheLogKey {
        found: hex::encode(key.verifying_key().to_bytes()),
        named: hex::encode(named.key),
        from_size: named.from_size,
    })
}

/// Every checkpoint the store's log has signed, oldest first, as signed notes.
pub fn kept(store: &Path) -> Result<Vec<String>, CheckpointsError> {
    let path = store.join(CHECKPOINTS_FILE);
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(CheckpointsError::Read { path, error }),
    };
    let mut notes = Vec::new();
    let mut rest = bytes.as_slice();
    while !rest.is_empty() {
        let damaged = |kept| CheckpointsError::Damaged {
            path: path.clone(),
            kept,
        };
        let (note, after) = split_kept(rest).ok_or_else(|| damaged(notes.len()))?;
        notes.push(note);
        rest = after;
    }
    Ok(notes)
}

/// The first kept note of `bytes` (`<length>\n<note>`) and what follows it.
fn split_kept(bytes: &[u8]) -> Option<(String, &[u8])> {
    let newline = bytes.iter().position(|byte| *byte == b'\n')?;
    let length: usize = std::str::from_utf8(&bytes[..newline]).ok()?.parse().ok()?;
    let end = (newline + 1).checked_add(length)?;
    let note = bytes.get(newline + 1..end)?;
    Some((String::from_utf8(note.to_vec()).ok()?, &bytes[end..]))
}

/// A signed note and its checkpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedCheckpoint {
    /// The signed note's text, as served and kept.
    pub note: String,
    /// Its parsed checkpoint.
    pub checkpoint: Checkpoint,
}

impl SignedCheckpoint {
    /// Parses a signed note (not checking its signature: a kept one is the log's own).
    pub fn parse(note: String) -> Result<SignedCheckpoint, CheckpointsError> {
        let checkpoint = Checkpoint::from_text(&Note::parse(note.as_bytes())?.text)?;
        Ok(SignedCheckpoint { note, checkpoint })
    }
}

/// The last checkpoint signed.
pub fn latest(store: &Path) -> Result<Option<SignedCheckpoint>, CheckpointsError> {
    kept(store)?.pop().map(SignedCheckpoint::parse).transpose()
}

/// The kept checkpoint of `size`.
pub fn kept_of_size(store: &Path, size: u64) -> Result<Option<SignedCheckpoint>, CheckpointsError> {
    for note in kept(store)?.into_iter().rev() {
        let signed = SignedCheckpoint::parse(note)?;
        if signed.checkpoint.size == size {
            return Ok(Some(signed));
        }
    }
    Ok(None)
}

/// A store's signer and its last kept checkpoint, held open: what `rekap serve` keeps to sign
/// a checkpoint after each durable group commit without rereading the store's files.
pub struct CheckpointSigner {
    store: PathBuf,
    signer: Signer,
    last: Option<SignedCheckpoint>,
}

impl CheckpointSigner {
    /// Reads the store's log key (mode 0600 required; the key the log names now) and its
    /// last kept checkpoint.
    pub fn open<S: Storage>(
        store: &Path,
        ledger: &Ledger<S>,
    ) -> Result<CheckpointSigner, CheckpointsError> {
        CheckpointSigner::for_keys(store, ledger.state().log_keys())
    }

    /// The same from the log's keys alone (`rekap demo`, which knows its genesis).
    pub fn for_keys(store: &Path, keys: &LogKeys) -> Result<CheckpointSigner, CheckpointsError> {
        let key = current_signing_key(store, keys)?;
        Ok(CheckpointSigner {
            store: store.to_owned(),
            signer: Signer::new(keys.origin(), key)?,
            last: latest(store)?,
        })
    }

    /// The log's origin (its key's name).
    pub fn origin(&self) -> &str {
        self.signer.name()
    }

    /// The log's verifier key.
    pub fn verifier(&self) -> Verifier {
        self.signer.verifier()
    }

    /// The last checkpoint signed and kept.
    pub fn latest(&self) -> Option<&SignedCheckpoint> {
        self.last.as_ref()
    }

    /// Signs and keeps a checkpoint of `tree` at its full size, unless the last kept one is
    /// already of this size (then returns it); refuses one inconsistent with the last.
    /// `tree` must be the tree of durable records only, `keys` the log's keys at its size:
    /// after a rotation the store's key file is read again, and a rotated-out key never
    /// signs.
    pub fn sign(
        &mut self,
        tree: &Tree,
        keys: &LogKeys,
    ) -> Result<SignedCheckpoint, CheckpointsError> {
        let size = tree.size();
        let named = keys.key_at(size);
        if self.signer.verifier().public_key().to_bytes() != named {
            self.signer = Signer::new(keys.origin(), current_signing_key(&self.store, keys)?)?;
        }
        let found = self.signer.verifier().public_key().to_bytes();
        if found != named {
            return Err(CheckpointsError::NotTheLogKey {
                found: hex::encode(found),
                named: hex::encode(named),
                from_size: keys.current().from_size,
            });
        }
        if let Some(last) = &self.last {
            let kept = last.checkpoint.size;
            if kept > size {
                return Err(CheckpointsError::Shrunk { kept, size });
            }
            if kept > 0 && tree.root(kept)? != last.checkpoint.root {
                return Err(CheckpointsError::Inconsistent { size: kept });
            }
            if kept == size {
                return Ok(last.clone());
            }
        }
        let checkpoint = Checkpoint {
            origin: self.signer.name().to_owned(),
            size,
            root: tree.root(size)?,
            extensions: Vec::new(),
        };
        let note = checkpoint.sign(&self.signer)?;
        keep(&self.store, &note)?;
        let signed = SignedCheckpoint { note, checkpoint };
        self.last = Some(signed.clone());
        Ok(signed)
    }
}

/// Signs a checkpoint of the ledger's current tree and keeps it, unless the last kept one is
/// already of this size; refuses one inconsistent with the last. Returns the latest.
pub fn sign_current<S: Storage>(
    store: &Path,
    ledger: &Ledger<S>,
) -> Result<SignedCheckpoint, CheckpointsError> {
    sign_current_of(store, ledger.log(), ledger.state().log_keys())
}

/// [`sign_current`] of `log`, whose keys are `keys` (an append decided without a replay:
/// `crate::thin`).
pub fn sign_current_of<S: Storage>(
    store: &Path,
    log: &rekap_log::Log<S>,
    keys: &LogKeys,
) -> Result<SignedCheckpoint, CheckpointsError> {
    let tree = log.tree()?;
    let mut signer = CheckpointSigner::for_keys(store, keys)?;
    signer.sign(&tree, keys)
}

/// Keeps a checkpoint another log signed among a copy's checkpoints (a read client's copy
/// of a server's log, crates/rekap-mirror): the caller has checked its signature and that
/// the copy's tree has its root. Appended durably, as the log's own.
pub fn keep_received(store: &Path, note: &str) -> Result<(), CheckpointsError> {
    keep(store, note)
}

/// Appends a signed note to the checkpoints file, durably.
fn keep(store: &Path, note: &str) -> Result<(), CheckpointsError> {
    let path = store.join(CHECKPOINTS_FILE);
    let write = |error| CheckpointsError::Write {
        path: path.clone(),
        error,
    };
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(write)?;
    file.write_all(format!("{}\n{note}", note.len()).as_bytes())
        .and_then(|()| file.sync_data())
        .map_err(write)
}
