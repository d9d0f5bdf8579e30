//! `rekap`: the command-line front end. It parses arguments, calls the library crates and
//! prints; it holds no logic of its own. Exit codes are documented in `exit.rs`,
//! `rekap --help` and docs/OPERATOR.md.

mod cli;
mod client;
mod commands;
#[cfg(test)]
mod english_lines;
mod error_words;
mod exit;
mod help_words;
mod input;
mod keys;
mod lang;
mod listing;
mod new_store;
mod output;
mod progress;
mod sheet_args;
mod store;
mod table;
mod transparency;
mod usage_words;
mod words;
mod zone;

use clap::{CommandFactory, FromArgMatches};

/// The allocator of every command (docs/ARCHITECTURE.md, "The binary allocates with
/// mimalloc"): measured faster than the system's on the national replays and imports.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // The help is built in the language asked for before the arguments are parsed.
    let arguments: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let help_lang = help_words::language_of_arguments(&arguments);
    // Set before parsing, so that the value parsers word their reasons in it (`--lang` as
    // parsed is the same language).
    lang::set(Some(help_lang));
    let command = help_words::localized(cli::Cli::command(), help_lang);
    let parsed = command
        .clone()
        .try_get_matches_from(&arguments)
        .and_then(|matches| cli::Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(error) => {
            let usage = usage_words::plain_usage(command, &arguments);
            return usage_words::report(&error, help_lang, usage.as_deref());
        }
    };
    progress::set_quiet(cli.quiet);
    store::set_wait_seconds(cli.wait);
    exit::finish(run(cli.command))
}

fn run(command: cli::Command) -> anyhow::Result<exit::Outcome> {
    use cli::Command;
    use commands::*;
    match command {
        Command::Demo(args) => demo::run(args),
        Command::Keygen(args) => keygen::run(args),
        Command::Pubkey(args) => keygen::pubkey(args),
        Command::Init(args) => init::run(args),
        Command::Register(args) => submit::register(args),
        Command::Revoke(args) => submit::revoke(args),
        Command::Submit(args) => submit::submit(args),
        Command::Import(args) => import::run(args),
        Command::Definition(args) => commands::definition::run(args),
        Command::Correct(args) => submit::correct(args),
        Command::Void(args) => submit::void(args),
        Command::Revote(args) => submit::revote(args),
        Command::Object(args) => submit::object(args),
        Command::Resolve(args) => submit::resolve(args),
        Command::Sign(args) => approve::sign(args),
        Command::Approve(args) => approve::approve(args),
        Command::Totals(args) => totals::run(args),
        Command::Compare(args) => commands::compare::run(args),
        Command::Status(args) => status::run(args),
        Command::History(args) => history::run(args),
        Command::Sheet(args) => sheet::run(args),
        Command::List(args) => list::run(args),
        Command::Prove(args) => prove::prove(args),
        Command::VerifyProof(args) => prove::verify_proof(args),
        Command::LogKey(args) => tlog::log_key(args),
        Command::RotateLogKey(args) => commands::rotate_log_key::run(args),
        Command::Checkpoint(args) => tlog::checkpoint(args),
        Command::ProveRecord(args) => tlog::prove_record(args),
        Command::ProveConsistency(args) => tlog::prove_consistency(args),
        Command::VerifyConsistency(args) => tlog::verify_consistency(args),
        Command::Publish(args) => publish::run(args),
        Command::Export(args) => export::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Audit(args) => audit::run(args),
        Command::Repair(args) => repair::run(args),
        Command::Bench(args) => bench::run(args),
        Command::BenchServer(args) => commands::bench_server::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Send(args) => send::run(args),
        Command::Witness(args) => witness::witness(args),
        Command::Mirror(args) => mirror::run(args),
        Command::VerifyEvidence(args) => witness::verify_evidence(args),
        Command::Completions(args) => completions::completions(args),
        Command::Man(args) => completions::man(args),
    }
}
