//! `bench`'s transparency-log rows (issue 12, docs/PERFORMANCE.md): the tree over the
//! national log built from scratch beside plain SHA-256 over the same 32-byte entries, the
//! same for one entry per polling station (the log of a server taking one sheet a record),
//! inclusion and consistency proofs at that size, and `publish` of the national log.

use std::path::Path;
use std::time::{Duration, Instant};

use rekap_log::{DefaultStorage, Log};
use rekap_tlog::{leaf_hash, Tree};

use super::bench::{median, time};

/// Proofs timed per row: the row's time is for all of them.
const PROOFS: u64 = 1_000;

/// The rows, after `store` holds the national log (a log key and a checkpoint are added to
/// it for `publish`).
pub fn rows(
    dir: &Path,
    store: &Path,
    stations: usize,
    runs: usize,
) -> anyhow::Result<Vec<(&'static str, Duration)>> {
    let log = Log::open(DefaultStorage::open_read_only(store)?)?;
    let entries: Vec<[u8; 32]> = log
        .records_from(1)
        .map(|record| record.map(|record| record.hash))
        .collect::<Result<_, _>>()?;
    drop(log);
    let per_station: Vec<[u8; 32]> = (0..stations as u64)
        .map(|index| *blake3::hash(&index.to_le_bytes()).as_bytes())
        .collect();
    let mut rows = vec![
        (
            "transparency tree of the log, from scratch",
            median(runs, || build(&entries))?,
        ),
        (
            "baseline: SHA-256 of each of the log's entries",
            median(runs, || sha256_each(&entries))?,
        ),
        (
            "transparency tree, one entry per station, from scratch",
            median(runs, || build(&per_station))?,
        ),
        (
            "baseline: SHA-256 of each of those entries",
            median(runs, || sha256_each(&per_station))?,
        ),
    ];
    let tree = Tree::from_entries(&per_station);
    rows.push((
        "1,000 inclusion proofs, one entry per station",
        median(runs, || inclusion_proofs(&tree))?,
    ));
    rows.push((
        "1,000 consistency proofs, one entry per station",
        median(runs, || consistency_proofs(&tree))?,
    ));
    sign_checkpoint(store)?;
    let web = dir.join("web");
    rows.push((
        "publish the national log (tile tree from scratch)",
        time(|| {
            super::publish::publish(store, &web)?;
            Ok(())
        })?,
    ));
    Ok(rows)
}

fn build(entries: &[[u8; 32]]) -> anyhow::Result<()> {
    let tree = Tree::from_entries(entries);
    std::hint::black_box(tree.root(tree.size())?);
    Ok(())
}

fn sha256_each(entries: &[[u8; 32]]) -> anyhow::Result<()> {
    for entry in entries {
        std::hint::black_box(leaf_hash(entry));
    }
    Ok(())
}

/// Spread over the tree, deterministic.
fn spread(size: u64, step: u64) -> u64 {
    (step * 2_654_435_761) % size.max(1)
}

fn inclusion_proofs(tree: &Tree) -> anyhow::Result<()> {
    let size = tree.size();
    for step in 0..PROOFS {
        std::hint::black_box(tree.inclusion_proof(spread(size, step), size)?);
    }
    Ok(())
}

fn consistency_proofs(tree: &Tree) -> anyhow::Result<()> {
    let size = tree.size();
    for step in 0..PROOFS {
        let old = spread(size, step).max(1);
        std::hint::black_box(tree.consistency_proof(old, size)?);
    }
    Ok(())
}

/// The bench store is made without `rekap init` (its log key written beside its genesis):
/// give it a checkpoint.
fn sign_checkpoint(store: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    let ledger = crate::store::open_for_append(store)?;
    crate::transparency::sign_current(store, &ledger)?;
    eprintln!(
        "signed the bench store's checkpoint in {:.1?}",
        started.elapsed()
    );
    Ok(())
}
