//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  verification failed, or input rejected
  2  usage error
  3  a file or store could not be read or written
  4  the store is locked by another process";

/// rekap: an append-only, hash-chained, signed ledger for election vote recapitulation.
#[derive(Parser)]
#[command(name = "rekap", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Build a demonstration log in a fresh store, verify it and export it.
    #[command(after_help = EXIT_CODES)]
    Demo(DemoArgs),
    /// Write the whole log of a store to one self-contained export file.
    #[command(after_help = EXIT_CODES)]
    Export(ExportArgs),
    /// Verify a store or an export: chain, hashes, signatures, sequence, time, counters.
    #[command(after_help = EXIT_CODES)]
    Verify(VerifyArgs),
}

#[derive(Args)]
pub struct DemoArgs {
    /// Store directory to create. A store an earlier demo made there is replaced; anything
    /// else there is left alone and the demo refuses to run.
    #[arg(long, default_value = "rekap-demo-store")]
    pub store: PathBuf,
}

#[derive(Args)]
pub struct ExportArgs {
    /// Store directory.
    #[arg(long, env = "REKAP_STORE", default_value = "rekap-store")]
    pub store: PathBuf,
    /// File to write; refused if it exists.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["log", "store"])))]
pub struct VerifyArgs {
    /// An export file to verify offline.
    #[arg(long)]
    pub log: Option<PathBuf>,
    /// A store directory to verify.
    #[arg(long)]
    pub store: Option<PathBuf>,
    /// Print one JSON object: {"ok", "events", "head", "failures": [{"seq", "reason"}]}.
    #[arg(long)]
    pub json: bool,
    /// Skip signature checks (chain and hashes only; faster).
    #[arg(long)]
    pub no_signatures: bool,
}
