//! `approve` (an official records a plenary approval with the witnesses' signatures) and
//! `sign` (a witness signs the approval statement with their own key, offline from the
//! official).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use clap::Args;
use ed25519_dalek::Signer;
use rekap_ledger::thin::ThinLedger;
use rekap_ledger::Ledger;
use rekap_log::DefaultStorage;
use rekap_model::{
    ApprovalStatement, ContestIdx, Election, Event, RegionIdx, WitnessRefusal, WitnessSignature,
};
use serde::{Deserialize, Serialize};

use crate::client::{definition_hash_of, Client, RemoteArgs};
use crate::commands::submit::{append_local, append_one, Basis, Made};
use crate::exit::Outcome;
use crate::keys;
use crate::output::print;
use crate::store::{self, StoreArg};

const SIGNATURE_FORMAT: &str = "rekap-witness-signature/1";

/// A witness's signature file.
#[derive(Serialize, Deserialize)]
struct SignatureFile {
    format: String,
    witness: String,
    definition_hash: String,
    region: String,
    contest: String,
    digest: String,
    signature: String,
}

#[derive(Args)]
pub struct SignArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// The witness's key file.
    #[arg(long, short = 'k', value_name = "FILE")]
    pub key: PathBuf,
    /// The region whose plenary this is.
    #[arg(long)]
    pub region: String,
    /// Contest id.
    #[arg(long)]
    pub contest: String,
    /// The digest read out in the plenary; refused if the store computes another.
    #[arg(long, value_name = "HEX")]
    pub digest: Option<String>,
    /// Read the statement from the `rekap serve` at URL instead of --store (a witness
    /// signing remotely: `GET /v1/statement`).
    #[arg(long, value_name = "URL", env = "REKAP_SERVER")]
    pub server: Option<String>,
    /// Signature file to write.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct ApproveArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// The official's key file.
    #[arg(long, short = 'k', value_name = "FILE")]
    pub key: PathBuf,
    /// The region whose plenary this is.
    #[arg(long)]
    pub region: String,
    /// Contest id.
    #[arg(long)]
    pub contest: String,
    /// A witness's signature file from `rekap sign` (repeat for each witness).
    #[arg(long = "signature", value_name = "FILE")]
    pub signatures: Vec<PathBuf>,
    /// A witness who refused to sign: PUBLICKEYHEX=REASON (repeatable).
    #[arg(long = "refusal", value_name = "KEY=REASON")]
    pub refusals: Vec<String>,
    /// With --offline: the digest read out in the plenary (no store to compute it from).
    #[arg(long, value_name = "HEX", requires = "offline")]
    pub digest: Option<String>,
    #[command(flatten)]
    pub remote: RemoteArgs,
}

/// Where the statement comes from: the store, a server, or (offline) the election copy
/// and the digest read out in the plenary.
fn statement_of(
    store: &StoreArg,
    remote: &RemoteArgs,
    digest: Option<&str>,
    region: &str,
    contest: &str,
) -> anyhow::Result<ApprovalStatement> {
    if let Some(url) = &remote.server {
        return Client::new(url).statement(region, contest);
    }
    let Some(offline) = &remote.offline else {
        return statement(store, region, contest);
    };
    let (Some(election), Some(digest)) = (&remote.election, digest) else {
        bail!(crate::lang::say_with(
            "command-approve-offline-approve-needs-election-copy",
            &[("path", &offline.display())]
        ));
    };
    Ok(ApprovalStatement {
        definition_hash: definition_hash_of(election)?,
        region: region.to_owned(),
        contest: contest.to_owned(),
        digest: hex::decode(digest)
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .with_context(|| {
                crate::lang::say_with(
                    "command-approve-digest-not-bytes-hex",
                    &[("digest", &format!("{:?}", digest))],
                )
            })?,
    })
}

/// The statement of `region` and `contest` at the head of the store.
fn statement(
    args_store: &StoreArg,
    region: &str,
    contest: &str,
) -> anyhow::Result<ApprovalStatement> {
    statement_in(&store::open(&args_store.store)?, region, contest)
}

