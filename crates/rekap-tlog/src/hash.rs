//! RFC 6962 hashing with SHA-256: the only hash function of the tree.

use sha2::{Digest, Sha256};

/// Length of every hash in the tree.
pub const HASH_LEN: usize = 32;

/// A SHA-256 hash: a leaf hash, an interior node or a root.
pub type Hash = [u8; HASH_LEN];

/// Domain separation of RFC 6962 section 2.1: a leaf is never mistaken for a node.
const LEAF_PREFIX: u8 = 0x00;
const NODE_PREFIX: u8 = 0x01;

/// The root of the empty tree: SHA-256 of no bytes.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// `SHA-256(0x00 || entry)`.
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([LEAF_PREFIX]);
    hasher.update(entry);
    hasher.finalize().into()
}

/// `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut block = [0u8; 1 + 2 * HASH_LEN];
    block[0] = NODE_PREFIX;
    block[1..1 + HASH_LEN].copy_from_slice(left);
    block[1 + HASH_LEN..].copy_from_slice(right);
    Sha256::digest(block).into()
}

/// A hash from outside (a vector, a proof file) whose length is not 32 bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a hash is {HASH_LEN} bytes, this one is {length}")]
pub struct HashLengthError {
    /// The length found.
    pub length: usize,
}

/// Reads a hash from bytes of unknown length.
pub fn hash_from_slice(bytes: &[u8]) -> Result<Hash, HashLengthError> {
    bytes.try_into().map_err(|_| HashLengthError {
        length: bytes.len(),
    })
}

/// The Merkle tree hash of a perfect subtree whose bottom row is `row` (a power of two long,
/// at most 256): the row is reduced in place, pairwise, level by level.
pub(crate) fn perfect_root(row: &[Hash]) -> Hash {
    debug_assert!(row.len().is_power_of_two() && row.len() <= 256);
    let mut buffer = [[0u8; HASH_LEN]; 256];
    let mut width = row.len();
    buffer[..width].copy_from_slice(row);
    while width > 1 {
        for i in 0..width / 2 {
            buffer[i] = node_hash(&buffer[2 * i], &buffer[2 * i + 1]);
        }
        width /= 2;
    }
    buffer[0]
}
