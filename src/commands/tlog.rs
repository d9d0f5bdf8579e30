//! The transparency log's commands: `log-key`, `checkpoint`, `prove-record`,
//! `prove-consistency`, `verify-consistency` (docs/FORMAT.md, "Transparency log").

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use base64ct::{Base64, Encoding};
use clap::Args;
use rekap_tlog::checkpoint::Checkpoint;
use rekap_tlog::note::{Note, Verifier};
use rekap_tlog::tlog_proof::TlogProof;
use rekap_tlog::{hash_from_slice, Hash};

use crate::exit::Outcome;
use crate::output::print;
use crate::store::{self, StoreArg};
use crate::transparency;

/// The first line of a consistency proof file.
pub const CONSISTENCY_HEADER: &str = "rekap-consistency/1";

#[derive(Args)]
pub struct LogKeyArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub server: crate::client::copy::ServerArg,
}

#[derive(Args)]
pub struct CheckpointArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub server: crate::client::copy::ServerArg,
}

#[derive(Args)]
pub struct ProveRecordArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub server: crate::client::copy::ServerArg,
    /// The record's sequence number (from 1); its tree index is one less.
    #[arg(long)]
    pub seq: u64,
    /// The size of a signed checkpoint to prove inclusion in (default: the latest).
    #[arg(long, value_name = "N")]
    pub size: Option<u64>,
}

#[derive(Args)]
pub struct ProveConsistencyArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub server: crate::client::copy::ServerArg,
    /// The older tree size (at least 1).
    #[arg(long, value_name = "N")]
    pub from: u64,
    /// The newer tree size (at most the log's record count).
    #[arg(long, value_name = "N")]
    pub to: u64,
}

#[derive(Args)]
pub struct VerifyConsistencyArgs {
    /// The older signed checkpoint.
    pub old: PathBuf,
    /// The newer signed checkpoint.
    pub new: PathBuf,
    /// The consistency proof (`rekap prove-consistency`).
    pub proof: PathBuf,
    /// The log's verifier key (vkey text, or a file holding it): both checkpoints must be
    /// signed by it. Without it only the trees are checked, and the output says so.
    #[arg(long, value_name = "VKEY")]
    pub log_key: Option<String>,
}

pub fn log_key(mut args: LogKeyArgs) -> anyhow::Result<Outcome> {
    crate::client::copy::read_from(&args.server, &mut args.store.store)?;
    let ledger = store::open(&args.store.store)?;
    let verifier = transparency::verifier(&args.store.store, &ledger)?;
    print(&format!("{}\n", verifier.to_vkey()))?;
    Ok(Outcome::Success)
}

/// Prints the latest signed checkpoint; signs one first (an append to `checkpoints`, which
/// takes the store's lock) only if the log grew since the last.
pub fn checkpoint(mut args: CheckpointArgs) -> anyhow::Result<Outcome> {
    crate::client::copy::read_from(&args.server, &mut args.store.store)?;
    let path = &args.store.store;
    let ledger = store::open(path)?;
    if let Some(latest) = transparency::latest(path)? {
        if latest.checkpoint.size == ledger.head().count {
            print(&latest.note)?;
            return Ok(Outcome::Success);
        }
    }
    drop(ledger);
    let ledger = store::open_for_append(path)?;
    print(&transparency::sign_current(path, &ledger)?.note)?;
    Ok(Outcome::Success)
}

/// The kept checkpoint of `size`, or the latest.
fn kept_checkpoint(store: &Path, size: Option<u64>) -> anyhow::Result<(String, Checkpoint)> {
    let found = match size {
        Some(size) => transparency::kept_of_size(store, size)?,
        None => transparency::latest(store)?,
    };
    if let Some(signed) = found {
        return Ok((signed.note, signed.checkpoint));
    }
    match size {
        Some(size) => {
            let mut sizes = Vec::new();
            for note in transparency::kept(store)?.into_iter().rev() {
                sizes.push(transparency::SignedCheckpoint::parse(note)?.checkpoint.size);
            }
            bail!(crate::lang::say_with(
                "command-tlog-log-signed-no-checkpoint-size",
                &[("size", &size), ("numbers", &crate::words::numbers(&sizes))]
            ))
        }
        None => bail!(crate::lang::say(
            "command-publish-log-has-signed-no-checkpoint"
        )),
    }
}

pub fn prove_record(mut args: ProveRecordArgs) -> anyhow::Result<Outcome> {
    crate::client::copy::read_from(&args.server, &mut args.store.store)?;
    let ledger = store::open(&args.store.store)?;
    let (note, checkpoint) = kept_checkpoint(&args.store.store, args.size)?;
    if args.seq == 0 || args.seq > checkpoint.size {
        bail!(crate::lang::say_with(
            "command-tlog-seq-checkpoint-size-holds-records",
            &[
                ("seq", &args.seq),
                ("size", &checkpoint.size),
                ("size2", &checkpoint.size)
            ]
        ));
    }
    let tree = ledger.log().tree()?;
    if tree.root(checkpoint.size)? != checkpoint.root {
        bail!(crate::lang::say_with(
            "command-tlog-store-s-tree-at-size",
            &[("size", &checkpoint.size)]
        ));
    }
    let proof = TlogProof {
        extra: None,
        index: args.seq - 1,
        proof: tree.inclusion_proof(args.seq - 1, checkpoint.size)?,
        checkpoint: note,
    };
    print(&proof.to_text())?;
    Ok(Outcome::Success)
}

