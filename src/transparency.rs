//! The store's transparency log: its Ed25519 log key (`log.key`), its origin, and the
//! checkpoints it has signed (`checkpoints`), as docs/FORMAT.md "Transparency log" states.
//!
//! The tree itself is rekap-log's (derived state in `tree/`); what needs the election (the
//! origin) and a secret (the log key) lives here. A log never signs two inconsistent
//! checkpoints: every checkpoint it signs is kept, append-only, and a new one is signed only
//! if the tree at the last one's size has the last one's root. Signing is a write, done by
//! appending commands after their append and by `rekap checkpoint` when the log grew since.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use rekap_ledger::Ledger;
use rekap_log::DefaultStorage;
use rekap_tlog::checkpoint::Checkpoint;
use rekap_tlog::note::{Note, Signer, Verifier};

/// The log key's file in a store (a rekap key file, mode 0600).
pub const LOG_KEY_FILE: &str = "log.key";
/// The signed checkpoints, oldest first: per checkpoint, its length in bytes in ASCII
/// decimal, a newline, then the signed note.
pub const CHECKPOINTS_FILE: &str = "checkpoints";

/// The log's origin (and its key's name): fixed per election, from its definition hash.
pub fn origin(definition_hash: &[u8; 32]) -> String {
    format!("rekap/{}", hex::encode(definition_hash))
}

/// The origin of the election a ledger holds.
pub fn origin_of(ledger: &Ledger<DefaultStorage>) -> String {
    origin(&ledger.state().definition_hash())
}

/// The log's signer, read from the store's key file.
pub fn signer(store: &Path, ledger: &Ledger<DefaultStorage>) -> anyhow::Result<Signer> {
    let key = crate::keys::read_signing_key(&store.join(LOG_KEY_FILE))?;
    Ok(Signer::new(&origin_of(ledger), key)?)
}

/// The log's verifier key.
pub fn verifier(store: &Path, ledger: &Ledger<DefaultStorage>) -> anyhow::Result<Verifier> {
    let key = crate::keys::read_key(&store.join(LOG_KEY_FILE))?;
    Ok(Verifier::new(&origin_of(ledger), key.verifying_key())?)
}

fn checkpoints_path(store: &Path) -> PathBuf {
    store.join(CHECKPOINTS_FILE)
}

/// Every checkpoint the store's log has signed, oldest first, as signed notes.
pub fn kept(store: &Path) -> anyhow::Result<Vec<String>> {
    let path = checkpoints_path(store);
    let bytes = match fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", path.display())),
    };
    let mut notes = Vec::new();
    let mut rest = bytes.as_slice();
    while !rest.is_empty() {
        let damaged = || {
            anyhow::anyhow!(
                "{} is damaged after {} checkpoints",
                path.display(),
                notes.len()
            )
        };
        let newline = rest
            .iter()
            .position(|byte| *byte == b'\n')
            .ok_or_else(damaged)?;
        let length: usize = std::str::from_utf8(&rest[..newline])
            .ok()
            .and_then(|text| text.parse().ok())
            .ok_or_else(damaged)?;
        let note = rest
            .get(newline + 1..newline + 1 + length)
            .ok_or_else(damaged)?;
        notes.push(String::from_utf8(note.to_vec()).map_err(|_| damaged())?);
        rest = &rest[newline + 1 + length..];
    }
    Ok(notes)
}

/// The last checkpoint signed, with its parsed text.
pub fn latest(store: &Path) -> anyhow::Result<Option<(String, Checkpoint)>> {
    let Some(note) = kept(store)?.pop() else {
        return Ok(None);
    };
    let parsed = Note::parse(note.as_bytes())?;
    Ok(Some((note, Checkpoint::from_text(&parsed.text)?)))
}

/// Signs a checkpoint of the log's current tree and keeps it, unless the last kept one is
/// already of this size; refuses one inconsistent with the last. Returns the latest note.
pub fn sign_current(store: &Path, ledger: &Ledger<DefaultStorage>) -> anyhow::Result<String> {
    let tree = ledger.log().tree()?;
    let size = tree.size();
    let last = latest(store)?;
    if let Some((note, checkpoint)) = &last {
        if checkpoint.size > size {
            bail!(
                "the last signed checkpoint is of size {} but the log has {size} records",
                checkpoint.size
            );
        }
        if checkpoint.size > 0 && tree.root(checkpoint.size)? != checkpoint.root {
            bail!(
                "the log's tree at size {} is not the one its last checkpoint signed: refusing to \
                 sign an inconsistent checkpoint",
                checkpoint.size
            );
        }
        if checkpoint.size == size {
            return Ok(note.clone());
        }
    }
    let checkpoint = Checkpoint {
        origin: origin_of(ledger),
        size,
        root: tree.root(size)?,
        extensions: Vec::new(),
    };
    let note = checkpoint.sign(&signer(store, ledger)?)?;
    keep(store, &note)?;
    Ok(note)
}

/// Appends a signed note to the checkpoints file, durably.
fn keep(store: &Path, note: &str) -> anyhow::Result<()> {
    let path = checkpoints_path(store);
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    file.write_all(format!("{}\n{note}", note.len()).as_bytes())
        .and_then(|()| file.sync_data())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// After an append: signs the new checkpoint. Never fails the command (the append is
/// durable already); `rekap checkpoint` signs it later.
pub fn sign_after_append(store: &Path, ledger: &Ledger<DefaultStorage>) {
    if let Err(error) = sign_current(store, ledger) {
        eprintln!("warning: no checkpoint was signed: {error:#}");
    }
}
