//! Proof verification exactly as RFC 9162 sections 2.1.3.2 and 2.1.4.2 state it, needing only
//! the hashes (a verifier holds no tree).

use crate::hash::{node_hash, Hash};

/// Why a proof does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// Inclusion of an entry at or past the tree size.
    #[error("entry {index} cannot be in a tree of size {size}")]
    IndexBeyondSize {
        /// The entry.
        index: u64,
        /// The tree size.
        size: u64,
    },
    /// The proof has more or fewer hashes than the sizes call for.
    #[error("the proof has {found} hashes, sizes {first} and {second} need {expected}")]
    WrongLength {
        /// Hashes in the proof.
        found: usize,
        /// Hashes the sizes call for.
        expected: usize,
        /// Entry index (inclusion) or old size (consistency).
        first: u64,
        /// Tree size (inclusion) or new size (consistency).
        second: u64,
    },
    /// The proof leads to another root: it is for another entry, size or tree, or forged.
    #[error("the proof leads to another root")]
    RootMismatch,
    /// The proof does not lead to the old root: the old tree is not a prefix of the new one.
    #[error("the proof does not lead to the old root")]
    OldRootMismatch,
    /// A consistency proof from a larger tree to a smaller one.
    #[error("no consistency proof goes from size {old} to the smaller size {new}")]
    SizesReversed {
        /// Old size.
        old: u64,
        /// New size.
        new: u64,
    },
    /// Every tree extends the empty tree, so such a proof proves nothing (transparency-dev's
    /// rule, held by its vectors).
    #[error("a consistency proof from the empty tree proves nothing")]
    FromEmptyTree,
    /// Equal sizes take an empty proof and equal roots.
    #[error("sizes are equal ({size}) but the proof is not empty")]
    EqualSizesNonEmptyProof {
        /// The size.
        size: u64,
    },
}

/// Hashes in an inclusion proof of `index` in a tree of `size` (`index < size`): the levels
/// below the node where the paths to `index` and to the last leaf part, plus one per set bit
/// above it.
fn inclusion_proof_length(index: u64, size: u64) -> usize {
    let inner = 64 - (index ^ (size - 1)).leading_zeros();
    let border = index.checked_shr(inner).unwrap_or(0).count_ones();
    (inner + border) as usize
}

/// Checks that `leaf` (a leaf hash, `SHA-256(0x00 || entry)`) is entry `index` of the tree of
/// size `size` whose root is `root`.
pub fn verify_inclusion(
    index: u64,
    size: u64,
    leaf: &Hash,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexBeyondSize { index, size });
    }
    let expected = inclusion_proof_length(index, size);
    if proof.len() != expected {
        return Err(ProofError::WrongLength {
            found: proof.len(),
            expected,
            first: index,
            second: size,
        });
    }
    let (mut node, mut last) = (index, size - 1);
    let mut hash = *leaf;
    for sibling in proof {
        if last == 0 {
            return Err(ProofError::RootMismatch);
        }
        if node & 1 == 1 || node == last {
            hash = node_hash(sibling, &hash);
            if node & 1 == 0 {
                while node & 1 == 0 && node != 0 {
                    node >>= 1;
                    last >>= 1;
                }
            }
        } else {
            hash = node_hash(&hash, sibling);
        }
        node >>= 1;
        last >>= 1;
    }
    if last != 0 || hash != *root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// Checks that the tree of size `old` with root `old_root` is a prefix of the tree of size
/// `new` with root `new_root`.
pub fn verify_consistency(
    old: u64,
    new: u64,
    proof: &[Hash],
    old_root: &Hash,
    new_root: &Hash,
) -> Result<(), ProofError> {
    if old > new {
        return Err(ProofError::SizesReversed { old, new });
    }
    if old == 0 {
        return Err(ProofError::FromEmptyTree);
    }
    if old == new {
        if !proof.is_empty() {
            return Err(ProofError::EqualSizesNonEmptyProof { size: old });
        }
        return if old_root == new_root {
            Ok(())
        } else {
            Err(ProofError::RootMismatch)
        };
    }
    let expected = consistency_proof_length(old, new);
    if proof.len() != expected {
        return Err(ProofError::WrongLength {
            found: proof.len(),
            expected,
            first: old,
            second: new,
        });
    }
    // RFC 9162 2.1.4.2 step 2: a perfect old tree is its own first node, not sent in the proof.
    let (first, rest) = if old.is_power_of_two() {
        (old_root, proof)
    } else {
        (&proof[0], &proof[1..])
    };
    let (old_hash, new_hash, last) = fold_consistency(old, new, first, rest)?;
    if old_hash != *old_root {
        return Err(ProofError::OldRootMismatch);
    }
    if last != 0 || new_hash != *new_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

/// RFC 9162 2.1.4.2 steps 3-6: folds the proof from the old tree's rightmost perfect subtree
/// (`first`), returning the old and new roots it leads to and what is left of the new tree's
/// last index (0 for a proof of the right length).
fn fold_consistency(
    old: u64,
    new: u64,
    first: &Hash,
    rest: &[Hash],
) -> Result<(Hash, Hash, u64), ProofError> {
    let (mut node, mut last) = (old - 1, new - 1);
    while node & 1 == 1 {
        node >>= 1;
        last >>= 1;
    }
    let (mut old_hash, mut new_hash) = (*first, *first);
    for sibling in rest {
        if last == 0 {
            return Err(ProofError::RootMismatch);
        }
        if node & 1 == 1 || node == last {
            old_hash = node_hash(sibling, &old_hash);
            new_hash = node_hash(sibling, &new_hash);
            if node & 1 == 0 {
                while node & 1 == 0 && node != 0 {
                    node >>= 1;
                    last >>= 1;
                }
            }
        } else {
            new_hash = node_hash(&new_hash, sibling);
        }
        node >>= 1;
        last >>= 1;
    }
    Ok((old_hash, new_hash, last))
}

/// The old tree's root that a consistency proof from `old` to `new` leads to, when the proof
/// carries it (`old` is not a power of two: a perfect old tree is not sent) and leads to
/// `new_root`. By collision resistance those are the new tree's own node hashes, so the
/// root returned is the new tree's root at size `old`: a witness holding another root for
/// `old` holds evidence that the two trees cannot both be the log's (rekap-witness).
pub fn consistency_old_root(old: u64, new: u64, proof: &[Hash], new_root: &Hash) -> Option<Hash> {
    if old == 0 || old >= new || old.is_power_of_two() {
        return None;
    }
    if proof.len() != consistency_proof_length(old, new) {
        return None;
    }
    let (old_hash, new_hash, last) = fold_consistency(old, new, &proof[0], &proof[1..]).ok()?;
    (last == 0 && new_hash == *new_root).then_some(old_hash)
}

/// Hashes in a consistency proof from `old` to `new` (0 < old < new): the inclusion proof of
/// the old tree's last leaf in the new tree, from the level of the old tree's rightmost perfect
/// subtree, plus that subtree's own hash unless it is the whole old tree.
fn consistency_proof_length(old: u64, new: u64) -> usize {
    let shift = old.trailing_zeros();
    let path = inclusion_proof_length(old - 1, new).saturating_sub(shift as usize);
    if old.is_power_of_two() {
        path
    } else {
        path + 1
    }
}
