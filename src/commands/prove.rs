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
use rekap_tlog::tlog_proof::TlogProof;

use crate::commands::totals::Format;
use crate::exit::Outcome;
use crate::output::print;
use crate::store::{self, StoreArg};

#[derive(Args)]
pub struct ProveArgs {
    #[command(flatten)]
    pub store: StoreArg,
    #[command(flatten)]
    pub server: crate::client::copy::ServerArg,
    /// Prove from an export file instead of a store (verified and replayed first, as
    /// `audit --log` does); --store and REKAP_STORE are then not read.
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// With --log: the signed checkpoint (`rekap checkpoint`, or a tile tree's `checkpoint`)
    /// the approval's record is proved included in; from a store, its latest kept one.
    #[arg(long, value_name = "FILE", requires = "log")]
    pub checkpoint: Option<PathBuf>,
    /// Contest id.
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
    /// Proof file to write (JSON); refused if it exists. `-` writes the proof to standard
    /// output instead (and nothing else), as `export --out -` does.
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
    #[arg(long, value_name = "FILE")]
    pub proof: PathBuf,
    /// The log's verifier key (vkey text, or a file holding it; `rekap log-key`): the
    /// checkpoint the approval is included in must be signed by it. Without it the
    /// inclusion is checked but not the checkpoint's signature, and the output says so.
    #[arg(long, value_name = "VKEY")]
    pub log_key: Option<String>,
    /// The approval's digest as published (hex). Without it the digest signed in the
    /// proof's approval record is used: compare it with the published one.
    #[arg(long, value_name = "HEX")]
    pub digest: Option<String>,
    /// The witnesses whose cosignatures the proof's checkpoint must carry.
    #[command(flatten)]
    pub quorum: crate::commands::witness::QuorumArgs,
    /// JSON and CSV: ok, station, contest, votes, valid, invalid, region, digest,
    /// digest_published, seq, author (or ok false and the failure).
    #[command(flatten)]
    pub format: crate::output::FormatArg,
}

pub fn prove(mut args: ProveArgs) -> anyhow::Result<Outcome> {
    if args.log.is_none() {
        crate::client::copy::read_from(&args.server, &mut args.store.store)?;
    }
    let level = match &args.level {
        Some(key) => ProofLevel::Key(key),
        None => ProofLevel::Highest,
    };
    let proof = match &args.log {
        Some(path) => match prove_from_export(path, &args, level)? {
            Some(proof) => proof,
            None => return Ok(Outcome::Rejected),
        },
        None => match from_saved_views(&args, level) {
            Some(proof) => proof?,
            None => prove_by_replay(&args, level)?,
        },
    };
    let text = serde_json::to_string_pretty(&proof)? + "\n";
    if args.out == Path::new("-") {
        print(&text)?;
        return Ok(Outcome::Success);
    }
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&args.out)
        .and_then(|mut out| std::io::Write::write_all(&mut out, text.as_bytes()))
        .with_context(|| {
            crate::lang::say_with("command-cannot-create", &[("path", &args.out.display())])
        })?;
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
        Format::Table => {
            let lang = crate::lang::current();
            let out = args.out.display().to_string();
            let votes = crate::words::grouped_votes(&proof.sheet.votes, lang);
            let digest = hex::encode(proof.approval.digest.0);
            let wrote = lang.message_with(
                "prove-wrote",
                &[
                    ("out", &out),
                    ("station", &proof.station),
                    ("votes", &votes),
                    ("region", &proof.approval.region),
                    ("seq", &proof.approval.seq),
                    ("digest", &digest),
                ],
            );
            wrote + "\n"
        }
    })?;
    Ok(Outcome::Success)
}

/// The proof from the saved views (no lock, no replay: docs/PERFORMANCE.md, "`prove`"), or
/// the replay's own refusal; `None` whenever they cannot give exactly the replay's answer
/// (a view missing, stale or damaged, no checkpoint kept, an unknown station code).
fn from_saved_views(
    args: &ProveArgs,
    level: ProofLevel<'_>,
) -> Option<Result<ProofFile, proof::ProveFailure>> {
    let store = &args.store.store;
    let latest = crate::transparency::latest(store).ok()??;
    rekap_ledger::proof_view::prove_from_views(store, &args.contest, &args.station, level, &latest)
}

