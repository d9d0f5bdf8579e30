//! `demo`: the Kaltim 2024 governor's race (or the national preset) built end to end in a
//! fresh store: registrar, operator, officials and witnesses; every sheet imported in bulk;
//! every plenary from the districts to the province, witness-signed; one objection that
//! leads to a correction and a re-approval; the whole log verified and replayed; the final
//! tables. Deterministic: time is a simulated clock from voting day, keys come from the
//! seed, so the same seed gives the same head hash.

pub(crate) mod cast;
mod clock;
pub(crate) mod inputs;
mod walk;

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, ValueEnum};
use rekap_log::export::{write_export, EXPORT_MAGIC};
use rekap_log::DefaultStorage;
use rekap_presets::{Preset, PresetOptions};

use crate::exit::Outcome;
use crate::lang::Lang;
use crate::output::print;
use crate::progress::Stage;

/// Marker file: this store was made by `rekap demo` and may be replaced by it.
const DEMO_MARKER: &str = "MADE_BY_REKAP_DEMO";

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PresetName {
    /// The real 2024 East Kalimantan governor's race (6,264 stations).
    #[value(name = "kaltim-2024")]
    Kaltim2024,
    /// The whole country from the region file (818,339 stations, one contest).
    National,
}

#[derive(Args)]
pub struct DemoArgs {
    /// Store directory to create. A store an earlier demo made there is replaced; anything
    /// else there is left alone and the demo refuses to run.
    #[arg(short, long, value_name = "DIR", default_value = "rekap-demo-store")]
    pub store: PathBuf,
    /// The election to generate: Kaltim 2024, or the national one.
    #[arg(long, value_enum, default_value_t = PresetName::Kaltim2024)]
    pub preset: PresetName,
    /// Scale the preset to this many polling stations.
    #[arg(long, value_name = "N")]
    pub stations: Option<u32>,
    /// Seed of the generated sheets and keys.
    #[arg(long, value_name = "N", default_value_t = 2024)]
    pub seed: u64,
    /// Also write the files the operator used (definition, regions, sheets.csv, keys) here.
    #[arg(long, value_name = "DIR")]
    pub inputs: Option<PathBuf>,
    /// Language of what this command prints: id or en (default: from LC_ALL, LC_MESSAGES
    /// or LANG).
    #[arg(long, value_enum)]
    pub lang: Option<Lang>,
}

pub fn run(args: DemoArgs) -> anyhow::Result<Outcome> {
    let lang = crate::lang::resolve(args.lang);
    let export_path = export_path_for(&args.store);
    // Every argument is checked, and the inputs written, before an earlier demo is removed:
    // a refused demo leaves everything as it was.
    check_earlier_demo(&args.store, &export_path)?;
    if let Some(dir) = &args.inputs {
        inputs::check(dir)?;
    }
    let stage = Stage::start(crate::lang::current().message("progress-generating"));
    let options = PresetOptions {
        seed: args.seed,
        stations: args.stations,
    };
    let cast = cast::Cast::new(args.seed);
    let preset = build_preset(args.preset, &options, &cast)?;
    if let Some(dir) = &args.inputs {
        inputs::write(dir, &preset, &cast)?;
    }
    remove_earlier_demo(&args.store, &export_path)?;
    let storage = DefaultStorage::create(&args.store)?;
    fs::write(args.store.join(DEMO_MARKER), "made by rekap demo\n")?;
    let story = walk::run(storage, &preset, &cast, &stage, lang)?;
    sign_checkpoint(&args.store, &preset, &cast)?;
    let mut out = story.text;
    let file = fs::File::create(&export_path).with_context(|| {
        crate::lang::say_with("command-cannot-create", &[("path", &export_path.display())])
    })?;
    // Only the log is needed to export: no replay.
    let log = rekap_log::Log::open(DefaultStorage::open_read_only(&args.store)?)?;
    let summary = write_export(&log, &file)?;
    if let Some(dir) = &args.inputs {
        inputs::write_counters(dir, &preset, &cast, &log)?;
    }
    file.sync_all()?;
    stage.finish();
    let station = story
        .corrected_station
        .unwrap_or_else(|| "<station>".to_owned());
    out += &next_steps(
        &args,
        &export_path,
        summary.bytes,
        &preset.contest_id,
        &station,
        lang,
    );
    print(&out)?;
    Ok(Outcome::Success)
}