/// The statement of `region` and `contest` at the head of `ledger`.
fn statement_in(
    ledger: &Ledger<DefaultStorage>,
    region: &str,
    contest: &str,
) -> anyhow::Result<ApprovalStatement> {
    let state = ledger.state();
    let (contest_idx, region_idx) = known_place(state.election(), region, contest)?;
    let digest = ledger.projection().digest(state, contest_idx, region_idx);
    Ok(ApprovalStatement {
        definition_hash: state.definition_hash(),
        region: region.to_owned(),
        contest: contest.to_owned(),
        digest,
    })
}

/// The contest and region an approval names, or the error that names the unknown one: the
/// same whether the statement comes from a replay or from the saved views, as the
/// election is the genesis' either way.
fn known_place(
    election: &Election,
    region: &str,
    contest: &str,
) -> anyhow::Result<(ContestIdx, RegionIdx)> {
    let Some(contest_idx) = election.contest_by_id(contest) else {
        bail!(crate::lang::say_with(
            "command-unknown-contest",
            &[("contest", &contest)]
        ));
    };
    let Some(region_idx) = election.find_region(region) else {
        bail!(crate::lang::say_with(
            "command-unknown-region",
            &[("region", &region)]
        ));
    };
    Ok((contest_idx, region_idx))
}

pub fn sign(args: SignArgs) -> anyhow::Result<Outcome> {
    let key = keys::read_signing_key(&args.key)?;
    let statement = match &args.server {
        Some(url) => Client::new(url).statement(&args.region, &args.contest)?,
        None => statement(&args.store, &args.region, &args.contest)?,
    };
    if let Some(expected) = &args.digest {
        if *expected != hex::encode(statement.digest) {
            bail!(crate::lang::say_with(
                "command-approve-store-or-server-computes-digest",
                &[
                    ("encode", &hex::encode(statement.digest)),
                    ("region", &args.region),
                    ("expected", &expected)
                ]
            ));
        }
    }
    let file = SignatureFile {
        format: SIGNATURE_FORMAT.to_owned(),
        witness: keys::public_hex(&key),
        definition_hash: hex::encode(statement.definition_hash),
        region: statement.region.clone(),
        contest: statement.contest.clone(),
        digest: hex::encode(statement.digest),
        signature: hex::encode(key.sign(&statement.bytes()).to_bytes()),
    };
    let text = serde_json::to_string_pretty(&file)?;
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&args.out)
        .and_then(|mut out| std::io::Write::write_all(&mut out, text.as_bytes()))
        .with_context(|| {
            crate::lang::say_with("command-cannot-create", &[("path", &args.out.display())])
        })?;
    let out = args.out.display().to_string();
    print(&crate::lang::current().message_with(
        "approve-signed",
        &[
            ("region", &file.region),
            ("contest", &file.contest),
            ("digest", &file.digest),
            ("out", &out),
        ],
    ))?;
    Ok(Outcome::Success)
}

pub fn approve(args: ApproveArgs) -> anyhow::Result<Outcome> {
    if args.remote.server.is_none() && args.remote.offline.is_none() {
        // Locally, the statement comes from the state the approval is decided against: one
        // replay, not one for the digest and another for the append.
        // An approval changes no sheet: decided against the saved authority state and
        // views when they are current (the digest is the region's saved line's), else
        // after a replay.
        return append_local(&args.store, &args.key, true, |basis| {
            let statement = match basis {
                Basis::Replayed(ledger) => statement_in(ledger, &args.region, &args.contest)?,
                Basis::Saved(thin) => match saved_statement(thin, &args.region, &args.contest)? {
                    Some(statement) => statement,
                    None => return Ok(None),
                },
            };
            let (event, said) = approval_said(&args, &statement)?;
            Ok(Some(Made {
                events: vec![event],
                said: Some(said),
            }))
        });
    }
    let statement = statement_of(
        &args.store,
        &args.remote,
        args.digest.as_deref(),
        &args.region,
        &args.contest,
    )?;
    let event = approval(&args, &statement)?;
    append_one(&args.store, &args.remote, &args.key, event)
}

