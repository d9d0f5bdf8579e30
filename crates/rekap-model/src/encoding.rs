//! The one bincode configuration every canonical byte string of the model uses, and the
//! domain-separation prefixes of every hash and signed statement.
//!
//! bincode 2.0.1, fixed-width little-endian integers, enum discriminants as u32, lengths as
//! u64, `Option` as a 1-byte tag, fixed arrays without a length, strings as a u64 length and
//! UTF-8 bytes. It is the same configuration as the log's (`rekap_log::encoding`).

use bincode::config::{Configuration, Fixint, Limit, LittleEndian};

use crate::limits::MAX_CANONICAL_BYTES;

/// The canonical configuration's type.
pub type CanonicalConfig = Configuration<LittleEndian, Fixint, Limit<MAX_CANONICAL_BYTES>>;

/// The canonical bincode configuration. Its limit is a payload's length limit, in bytes
/// read: the model's types check every string's and list's length against the field's own
/// limit before allocating (see `decoding.rs`), so nothing is counted at an in-memory size.
pub const fn canonical() -> CanonicalConfig {
    bincode::config::standard()
        .with_fixed_int_encoding()
        .with_little_endian()
        .with_limit::<MAX_CANONICAL_BYTES>()
}

/// Prefix of the definition hash: `blake3(DEFINITION_DOMAIN || bincode(definition))`.
pub const DEFINITION_DOMAIN: &[u8] = b"rekap/v1/definition";
/// Prefix of the statement witnesses sign on a plenary approval:
/// `APPROVAL_STATEMENT_DOMAIN || bincode(ApprovalStatement)`, signed with ed25519 as is.
pub const APPROVAL_STATEMENT_DOMAIN: &[u8] = b"rekap/v1/approval-statement";
/// Prefix of a sheet's hash: `blake3(SHEET_DOMAIN || bincode((station, contest, sheet)))`.
pub const SHEET_DOMAIN: &[u8] = b"rekap/v1/sheet";
/// Prefix of a sheet's numbers fingerprint (no station, no contest), used to find the same
/// sheet at many stations: `blake3(SHEET_NUMBERS_DOMAIN || bincode(sheet))`.
pub const SHEET_NUMBERS_DOMAIN: &[u8] = b"rekap/v1/sheet-numbers";

/// Encodes a value canonically. Encoding into a `Vec` cannot fail for the model's types.
pub fn encode<T: bincode::Encode>(value: &T) -> Vec<u8> {
    // Encoding to a Vec has no limit and no failing writer; the model's types have no
    // fallible Encode impls, so an error here is impossible. An empty Vec is returned rather
    // than a panic should that ever change.
    bincode::encode_to_vec(value, canonical()).unwrap_or_default()
}

/// blake3 over `domain || bytes`.
pub fn domain_hash(domain: &[u8], bytes: &[u8]) -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(domain);
    hasher.update(bytes);
    *hasher.finalize().as_bytes()
}

/// blake3 over `domain || bincode(value)`.
pub fn hash_of<T: bincode::Encode>(domain: &[u8], value: &T) -> [u8; 32] {
    domain_hash(domain, &encode(value))
}

/// What is wrong with bytes bincode could not decode, in words: bincode 2's own `Display`
/// prints its Rust debug form (`UnexpectedVariant { type_name: .., found: 7 }`), which is
/// not for the people who read a verify or audit report.
pub fn decode_error_text(error: &bincode::error::DecodeError) -> String {
    use bincode::error::DecodeError as Bincode;
    match error {
        Bincode::UnexpectedEnd { additional } => {
            format!("the bytes end too early ({additional} more needed)")
        }
        Bincode::LimitExceeded => "a length exceeds the size limit".to_owned(),
        Bincode::UnexpectedVariant {
            type_name, found, ..
        } => format!(
            "kind number {found} is not a known {}",
            plain_type(type_name)
        ),
        Bincode::Utf8 { .. } => "a text field is not UTF-8".to_owned(),
        Bincode::InvalidBooleanValue(value) => format!("{value} is not a yes/no byte (0 or 1)"),
        Bincode::ArrayLengthMismatch { required, found } => {
            format!("a list holds {found} items where {required} are required")
        }
        Bincode::OutsideUsizeRange(value) => format!("length {value} is too large"),
        Bincode::InvalidCharEncoding(_) => "a character is not valid".to_owned(),
        Bincode::Other(text) => (*text).to_owned(),
        Bincode::OtherString(text) => text.clone(),
        _ => "the bytes are not well formed".to_owned(),
    }
}

/// A Rust type name (`rekap_model::event::Event`, `Role`) as a word: its last segment.
fn plain_type(type_name: &str) -> String {
    let last = type_name.rsplit("::").next().unwrap_or(type_name);
    format!("{last} kind")
}
