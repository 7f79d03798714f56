//! The decoding policy, as serde helpers: only identity is required.
//!
//! A response model marks every field but its `id` with
//! `#[serde(default, deserialize_with = "lenient::opt")]`: the field becomes `None`
//! when it is absent, `null`, or holds a value of another type or range (a
//! negative size, a number where a name was expected, a status object). Buffering
//! the one field in a [`serde_json::Value`] first is what makes that safe: whatever
//! the value was, it has been read in full before its type is tried, so a
//! mismatch never leaves the rest of the body half-read. Identity (`id`, the
//! item lists of a page) is decoded strictly, so a body without one is a typed
//! decode error that names its JSON path.

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer};
use serde_json::Value;

/// A non-identity field: `None` when absent, `null` or unreadable as `T`.
pub(crate) fn opt<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let value = Value::deserialize(d)?;
    Ok(T::deserialize(value).ok())
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

impl<'de, T: DeserializeOwned> Deserialize<'de> for Opt<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        opt(d).map(Opt)
    }
}

/// [`items`] as a type, for hand-written visitors.
pub(crate) struct Items<T>(pub(crate) Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Items<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        items(d).map(Items)
    }
}
