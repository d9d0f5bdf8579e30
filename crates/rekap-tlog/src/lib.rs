//! A transparency log's cryptography, small and exact, as the C2SP specifications and RFC 6962
//! state it: the Merkle tree with inclusion and consistency proofs ([`Tree`], [`verify`]), its
//! nodes stored as tlog-tiles tiles and persisted in append-only files ([`files`]), signed
//! notes and Ed25519 keys ([`note`]), checkpoints ([`checkpoint`]), the tlog-proof text form
//! ([`tlog_proof`]) and tile paths ([`tile_path`]).
//!
//! It knows nothing of rekap: an entry is 32 bytes (for rekap, the blake3 hash of a record).
//! It must not depend on any other rekap crate.

pub mod checkpoint;
pub mod files;
pub mod hash;
pub mod note;
pub mod tile_path;
pub mod tlog_proof;
pub mod tree;
pub mod verify;

pub use hash::{empty_root, hash_from_slice, leaf_hash, node_hash, Hash, HashLengthError};
pub use tree::{Tree, TreeError, TILE_HEIGHT, TILE_WIDTH};
pub use verify::{consistency_old_root, verify_consistency, verify_inclusion, ProofError};
