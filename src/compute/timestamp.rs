//! Timestamps that never fail a response.
//!
//! The API writes RFC 3339 (`2024-01-01T00:00:00Z`, or with an offset), but some
//! fields have been seen without a zone (`2024-01-01T00:00:00`, possibly with
//! fractional seconds) or as a bare date; zone-less values are read as UTC. A value
//! that is none of these still decodes: [`Timestamp`] keeps the server's text, and
//! only [`Timestamp::as_datetime`] says it could not be read as a time.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time as the API wrote it: the server's text, and the instant when
/// that text is one.
///
/// Decoding never fails on the text (the day a field changes format, the rest of
/// the response is still readable); comparing and ordering go by the raw text, as
/// the server sent it. Serializing writes the raw text back unchanged.
///
/// ```
/// use mgc::compute::Timestamp;
///
/// let t = Timestamp::parse("2024-01-01T00:00:00Z");
/// assert_eq!(t.as_datetime().map(|d| d.timestamp()), Some(1_704_067_200));
/// let odd = Timestamp::parse("last tuesday");
/// assert_eq!((odd.as_datetime(), odd.raw()), (None, "last tuesday"));
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    raw: String,
    parsed: Option<DateTime<Utc>>,
}

impl Timestamp {
    /// Reads the API's text; see the module docs for what counts as a time.
    pub fn parse(raw: impl Into<String>) -> Self {
        let raw = raw.into();
        let parsed = parse(&raw);
        Timestamp { raw, parsed }
    }

    /// The instant, when the server's text is a time this SDK can read.
    pub fn as_datetime(&self) -> Option<DateTime<Utc>> {
        self.parsed
    }

    /// The text exactly as the server sent it.
    pub fn raw(&self) -> &str {
        &self.raw
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(value: DateTime<Utc>) -> Self {
        Timestamp {
            raw: value.to_rfc3339_opts(SecondsFormat::AutoSi, true),
            parsed: Some(value),
        }
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.parsed {
            Some(t) => write!(f, "Timestamp({t:?})"),
            None => write!(f, "Timestamp(unreadable {:?})", self.raw),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.raw)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.raw)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Timestamp::parse)
    }
}

impl crate::compute::lenient::Lenient for Timestamp {
    fn lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(crate::compute::lenient::text(d)?.map(|raw| Timestamp::parse(raw.into_owned())))
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn keeps_the_raw_text_both_ways() {
        let odd: Timestamp = serde_json::from_str(r#""31/12/2024 10h""#).unwrap();
        assert_eq!(odd.as_datetime(), None);
        assert_eq!(serde_json::to_string(&odd).unwrap(), r#""31/12/2024 10h""#);
        let t = Timestamp::from(parse("2024-01-01T00:00:00Z").unwrap());
        assert_eq!(t.raw(), "2024-01-01T00:00:00Z");
    }
}