pub fn prove_consistency(mut args: ProveConsistencyArgs) -> anyhow::Result<Outcome> {
    crate::client::copy::read_from(&args.server, &mut args.store.store)?;
    let ledger = store::open(&args.store.store)?;
    let count = ledger.head().count;
    if args.from == 0 || args.from > args.to || args.to > count {
        bail!(crate::lang::say_with(
            "command-tlog-from-need-from-log-s",
            &[
                ("from", &args.from),
                ("to", &args.to),
                ("count", &crate::lang::count(count))
            ]
        ));
    }
    let proof = ledger.log().tree()?.consistency_proof(args.from, args.to)?;
    print(&consistency_text(args.from, args.to, &proof))?;
    Ok(Outcome::Success)
}

/// The consistency proof file: header, `old <size>`, `new <size>`, one base64 hash a line.
fn consistency_text(old: u64, new: u64, proof: &[Hash]) -> String {
    let mut text = format!("{CONSISTENCY_HEADER}\nold {old}\nnew {new}\n");
    for hash in proof {
        text.push_str(&Base64::encode_string(hash));
        text.push('\n');
    }
    text
}

/// Parses a consistency proof file: its two sizes and its hashes.
fn parse_consistency(text: &str) -> anyhow::Result<(u64, u64, Vec<Hash>)> {
    let lines: Vec<&str> = text.lines().collect();
    let size = |index: usize, prefix: &str| -> anyhow::Result<u64> {
        let line = lines.get(index).copied().unwrap_or("");
        line.strip_prefix(prefix)
            .filter(|digits| !digits.starts_with('0') || *digits == "0")
            .and_then(|digits| digits.parse().ok())
            .with_context(|| {
                crate::lang::say_with(
                    "command-tlog-line-expected-decimal-size",
                    &[("index", &(index + 1)), ("prefix", &prefix)],
                )
            })
    };
    if lines.first() != Some(&CONSISTENCY_HEADER) {
        bail!(crate::lang::say_with(
            "command-tlog-line-not-consistency-proof-expected",
            &[("consistency-header", &CONSISTENCY_HEADER)]
        ));
    }
    let old = size(1, "old ")?;
    let new = size(2, "new ")?;
    let mut hashes = Vec::new();
    for (index, line) in lines.iter().enumerate().skip(3) {
        let hash = Base64::decode_vec(line)
            .ok()
            .and_then(|bytes| hash_from_slice(&bytes).ok())
            .with_context(|| {
                crate::lang::say_with(
                    "command-tlog-line-not-standard-base-bytes",
                    &[("index", &(index + 1))],
                )
            })?;
        hashes.push(hash);
    }
    Ok((old, new, hashes))
}

/// A vkey given as text or as the path of a file holding it.
pub fn vkey_argument(text: &str) -> anyhow::Result<Verifier> {
    let vkey = if Path::new(text).is_file() {
        crate::input::read_text(Path::new(text))?
    } else {
        text.to_owned()
    };
    Verifier::from_vkey(vkey.trim()).with_context(|| {
        crate::lang::say_with(
            "command-tlog-not-log-vkey",
            &[("text", &format!("{:?}", text))],
        )
    })
}

/// A checkpoint file, opened with the log's key when one is given.
fn read_checkpoint(path: &Path, log: Option<&Verifier>) -> anyhow::Result<Checkpoint> {
    let text = crate::input::read_text(path)?;
    let checkpoint = match log {
        Some(log) => Checkpoint::open(text.as_bytes(), log.name(), log),
        None => Note::parse(text.as_bytes())
            .map_err(Into::into)
            .and_then(|note| Checkpoint::from_text(&note.text)),
    };
    checkpoint.with_context(|| {
        crate::lang::say_with(
            "command-tlog-not-valid-signed-checkpoint",
            &[("path", &path.display())],
        )
    })
}

pub fn verify_consistency(args: VerifyConsistencyArgs) -> anyhow::Result<Outcome> {
    let log = args.log_key.as_deref().map(vkey_argument).transpose()?;
    let old = read_checkpoint(&args.old, log.as_ref())?;
    let new = read_checkpoint(&args.new, log.as_ref())?;
    if old.origin != new.origin {
        bail!(crate::lang::say_with(
            "command-tlog-checkpoints-are-two-logs",
            &[
                ("origin", &format!("{:?}", old.origin)),
                ("origin2", &format!("{:?}", new.origin))
            ]
        ));
    }
    let text = crate::input::read_text(&args.proof)?;
    let (from, to, proof) = parse_consistency(&text).with_context(|| {
        crate::lang::say_with(
            "command-tlog-not-consistency-proof",
            &[("path", &args.proof.display())],
        )
    })?;
    if (from, to) != (old.size, new.size) {
        bail!(crate::lang::say_with(
            "command-tlog-proof-from-size-but-checkpoints",
            &[
                ("from", &from),
                ("to", &to),
                ("size", &old.size),
                ("size2", &new.size)
            ]
        ));
    }
    rekap_tlog::verify_consistency(old.size, new.size, &proof, &old.root, &new.root).context(
        crate::lang::say("command-tlog-newer-checkpoint-s-tree-does"),
    )?;
    let signed = crate::lang::say(if log.is_some() {
        "command-tlog-both-signed"
    } else {
        "command-tlog-signatures-not-checked"
    });
    print(&format!(
        "{}\n",
        crate::lang::say_with(
            "command-tlog-consistent-size-prefix-size",
            &[
                ("origin", &old.origin),
                ("size", &old.size),
                ("size2", &new.size),
                ("signed", &signed)
            ]
        )
    ))?;
    Ok(Outcome::Success)
}
