//! `send`: offline submissions (written with --offline) posted to a server.

use std::path::PathBuf;

use clap::Args;

use crate::exit::Outcome;

#[derive(Args)]
pub struct SendArgs {
    /// The `rekap serve` to post to.
    #[arg(long, value_name = "URL", env = "REKAP_SERVER")]
    pub server: String,
    /// Files written by --offline (one signed submission per line).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
}

pub fn run(args: SendArgs) -> anyhow::Result<Outcome> {
    crate::client::send_files(&args.server, &args.files)
}
