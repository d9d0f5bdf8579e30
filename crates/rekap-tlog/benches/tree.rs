//! Tree benchmark at national size (818,339 entries, one per record of the national log):
//! building the tree from scratch beside plain SHA-256 over the same 32-byte entries (the
//! baseline), and an inclusion and a consistency proof at that size.
//! Run: `cargo bench -p rekap-tlog --bench tree`. Figures in docs/PERFORMANCE.md.

use std::sync::LazyLock;

use divan::counter::ItemsCount;
use divan::{black_box, Bencher};
use rekap_tlog::{verify_consistency, verify_inclusion, Tree};
use sha2::{Digest, Sha256};

const NATIONAL: u64 = 818_339;

fn main() {
    divan::main();
}

static ENTRIES: LazyLock<Vec<[u8; 32]>> = LazyLock::new(|| {
    (0..NATIONAL)
        .map(|i| {
            let mut entry = [0u8; 32];
            entry[..8].copy_from_slice(&i.to_le_bytes());
            entry[8..16].copy_from_slice(&i.wrapping_mul(0x9E37_79B9_7F4A_7C15).to_le_bytes());
            entry
        })
        .collect()
});

static TREE: LazyLock<Tree> = LazyLock::new(|| Tree::from_entries(ENTRIES.iter()));

/// The baseline: one SHA-256 per 32-byte entry, nothing else.
#[divan::bench(sample_count = 10)]
fn sha256_of_each_entry(bencher: Bencher) {
    let entries = &*ENTRIES;
    bencher.counter(ItemsCount::new(NATIONAL)).bench(|| {
        let mut last = [0u8; 32];
        for entry in entries {
            last = Sha256::digest(entry).into();
        }
        black_box(last)
    });
}

#[divan::bench(sample_count = 10)]
fn build_tree_from_scratch(bencher: Bencher) {
    let entries = &*ENTRIES;
    bencher
        .counter(ItemsCount::new(NATIONAL))
        .bench(|| black_box(Tree::from_entries(entries.iter())).size());
}

#[divan::bench(args = [0, 409_169, NATIONAL - 1])]
fn inclusion_proof(bencher: Bencher, index: u64) {
    let tree = &*TREE;
    bencher.bench(|| tree.inclusion_proof(black_box(index), NATIONAL));
}

#[divan::bench(args = [1, 524_289, 800_000])]
fn consistency_proof(bencher: Bencher, old: u64) {
    let tree = &*TREE;
    bencher.bench(|| tree.consistency_proof(black_box(old), NATIONAL));
}

#[divan::bench]
fn root_at_national_size(bencher: Bencher) {
    let tree = &*TREE;
    bencher.bench(|| tree.root(black_box(NATIONAL)));
}

#[divan::bench]
fn verify_both_proofs(bencher: Bencher) {
    let tree = &*TREE;
    let (index, old) = (409_169, 800_000);
    let inclusion = tree.inclusion_proof(index, NATIONAL).unwrap();
    let consistency = tree.consistency_proof(old, NATIONAL).unwrap();
    let (leaf, root, old_root) = (
        tree.leaf(index).unwrap(),
        tree.root(NATIONAL).unwrap(),
        tree.root(old).unwrap(),
    );
    bencher.bench(|| {
        verify_inclusion(index, NATIONAL, &leaf, &inclusion, &root).unwrap();
        verify_consistency(old, NATIONAL, &consistency, &old_root, &root).unwrap();
    });
}
