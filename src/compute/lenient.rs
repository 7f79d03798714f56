//! The decoding policy, as serde helpers: only identity is required.
//!
//! Every non-identity field of a response model decodes through [`opt`] (the
//! `model!` macro puts it there): the field becomes `None` when it is absent,
//! `null`, or holds a value of another type or range (a negative size, a number
//! where a name was expected, a status object). What makes that safe is that a
//! [`Lenient`] reader consumes whatever value it meets in full, so a mismatch
//! never leaves the rest of the body half-read. It reads in one pass: scalars
//! straight from the parser, nested models through their members (each lenient
//! in turn, so only their identity can be missing, which is known once the
//! object has been read); only a few small structured types are buffered in a
//! [`serde_json::Value`] first.
//!
//! Identity (`id`, the item lists of a page) is decoded strictly, so a body
//! without one is a typed decode error that names its JSON path. Duplicate keys
//! in one object are a malformed body, as they were before.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess,
    Visitor,
};
use serde_json::Value;

/// A type that can be read from any JSON value: itself, or `None` once the value
/// has been consumed in full. Only a malformed body (bad syntax, duplicate keys)
/// is an error.
pub(crate) trait Lenient: Sized {
    /// Reads one value.
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error>;
}

/// A non-identity field: `None` when absent, `null` or unreadable as `T`.
pub(crate) fn opt<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<Option<T>, D::Error> {
    T::lenient(d)
}

/// The item list of a page: absent or `null` is empty; anything but an array, or
/// an item without its identity, fails with the item's path.
pub(crate) fn items<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// Log lines: text as sent; any other value as its JSON text (a line is never
/// worth failing the whole log for). Absent or `null` is no lines.
pub(crate) fn lines<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let lines = Option::<Vec<Value>>::deserialize(d)?.unwrap_or_default();
    Ok(lines
        .into_iter()
        .map(|line| match line {
            Value::String(s) => s,
            other => other.to_string(),
        })
        .collect())
}

/// [`opt`] as a type, for hand-written visitors.
pub(crate) struct Opt<T>(pub(crate) Option<T>);

impl<'de, T: Lenient> Deserialize<'de> for Opt<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::lenient(d).map(Opt)
    }
}

/// [`items`] as a type, for hand-written visitors.
pub(crate) struct Items<T>(pub(crate) Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Items<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        items(d).map(Items)
    }
}

/// Drains the rest of a sequence or map, so the parser stands after it.
fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// The visitor methods of a reader whose value is an `Option`: `null` and every
/// scalar are `None` (the scalar is consumed by being visited); `Some` reads on.
macro_rules! other_values_are_none {
    () => {
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_none<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_bytes<E>(self, _: &[u8]) -> Result<Self::Value, E> {
            Ok(None)
        }
    };
}

/// One JSON value seen as a scalar; arrays and objects are consumed and `Other`.
pub(crate) enum Scalar<'de> {
    Str(Cow<'de, str>),
    U64(u64),
    I64(i64),
    Bool(bool),
    Other,
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::I64(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::U64(v))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Other)
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Str(Cow::Owned(v)))
    }
    fn visit_bytes<E>(self, _: &[u8]) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Other)
    }
    fn visit_unit<E>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Other)
    }
    fn visit_none<E>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Other)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar<'de>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Scalar<'de>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Scalar<'de>, A::Error> {
        drain_seq(seq).map(|()| Scalar::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Scalar<'de>, A::Error> {
        drain_map(map).map(|()| Scalar::Other)
    }
}

/// Reads one value as a [`Scalar`].
pub(crate) fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Scalar<'de>, D::Error> {
    d.deserialize_any(ScalarVisitor)
}

/// Reads one value as text, if it is text.
pub(crate) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Cow<'de, str>>, D::Error> {
    Ok(match scalar(d)? {
        Scalar::Str(s) => Some(s),
        _ => None,
    })
}

impl Lenient for String {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(text(d)?.map(Cow::into_owned))
    }
}