/// The proof from a replay of the store's log.
fn prove_by_replay(args: &ProveArgs, level: ProofLevel<'_>) -> anyhow::Result<ProofFile> {
    let ledger = store::open(&args.store.store)?;
    let latest = crate::transparency::latest(&args.store.store)?;
    let tree = ledger.log().tree()?;
    let proof = proof::prove(
        ledger.state(),
        ledger.projection(),
        &args.contest,
        &args.station,
        level,
        |seq| Ok(ledger.log().read(seq)?),
        |seq| match &latest {
            Some(latest) => proof::log_proof(&tree, latest, seq),
            None => Ok(None),
        },
    )?;
    Ok(proof)
}

/// The proof from an export; `None` (after saying why) when the export does not verify.
fn prove_from_export(
    path: &Path,
    args: &ProveArgs,
    level: ProofLevel<'_>,
) -> anyhow::Result<Option<ProofFile>> {
    let bytes = fs::read(path).with_context(|| {
        crate::lang::say_with("command-cannot-read", &[("path", &path.display())])
    })?;
    let report = verify_export(bytes.as_slice(), VerifyOptions::default())
        .with_context(|| format!("reading {}", path.display()))?;
    if let Some(failure) = report.failures.first() {
        let lang = crate::lang::current();
        let place = match failure.seq {
            Some(seq) => lang.message_with("prove-place-record", &[("seq", &seq)]),
            None => lang.message("prove-place-file"),
        };
        let path = path.display().to_string();
        let text = lang.message_with(
            "prove-export-does-not-verify",
            &[
                ("path", &path),
                ("place", &place),
                ("reason", &failure.reason),
            ],
        );
        print(&(text + "\n"))?;
        return Ok(None);
    }
    let records = records_in_export(&bytes);
    let (state, projection) = replay_records(&records)?;
    let tree = rekap_tlog::Tree::from_entries(records.iter().map(|record| &record.hash));
    let checkpoint = match &args.checkpoint {
        Some(path) => Some(export_checkpoint(path, &tree)?),
        None => None,
    };
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
        |seq| match &checkpoint {
            Some(checkpoint) => proof::log_proof(&tree, checkpoint, seq),
            None => bail_not_in_checkpoint(seq),
        },
    )?;
    Ok(Some(proof))
}

/// Without --checkpoint an export proves no inclusion: say how to give one.
fn bail_not_in_checkpoint(seq: u64) -> Result<Option<String>, proof::ProveFailure> {
    Err(proof::ProveFailure::Checkpoints(crate::lang::say_with(
        "command-prove-record-must-be-shown-included",
        &[("seq", &seq)],
    )))
}

/// A checkpoint file given with --log, whose root must be the export's tree at its size.
fn export_checkpoint(
    path: &Path,
    tree: &rekap_tlog::Tree,
) -> anyhow::Result<rekap_ledger::checkpoints::SignedCheckpoint> {
    let note = crate::input::read_text(path)?;
    let signed = rekap_ledger::checkpoints::SignedCheckpoint::parse(note).with_context(|| {
        crate::lang::say_with(
            "command-not-a-signed-checkpoint",
            &[("path", &path.display())],
        )
    })?;
    let size = signed.checkpoint.size;
    if size > tree.size() || tree.root(size)? != signed.checkpoint.root {
        bail!(crate::lang::say_with(
            "command-prove-export-s-records-do-not",
            &[("path", &path.display()), ("size", &size)]
        ));
    }
    Ok(signed)
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
            None => bail!(crate::lang::say("command-prove-digest-must-be-hex-digits")),
        },
        None => None,
    };
    let log_key = args
        .log_key
        .as_deref()
        .map(crate::commands::tlog::vkey_argument)
        .transpose()?;
    let verified = parse_proof(&text)
        .and_then(|proof| {
            proof::verify_proof(&proof, published.as_ref(), log_key.as_ref())
                .map(|verified| (proof, verified))
        })
        // JSON and CSV carry the failure in English; the table words it in the run's language.
        .map_err(|failure| {
            (
                failure.to_string(),
                crate::error_words::proof_failure(&failure, crate::lang::current()),
            )
        });
    let verified = match verified {
        Ok((proof, verified)) => {
            let note = TlogProof::parse(proof.approval.log_proof.as_bytes())
                .map(|tlog| tlog.checkpoint)
                .unwrap_or_default();
            args.quorum
                .check(&note)?
                .map(|cosigned| (proof, verified, cosigned))
                .map_err(|why| (why.clone(), why))
        }
        Err(failure) => Err(failure),
    };
    match verified {
        Ok((proof, verified, cosigned)) => {
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
                "checkpoint_size": verified.checkpoint.size,
                "checkpoint_signed": verified.checkpoint_signed,
                "cosigned_by": cosigned,
            });
            print(&match args.format.chosen() {
                Format::Json => value.to_string() + "\n",
                Format::Csv => crate::output::csv_of_object(&value),
                Format::Table => {
                    human(&proof, &verified, published.is_some())
                        + &crate::commands::witness::cosigned_line(cosigned.as_deref())
                }
            })?;
            Ok(Outcome::Success)
        }
        Err((failure, worded)) => {
            let value = serde_json::json!({"ok": false, "failure": failure});
            print(&match args.format.chosen() {
                Format::Json => value.to_string() + "\n",
                Format::Csv => crate::output::csv_of_object(&value),
                Format::Table => {
                    let lang = crate::lang::current();
                    lang.message_with("prove-failed", &[("failure", &worded)]) + "\n"
                }
            })?;
            Ok(Outcome::Rejected)
        }
    }
}

