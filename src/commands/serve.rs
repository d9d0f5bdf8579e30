//! `serve`: the store over HTTP (crates/rekap-server; docs/API.md, docs/OPERATOR.md).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use rekap_log::DefaultStorage;
use rekap_server::cosigning::{Witness, WitnessPolicy};
use rekap_server::portal::CompareSource;
use rekap_server::{ServeConfig, WriterConfig};

use crate::exit::Outcome;
use crate::store::StoreArg;

#[derive(Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// Address to listen on (port 0: any free port, printed on the first line).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// Submissions waiting for the writer before new ones get 503.
    #[arg(long, value_name = "N", default_value_t = 8192)]
    pub queue: usize,
    /// Most submissions decided and appended as one group (one durable chunk).
    #[arg(long, value_name = "N", default_value_t = 4096)]
    pub max_batch: usize,
    /// Readers' snapshot published at most this often, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 200)]
    pub publish_interval_ms: u64,
    /// A checkpoint signed with the store's log key after a commit at most this often, in
    /// milliseconds (and at start and stop).
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub checkpoint_interval_ms: u64,
    /// Submissions per second one key may send (0: no limit); bursts of 4x.
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub key_rate: u32,
    /// Requests per second one client address may send (0: no limit); bursts of 2x.
    #[arg(long, value_name = "N", default_value_t = 2000)]
    pub address_rate: u32,
    /// Largest request body in bytes (larger: 413).
    #[arg(long, value_name = "BYTES", default_value_t = 33 << 20)]
    pub body_limit: usize,
    /// A witness to cosign each checkpoint before it is published: its URL (where it
    /// answers POST /add-checkpoint) and its cosignature vkey (`rekap witness --vkey`),
    /// as URL=VKEY. Repeat for each witness (docs/OPERATOR.md "Witness policy").
    #[arg(long = "witness", value_name = "URL=VKEY")]
    pub witnesses: Vec<String>,
    /// Publish a checkpoint (/tlog/, receipts, proofs) only once this many of the
    /// --witness witnesses cosigned it. Default: all of them.
    #[arg(long, value_name = "N", requires = "witnesses")]
    pub quorum: Option<usize>,
    /// Another source for the portal's compare page (`/c/CONTEST/compare`), as `rekap
    /// compare --with` reads it (a portal aggregate `.json`, a region-totals CSV, a per-TPS
    /// CSV in KawalPemilu's columns); NAME (letters, digits, - and _) names it on the page.
    /// Repeatable.
    #[arg(long = "compare", value_name = "NAME=FILE", value_parser = named_source)]
    pub compare: Vec<(String, PathBuf)>,
    /// The portal's candidates file (portal id to ballot number), for --compare sources that
    /// are portal aggregates.
    #[arg(long, value_name = "FILE")]
    pub compare_candidates: Option<PathBuf>,
}

/// `--witness` and `--quorum`, checked: refused (exit 1) if a vkey is bad or the quorum
/// cannot be met.
fn witness_policy(args: &ServeArgs) -> anyhow::Result<Option<WitnessPolicy>> {
    if args.witnesses.is_empty() {
        return Ok(None);
    }
    let witnesses = args
        .witnesses
        .iter()
        .map(|text| Witness::parse(text))
        .collect::<Result<Vec<_>, _>>()
        .map_err(anyhow::Error::msg)?;
    let quorum = args.quorum.unwrap_or(witnesses.len());
    if quorum == 0 || quorum > witnesses.len() {
        anyhow::bail!(crate::lang::say_with(
            "command-serve-quorum-must-be-between-witnesses",
            &[
                ("quorum", &quorum),
                ("witnesses", &crate::lang::number(witnesses.len() as u64))
            ]
        ));
    }
    Ok(Some(WitnessPolicy {
        witnesses,
        quorum,
        retry: Duration::from_millis(args.checkpoint_interval_ms.max(100)),
    }))
}

/// `NAME=FILE` of `--compare`.
fn named_source(text: &str) -> Result<(String, PathBuf), String> {
    let (name, file) = text.split_once('=').ok_or_else(|| {
        crate::lang::say_with(
            "command-serve-not-name-file",
            &[("text", &format!("{:?}", text))],
        )
    })?;
    if !rekap_server::portal::valid_source_name(name) {
        return Err(crate::lang::say_with(
            "command-serve-source-s-name-letters-digits",
            &[("name", &format!("{:?}", name))],
        ));
    }
    Ok((name.to_owned(), PathBuf::from(file)))
}

/// The --compare sources' bytes, read now so that a missing file stops the start (exit 3).
fn compare_sources(args: &ServeArgs) -> anyhow::Result<Vec<CompareSource>> {
    let candidates = match &args.compare_candidates {
        Some(path) => Some((
            path.display().to_string(),
            Arc::from(super::import_from::read(path, 64 << 20)?),
        )),
        None => None,
    };
    let mut sources: Vec<CompareSource> = Vec::new();
    for (name, path) in &args.compare {
        if sources.iter().any(|source| &source.name == name) {
            anyhow::bail!(crate::lang::say_with(
                "command-serve-compare-name-given-twice",
                &[("name", &name)]
            ));
        }
        sources.push(CompareSource {
            name: name.clone(),
            path: path.clone(),
            bytes: Arc::from(super::import_from::read(path, 512 << 20)?),
            candidates: candidates.clone(),
        });
    }
    Ok(sources)
}

pub fn run(args: ServeArgs) -> anyhow::Result<Outcome> {
    let compare = compare_sources(&args)?;
    // Opened (and locked) here so a locked or missing store is the usual exit 4 or 3.
    let storage = DefaultStorage::open(&args.store.store)?;
    if let Some(moved) = storage.quarantined() {
        eprintln!("note: {moved}");
    }
    let witnesses = witness_policy(&args)?;
    let defaults = ServeConfig::default();
    let config = ServeConfig {
        listen: args.listen,
        store: args.store.store.clone(),
        queue_capacity: args.queue,
        writer: WriterConfig {
            max_batch: args.max_batch.max(1),
            publish_interval: Duration::from_millis(args.publish_interval_ms),
            checkpoint_interval: Duration::from_millis(args.checkpoint_interval_ms),
        },
        http: rekap_server::HttpLimits {
            per_key: (args.key_rate, args.key_rate.saturating_mul(4)),
            per_address: (args.address_rate, args.address_rate.saturating_mul(2)),
            body_bytes: args.body_limit,
            ..defaults.http
        },
        witnesses,
        compare,
        ..defaults
    };
    rekap_server::serve(storage, config, |address| {
        println!(
            "{}",
            crate::lang::say_with("command-listening-on", &[("address", &address)])
        );
        let _ = std::io::stdout().flush();
    })?;
    eprintln!(
        "{}",
        crate::lang::say("command-serve-stopped-every-answered-submission-durable")
    );
    Ok(Outcome::Success)
}
