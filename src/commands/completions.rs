//! `completions SHELL` and `man`: shell completion scripts and man pages, generated from
//! the same clap definition as `--help`.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, CommandFactory};

use crate::exit::Outcome;
use crate::output::print;

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

#[derive(Args)]
pub struct ManArgs {
    /// Write rekap.1 and one page per command (rekap-totals.1, ...) into DIR instead of
    /// printing rekap.1.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// The command as `--help` shows it in the language of the run: its help text, value
/// names and possible values worded from the catalogue. clap_mangen's section headings
/// (NAME, SYNOPSIS, OPTIONS, ...) and clap_complete's script syntax are the generators'
/// own and stay English (docs/OPERATOR.md, "Language").
fn localized_command() -> clap::Command {
    crate::help_words::localized(crate::cli::Cli::command(), crate::lang::current())
}

pub fn completions(args: CompletionsArgs) -> anyhow::Result<Outcome> {
    let mut command = localized_command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "rekap", &mut script);
    print(&String::from_utf8_lossy(&script))?;
    Ok(Outcome::Success)
}

pub fn man(args: ManArgs) -> anyhow::Result<Outcome> {
    let command = localized_command();
    match &args.out {
        Some(directory) => {
            std::fs::create_dir_all(directory).with_context(|| {
                crate::lang::say_with("command-cannot-create", &[("path", &directory.display())])
            })?;
            clap_mangen::generate_to(command, directory).with_context(|| {
                crate::lang::say_with(
                    "command-completions-cannot-write-man-pages",
                    &[("path", &directory.display())],
                )
            })?;
            print(&format!(
                "{}\n",
                crate::lang::say_with(
                    "command-completions-wrote-man-pages",
                    &[("path", &directory.display())]
                )
            ))?;
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command).render(&mut page)?;
            print(&String::from_utf8_lossy(&page))?;
        }
    }
    Ok(Outcome::Success)
}
