//! Decoding with a limit per field: every string and list of a payload has its length prefix
//! checked against the field's limit ([`crate::limits`]) before anything is allocated, so
//! what a payload may make a decoder allocate is stated in plain numbers per field
//! (docs/FORMAT.md, "Limits a decoder applies") and depends on no compiler's in-memory sizes.
//!
//! The types that hold a string or a list implement `Decode` here, by hand, field by field in
//! declaration order (the same bytes bincode's derive reads); the types of fixed size keep
//! the derived one. Over a limit, decoding stops with the field, the length and the limit.

use bincode::de::read::Reader;
use bincode::de::{Decode, Decoder};
use bincode::error::{AllowedEnumVariants, DecodeError};

/// Most elements reserved ahead of reading them: a list's memory then grows with the bytes
/// actually read, whatever count its prefix announces within the limit.
const MOST_RESERVED: usize = 1_024;

/// A length prefix (`u64`), refused over `limit` before anything is read into memory.
fn length<D: Decoder>(
    decoder: &mut D,
    field: &'static str,
    unit: &str,
    limit: usize,
) -> Result<usize, DecodeError> {
    let announced = u64::decode(decoder)?;
    match usize::try_from(announced) {
        Ok(length) if length <= limit => Ok(length),
        _ => Err(DecodeError::OtherString(format!(
            "{field}: {announced} {unit}, over the limit of {limit}"
        ))),
    }
}

/// A `String` of at most `limit` bytes.
pub(crate) fn text<D: Decoder>(
    decoder: &mut D,
    field: &'static str,
    limit: usize,
) -> Result<String, DecodeError> {
    let length = length(decoder, field, "bytes", limit)?;
    decoder.claim_bytes_read(length)?;
    let mut bytes = vec![0u8; length];
    decoder.reader().read(&mut bytes)?;
    String::from_utf8(bytes).map_err(|error| DecodeError::Utf8 {
        inner: error.utf8_error(),
    })
}

/// A `Vec<T>` of at most `limit` elements, each read by `element`.
pub(crate) fn list<D: Decoder, T>(
    decoder: &mut D,
    field: &'static str,
    limit: usize,
    element: impl FnMut(&mut D) -> Result<T, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    let length = length(decoder, field, "items", limit)?;
    elements(decoder, length, length.min(MOST_RESERVED), element)
}

/// [`list`] of elements that each take at least `least_bytes` of the payload: room for the
/// whole list is reserved at once when the bytes left hold that many (a record's 10,000
/// events, the genesis' 83k regions), else as [`list`] reserves. Grown by doubling instead,
/// such a list was copied about twice over, into fresh pages each time; what is reserved
/// still follows the bytes there, never the length prefix alone.
pub(crate) fn list_of_at_least<D: Decoder, T>(
    decoder: &mut D,
    field: &'static str,
    limit: usize,
    least_bytes: usize,
    element: impl FnMut(&mut D) -> Result<T, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    let length = length(decoder, field, "items", limit)?;
    let needed = length.saturating_mul(least_bytes.max(1));
    let reserved = match decoder.reader().peek_read(needed) {
        Some(_) => length,
        None => length.min(MOST_RESERVED),
    };
    elements(decoder, length, reserved, element)
}

/// `length` elements read by `element` into a list with room for `reserved`.
fn elements<D: Decoder, T>(
    decoder: &mut D,
    length: usize,
    reserved: usize,
    mut element: impl FnMut(&mut D) -> Result<T, DecodeError>,
) -> Result<Vec<T>, DecodeError> {
    let mut out = Vec::with_capacity(reserved);
    for _ in 0..length {
        out.push(element(decoder)?);
    }
    Ok(out)
}

/// A `Vec<String>` of at most `limit` strings of at most `bytes` bytes each.
pub(crate) fn texts<D: Decoder>(
    decoder: &mut D,
    field: &'static str,
    limit: usize,
    bytes: usize,
) -> Result<Vec<String>, DecodeError> {
    list(decoder, field, limit, |decoder| text(decoder, field, bytes))
}

/// An `Option<String>` (a tag byte 0 or 1) of at most `limit` bytes.
pub(crate) fn optional_text<D: Decoder>(
    decoder: &mut D,
    field: &'static str,
    limit: usize,
) -> Result<Option<String>, DecodeError> {
    match u8::decode(decoder)? {
        0 => Ok(None),
        1 => text(decoder, field, limit).map(Some),
        found => Err(variant::<Option<String>>(found.into(), 1)),
    }
}

/// An enum's variant index, `u32`.
pub(crate) fn variant_index<D: Decoder>(decoder: &mut D) -> Result<u32, DecodeError> {
    u32::decode(decoder)
}

/// The error of a variant index `found` out of `0..=max` for enum `T`.
pub(crate) fn variant<T>(found: u32, max: u32) -> DecodeError {
    let allowed: &'static AllowedEnumVariants = match max {
        1 => &AllowedEnumVariants::Range { min: 0, max: 1 },
        2 => &AllowedEnumVariants::Range { min: 0, max: 2 },
        3 => &AllowedEnumVariants::Range { min: 0, max: 3 },
        _ => &AllowedEnumVariants::Range { min: 0, max: 9 },
    };
    DecodeError::UnexpectedVariant {
        type_name: core::any::type_name::<T>(),
        allowed,
        found,
    }
}

/// `Decode` and `BorrowDecode` for a type from a function reading its fields.
macro_rules! decode_with {
    ($type:ty, $decoder:ident => $body:expr) => {
        impl<Context> bincode::Decode<Context> for $type {
            fn decode<D: bincode::de::Decoder<Context = Context>>(
                $decoder: &mut D,
            ) -> Result<Self, bincode::error::DecodeError> {
                $body
            }
        }
        bincode::impl_borrow_decode!($type);
    };
}

pub mod borrowed;
pub mod borrowed_definition;
mod definition;
mod events;
