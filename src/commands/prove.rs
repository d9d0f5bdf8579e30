//! `prove` writes a station's inclusion proof; `verify-proof` checks one offline.

use std::fs;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::Args;
use rekap_projection::proof::Proof;

use crate::exit::Outcome;
use crate::output::print;
use crate::store::{self, StoreArg};

#[derive(Args)]
pub struct ProveArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[arg(long)]
    pub contest: String,
    /// Station code, e.g. 6472010001-001.
    #[arg(long)]
    pub station: String,
    /// Proof file to write (JSON); refused if it exists.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct VerifyProofArgs {
    /// Proof file from `rekap prove`.
    #[arg(long)]
    pub proof: PathBuf,
    /// The final approval's digest as published (hex). Without it the proof's own copy is
    /// used, which only shows the proof is consistent: compare it with the published one.
    #[arg(long)]
    pub digest: Option<String>,
}

pub fn prove(args: ProveArgs) -> anyhow::Result<Outcome> {
    let ledger = store::open(&args.store.store)?;
    let proof = ledger
        .projection()
        .prove(ledger.state(), &args.contest, &args.station)?;
    let text = serde_json::to_string_pretty(&proof)?;
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&args.out)
        .and_then(|mut out| std::io::Write::write_all(&mut out, text.as_bytes()))
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    print(&format!(
        "wrote {}: station {} votes {:?} inside the approval of {} (record {}), digest {}\n",
        args.out.display(),
        proof.station,
        proof.sheet.votes,
        proof.approval.region,
        proof.approval.seq,
        hex::encode(proof.approval.digest.0)
    ))?;
    Ok(Outcome::Success)
}

pub fn verify_proof(args: VerifyProofArgs) -> anyhow::Result<Outcome> {
    let text = fs::read_to_string(&args.proof)
        .with_context(|| format!("cannot read {}", args.proof.display()))?;
    let proof: Proof = match serde_json::from_str(&text) {
        Ok(proof) => proof,
        Err(error) => {
            print(&format!(
                "FAILED: {} is not a proof: {error}\n",
                args.proof.display()
            ))?;
            return Ok(Outcome::Rejected);
        }
    };
    let expected = match &args.digest {
        Some(text) => match hex::decode(text)
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        {
            Some(digest) => digest,
            None => bail!("--digest must be 64 hex digits"),
        },
        None => proof.approval.digest.0,
    };
    match proof.verify(&expected) {
        Ok(numbers) => {
            let source = if args.digest.is_some() {
                "the given digest"
            } else {
                "the digest inside the proof (compare it with the published one)"
            };
            print(&format!(
                "ok: station {} with votes {:?}, valid {}, invalid {} is inside the approval of {} {}\ndigest {} ({source})\n",
                proof.station,
                numbers.votes,
                numbers.valid,
                numbers.invalid,
                proof.approval.region,
                proof.contest,
                hex::encode(expected)
            ))?;
            Ok(Outcome::Success)
        }
        Err(failure) => {
            print(&format!("FAILED: {failure}\n"))?;
            Ok(Outcome::Rejected)
        }
    }
}
