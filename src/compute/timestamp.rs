//! Lenient timestamps: the API writes RFC 3339 (`2024-01-01T00:00:00Z`, or with an
//! offset), but some fields have been seen without a zone (`2024-01-01T00:00:00`,
//! possibly with fractional seconds) or as a bare date. Zone-less values are read
//! as UTC. Timestamps are always written back as RFC 3339 in UTC.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serializer};

/// Parses one API timestamp; see the module docs for what is accepted.
pub(crate) fn parse(value: &str) -> Option<DateTime<Utc>> {
    let value = value.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return Some(t.with_timezone(&Utc));
    }
    // An offset without a colon (`+0000`) or a space instead of the `T`.
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(t) = DateTime::parse_from_str(value, format) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(value, format) {
            return Some(t.and_utc());
        }
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

fn format(value: &DateTime<Utc>) -> String {
    value.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn invalid<E: serde::de::Error>(value: &str) -> E {
    E::custom(format_args!(
        "invalid timestamp {value:?}: expected RFC 3339 or `YYYY-MM-DDTHH:MM:SS`"
    ))
}

/// `#[serde(with = "required")]` for `DateTime<Utc>` fields.
pub(crate) mod required {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(value: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(value))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let raw = std::borrow::Cow::<'de, str>::deserialize(d)?;
        parse(&raw).ok_or_else(|| invalid(&raw))
    }
}

/// `#[serde(default, with = "optional")]` for `Option<DateTime<Utc>>` fields:
/// missing and `null` are `None`; so is an empty string.
pub(crate) mod optional {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<DateTime<Utc>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(t) => s.serialize_str(&format(t)),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<std::borrow::Cow<'de, str>>::deserialize(d)? {
            None => Ok(None),
            Some(raw) if raw.trim().is_empty() => Ok(None),
            Some(raw) => parse(&raw).map(Some).ok_or_else(|| invalid(&raw)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn accepts_the_shapes_the_api_writes() {
        let z = parse("2024-01-01T00:00:00Z").unwrap();
        assert_eq!(parse("2024-01-01T00:00:00+00:00"), Some(z));
        assert_eq!(parse("2024-01-01T03:00:00+03:00"), Some(z));
        assert_eq!(parse("2024-01-01T00:00:00"), Some(z));
        assert_eq!(parse("2024-01-01 00:00:00"), Some(z));
        assert_eq!(parse("2024-01-01T00:00:00+0000"), Some(z));
        assert_eq!(parse("2024-01-01"), Some(z));
        let f = parse("2024-01-01T00:00:00.123456").unwrap();
        assert_eq!(f.timestamp_subsec_micros(), 123_456);
        assert!(parse("yesterday").is_none());
        assert!(parse("").is_none());
    }
}
