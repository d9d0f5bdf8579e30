//! `witness` (a C2SP tlog-witness for the logs given, crates/rekap-witness) and
//! `verify-evidence` (an evidence file checked offline). docs/OPERATOR.md "Witness".

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use rekap_witness::cosignature::check_quorum;
use rekap_witness::evidence::{Evidence, Verdict};
use rekap_witness::{CosignatureSigner, CosignatureVerifier, Witness};

use crate::commands::tlog::vkey_argument;
use crate::exit::Outcome;
use crate::output::print;

#[derive(Args)]
pub struct WitnessArgs {
    /// The witness's key file (`rekap keygen`; owner-only). Its cosignatures are Ed25519
    /// cosignature/v1 under --name.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// Address to listen on (port 0: any free port, printed on the first line).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8090")]
    pub listen: String,
    /// The verifier key (vkey text, or a file holding it) of a log to witness; its name is
    /// the log's origin. Repeat for each log.
    #[arg(long = "log", value_name = "VKEY", num_args = 1.., required_unless_present = "vkey")]
    pub logs: Vec<String>,
    /// The witness's name in its signature lines (a schema-less URL by convention).
    /// Default: `rekap-witness/<first 16 hex digits of its public key>`.
    #[arg(long)]
    pub name: Option<String>,
    /// Where the latest cosigned checkpoint of each log and the evidence files are kept.
    #[arg(
        long,
        value_name = "DIR",
        env = "REKAP_WITNESS_STATE",
        default_value = "witness-state"
    )]
    pub state: PathBuf,
    /// Print the witness's cosignature vkey (`<name>+<id>+<base64(0x04 || key)>`) and exit.
    #[arg(long)]
    pub vkey: bool,
}

#[derive(Args)]
pub struct VerifyEvidenceArgs {
    /// An evidence file (`rekap-evidence/1`, written by a witness or a mirror).
    pub file: PathBuf,
}

pub fn witness(args: WitnessArgs) -> anyhow::Result<Outcome> {
    let key = crate::keys::read_signing_key(&args.key)?;
    let name = args
        .name
        .unwrap_or_else(|| format!("rekap-witness/{}", &crate::keys::public_hex(&key)[..16]));
    let signer = CosignatureSigner::new(&name, key).with_context(|| {
        crate::lang::say_with(
            "command-witness-name-cannot-name-key",
            &[("name", &format!("{:?}", name))],
        )
    })?;
    let vkey = signer.verifier().to_vkey();
    if args.vkey {
        print(&format!("{vkey}\n"))?;
        return Ok(Outcome::Success);
    }
    let logs = args
        .logs
        .iter()
        .map(|text| vkey_argument(text))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let origins: Vec<String> = logs.iter().map(|log| log.name().to_owned()).collect();
    let witness = Witness::open(signer, logs, &args.state)?;
    rekap_witness::http::serve(witness, &args.listen, |address| {
        println!(
            "{}",
            crate::lang::say_with("command-listening-on", &[("address", &address)])
        );
        println!("vkey {vkey}");
        for origin in &origins {
            println!("log {origin}");
        }
        let _ = std::io::stdout().flush();
    })
    .with_context(|| {
        crate::lang::say_with(
            "command-witness-cannot-serve-on",
            &[("listen", &args.listen)],
        )
    })?;
    eprintln!("stopped");
    Ok(Outcome::Success)
}

/// Exit 0 when the evidence proves the log signed two checkpoints that cannot both be
/// true; 1 when it does not (or is not an evidence file).
pub fn verify_evidence(args: VerifyEvidenceArgs) -> anyhow::Result<Outcome> {
    let bytes = std::fs::read(&args.file).with_context(|| {
        crate::lang::say_with("command-cannot-read", &[("path", &args.file.display())])
    })?;
    let evidence = Evidence::parse(&bytes).with_context(|| {
        crate::lang::say_with(
            "command-witness-not-evidence-file",
            &[("path", &args.file.display())],
        )
    })?;
    match evidence.verify() {
        Verdict::Proven(reason) => {
            print(&format!(
                "{}\n",
                crate::lang::say_with(
                    "command-witness-proven-log-seen-by",
                    &[
                        ("reason", &reason),
                        ("log-key", &evidence.log_key),
                        ("observer", &evidence.observer)
                    ]
                )
            ))?;
            Ok(Outcome::Success)
        }
        Verdict::NotProven(reason) => {
            print(&format!(
                "{}\n",
                crate::lang::say_with("command-witness-not-proven", &[("reason", &reason)])
            ))?;
            Ok(Outcome::Rejected)
        }
    }
}

/// `--witness VKEY ... --quorum K`: the checkpoint must carry K valid cosignatures
/// (cosignature/v1) of the witnesses given (`verify-proof`, `verify --tiles`).
#[derive(Args, Default)]
pub struct QuorumArgs {
    /// A witness's cosignature vkey (text, or a file holding it; `rekap witness --vkey`)
    /// whose cosignature of the checkpoint counts toward --quorum. Repeat for each witness.
    #[arg(long = "witness", value_name = "VKEY")]
    pub witnesses: Vec<String>,
    /// Require valid cosignatures of at least this many of the --witness keys on the
    /// checkpoint (default with --witness: all of them).
    #[arg(long, value_name = "N", requires = "witnesses")]
    pub quorum: Option<usize>,
}

impl QuorumArgs {
    /// Checks `note` when witnesses were given: `Ok(None)` without them, `Ok(Some(names))`
    /// of the witnesses that cosigned, `Err` the reason the quorum is not met.
    pub fn check(&self, note: &str) -> anyhow::Result<Result<Option<Vec<String>>, String>> {
        if self.witnesses.is_empty() {
            return Ok(Ok(None));
        }
        let witnesses = self
            .witnesses
            .iter()
            .map(|text| {
                let vkey = if std::path::Path::new(text).is_file() {
                    crate::input::read_text(std::path::Path::new(text))?
                } else {
                    text.to_owned()
                };
                CosignatureVerifier::from_vkey(vkey.trim()).with_context(|| {
                    crate::lang::say_with(
                        "command-witness-witness-not-cosignature-vkey",
                        &[("text", &format!("{:?}", text))],
                    )
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let quorum = self.quorum.unwrap_or(witnesses.len());
        if quorum == 0 || quorum > witnesses.len() {
            anyhow::bail!(crate::lang::say_with(
                "command-serve-quorum-must-be-between-witnesses",
                &[
                    ("quorum", &quorum),
                    ("witnesses", &crate::lang::number(witnesses.len() as u64))
                ]
            ));
        }
        Ok(check_quorum(note, &witnesses, quorum)
            .map(Some)
            .map_err(|error| crate::error_words::quorum_error(&error, crate::lang::current())))
    }
}

/// The line saying who cosigned the checkpoint (empty when no witness was asked for).
pub fn cosigned_line(cosigned: Option<&[String]>) -> String {
    match cosigned {
        Some(names) => format!(
            "{}\n",
            crate::lang::say_with(
                "command-witness-checkpoint-cosigned-by-witnesses",
                &[
                    ("names", &crate::lang::number(names.len() as u64)),
                    ("join", &names.join(", "))
                ]
            )
        ),
        None => String::new(),
    }
}
