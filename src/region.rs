//! Regions and the base URLs they map to.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// The public API host.
pub const API_HOST: &str = "https://api.magalu.cloud";

/// The product path every compute operation sits below (the Go SDK's `DefaultBasePath`).
pub const DEFAULT_BASE_PATH: &str = "/compute";

/// A MagaluCloud region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Region {
    /// Southeast Brazil (the default).
    #[default]
    BrSe1,
    /// Northeast Brazil.
    BrNe1,
    /// `br-mgl1`, which the API addresses through the URL segment `br-se-1`.
    BrMgl1,
}

impl Region {
    /// Every region, in the order the API documents them.
    pub const ALL: [Region; 3] = [Region::BrSe1, Region::BrNe1, Region::BrMgl1];

    /// The region's name, as users and the `MGC_REGION` variable spell it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Region::BrSe1 => "br-se1",
            Region::BrNe1 => "br-ne1",
            Region::BrMgl1 => "br-mgl1",
        }
    }

    /// The segment that names the region in the URL (`br-mgl1` is `br-se-1` there).
    pub const fn url_segment(self) -> &'static str {
        match self {
            Region::BrSe1 => "br-se1",
            Region::BrNe1 => "br-ne1",
            Region::BrMgl1 => "br-se-1",
        }
    }

    /// The region's base URL on `host`, e.g. `https://api.magalu.cloud/br-se1`.
    pub fn base_url_on(self, host: &str) -> String {
        format!("{}/{}", host.trim_end_matches('/'), self.url_segment())
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Region {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        match s.trim().to_ascii_lowercase().as_str() {
            "br-se1" => Ok(Region::BrSe1),
            "br-ne1" => Ok(Region::BrNe1),
            "br-mgl1" | "br-se-1" => Ok(Region::BrMgl1),
            _ => Err(Error::Config(
                format!("unknown region {s:?} (expected br-se1, br-ne1 or br-mgl1)").into(),
            )),
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
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
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
        assert!("mars-1".parse::<Region>().is_err());
    }
}