/// The demo store gets its log key (the one its genesis names) and a signed checkpoint of
/// its whole log, as a store made by `rekap init` and appended to by the CLI has (proofs and
/// `publish` need one).
fn sign_checkpoint(store: &Path, preset: &Preset, cast: &cast::Cast) -> anyhow::Result<()> {
    crate::keys::write_key(&store.join(crate::transparency::LOG_KEY_FILE), &cast.log)?;
    let genesis = rekap_model::Genesis::new(
        preset.election()?.definition().clone(),
        cast.log.verifying_key().to_bytes(),
    );
    let keys = rekap_model::LogKeys::of_genesis(&genesis)?;
    let log = rekap_log::Log::open(DefaultStorage::open_read_only(store)?)?;
    let mut signer = rekap_ledger::checkpoints::CheckpointSigner::for_keys(store, &keys)?;
    signer.sign(&log.tree()?, &keys)?;
    Ok(())
}

pub(crate) fn build_preset(
    name: PresetName,
    options: &PresetOptions,
    cast: &cast::Cast,
) -> anyhow::Result<Preset> {
    // The officials depend on the regions, so the preset is made once to learn them, then
    // its definition gets the officers.
    let bare = match name {
        PresetName::Kaltim2024 => {
            rekap_presets::kaltim_2024(options, &cast.registrar_public(), &[])?
        }
        PresetName::National => rekap_presets::national(options, &cast.registrar_public(), &[])?,
    };
    let election = bare.election()?;
    let officers = cast.officers(&election, &bare.contest_id);
    let mut preset = bare;
    let mut definition: serde_json::Value = serde_json::from_str(&preset.definition_json)?;
    definition["officers"] = serde_json::to_value(&officers)?;
    preset.definition_json = serde_json::to_string_pretty(&definition)?;
    Ok(preset)
}

fn next_steps(
    args: &DemoArgs,
    export: &Path,
    bytes: u64,
    contest: &str,
    station: &str,
    lang: Lang,
) -> String {
    let store = args.store.display();
    format!(
        "\n{}\n",
        crate::lang::say_with(
            "command-demo-bytes-rekap-status-store-rekap",
            &[
                ("message", &lang.message("demo-exported-the-whole-log-to")),
                ("path", &export.display()),
                ("number", &lang.number(bytes)),
                ("message2", &lang.message("demo-where-to-look-next")),
                ("store", &store),
                ("store2", &store),
                ("lang", &lang.code()),
                ("store3", &store),
                ("station", &station),
                ("store4", &store),
                ("contest", &contest),
                ("station2", &station),
                ("path2", &export.display())
            ]
        )
    )
}

fn export_path_for(store: &Path) -> PathBuf {
    let mut name = store.file_name().unwrap_or_default().to_os_string();
    name.push(".rekap");
    store.with_file_name(name)
}

/// Refuses a store or export that an earlier demo did not make; changes nothing.
fn check_earlier_demo(store: &Path, export: &Path) -> anyhow::Result<()> {
    if store.exists() && (!DefaultStorage::is_store(store) || !store.join(DEMO_MARKER).exists()) {
        let reason = crate::lang::say_with(
            "command-demo-exists-was-not-made-by",
            &[("path", &store.display())],
        );
        return Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, reason).into());
    }
    if export.exists() {
        let head = fs::read(export).unwrap_or_default();
        if !head.starts_with(EXPORT_MAGIC) {
            let reason = crate::lang::say_with(
                "command-demo-exists-not-rekap-export-move",
                &[("path", &export.display())],
            );
            return Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, reason).into());
        }
    }
    Ok(())
}

/// Removes the store and export an earlier demo made (checked by `check_earlier_demo`).
fn remove_earlier_demo(store: &Path, export: &Path) -> anyhow::Result<()> {
    check_earlier_demo(store, export)?;
    if store.exists() {
        fs::remove_dir_all(store).with_context(|| {
            crate::lang::say_with(
                "command-demo-cannot-remove-earlier-demo",
                &[("path", &store.display())],
            )
        })?;
    }
    if export.exists() {
        fs::remove_file(export)?;
    }
    Ok(())
}
