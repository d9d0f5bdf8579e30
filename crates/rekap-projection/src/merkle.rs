//! Merkle trees in the style of RFC 6962 (Certificate Transparency), with blake3:
//!
//! ```text
//! leaf hash   = blake3(0x00 || leaf bytes)
//! node hash   = blake3(0x01 || left || right)
//! root of []  = blake3("")
//! root of [x] = leaf hash of x
//! root of n   = node(root of the first k, root of the rest), k the largest power of 2 < n
//! ```
//!
//! The leaf bytes of a child region or station are `bincode((code, totals, digest))`
//! (docs/FORMAT.md). An audit path proves one leaf is inside a root.

use bincode::Encode;
use serde::{Deserialize, Serialize};

use crate::totals::Totals;

pub type Hash = [u8; 32];

const LEAF_PREFIX: u8 = 0x00;
const NODE_PREFIX: u8 = 0x01;

/// The canonical bytes of a leaf: a child's code, its totals and its digest.
pub fn leaf_bytes(code: &str, totals: &Totals, digest: &Hash) -> Vec<u8> {
    encode(&(code, totals, digest))
}

/// The hash of a leaf.
pub fn leaf_hash(code: &str, totals: &Totals, digest: &Hash) -> Hash {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&[LEAF_PREFIX]);
    hasher.update(&leaf_bytes(code, totals, digest));
    *hasher.finalize().as_bytes()
}

/// The hash of an inner node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&[NODE_PREFIX]);
    hasher.update(left);
    hasher.update(right);
    *hasher.finalize().as_bytes()
}

/// The root over leaf hashes (RFC 6962 MTH).
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => *blake3::hash(b"").as_bytes(),
        [only] => *only,
        _ => {
            let split = largest_power_of_two_below(leaves.len());
            node_hash(&root(&leaves[..split]), &root(&leaves[split..]))
        }
    }
}

/// The audit path of leaf `index` (RFC 6962 PATH), bottom sibling first.
pub fn audit_path(leaves: &[Hash], index: usize) -> Vec<Hash> {
    let mut path = Vec::new();
    collect_path(leaves, index, &mut path);
    path
}

fn collect_path(leaves: &[Hash], index: usize, path: &mut Vec<Hash>) {
    if leaves.len() <= 1 {
        return;
    }
    let split = largest_power_of_two_below(leaves.len());
    if index < split {
        collect_path(&leaves[..split], index, path);
        path.push(root(&leaves[split..]));
    } else {
        collect_path(&leaves[split..], index - split, path);
        path.push(root(&leaves[..split]));
    }
}

/// Recomputes the root from a leaf hash, its index, the tree size and its audit path.
/// Returns `None` when the path does not fit the index and size.
pub fn root_from_path(leaf: Hash, index: u64, size: u64, path: &[Hash]) -> Option<Hash> {
    if index >= size {
        return None;
    }
    let (computed, used) = fold_path(leaf, index, size, path)?;
    (used == path.len()).then_some(computed)
}

/// Folds the path top-down by the same splits as [`root`]; returns the root and how many
/// path entries were used.
fn fold_path(leaf: Hash, index: u64, size: u64, path: &[Hash]) -> Option<(Hash, usize)> {
    if size <= 1 {
        return Some((leaf, 0));
    }
    let split = largest_power_of_two_below(size as usize) as u64;
    if index < split {
        let (left, used) = fold_path(leaf, index, split, path)?;
        let right = path.get(used)?;
        Some((node_hash(&left, right), used + 1))
    } else {
        let (right, used) = fold_path(leaf, index - split, size - split, path)?;
        let left = path.get(used)?;
        Some((node_hash(left, &right), used + 1))
    }
}

/// The largest power of two strictly below `n` (n >= 2).
fn largest_power_of_two_below(n: usize) -> usize {
    debug_assert!(n >= 2);
    let mut k = 1;
    while k * 2 < n {
        k *= 2;
    }
    k
}

/// Hex for JSON: hashes travel as lowercase hex strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HexHash(#[serde(with = "hex_bytes")] pub Hash);

mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8; 32], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<[u8; 32], D::Error> {
        let text = String::deserialize(deserializer)?;
        let bytes = hex::decode(&text).map_err(serde::de::Error::custom)?;
        bytes
            .try_into()
            .map_err(|_| serde::de::Error::custom("a hash is 32 bytes (64 hex digits)"))
    }
}

fn encode<T: Encode>(value: &T) -> Vec<u8> {
    // Encoding into a Vec cannot fail for these types (no limit is reached by a leaf).
    bincode::encode_to_vec(value, rekap_model::canonical()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n)
            .map(|i| *blake3::hash(&i.to_le_bytes()).as_bytes())
            .collect()
    }

    #[test]
    fn every_audit_path_folds_back_to_the_root() {
        for size in 1..40 {
            let leaves = leaves(size);
            let expected = root(&leaves);
            for index in 0..size {
                let path = audit_path(&leaves, index);
                let folded = root_from_path(leaves[index], index as u64, size as u64, &path);
                assert_eq!(folded, Some(expected), "size {size} index {index}");
                let mut wrong = leaves[index];
                wrong[0] ^= 1;
                let refolded = root_from_path(wrong, index as u64, size as u64, &path);
                assert_ne!(refolded, Some(expected));
            }
        }
    }

    #[test]
    fn a_path_for_another_index_or_size_does_not_fit() {
        let leaves = leaves(7);
        let path = audit_path(&leaves, 2);
        let expected = root(&leaves);
        assert_ne!(root_from_path(leaves[2], 3, 7, &path), Some(expected));
        assert_eq!(root_from_path(leaves[2], 7, 7, &path), None);
    }

    #[test]
    fn roots_follow_rfc_6962_shape() {
        let l = leaves(3);
        assert_eq!(root(&l), node_hash(&node_hash(&l[0], &l[1]), &l[2]));
        assert_eq!(root(&l[..1]), l[0]);
        assert_eq!(root(&[]), *blake3::hash(b"").as_bytes());
    }
}
