//! rekap-log: an append-only, blake3 hash-chained, ed25519-signed log.
//!
//! The log knows nothing of elections: a record carries opaque payload bytes signed by one
//! author. The byte format is specified in `docs/FORMAT.md`; this crate is its reference
//! implementation.
//!
//! - [`record`]: the record, the signed submission, and their canonical bytes and hashes.
//! - [`storage`]: the storage trait: a segment file (default), sled, and memory.
//! - [`Log`]: append (durable, all-or-nothing), read, range, head.
//! - [`verify`]: the chain verifier shared by the tail check, `verify --store` and
//!   `verify --log`.
//! - [`export`]: the self-contained export file.
//! - [`tree`]: the transparency tree over the records' hashes (derived state).

pub mod encoding;
pub mod error;
pub mod export;
pub mod frame;
pub mod limits;
mod log;
mod parallel;
pub mod record;
pub mod repair;
pub mod storage;
pub mod tree;
pub mod verify;

pub use error::{AppendError, LogError};
pub use log::{Head, Log};
pub use record::{
    Hash, PublicKey, Record, SignedSubmission, VerifiedSubmission, GENESIS_PREV_HASH,
};
#[cfg(feature = "sled")]
pub use storage::sled_store::SledStorage;
pub use storage::{memory::MemoryStorage, segment::SegmentStorage, Storage, StorageError};

/// The storage commands use: the log in an append-only segment file (see
/// [`storage::segment`] for why not sled).
pub type DefaultStorage = SegmentStorage;
pub use verify::{ChainVerifier, Checked, Failure, VerifyOptions, VerifyReport};
