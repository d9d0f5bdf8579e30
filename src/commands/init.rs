use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use rekap_ledger::Ledger;
use rekap_model::{DefinitionFile, Genesis};

use crate::exit::Outcome;
use crate::keys;
use crate::new_store;
use crate::output::print;
use crate::store::{now_ms, StoreArg};
use crate::transparency;

#[derive(Args)]
pub struct InitArgs {
    #[command(flatten)]
    pub store: StoreArg,
    /// Election definition (JSON, format rekap-election/1).
    #[arg(long, value_name = "FILE")]
    pub election: PathBuf,
    /// The registrar's key file: the genesis is signed by the definition's registrar.
    #[arg(long, short = 'k', value_name = "FILE")]
    pub key: PathBuf,
    /// Regions CSV, when the definition names one (default: its `regions_csv`, relative to
    /// the definition file).
    #[arg(long, value_name = "FILE")]
    pub regions: Option<PathBuf>,
    /// The log key that signs the store's checkpoints (a rekap key file, mode 0600; not the
    /// registrar's): named in the genesis and copied into the store as `log.key`. Default: a
    /// new key made for this store.
    #[arg(long, value_name = "FILE")]
    pub log_key: Option<PathBuf>,
}

pub fn run(args: InitArgs) -> anyhow::Result<Outcome> {
    let text = crate::input::read_text(&args.election)?;
    let file = DefinitionFile::from_json(&text).with_context(|| {
        crate::lang::say_with(
            "command-init-not-valid-election-definition",
            &[("path", &args.election.display())],
        )
    })?;
    let regions = regions_path(&args, &file);
    let reader = match &regions {
        Some(path) => Some(File::open(path).with_context(|| {
            crate::lang::say_with("command-cannot-open", &[("path", &path.display())])
        })?),
        None => None,
    };
    let built = file.build(reader).map_err(|error| {
        let place = regions
            .as_deref()
            .and_then(|path| regions_place(path, &error));
        let error = anyhow::Error::new(error);
        match place {
            Some(place) => error.context(place),
            None => error,
        }
    });
    let election = built.with_context(|| {
        crate::lang::say_with(
            "command-init-not-valid-election-definition",
            &[("path", &args.election.display())],
        )
    })?;
    let registrar = keys::read_signing_key(&args.key)?;
    let log_key = match &args.log_key {
        Some(path) => keys::read_signing_key(path)?,
        None => keys::generate()?,
    };
    // Everything is checked before the store is made; the genesis is decided as it is
    // written, in a hidden directory that becomes the store only once complete.
    let head = new_store::create_atomically(&args.store.store, |storage| {
        // The log key exists (mode 0600) before the genesis that names it is written.
        let genesis = Genesis::new(
            election.definition().clone(),
            log_key.verifying_key().to_bytes(),
        );
        let directory = storage.directory().to_owned();
        keys::write_key(&directory.join(transparency::LOG_KEY_FILE), &log_key)?;
        let ledger = Ledger::create(storage, genesis, &registrar, now_ms())?;
        transparency::sign_current(&directory, &ledger)?;
        Ok(ledger)
    })?;
    let store = args.store.store.display().to_string();
    let definition = hex::encode(election.hash());
    let head = hex::encode(head.last_hash);
    print(&crate::lang::current().message_with(
        "init-created",
        &[
            ("store", &store),
            ("name", &election.definition().name),
            ("definition", &definition),
            ("head", &head),
        ],
    ))?;
    Ok(Outcome::Success)
}

/// Where in the regions CSV `path` a refusal of the definition is: the file, and for a
/// refusal of one region (which knows the code, not the line) the line that lists it.
fn regions_place(path: &Path, error: &rekap_model::DefinitionError) -> Option<String> {
    use rekap_model::DefinitionError as Refused;
    let (code, last) = match error {
        Refused::Csv { .. } => return Some(path.display().to_string()),
        Refused::DuplicateRegion { code } => (code, true),
        Refused::BadRegionCode { code }
        | Refused::RegionLevelOutOfRange { code, .. }
        | Refused::TopLevelWithParent { code }
        | Refused::MissingParent { code }
        | Refused::UnknownParent { code, .. }
        | Refused::ParentLevelMismatch { code, .. }
        | Refused::StationsAtWrongLevel { code, .. }
        | Refused::TooManyStationsInRegion { code, .. }
        | Refused::BadStationNumbers { code, .. }
        | Refused::StationsCountedAndListed { code } => (code, false),
        _ => return None,
    };
    let text = std::fs::read_to_string(path).ok()?;
    let lists = |line: &str| {
        let first = line.split(',').next().unwrap_or_default();
        first.trim().trim_matches('"') == code
    };
    let lines: Vec<&str> = text.lines().collect();
    let index = if last {
        lines.iter().rposition(|line| lists(line))
    } else {
        lines.iter().position(|line| lists(line))
    }?;
    Some(crate::lang::say_with(
        "command-init-regions-csv-line",
        &[("path", &path.display()), ("line", &(index + 1))],
    ))
}

fn regions_path(args: &InitArgs, file: &DefinitionFile) -> Option<PathBuf> {
    if let Some(path) = &args.regions {
        return Some(path.clone());
    }
    let named = file.regions_csv.as_ref()?;
    let base = args.election.parent().unwrap_or(Path::new("."));
    Some(base.join(named))
}
