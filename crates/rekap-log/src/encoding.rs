//! The one bincode configuration every canonical byte string of rekap uses, and the
//! domain-separation prefixes of every hash and signature. docs/FORMAT.md writes these out.

use bincode::config::{Configuration, Fixint, Limit, LittleEndian};

use crate::limits::MAX_RECORD_BYTES;

/// bincode 2.0.1, fixed-width little-endian integers, enum discriminants as u32, lengths as
/// u64, decoding refuses to read more than one maximal record.
pub type CanonicalConfig = Configuration<LittleEndian, Fixint, Limit<MAX_RECORD_BYTES>>;

/// The canonical bincode configuration.
pub const fn canonical() -> CanonicalConfig {
    bincode::config::standard()
        .with_fixed_int_encoding()
        .with_little_endian()
        .with_limit::<MAX_RECORD_BYTES>()
}

/// Prefix of the bytes an author signs.
pub const SUBMISSION_DOMAIN: &[u8] = b"rekap/v1/submission";

/// Prefix of the bytes a record hash is computed over.
pub const RECORD_DOMAIN: &[u8] = b"rekap/v1/record";
