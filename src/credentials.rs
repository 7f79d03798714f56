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

/// Why `value` cannot travel as a credential or a request id, if it cannot: it
/// must be visible ASCII (`!` to `~`) from end to end. Nothing is trimmed: a key
/// read from a file with its newline is a mistake to report, not to guess at, and
/// anything else (a space, a control character, non-ASCII text) would go out as
/// raw header bytes. The reason never quotes the value.
pub(crate) fn header_text_problem(value: &str) -> Option<&'static str> {
    if value.is_empty() {
        Some("is empty")
    } else if value.starts_with(char::is_whitespace) || value.ends_with(char::is_whitespace) {
        Some("has leading or trailing whitespace (a newline from a file or a variable?)")
    } else if !value.bytes().all(|b| b.is_ascii_graphic()) {
        Some(
            "holds a character other than visible ASCII (a space, a control character or non-ASCII text)",
        )
    } else {
        None
    }
}

impl Credentials {
    /// The header this credential travels in, marked sensitive so that `http`'s own
    /// `Debug` prints `Sensitive` instead of the value. A value that is not visible
    /// ASCII from end to end is refused, with an error that names the credential
    /// and never shows it.
    pub(crate) fn header(&self) -> Result<(HeaderName, HeaderValue), Error> {
        let (name, what, raw) = match self {
            Credentials::ApiKey(key) => (
                HeaderName::from_static("x-api-key"),
                "the API key",
                key.expose(),
            ),
            // A token may come with its scheme; `get` rather than slicing, as the
            // value may hold any UTF-8 until it is checked.
            Credentials::Bearer(token) => {
                let token = token.expose();
                let bare = match token.get(..7) {
                    Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => &token[7..],
                    _ => token,
                };
                (AUTHORIZATION, "the JWT", bare)
            }
        };
        if let Some(problem) = header_text_problem(raw) {
            return Err(Error::Config(format!("{what} {problem}").into()));
        }
        let value = match self {
            Credentials::ApiKey(_) => HeaderValue::from_str(raw),
            Credentials::Bearer(_) => HeaderValue::from_str(&format!("Bearer {raw}")),
        };
        // Unreachable after the check above; the message still names only the credential.
        let mut value = value
            .map_err(|_| Error::Config(format!("{what} is not a valid header value").into()))?;
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
        // Multi-byte text across the prefix boundary must not panic, and is refused.
        for token in ["abcdefé-token", "bearer é", "bearer  abc", "Bearer ", "é"] {
            let e = Credentials::Bearer(token.into()).header().unwrap_err();
            assert!(matches!(e, Error::Config(_)), "{token:?}: {e:?}");
        }
    }

    #[test]
    fn credentials_that_are_not_visible_ascii_are_refused_not_trimmed() {
        for key in [
            "", " ", "key\n", "key\r\n", " key", "\tkey", "k ey", "ké", "k\u{7f}", "k\0",
        ] {
            let e = Credentials::ApiKey(key.into()).header().unwrap_err();
            assert!(matches!(e, Error::Config(_)), "{key:?}: {e:?}");
            assert!(
                e.to_string()
                    .starts_with("invalid configuration: the API key ")
            );
        }
        let (_, v) = Credentials::ApiKey("a-Key_0.9~!".into()).header().unwrap();
        assert_eq!(v.as_bytes(), b"a-Key_0.9~!");
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
