//! Regions and the base URLs they map to.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// The public API host.
pub const API_HOST: &str = "https://api.magalu.cloud";

/// The product path every compute operation sits below (the Go SDK's `DefaultBasePath`).
pub const DEFAULT_BASE_PATH: &str = "/compute";

/// A MagaluCloud region.
///
/// The regions this SDK knows are variants; a region the API adds later is
/// [`Region::Other`], so a client (or a snapshot copy) can use it the day it opens
/// without a new SDK release. Build regions with [`str::parse`]: it refuses an
/// empty or malformed name before anything is sent, and turns a known name into
/// its own variant.
///
/// ```
/// use mgc::Region;
///
/// assert_eq!("br-ne1".parse::<Region>().unwrap(), Region::BrNe1);
/// let new: Region = "us-east1".parse().unwrap();
/// assert_eq!(new.as_str(), "us-east1");
/// assert!("".parse::<Region>().is_err());
/// assert!("br se1/..".parse::<Region>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Region {
    /// Southeast Brazil (the default).
    #[default]
    BrSe1,
    /// Northeast Brazil.
    BrNe1,
    /// `br-mgl1`, which the API addresses through the URL segment `br-se-1`.
    BrMgl1,
    /// A region this version of the SDK does not know, by its checked name.
    Other(RegionName),
}

/// The name of a region this SDK does not know: lowercase ASCII letters, digits
/// and single inner `-`, starting with a letter and holding at least one `-` (the
/// shape of every MagaluCloud region name, e.g. `br-se1`), at most 32 characters.
///
/// It can only be made by [`Region`]'s `parse`, so a malformed name never reaches
/// a URL or a request body.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionName(String);

impl RegionName {
    /// The name, as the API spells it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for RegionName {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RegionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Region {
    /// Every region this version of the SDK knows, in the order the API documents them.
    pub const ALL: [Region; 3] = [Region::BrSe1, Region::BrNe1, Region::BrMgl1];

    /// The region's name, as users and the `MGC_REGION` variable spell it.
    pub fn as_str(&self) -> &str {
        match self {
            Region::BrSe1 => "br-se1",
            Region::BrNe1 => "br-ne1",
            Region::BrMgl1 => "br-mgl1",
            Region::Other(name) => name.as_str(),
        }
    }

    /// Whether this is one of the regions this version of the SDK knows.
    pub fn is_known(&self) -> bool {
        !matches!(self, Region::Other(_))
    }

    /// The segment that names the region in the URL (`br-mgl1` is `br-se-1` there;
    /// a region this SDK does not know is its own name).
    pub fn url_segment(&self) -> &str {
        match self {
            Region::BrMgl1 => "br-se-1",
            other => other.as_str(),
        }
    }

    /// The region's base URL on `host`, e.g. `https://api.magalu.cloud/br-se1`.
    pub fn base_url_on(&self, host: &str) -> String {
        format!("{}/{}", host.trim_end_matches('/'), self.url_segment())
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why `name` cannot be a region name, if it cannot.
fn malformed(name: &str) -> Option<&'static str> {
    let bytes = name.as_bytes();
    if bytes.is_empty() {
        return Some("is empty");
    }
    if bytes.len() > 32 {
        return Some("is longer than 32 characters");
    }
    if !bytes
        .iter()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
    {
        return Some("may hold only letters, digits and `-`");
    }
    if !bytes[0].is_ascii_lowercase() || bytes[bytes.len() - 1] == b'-' || name.contains("--") {
        return Some("must start with a letter and use `-` only between parts");
    }
    if !name.contains('-') {
        return Some("must have the shape `area-zone`, like `br-se1`");
    }
    None
}

impl FromStr for Region {
    type Err = Error;

    /// Reads a region name, ignoring case and surrounding spaces. Known names (and
    /// `br-se-1`, the URL spelling of `br-mgl1`) become their variant, any other
    /// well-formed name [`Region::Other`]; an empty or malformed one is an
    /// [`Error::Config`].
    fn from_str(s: &str) -> Result<Self, Error> {
        let name = s.trim().to_ascii_lowercase();
        match name.as_str() {
            "br-se1" => return Ok(Region::BrSe1),
            "br-ne1" => return Ok(Region::BrNe1),
            "br-mgl1" | "br-se-1" => return Ok(Region::BrMgl1),
            _ => {}
        }
        match malformed(&name) {
            None => Ok(Region::Other(RegionName(name))),
            Some(why) => Err(Error::Config(Cow::Owned(format!(
                "invalid region {s:?}: the name {why} (known regions: br-se1, br-ne1, br-mgl1)"
            )))),
        }
    }
}

impl serde::Serialize for Region {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Region {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mgl1_uses_its_legacy_segment() {
        assert_eq!(
            Region::BrMgl1.base_url_on(API_HOST),
            "https://api.magalu.cloud/br-se-1"
        );
        assert_eq!("BR-NE1".parse::<Region>().unwrap(), Region::BrNe1);
        assert_eq!("br-se-1".parse::<Region>().unwrap(), Region::BrMgl1);
    }

    #[test]
    fn unknown_names_are_kept_and_malformed_ones_refused() {
        let new: Region = " US-East1 ".parse().unwrap();
        assert!(!new.is_known());
        assert_eq!(new.to_string(), "us-east1");
        assert_eq!(
            new.base_url_on(API_HOST),
            "https://api.magalu.cloud/us-east1"
        );
        for bad in [
            "",
            " ",
            "mars",
            "br_se1",
            "br-se1/..",
            "-br-se1",
            "br-se1-",
            "br--se1",
            "1a-b",
        ] {
            assert!(
                matches!(bad.parse::<Region>(), Err(Error::Config(_))),
                "{bad:?}"
            );
        }
        assert!(format!("x-{}", "a".repeat(31)).parse::<Region>().is_err());
    }
}
