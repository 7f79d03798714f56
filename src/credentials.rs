//! Credentials, kept out of every `Debug` and `Display`.

use std::fmt;

use http::HeaderValue;
use http::header::{AUTHORIZATION, HeaderName};

use crate::error::Error;

/// A secret string (an API key, a token, a password) that never prints itself.
///
/// `Debug` and `Display` show `[redacted]`; read the value on purpose with
/// [`Secret::expose`].
#[derive(Clone, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

/// Whether a header carries a credential by its name alone, whoever sets it (the
/// client, a custom header, a per-call header): such values are marked sensitive
/// and never shown.
pub(crate) fn is_secret_header(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "authorization" | "x-api-key" | "proxy-authorization" | "cookie" | "x-auth-token"
    )
}

/// How the client authenticates.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Credentials {
    /// An API key, sent as `X-API-Key`.
    ApiKey(Secret),
    /// A JWT access token, sent as `Authorization: Bearer <token>`.
    Bearer(Secret),
}

impl Credentials {
    /// The header this credential travels in, marked sensitive so that `http`'s own
    /// `Debug` prints `Sensitive` instead of the value.
    pub(crate) fn header(&self) -> Result<(HeaderName, HeaderValue), Error> {
        let (name, raw) = match self {
            Credentials::ApiKey(key) => (
                HeaderName::from_static("x-api-key"),
                key.expose().trim().to_owned(),
            ),
            Credentials::Bearer(token) => {
                let token = token.expose().trim();
                // `get` rather than slicing: a token may hold any UTF-8.
                let value = match token.get(..7).zip(token.get(7..)) {
                    Some((prefix, rest)) if prefix.eq_ignore_ascii_case("bearer ") => {
                        format!("Bearer {}", rest.trim_start())
                    }
                    _ => format!("Bearer {token}"),
                };
                (AUTHORIZATION, value)
            }
        };
        let what = match self {
            Credentials::ApiKey(_) => "the API key",
            Credentials::Bearer(_) => "the JWT",
        };
        if raw.is_empty() || raw == "Bearer " {
            return Err(Error::Config(format!("{what} is empty").into()));
        }
        // The message names the credential, never its value.
        let mut value = HeaderValue::from_str(&raw).map_err(|_| {
            Error::Config(format!("{what} contains characters not allowed in a header").into())
        })?;
        value.set_sensitive(true);
        Ok((name, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_prefix_is_added_once() {
        let (_, v) = Credentials::Bearer("abc".into()).header().unwrap();
        assert_eq!(v.to_str().unwrap(), "Bearer abc");
        let (_, v) = Credentials::Bearer("bearer abc".into()).header().unwrap();
        assert_eq!(v.to_str().unwrap(), "Bearer abc");
        assert!(v.is_sensitive());
        // Multi-byte text across the prefix boundary must not panic.
        let (_, v) = Credentials::Bearer("abcdefé-token".into())
            .header()
            .unwrap();
        assert_eq!(v.as_bytes(), "Bearer abcdefé-token".as_bytes());
        let (_, v) = Credentials::Bearer("bearer é".into()).header().unwrap();
        assert_eq!(v.as_bytes(), "Bearer é".as_bytes());
    }

    #[test]
    fn secrets_never_print() {
        let c = Credentials::ApiKey(Secret::new("canary-123"));
        assert!(!format!("{c:?}").contains("canary"));
        let e = Credentials::ApiKey(Secret::new("canary\n123"))
            .header()
            .unwrap_err();
        assert!(!e.to_string().contains("canary"));
        assert!(!format!("{e:?}").contains("canary"));
    }
}
