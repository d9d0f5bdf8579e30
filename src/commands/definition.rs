//! `definition --from openelections FILE`: a definition written from another source's
//! results, for the user to review and give to `rekap init` (docs/FORMATS.md).

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};
use rekap_formats::openelections::{read_table, write_definition, DefinitionOptions};

use super::import_from::{read, report};
use crate::exit::Outcome;
use crate::output::print;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DefinitionSource {
    /// An OpenElections precinct CSV (county, precinct, office, district, party,
    /// candidate, votes, and vote-type columns).
    Openelections,
}

#[derive(Args)]
pub struct DefinitionArgs {
    /// The source's format.
    #[arg(long = "from", value_name = "FORMAT", value_enum)]
    pub from: DefinitionSource,
    /// The results file (`-` reads standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The definition to write (refused if it exists), with its regions CSV beside it as
    /// `<stem>-regions.csv`; without it the definition, regions inline, goes to stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The registrar's public key (hex, `ssh-ed25519` line, PEM, or a file holding one).
    #[arg(long, value_name = "KEY")]
    pub registrar: String,
    /// An operator's public key to register at genesis over the whole state, so that
    /// `import` can follow `init` at once.
    #[arg(long, value_name = "KEY")]
    pub operator: Option<String>,
    /// The state's region code (default: the state of an OpenElections file name such as
    /// `20201103__pa__general__precinct.csv`, upper-cased; else `STATE`).
    #[arg(long, value_name = "CODE")]
    pub state: Option<String>,
    /// The election's name (default: the file's name without `.csv`).
    #[arg(long, value_name = "TEXT")]
    pub name: Option<String>,
}

pub fn run(args: DefinitionArgs) -> anyhow::Result<Outcome> {
    let registrar = crate::keys::public_key_argument(&args.registrar).context("--registrar")?;
    let operator = match &args.operator {
        Some(text) => Some(crate::keys::public_key_argument(text).context("--operator")?),
        None => None,
    };
    let shown = args.file.display().to_string();
    let bytes = read(
        &args.file,
        rekap_import::ImportLimits::default().max_file_bytes,
    )?;
    let stem = file_stem(&args.file);
    let state = args
        .state
        .clone()
        .unwrap_or_else(|| state_of_file_name(&stem).unwrap_or_else(|| "STATE".to_owned()));
    if !rekap_model::regions::is_valid_region_code(&state) {
        anyhow::bail!(crate::lang::say_with(
            "command-definition-state-not-region-code-ascii",
            &[("state", &format!("{:?}", state))]
        ));
    }
    let regions_path = args.out.as_ref().map(|out| regions_path(out));
    let options = DefinitionOptions {
        state,
        name: args.name.clone().unwrap_or(stem),
        registrar: hex::encode(registrar),
        operator: operator.map(hex::encode),
        regions_csv: regions_path
            .as_ref()
            .and_then(|path| path.file_name())
            .map(|name| name.to_string_lossy().into_owned()),
    };
    let written = match read_table(&shown, &bytes)
        .and_then(|table| write_definition(&shown, &table, &options))
    {
        Ok(written) => written,
        Err(problems) => {
            let rejected = rekap_formats::FormatError::rejected(problems);
            if let rekap_formats::FormatError::Rejected {
                problems,
                unlisted,
                by_kind,
            } = rejected
            {
                eprint!(
                    "{}",
                    report(&problems, unlisted, &by_kind, None)?.replace(
                        &crate::lang::say("command-definition-nothing-imported"),
                        &crate::lang::say("command-definition-no-definition-written"),
                    )
                );
            }
            return Ok(Outcome::Rejected);
        }
    };
    check(&written, &options).context(crate::lang::say(
        "command-definition-definition-written-from-file-refused",
    ))?;
    let (Some(out), Some(regions)) = (&args.out, &regions_path) else {
        let newline = if written.json.ends_with('\n') {
            ""
        } else {
            "\n"
        };
        print(&format!("{}{newline}", written.json))?;
        return Ok(Outcome::Success);
    };
    for path in [out, regions] {
        if path.exists() {
            // A file in the way is an IO refusal (exit 3), as `export --out` gives.
            return Err(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                crate::lang::say_with(
                    "command-definition-exists-refusing-overwrite",
                    &[("path", &path.display())],
                ),
            )
            .into());
        }
    }
    std::fs::write(regions, &written.regions_csv).with_context(|| {
        crate::lang::say_with("command-cannot-write", &[("path", &regions.display())])
    })?;
    std::fs::write(out, &written.json).with_context(|| {
        crate::lang::say_with("command-cannot-write", &[("path", &out.display())])
    })?;
    print(&format!(
        "{}\n",
        crate::lang::say_with(
            "command-definition-wrote-contests-counties-precincts-review",
            &[
                ("path", &out.display()),
                ("contests", &crate::lang::count(written.contests)),
                ("path2", &regions.display()),
                ("counties", &crate::lang::count(written.counties)),
                ("precincts", &crate::lang::count(written.precincts)),
                ("path3", &out.display())
            ]
        )
    ))?;
    Ok(Outcome::Success)
}

/// What `init` will do with it: parse and build, so a definition it would refuse is never
/// written.
fn check(
    written: &rekap_formats::openelections::WrittenDefinition,
    options: &DefinitionOptions,
) -> anyhow::Result<()> {
    let file = rekap_model::DefinitionFile::from_json(&written.json)?;
    let regions = options
        .regions_csv
        .as_ref()
        .map(|_| written.regions_csv.as_bytes());
    file.build(regions)?;
    Ok(())
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .filter(|stem| !stem.is_empty() && stem != "-")
        .unwrap_or_else(|| "OpenElections results".to_owned())
}

/// `20201103__pa__general__precinct` -> `PA`.
fn state_of_file_name(stem: &str) -> Option<String> {
    let state = stem.split("__").nth(1)?;
    (state.len() == 2 && state.bytes().all(|b| b.is_ascii_alphabetic()))
        .then(|| state.to_ascii_uppercase())
}

/// `out/pa.json` -> `out/pa-regions.csv`.
fn regions_path(out: &Path) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_else(|| "definition".to_owned());
    out.with_file_name(format!("{stem}-regions.csv"))
}
