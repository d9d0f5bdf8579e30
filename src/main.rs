//! `rekap`: the command-line front end. It parses arguments, calls the library crates and
//! prints; it holds no logic of its own. Exit codes are documented in `exit.rs`,
//! `rekap --help` and docs/OPERATOR.md.

mod cli;
mod commands;
mod exit;
mod output;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    let result = match cli.command {
        cli::Command::Demo(args) => commands::demo::run(args),
        cli::Command::Export(args) => commands::export::run(args),
        cli::Command::Verify(args) => commands::verify::run(args),
    };
    exit::finish(result)
}
