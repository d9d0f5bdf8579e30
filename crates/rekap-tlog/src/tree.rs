//! The RFC 6962 Merkle tree, its nodes stored as the tiles of C2SP tlog-tiles.
//!
//! `levels[k]` holds, in order, the hash of every complete subtree of `256^k` leaves: level 0
//! is the leaf hashes, level 1 the root of every full level-0 tile, and so on. A tile of
//! tlog-tiles is then a plain slice, `levels[k][256 n .. 256 n + width]`, and any node of the
//! tree is rebuilt from at most 128 consecutive hashes of one level. Levels only grow, so every
//! past tree size is still there: a root, a proof or a tile at any size is answered from the
//! same store, without the entries.

use crate::hash::{empty_root, leaf_hash, node_hash, perfect_root, Hash};

/// Hashes in a full tile (C2SP tlog-tiles).
pub const TILE_WIDTH: u64 = 256;
/// log2 of [`TILE_WIDTH`]: the tree levels one tile spans.
pub const TILE_HEIGHT: u32 = 8;

/// A question the tree cannot answer: a size beyond what it holds, an index beyond a size.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    /// The tree holds fewer entries than the size asked for.
    #[error("tree size {size} asked for, but the tree holds {held} entries")]
    SizeBeyondTree {
        /// The size asked for.
        size: u64,
        /// The entries the tree holds.
        held: u64,
    },
    /// An inclusion proof for an entry the tree of that size does not contain.
    #[error("entry {index} is not in a tree of size {size}")]
    IndexBeyondSize {
        /// The entry asked for.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// A consistency proof from a larger tree to a smaller one.
    #[error("no consistency proof from size {old} to the smaller size {new}")]
    SizesReversed {
        /// The first size.
        old: u64,
        /// The second size.
        new: u64,
    },
    /// A tile that does not exist in a tree of that size.
    #[error("tile {level}/{index} does not exist in a tree of size {size}")]
    NoSuchTile {
        /// Tile level.
        level: u8,
        /// Tile index within its level.
        index: u64,
        /// Tree size.
        size: u64,
    },
}

/// The Merkle tree: append-only, answering for every past size.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    pub(crate) levels: Vec<Vec<Hash>>,
}

impl Tree {
    /// The empty tree.
    pub fn new() -> Tree {
        Tree::default()
    }