impl Lenient for bool {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(match scalar(d)? {
            Scalar::Bool(b) => Some(b),
            _ => None,
        })
    }
}

/// Integers: in range and of the right sign, or `None`.
macro_rules! lenient_integers {
    ($($t:ty),*) => {$(
        impl Lenient for $t {
            fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
                Ok(match scalar(d)? {
                    Scalar::U64(n) => <$t>::try_from(n).ok(),
                    Scalar::I64(n) => <$t>::try_from(n).ok(),
                    _ => None,
                })
            }
        }
    )*};
}
lenient_integers!(u32, u64);

impl Lenient for crate::credentials::Secret {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(text(d)?.map(crate::credentials::Secret::new))
    }
}

/// A list is whole or `None`: one unreadable item makes it `None` (the rest of
/// the list is still consumed).
impl<T: Lenient> Lenient for Vec<T> {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        struct Item<T>(PhantomData<T>);
        impl<'de, T: Lenient> DeserializeSeed<'de> for Item<T> {
            type Value = Option<T>;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
                T::lenient(d)
            }
        }
        struct List<T>(PhantomData<T>);
        impl<'de, T: Lenient> Visitor<'de> for List<T> {
            type Value = Option<Vec<T>>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                let mut whole = true;
                while let Some(item) = seq.next_element_seed(Item::<T>(PhantomData))? {
                    match item {
                        Some(item) if whole => out.push(item),
                        Some(_) => {}
                        None => whole = false,
                    }
                }
                Ok(whole.then_some(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                drain_map(map).map(|()| None)
            }
            other_values_are_none!();
        }
        d.deserialize_any(List::<T>(PhantomData))
    }
}

/// Small structured types read whole or not at all, through a [`Value`]: an
/// unreadable member makes the whole value `None`.
macro_rules! buffered {
    ($($t:ty),*) => {$(
        impl Lenient for $t {
            fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
                buffered::<D, $t>(d)
            }
        }
    )*};
}
buffered!(
    super::IdOrName,
    super::CustomImageRequirements,
    crate::paging::ListMeta,
    serde_json::Map<String, Value>
);

fn buffered<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    let value = Value::deserialize(d)?;
    Ok(T::deserialize(value).ok())
}

/// A model read from an object's members (`M`, whose fields are all lenient) and
/// turned into the model by `identify`, which fails with the name of a missing
/// identity field. This is the model's strict `Deserialize`: not an object, or
/// no identity, is an error.
pub(crate) fn model<'de, D, M, T>(
    d: D,
    name: &'static str,
    identify: fn(M) -> Result<T, &'static str>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    M: Deserialize<'de>,
{
    struct Strict<M, T>(&'static str, fn(M) -> Result<T, &'static str>);
    impl<'de, M: Deserialize<'de>, T> Visitor<'de> for Strict<M, T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "an object ({})", self.0)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            let members = M::deserialize(de::value::MapAccessDeserializer::new(map))?;
            (self.1)(members).map_err(|field| {
                de::Error::custom(format_args!(
                    "missing field `{field}` (or not of its type): a {} is known by it",
                    self.0
                ))
            })
        }
    }
    d.deserialize_map(Strict(name, identify))
}

/// [`model`] for a model nested in another: anything but an object with its
/// identity is `None`, and consumed in full.
pub(crate) fn nested_model<'de, D, M, T>(
    d: D,
    identify: fn(M) -> Result<T, &'static str>,
) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    M: Deserialize<'de>,
{
    struct Nested<M, T>(fn(M) -> Result<T, &'static str>);
    impl<'de, M: Deserialize<'de>, T> Visitor<'de> for Nested<M, T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<T>, A::Error> {
            let members = M::deserialize(de::value::MapAccessDeserializer::new(map))?;
            Ok((self.0)(members).ok())
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Option<T>, A::Error> {
            drain_seq(seq).map(|()| None)
        }
        other_values_are_none!();
    }
    d.deserialize_any(Nested(identify))
}