/// The statement of `region` and `contest` at the head of the saved views: an unknown
/// region or contest is refused here, without a replay; `None` when the saved views have
/// no line of it (then the replay says).
fn saved_statement(
    thin: &ThinLedger<DefaultStorage>,
    region: &str,
    contest: &str,
) -> anyhow::Result<Option<ApprovalStatement>> {
    let state = thin.state();
    let (contest_idx, region_idx) = known_place(state.election(), region, contest)?;
    let Some(digest) = thin.region_digest(contest_idx, region_idx) else {
        return Ok(None);
    };
    Ok(Some(ApprovalStatement {
        definition_hash: state.definition_hash(),
        region: region.to_owned(),
        contest: contest.to_owned(),
        digest,
    }))
}

/// The approval of `statement` with the witnesses' signatures and refusals, said on stdout.
fn approval(args: &ApproveArgs, statement: &ApprovalStatement) -> anyhow::Result<Event> {
    let (event, said) = approval_said(args, statement)?;
    print(&said)?;
    Ok(event)
}

/// The approval of `statement`, and what to say on stdout before it is decided.
fn approval_said(
    args: &ApproveArgs,
    statement: &ApprovalStatement,
) -> anyhow::Result<(Event, String)> {
    let signatures = args
        .signatures
        .iter()
        .map(|path| read_signature(path, statement))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let refusals = args
        .refusals
        .iter()
        .map(|text| parse_refusal(text))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let digest = hex::encode(statement.digest);
    let said = crate::lang::current().message_with(
        "approve-approving",
        &[
            ("region", &args.region),
            ("contest", &args.contest),
            ("digest", &digest),
        ],
    );
    let event = Event::PlenaryApproved {
        region: args.region.clone(),
        contest: args.contest.clone(),
        digest: statement.digest,
        signatures,
        refusals,
    };
    Ok((event, said))
}

fn read_signature(path: &Path, statement: &ApprovalStatement) -> anyhow::Result<WitnessSignature> {
    let text = crate::input::read_text(path)?;
    let file: SignatureFile = serde_json::from_str(&text).with_context(|| {
        crate::lang::say_with(
            "command-approve-not-signature-file",
            &[("path", &path.display())],
        )
    })?;
    if file.format != SIGNATURE_FORMAT {
        bail!(crate::lang::say_with(
            "command-approve-format-not",
            &[
                ("path", &path.display()),
                ("format", &format!("{:?}", file.format)),
                ("signature-format", &SIGNATURE_FORMAT)
            ]
        ));
    }
    if file.region != statement.region
        || file.contest != statement.contest
        || file.digest != hex::encode(statement.digest)
        || file.definition_hash != hex::encode(statement.definition_hash)
    {
        bail!(crate::lang::say_with(
            "command-approve-signs-digest-but-store-s",
            &[
                ("path", &path.display()),
                ("region", &file.region),
                ("contest", &file.contest),
                ("digest", &file.digest),
                ("region2", &statement.region),
                ("contest2", &statement.contest),
                ("encode", &hex::encode(statement.digest))
            ]
        ));
    }
    Ok(WitnessSignature {
        witness: decode_array(
            &file.witness,
            &crate::lang::say("command-approve-field-witness-key"),
            path,
        )?,
        signature: decode_array(
            &file.signature,
            &crate::lang::say("command-approve-field-signature"),
            path,
        )?,
    })
}

fn decode_array<const N: usize>(text: &str, field: &str, path: &Path) -> anyhow::Result<[u8; N]> {
    hex::decode(text)
        .ok()
        .and_then(|bytes| bytes.try_into().ok())
        .with_context(|| {
            crate::lang::say_with(
                "command-approve-not-bytes-hex",
                &[("path", &path.display()), ("field", &field), ("n", &N)],
            )
        })
}

fn parse_refusal(text: &str) -> anyhow::Result<WitnessRefusal> {
    let Some((key, reason)) = text.split_once('=') else {
        bail!(crate::lang::say_with(
            "command-approve-refusal-not-publickeyhex-reason",
            &[("text", &format!("{:?}", text))]
        ));
    };
    let witness = hex::decode(key)
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
        .with_context(|| {
            crate::lang::say_with(
                "command-approve-refusal-not-byte-public-key",
                &[("key", &format!("{:?}", key))],
            )
        })?;
    Ok(WitnessRefusal {
        witness,
        reason: reason.to_owned(),
    })
}