    /// The tree over `entries`, built from scratch (the rebuild of derived state).
    pub fn from_entries<'a>(entries: impl IntoIterator<Item = &'a [u8; 32]>) -> Tree {
        let mut tree = Tree::new();
        for entry in entries {
            tree.append_leaf_hash(leaf_hash(entry));
        }
        tree
    }

    /// Number of entries.
    pub fn size(&self) -> u64 {
        self.levels.first().map_or(0, |leaves| leaves.len() as u64)
    }

    /// Appends entries (for rekap: the 32-byte blake3 hash of each record, in log order).
    pub fn append(&mut self, entries: &[[u8; 32]]) {
        for entry in entries {
            self.append_leaf_hash(leaf_hash(entry));
        }
    }

    /// Appends one leaf already hashed as RFC 6962 says (`SHA-256(0x00 || entry)`), for entries
    /// that are not 32 bytes (the conformance vectors) and for rebuilding from level-0 tiles.
    pub fn append_leaf_hash(&mut self, leaf: Hash) {
        self.push(0, leaf);
    }

    /// Pushes a hash at a level and, when that completes a tile, its root one level up.
    fn push(&mut self, level: usize, hash: Hash) {
        let mut level = level;
        let mut hash = hash;
        loop {
            if self.levels.len() == level {
                self.levels.push(Vec::new());
            }
            let row = &mut self.levels[level];
            row.push(hash);
            if !(row.len() as u64).is_multiple_of(TILE_WIDTH) {
                return;
            }
            hash = perfect_root(&row[row.len() - TILE_WIDTH as usize..]);
            level += 1;
        }
    }

    /// Forgets every entry from `size` on (the log was cut back by a repair).
    pub fn truncate(&mut self, size: u64) {
        for (level, row) in self.levels.iter_mut().enumerate() {
            let keep = size >> (TILE_HEIGHT as usize * level);
            row.truncate(usize::try_from(keep).unwrap_or(usize::MAX));
        }
        while self.levels.last().is_some_and(Vec::is_empty) {
            self.levels.pop();
        }
    }

    fn check_size(&self, size: u64) -> Result<(), TreeError> {
        let held = self.size();
        if size > held {
            return Err(TreeError::SizeBeyondTree { size, held });
        }
        Ok(())
    }

    /// The root of the tree of the first `size` entries.
    pub fn root(&self, size: u64) -> Result<Hash, TreeError> {
        self.check_size(size)?;
        Ok(self.range_hash(0, size))
    }

    /// The leaf hash of entry `index`.
    pub fn leaf(&self, index: u64) -> Result<Hash, TreeError> {
        self.check_size(index.saturating_add(1))?;
        Ok(self.levels[0][index as usize])
    }

    /// The hash of the perfect subtree of height `height` whose leftmost leaf is
    /// `index << height`. The caller keeps it inside the tree.
    fn perfect_hash(&self, height: u32, index: u64) -> Hash {
        let level = (height / TILE_HEIGHT) as usize;
        let width = 1usize << (height % TILE_HEIGHT);
        let start = index as usize * width;
        perfect_root(&self.levels[level][start..start + width])
    }

    /// MTH(D[start:end]) for a range RFC 6962 builds a node over: split into the perfect
    /// subtrees of the binary decomposition of its length, largest first, folded from the right.
    fn range_hash(&self, start: u64, end: u64) -> Hash {
        if start == end {
            return empty_root();
        }
        let mut pieces: [(u32, u64); 64] = [(0, 0); 64];
        let mut count = 0;
        let mut position = start;
        while position < end {
            let remaining = end - position;
            let height = (63 - remaining.leading_zeros()).min(position.trailing_zeros());
            pieces[count] = (height, position >> height);
            count += 1;
            position += 1 << height;
        }
        let (height, index) = pieces[count - 1];
        let mut hash = self.perfect_hash(height, index);
        for &(height, index) in pieces[..count - 1].iter().rev() {
            hash = node_hash(&self.perfect_hash(height, index), &hash);
        }
        hash
    }

    /// The RFC 6962 (RFC 9162 section 2.1.3.1) inclusion proof of entry `index` in the tree of
    /// size `size`: from the leaf's sibling up to the root's child.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, TreeError> {
        self.check_size(size)?;
        if index >= size {
            return Err(TreeError::IndexBeyondSize { index, size });
        }
        let mut proof = Vec::new();
        let (mut start, mut end) = (0, size);
        while end - start > 1 {
            let split = start + largest_power_of_two_below(end - start);
            if index < split {
                proof.push(self.range_hash(split, end));
                end = split;
            } else {
                proof.push(self.range_hash(start, split));
                start = split;
            }
        }
        proof.reverse();
        Ok(proof)
    }

    /// The RFC 6962 (RFC 9162 section 2.1.4.1) consistency proof from the tree of size `old`
    /// to the tree of size `new`. Empty when `old` is 0 or equal to `new`.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>, TreeError> {
        self.check_size(new)?;
        if old > new {
            return Err(TreeError::SizesReversed { old, new });
        }
        let mut proof = Vec::new();
        if old == 0 || old == new {
            return Ok(proof);
        }
        let (mut start, mut end) = (0, new);
        let mut old_is_whole_subtree = true;
        while old != end {
            let split = start + largest_power_of_two_below(end - start);
            if old <= split {
                proof.push(self.range_hash(split, end));
                end = split;
            } else {
                proof.push(self.range_hash(start, split));
                start = split;
                old_is_whole_subtree = false;
            }
        }
        if !old_is_whole_subtree {
            proof.push(self.range_hash(start, end));
        }
        proof.reverse();
        Ok(proof)
    }

    /// The hashes of tile `index` at tile level `level` as a client of a log of size `size`
    /// sees it: full (256 hashes) or the partial right edge, never empty.
    pub fn tile(&self, level: u8, index: u64, size: u64) -> Result<&[Hash], TreeError> {
        self.check_size(size)?;
        let missing = TreeError::NoSuchTile { level, index, size };
        let shift = TILE_HEIGHT as u64 * u64::from(level);
        let count = if shift >= 64 { 0 } else { size >> shift };
        let start = index.checked_mul(TILE_WIDTH).ok_or(missing.clone())?;
        if start >= count {
            return Err(missing);
        }
        let width = (count - start).min(TILE_WIDTH);
        let row = &self.levels[usize::from(level)];
        Ok(&row[start as usize..(start + width) as usize])
    }

    /// Recomputes every full tile's root and compares it with the level above: a flipped byte
    /// in a stored level shows here. Returns the first tile that disagrees.
    pub fn check(&self) -> Result<(), (u8, u64)> {
        for level in 1..self.levels.len() {
            let below = &self.levels[level - 1];
            for (index, stored) in self.levels[level].iter().enumerate() {
                let start = index * TILE_WIDTH as usize;
                let tile = below.get(start..start + TILE_WIDTH as usize);
                if tile.map(perfect_root).as_ref() != Some(stored) {
                    return Err(((level - 1) as u8, index as u64));
                }
            }
        }
        Ok(())
    }
}

