//! `rekap rotate-log-key`: the registrar names a new log key (docs/RULES.md R65). The new
//! key is written into the store as `log.key.next` (mode 0600) before the `LogKeyRotated`
//! record that names it is appended, then moved over `log.key`; a crash between the two
//! leaves `log.key.next`, which the next signing moves into place (rekap_ledger::checkpoints).
//! The new key signs the checkpoint of the tree holding the rotation, and every later one.

use std::path::PathBuf;

use clap::Args;
use rekap_ledger::checkpoints::NEXT_LOG_KEY_FILE;

use crate::exit::Outcome;
use crate::keys;
use crate::output::print;
use crate::store::{self, now_ms, StoreArg};
use crate::transparency;

#[derive(Args)]
pub struct RotateLogKeyArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// The registrar's key file: only the registrar rotates the log key.
    #[arg(long, short = 'k', value_name = "FILE")]
    pub key: PathBuf,
    /// The new log key (a rekap key file, mode 0600; never a key this log had). Default: a
    /// new key made for this store.
    #[arg(long, value_name = "FILE")]
    pub log_key: Option<PathBuf>,
}

pub fn run(args: RotateLogKeyArgs) -> anyhow::Result<Outcome> {
    let path = &args.store.store;
    let registrar = keys::read_signing_key(&args.key)?;
    let new_key = match &args.log_key {
        Some(file) => keys::read_signing_key(file)?,
        None => keys::generate()?,
    };
    let mut ledger = store::open_for_append(path)?;
    let public = new_key.verifying_key().to_bytes();
    // Refused before anything is written: the model decides first.
    ledger
        .state()
        .log_keys()
        .check_rotation(&registrar.verifying_key().to_bytes(), &public)
        .map_err(|refusal| {
            rekap_ledger::LedgerError::Refused(rekap_model::PayloadRefusal {
                index: None,
                refusal,
            })
        })?;
    let next = path.join(NEXT_LOG_KEY_FILE);
    match std::fs::remove_file(&next) {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(error.into()),
    }
    keys::write_key(&next, &new_key)?;
    let receipt = ledger.rotate_log_key(&registrar, public, now_ms())?;
    let seq = receipt.seqs.first().copied().unwrap_or_default();
    std::fs::rename(&next, path.join(transparency::LOG_KEY_FILE))?;
    let signed = transparency::sign_current(path, &ledger)?;
    let vkey = transparency::verifier(path, &ledger)?.to_vkey();
    print(&format!(
        "{}\n",
        crate::lang::say_with(
            "command-rotate-log-key-rotated-log-key-at-record",
            &[
                ("seq", &seq),
                ("seq2", &seq),
                ("vkey", &vkey),
                ("size", &signed.checkpoint.size)
            ]
        )
    ))?;
    Ok(Outcome::Success)
}
