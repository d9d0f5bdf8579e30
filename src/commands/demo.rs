//! The demonstration: a fresh store, a few signed batches on a simulated clock, a full
//! verification and an export an auditor can check offline. Deterministic: the same
//! binary always prints the same head hash.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use ed25519_dalek::SigningKey;
use rekap_log::export::{write_export, EXPORT_MAGIC};
use rekap_log::{Log, SignedSubmission, SledStorage, VerifyOptions};

use crate::cli::DemoArgs;
use crate::exit::Outcome;
use crate::output::print;

/// Marker file: this store was made by `rekap demo` and may be replaced by it.
const DEMO_MARKER: &str = "MADE_BY_REKAP_DEMO";
/// 2024-11-27 00:00 WITA (UTC+8), voting day in East Kalimantan, in ms since the epoch.
const VOTING_DAY_MS: u64 = 1_732_636_800_000;
const BATCH_SIZES: [usize; 3] = [1, 100, 10_000];

pub fn run(args: DemoArgs) -> anyhow::Result<Outcome> {
    let export_path = export_path_for(&args.store);
    replace_earlier_demo(&args.store, &export_path)?;
    let mut log = Log::open(SledStorage::create(&args.store)?)?;
    fs::write(args.store.join(DEMO_MARKER), "made by rekap demo\n")?;
    let mut out = format!(
        "rekap demo: a signed, hash-chained log in {}\n",
        args.store.display()
    );
    let authors: Vec<SigningKey> = (1..=3u8)
        .map(|n| SigningKey::from_bytes(&[n; 32]))
        .collect();
    let mut clock_ms = VOTING_DAY_MS;
    for (batch_index, size) in BATCH_SIZES.into_iter().enumerate() {
        let author = &authors[batch_index % authors.len()];
        let first_counter = log.next_counter(&author.verifying_key().to_bytes())?;
        let submissions = (0..size as u64)
            .map(|index| {
                SignedSubmission::sign(author, first_counter + index, payload(batch_index, index))
            })
            .collect();
        let records = log.append(submissions, clock_ms)?;
        out += &format!(
            "  appended a batch of {size:>6} signed records (seq {}..={}), durable\n",
            records.first().map_or(0, |record| record.seq),
            records.last().map_or(0, |record| record.seq),
        );
        clock_ms += 60 * 60 * 1000;
    }
    let report = log.verify(VerifyOptions::default())?;
    if !report.ok() {
        bail!(
            "the demo's own log does not verify: {:?}",
            report.first_failure()
        );
    }
    let file = fs::File::create(&export_path)
        .with_context(|| format!("cannot create {}", export_path.display()))?;
    let summary = write_export(&log, &file)?;
    file.sync_all()?;
    out += &format!(
        "verified {} records: chain, hashes, signatures, counters, time\n\
         head {}\nexported {} bytes to {}\n\nnext:\n  \
         rekap verify --log {}\n  rekap verify --store {} --json\n",
        report.records,
        hex::encode(report.head),
        summary.bytes,
        export_path.display(),
        export_path.display(),
        args.store.display(),
    );
    print(&out)?;
    Ok(Outcome::Success)
}

/// The payload of record `index` of batch `batch`: about 200 bytes of readable text.
fn payload(batch: usize, index: u64) -> Vec<u8> {
    format!(
        "demo batch {batch} record {index:06}: an opaque payload; the election model gives \
         payloads their meaning. Padding to about two hundred bytes, as a tally sheet is.."
    )
    .into_bytes()
}

fn export_path_for(store: &Path) -> PathBuf {
    let mut name = store.file_name().unwrap_or_default().to_os_string();
    name.push(".rekap");
    store.with_file_name(name)
}

/// Removes a store and export an earlier demo made; refuses to touch anything else.
fn replace_earlier_demo(store: &Path, export: &Path) -> anyhow::Result<()> {
    if store.exists() {
        if !SledStorage::is_store(store) || !store.join(DEMO_MARKER).exists() {
            let reason = format!(
                "{} exists and was not made by `rekap demo`; choose another --store",
                store.display()
            );
            return Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, reason).into());
        }
        fs::remove_dir_all(store)
            .with_context(|| format!("cannot remove the earlier demo {}", store.display()))?;
    }
    if export.exists() {
        let head = fs::read(export).unwrap_or_default();
        if !head.starts_with(EXPORT_MAGIC) {
            bail!(
                "{} exists and is not a rekap export; move it away",
                export.display()
            );
        }
        fs::remove_file(export)?;
    }
    Ok(())
}