/// The largest power of two strictly below `n` (n >= 2): RFC 6962's split point `k`.
fn largest_power_of_two_below(n: u64) -> u64 {
    1 << (63 - (n - 1).leading_zeros())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::{verify_consistency, verify_inclusion};
    use proptest::prelude::*;

    /// MTH straight from RFC 6962's recursive definition, over leaf hashes.
    fn naive_root(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => empty_root(),
            1 => leaves[0],
            n => {
                let k = largest_power_of_two_below(n as u64) as usize;
                node_hash(&naive_root(&leaves[..k]), &naive_root(&leaves[k..]))
            }
        }
    }

    fn entries(count: u64) -> Vec<[u8; 32]> {
        (0..count)
            .map(|i| {
                let mut entry = [0u8; 32];
                entry[..8].copy_from_slice(&i.to_be_bytes());
                entry
            })
            .collect()
    }

    #[test]
    fn roots_at_every_size_across_tile_edges_match_the_recursive_definition() {
        let entries = entries(600);
        let tree = Tree::from_entries(&entries);
        let leaves: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
        for size in 0..=600u64 {
            assert_eq!(tree.root(size), Ok(naive_root(&leaves[..size as usize])));
        }
    }

    #[test]
    fn levels_are_the_tiles_of_tlog_tiles() {
        let tree = Tree::from_entries(&entries(70_000));
        // The spec's example: 273 full level-0 tiles and one of width 112, one full level-1
        // tile and one of width 17, one level-2 tile of width 1.
        assert_eq!(tree.levels[0].len(), 70_000);
        assert_eq!(tree.levels[1].len(), 273);
        assert_eq!(tree.levels[2].len(), 1);
        assert_eq!(tree.tile(0, 273, 70_000).map(<[Hash]>::len), Ok(112));
        assert_eq!(tree.tile(1, 0, 70_000).map(<[Hash]>::len), Ok(256));
        assert_eq!(tree.tile(1, 1, 70_000).map(<[Hash]>::len), Ok(17));
        assert_eq!(tree.tile(2, 0, 70_000).map(<[Hash]>::len), Ok(1));
        assert!(tree.tile(2, 1, 70_000).is_err());
        assert!(tree.tile(3, 0, 70_000).is_err());
        // A level-1 hash is the root of the 256 entries under it.
        assert_eq!(tree.levels[1][5], tree.range_hash(5 * 256, 6 * 256));
        assert_eq!(tree.check(), Ok(()));
    }

    #[test]
    fn a_flipped_hash_in_a_stored_level_is_found_by_check() {
        let mut tree = Tree::from_entries(&entries(1000));
        tree.levels[0][300][7] ^= 1;
        assert_eq!(tree.check(), Err((0, 1)));
    }

    #[test]
    fn truncate_gives_the_tree_of_the_shorter_log() {
        let all = entries(70_000);
        let mut tree = Tree::from_entries(&all);
        tree.truncate(65_535);
        assert_eq!(tree, Tree::from_entries(&all[..65_535]));
        tree.truncate(0);
        assert_eq!(tree, Tree::new());
    }

    #[test]
    fn questions_beyond_the_tree_are_errors() {
        let tree = Tree::from_entries(&entries(10));
        assert!(tree.root(11).is_err());
        assert!(tree.inclusion_proof(10, 10).is_err());
        assert!(tree.inclusion_proof(0, 11).is_err());
        assert!(tree.consistency_proof(5, 11).is_err());
        assert!(tree.consistency_proof(6, 5).is_err());
        assert!(tree.leaf(10).is_err());
        assert!(tree.tile(0, u64::MAX, 10).is_err());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn every_proof_at_every_past_size_verifies_and_fails_for_other_sizes(
            size in 1u64..700, picks in prop::collection::vec((0u64..700, 0u64..700), 8)
        ) {
            let tree = Tree::from_entries(&entries(size));
            for (a, b) in picks {
                let (n, i) = (1 + b % size, a % size);
                let i = i % n;
                let proof = tree.inclusion_proof(i, n).unwrap();
                let root = tree.root(n).unwrap();
                let leaf = tree.leaf(i).unwrap();
                prop_assert_eq!(verify_inclusion(i, n, &leaf, &proof, &root), Ok(()));
                if n > i + 1 {
                    // The same proof claimed for a smaller tree fails.
                    let smaller = tree.root(n - 1).unwrap();
                    prop_assert!(verify_inclusion(i, n - 1, &leaf, &proof, &smaller).is_err());
                }
                let m = 1 + a % n;
                let proof = tree.consistency_proof(m, n).unwrap();
                let old = tree.root(m).unwrap();
                prop_assert_eq!(verify_consistency(m, n, &proof, &old, &root), Ok(()));
                if m < n {
                    let mut forged = proof.clone();
                    forged[0][0] ^= 1;
                    prop_assert!(verify_consistency(m, n, &forged, &old, &root).is_err());
                }
            }
        }
    }
}
