//! `bench`'s row of the bulk import as a user runs it: `rekap import` as a child process on
//! the preset's sheets CSV (docs/OPERATOR.md's columns, every sheet whole, as `demo
//! --inputs` writes it) into a fresh store made by `rekap init` each run (untimed). Reading
//! and parsing the file, checking every row, deciding, signing, chaining, the durable
//! append, the projection, the saved views and the signed checkpoint are all in the figure;
//! the library row beside it starts from events already decoded and saves no view.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use rekap_presets::Preset;

use crate::commands::demo::cast::Cast;

/// The median of `runs` imports of the sheets CSV; the inputs and stores are removed after.
pub fn process_runs(
    dir: &Path,
    preset: &Preset,
    cast: &Cast,
    runs: usize,
) -> anyhow::Result<Duration> {
    let inputs = dir.join("import-inputs");
    super::demo::inputs::write(&inputs, preset, cast)?;
    let store = inputs.join("store");
    let mut times = Vec::new();
    for _ in 0..runs.max(1) {
        if store.exists() {
            fs::remove_dir_all(&store)?;
        }
        let election = inputs.join("election.json");
        let registrar = inputs.join("keys/registrar.key");
        rekap(&[
            "init".as_ref(),
            "--store".as_ref(),
            store.as_os_str(),
            "--election".as_ref(),
            election.as_os_str(),
            "--key".as_ref(),
            registrar.as_os_str(),
        ])?;
        let operator = inputs.join("keys/operator.key");
        let sheets = inputs.join("sheets.csv");
        let start = Instant::now();
        rekap(&[
            "import".as_ref(),
            "--store".as_ref(),
            store.as_os_str(),
            "--key".as_ref(),
            operator.as_os_str(),
            sheets.as_os_str(),
        ])?;
        times.push(start.elapsed());
    }
    fs::remove_dir_all(&inputs).with_context(|| format!("cannot remove {}", inputs.display()))?;
    times.sort();
    Ok(times[times.len() / 2])
}

/// Runs this binary with `args`; its output is discarded, a failure is an error.
fn rekap(args: &[&std::ffi::OsStr]) -> anyhow::Result<()> {
    super::bench_formats::rekap_output(args).map(drop)
}
