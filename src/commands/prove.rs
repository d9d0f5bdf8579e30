//! `prove` writes a station's inclusion proof; `verify-proof` checks one offline.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use rekap_ledger::proof::{self, parse_proof, ProofFile, VerifiedProof};
use rekap_ledger::replay_records;
use rekap_log::export::{records_in_export, verify_export};
use rekap_log::VerifyOptions;
use rekap_projection::proof::ProofLevel;

use crate::commands::totals::Format;
use crate::exit::Outcome;
use crate::output::print;
use crate::store::{self, StoreArg};

#[derive(Args)]
pub struct ProveArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// Prove from an export file instead of a store (verified and replayed first, as
    /// `audit --log` does); --store and REKAP_STORE are then not read.
    #[arg(long)]
    pub log: Option<PathBuf>,
    #[arg(long)]
    pub contest: String,
    /// Station code, e.g. 6472010001-001.
    #[arg(long)]
    pub station: String,
    /// End at the approval of the station's region at this plenary level (a level key of
    /// the definition: district, regency, province). Default: the highest level whose
    /// region above the station has approved the contest.
    #[arg(long)]
    pub level: Option<String>,
    /// Proof file to write (JSON); refused if it exists.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// What is printed once the file is written: JSON and CSV carry out, station, votes,
    /// region, seq, digest.
    #[command(flatten)]
    pub format: crate::output::FormatArg,
}

#[derive(Args)]
pub struct VerifyProofArgs {
    /// Proof file from `rekap prove`.
    #[arg(long)]
    pub proof: PathBuf,
    /// The approval's digest as published (hex). Without it the digest signed in the
    /// proof's approval record is used: compare it with the published one.
    #[arg(long)]
    pub digest: Option<String>,
    /// JSON and CSV: ok, station, contest, votes, valid, invalid, region, digest,
    /// digest_published, seq, author (or ok false and the failure).
    #[command(flatten)]
    pub format: crate::output::FormatArg,
}

pub fn prove(args: ProveArgs) -> anyhow::Result<Outcome> {
    let level = match &args.level {
        Some(key) => ProofLevel::Key(key),
        None => ProofLevel::Highest,
    };
    let proof = match &args.log {
        Some(path) => match prove_from_export(path, &args, level)? {
            Some(proof) => proof,
            None => return Ok(Outcome::Rejected),
        },
        None => {
            let ledger = store::open(&args.store.store)?;
            proof::prove(
                ledger.state(),
                ledger.projection(),
                &args.contest,
                &args.station,
                level,
                |seq| Ok(ledger.log().read(seq)?),
            )?
        }
    };
    let text = serde_json::to_string_pretty(&proof)? + "\n";
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&args.out)
        .and_then(|mut out| std::io::Write::write_all(&mut out, text.as_bytes()))
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let value = serde_json::json!({
        "out": args.out.display().to_string(),
        "station": proof.station,
        "votes": proof.sheet.votes,
        "region": proof.approval.region,
        "seq": proof.approval.seq,
        "digest": hex::encode(proof.approval.digest.0),
    });
    print(&match args.format.chosen() {
        Format::Json => value.to_string() + "\n",
        Format::Csv => crate::output::csv_of_object(&value),
        Format::Table => format!(
            "wrote {}: station {} votes {} inside the approval of {} (record {}), digest {}\n",
            args.out.display(),
            proof.station,
            crate::words::votes(&proof.sheet.votes),
            proof.approval.region,
            proof.approval.seq,
            hex::encode(proof.approval.digest.0)
        ),
    })?;
    Ok(Outcome::Success)
}

