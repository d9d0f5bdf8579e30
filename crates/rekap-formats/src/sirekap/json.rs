//! The JSON shapes a portal document's checks need, read straight from the bytes (serde's
//! visitors over `serde_json`'s parser): a value only as far as a check needs it
//! ([`Scalar`]), an object or a list read by a [`ReadField`] or else null or the name of
//! what it was ([`Shape`]), keys borrowed from the document where they need no unescaping. No tree of
//! the document is built.

use crate::reason::{JsonType, SourceReason};
use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A JSON value as the checks see it.
pub(super) enum Scalar<'a> {
    Null,
    Bool(bool),
    /// A whole number of 0 or more.
    Whole(u64),
    /// Any other number, as JSON prints it.
    Number(String),
    Text(Cow<'a, str>),
    List,
    Object,
}

impl Scalar<'_> {
    /// What the value is, for a problem's reason.
    pub(super) fn type_name(&self) -> JsonType {
        match self {
            Scalar::Null => JsonType::Null,
            Scalar::Bool(_) => JsonType::Boolean,
            Scalar::Whole(_) | Scalar::Number(_) => JsonType::Number,
            Scalar::Text(_) => JsonType::Text,
            Scalar::List => JsonType::List,
            Scalar::Object => JsonType::Object,
        }
    }

    /// A count: a whole number 0 to `u32::MAX`, or null (not given).
    pub(super) fn count(&self) -> Result<Option<u32>, SourceReason> {
        match self {
            Scalar::Null => Ok(None),
            Scalar::Whole(n) => {
                u32::try_from(*n)
                    .map(Some)
                    .map_err(|_| SourceReason::CountTooLargeAtMost {
                        number: *n,
                        limit: u32::MAX,
                    })
            }
            Scalar::Number(number) => Err(SourceReason::NotACountNumber {
                number: number.to_string(),
            }),
            other => Err(SourceReason::ExpectedCount {
                found: other.type_name(),
            }),
        }
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Null)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Bool(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Whole(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Scalar<'de>, E> {
        Ok(u64::try_from(value).map_or_else(|_| Scalar::Number(value.to_string()), Scalar::Whole))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Scalar<'de>, E> {
        // As serde_json prints a float (`1e3` is `1000.0`).
        Ok(Scalar::Number(
            serde_json::Number::from_f64(value)
                .map_or_else(|| value.to_string(), |number| number.to_string()),
        ))
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Text(Cow::Borrowed(value)))
    }

    fn visit_str<E>(self, value: &str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Text(Cow::Owned(value.to_owned())))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::List)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Object)
    }
}

impl<'de> de::Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

/// An object key, borrowed from the document unless it had escapes.
pub(super) struct Key<'a>(pub(super) Cow<'a, str>);

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(value)))
    }

    fn visit_str<E>(self, value: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(value.to_owned())))
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Reads a field that should be an object or a list: `read_map` or `read_seq` reads it,
/// the other one drains it and names it.
pub(super) trait ReadField<'de> {
    type Output;

    fn read_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape<Self::Output>, A::Error>
    where
        Self: Sized,
    {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Shape::Other)
    }

    fn read_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape<Self::Output>, A::Error>
    where
        Self: Sized,
    {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Shape::Other)
    }
}

/// What a field held: what its reader read, null, or something else (a scalar, or a list where an object belongs).
pub(super) enum Shape<T> {
    Read(T),
    Null,
    Other,
}

/// A field read by `R`; a scalar is null or named.
pub(super) struct Field<R>(pub(super) R);

impl<'de, R: ReadField<'de>> DeserializeSeed<'de> for Field<R> {
    type Value = Shape<R::Output>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, R: ReadField<'de>> Visitor<'de> for Field<R> {
    type Value = Shape<R::Output>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an object or a list")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.read_map(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.0.read_seq(seq)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Shape::Null)
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Shape::Other)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Shape::Other)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Shape::Other)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Shape::Other)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Shape::Other)
    }
}

/// A list's elements as [`Scalar`]s.
pub(super) struct List;

impl<'de> ReadField<'de> for List {
    type Output = Vec<Scalar<'de>>;

    fn read_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape<Self::Output>, A::Error> {
        let mut elements = Vec::new();
        while let Some(element) = seq.next_element()? {
            elements.push(element);
        }
        Ok(Shape::Read(elements))
    }
}