/// What a verified proof shows, and what is left to check against the log.
fn human(proof: &ProofFile, verified: &VerifiedProof, published: bool) -> String {
    let lang = crate::lang::current();
    let end = &verified.end;
    let n = |value: u64| lang.number(value);
    let source = lang.message(if published {
        "prove-digest-equal"
    } else {
        "prove-digest-compare"
    });
    let sheet = &verified.sheet;
    let mut lines = vec![lang.message_with(
        "prove-ok",
        &[
            ("station", &proof.station),
            ("votes", &crate::words::grouped_votes(&sheet.votes, lang)),
            ("valid", &n(u64::from(sheet.valid))),
            // An absent invalid count shows as "-", never as 0.
            (
                "invalid",
                &sheet
                    .invalid
                    .map_or("-".to_owned(), |invalid| n(u64::from(invalid))),
            ),
            ("region", &end.region),
            ("contest", &proof.contest),
        ],
    )];
    let totals = &end.totals;
    lines.push(lang.message_with(
        "prove-totals",
        &[
            ("region", &end.region),
            ("votes", &crate::words::grouped_votes(&totals.votes, lang)),
            ("valid", &n(totals.valid)),
            ("invalid", &n(totals.invalid)),
            ("reported", &n(u64::from(totals.stations_reported))),
            ("voided", &n(u64::from(totals.stations_voided))),
            ("expected", &n(u64::from(totals.stations_expected))),
        ],
    ));
    let digest = hex::encode(end.digest);
    lines.push(lang.message_with("prove-digest", &[("digest", &digest), ("source", &source)]));
    lines.push(lang.message_with(
        "prove-signed-by",
        &[
            ("author", &hex::encode(verified.author)),
            ("definition", &hex::encode(verified.definition_hash)),
            ("witnesses", &keys(&verified.witnesses, lang)),
            ("refusals", &keys(&verified.refusals, lang)),
        ],
    ));
    let signed = lang.message(if verified.checkpoint_signed {
        "prove-log-key-signed"
    } else {
        "prove-log-key-unchecked"
    });
    lines.push(lang.message_with(
        "prove-included",
        &[
            ("seq", &verified.seq),
            ("hash", &hex::encode(verified.record_hash)),
            ("origin", &verified.checkpoint.origin),
            ("size", &verified.checkpoint.size),
            ("signed", &signed),
        ],
    ));
    lines.push(lang.message_with(
        "prove-not-shown",
        &[
            ("author", &hex::encode(verified.author)),
            ("region", &end.region),
        ],
    ));
    lines.join("\n") + "\n"
}

fn keys(keys: &[[u8; 32]], lang: crate::lang::Lang) -> String {
    if keys.is_empty() {
        return lang.message("prove-no-keys");
    }
    let hex: Vec<String> = keys.iter().map(hex::encode).collect();
    hex.join(", ")
}