/// The proof from an export; `None` (after saying why) when the export does not verify.
fn prove_from_export(
    path: &Path,
    args: &ProveArgs,
    level: ProofLevel<'_>,
) -> anyhow::Result<Option<ProofFile>> {
    let bytes = fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let report = verify_export(bytes.as_slice(), VerifyOptions::default())
        .with_context(|| format!("reading {}", path.display()))?;
    if let Some(failure) = report.failures.first() {
        let place = failure
            .seq
            .map_or_else(|| "file".to_owned(), |seq| format!("record {seq}"));
        print(&format!(
            "FAILED: {} does not verify ({place}: {}); no proof is made from it\n",
            path.display(),
            failure.reason
        ))?;
        return Ok(None);
    }
    let records = records_in_export(&bytes);
    let (state, projection) = replay_records(&records)?;
    let proof = proof::prove(
        &state,
        &projection,
        &args.contest,
        &args.station,
        level,
        |seq| {
            let index = usize::try_from(seq.saturating_sub(1)).unwrap_or(usize::MAX);
            Ok(records.get(index).cloned())
        },
    )?;
    Ok(Some(proof))
}

pub fn verify_proof(args: VerifyProofArgs) -> anyhow::Result<Outcome> {
    // Not UTF-8 is bad input (exit 1), like any other malformed proof file.
    let text = crate::input::read_text(&args.proof)?;
    let published = match &args.digest {
        Some(text) => match hex::decode(text)
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        {
            Some(digest) => Some(digest),
            None => bail!("--digest must be 64 hex digits"),
        },
        None => None,
    };
    let verified = parse_proof(&text).and_then(|proof| {
        proof::verify_proof(&proof, published.as_ref()).map(|verified| (proof, verified))
    });
    match verified {
        Ok((proof, verified)) => {
            let value = serde_json::json!({
                "ok": true,
                "station": proof.station,
                "contest": proof.contest,
                "votes": verified.sheet.votes,
                "valid": verified.sheet.valid,
                "invalid": verified.sheet.invalid,
                "region": verified.end.region,
                "digest": hex::encode(verified.end.digest),
                "digest_published": published.is_some(),
                "seq": verified.seq,
                "author": hex::encode(verified.author),
            });
            print(&match args.format.chosen() {
                Format::Json => value.to_string() + "\n",
                Format::Csv => crate::output::csv_of_object(&value),
                Format::Table => human(&proof, &verified, published.is_some()),
            })?;
            Ok(Outcome::Success)
        }
        Err(failure) => {
            let value = serde_json::json!({"ok": false, "failure": failure.to_string()});
            print(&match args.format.chosen() {
                Format::Json => value.to_string() + "\n",
                Format::Csv => crate::output::csv_of_object(&value),
                Format::Table => format!("FAILED: {failure}\n"),
            })?;
            Ok(Outcome::Rejected)
        }
    }
}

/// What a verified proof shows, and what is left to check against the log.
fn human(proof: &ProofFile, verified: &VerifiedProof, published: bool) -> String {
    let end = &verified.end;
    let source = if published {
        "equal to the given digest"
    } else {
        "compare it with the published one"
    };
    let mut out = format!(
        "ok: station {} with votes {}, valid {}, invalid {} is inside the approval of {} {}\n",
        proof.station,
        crate::words::votes(&verified.sheet.votes),
        verified.sheet.valid,
        verified.sheet.invalid,
        end.region,
        proof.contest,
    );
    out += &format!(
        "{} totals: votes {}, valid {}, invalid {}, stations reported {} voided {} of {}\n",
        end.region,
        crate::words::votes(&end.totals.votes),
        end.totals.valid,
        end.totals.invalid,
        end.totals.stations_reported,
        end.totals.stations_voided,
        end.totals.stations_expected,
    );
    out += &format!("digest {} ({source})\n", hex::encode(end.digest));
    out += &format!(
        "signed by {} for definition {}; witnesses who signed: {}; refused: {}\n",
        hex::encode(verified.author),
        hex::encode(verified.definition_hash),
        keys(&verified.witnesses),
        keys(&verified.refusals),
    );
    out += &format!(
        "not shown by the proof alone: that {} is an official of {} (see the genesis), and that record {} of the log has hash {}\n",
        hex::encode(verified.author),
        end.region,
        verified.seq,
        hex::encode(verified.record_hash),
    );
    out
}

fn keys(keys: &[[u8; 32]]) -> String {
    if keys.is_empty() {
        return "none".to_owned();
    }
    let hex: Vec<String> = keys.iter().map(hex::encode).collect();
    hex.join(", ")
}
