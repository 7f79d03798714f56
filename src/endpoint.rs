//! The [`Endpoint`] trait: one API call described as plain data.
//!
//! An endpoint knows its method, its path template, its query pairs, its static
//! headers and its JSON body, and nothing about I/O. Turning one into an
//! `http::Request` is a pure function ([`build_request`]), which is what lets
//! [`Client::preview`](crate::Client::preview) show the exact request without a
//! network, and what keeps the generic part of [`Client::send`](crate::Client::send)
//! thin.
//!
//! Endpoints are normally declared with [`endpoint!`](crate::endpoint!); the trait is
//! public so that hand-written ones work too.

use std::borrow::Cow;
use std::fmt::{self, Display, Write as _};

use bytes::Bytes;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderName, HeaderValue};
use http::{Method, Request};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::de::DeserializeOwned;

use crate::error::Error;

/// One API operation: everything needed to build its request, and the type its
/// response decodes into.
///
/// The associated constants describe the operation itself (they are the columns of
/// the endpoint table); the methods read the values of one particular call.
pub trait Endpoint: serde::Serialize {
    /// What a successful response decodes into; `()` for `204 No Content`.
    type Response: DeserializeOwned;

    /// A stable snake_case name for logs, traces and errors (`start_instance`).
    const OPERATION: &'static str;
    /// The HTTP method.
    const METHOD: Method;
    /// The path template below the product base path, e.g. `/v1/instances/{id}`.
    const PATH_TEMPLATE: &'static str;
    /// Whether repeating the call after the server may have acted on it is harmless.
    ///
    /// The retry policy re-sends a request that failed with a `500` or an attempt
    /// timeout only when this is `true`; `GET` and `DELETE` are always treated as
    /// safe to repeat.
    const IDEMPOTENT: bool;
    /// Whether a response body may hold a secret (a Windows password). When set, a
    /// decode error keeps neither the body nor serde's message, which can quote
    /// values.
    const SENSITIVE_RESPONSE: bool = false;
    /// Static headers this operation needs, such as `x-api-version: 1.1`.
    const HEADERS: &'static [(&'static str, &'static str)];
    /// Whether the request carries a JSON body.
    const HAS_BODY: bool;

    /// Checks the values of this call before anything is built or sent.
    fn validate(&self) -> Result<(), Error>;
    /// Appends the filled path template, each parameter percent-encoded as one segment.
    fn write_path(&self, out: &mut String);
    /// Adds this call's query pairs.
    fn write_query(&self, query: &mut Query<'_>);

    /// Whether a retry may re-send this call after the server may have acted on it.
    fn safe_to_repeat() -> bool {
        Self::IDEMPOTENT || Self::METHOD == Method::GET || Self::METHOD == Method::DELETE
    }
}

/// Builds the request for `endpoint` below `base` (e.g. `https://api.magalu.cloud/br-se1/compute`).
///
/// Validation runs first: when it fails, nothing is built. The result carries the
/// method, the absolute URI with its query, the endpoint's static headers and the
/// JSON body; client-wide headers (auth, user agent, request id) are added later by
/// the client and its header layer.
pub fn build_request<E: Endpoint>(endpoint: &E, base: &str) -> Result<Request<Bytes>, Error> {
    endpoint.validate()?;

    let mut url = String::with_capacity(base.len() + E::PATH_TEMPLATE.len() + 48);
    url.push_str(base);
    endpoint.write_path(&mut url);
    endpoint.write_query(&mut Query::new(&mut url));

    let uri = http::Uri::try_from(url).map_err(|e| Error::InvalidInput {
        field: Cow::Borrowed("url"),
        reason: Cow::Owned(format!("does not form a valid URL: {e}")),
    })?;

    let body = if E::HAS_BODY {
        let json = serde_json::to_vec(endpoint).map_err(|e| Error::InvalidInput {
            field: Cow::Borrowed("body"),
            reason: Cow::Owned(format!("cannot be serialized as JSON: {e}")),
        })?;
        Bytes::from(json)
    } else {
        Bytes::new()
    };

    let mut request = Request::new(body);
    *request.method_mut() = E::METHOD;
    *request.uri_mut() = uri;
    let headers = request.headers_mut();
    headers.reserve(8);
    for (name, value) in E::HEADERS {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| Error::InvalidInput {
            field: Cow::Owned(format!("header {name}")),
            reason: Cow::Borrowed("is not a valid header name"),
        })?;
        let value = HeaderValue::from_str(value).map_err(|_| Error::InvalidInput {
            field: Cow::Owned(format!("header {name}")),
            reason: Cow::Borrowed("has a value that is not a valid header value"),
        })?;
        headers.insert(name, value);
    }
    if E::HAS_BODY {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    } else if matches!(E::METHOD, Method::POST | Method::PUT | Method::PATCH) {
        // A body-less POST still says so: without a length, some proxies answer
        // 411 Length Required (RFC 9110 8.6), and HTTP/1.1 stacks omit it for an
        // empty body.
        headers.insert(CONTENT_LENGTH, HeaderValue::from_static("0"));
    }
    Ok(request)
}

/// Bytes that stay literal in one path segment: RFC 3986 unreserved characters.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Bytes that stay literal in a query value: unreserved characters and `:`, so a
/// sort reads `field:asc`. A comma inside one value is encoded (`%2C`), because a
/// literal comma is what separates the items of a list (`expand=image,network`).
const QUERY_VALUE: &AsciiSet = &PATH_SEGMENT.remove(b':');

/// A value rendered as exactly one percent-encoded path segment.
///
/// `a/b c` becomes `a%2Fb%20c`: a slash in an id can never add a segment, and
/// [`check_path_segment`] rejects `.` and `..`, so no value climbs out of the base
/// path.
pub struct PathSegment<'a, T: ?Sized>(pub &'a T);

impl<T: Display + ?Sized> Display for PathSegment<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Encode<'a, 'b>(&'a mut fmt::Formatter<'b>);
        impl fmt::Write for Encode<'_, '_> {
            fn write_str(&mut self, s: &str) -> fmt::Result {
                // Ids are nearly always plain (UUIDs): skip the encoder for them.
                if s.bytes().all(is_unreserved) {
                    return self.0.write_str(s);
                }
                for part in utf8_percent_encode(s, PATH_SEGMENT) {
                    self.0.write_str(part)?;
                }
                Ok(())
            }
        }
        write!(Encode(f), "{}", self.0)
    }
}

/// Rejects path values that would not stay one meaningful segment: empty, `.` and `..`.
pub fn check_path_segment<T: Display + ?Sized>(
    field: &'static str,
    value: &T,
) -> Result<(), Error> {
    /// Records the first bytes and the length without allocating.
    struct Probe {
        len: usize,
        head: [u8; 2],
    }
    impl fmt::Write for Probe {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            for (slot, &b) in self.head.iter_mut().skip(self.len).zip(s.as_bytes()) {
                *slot = b;
            }
            self.len = self.len.saturating_add(s.len());
            Ok(())
        }
    }
    let mut probe = Probe {
        len: 0,
        head: [0; 2],
    };
    let _ = write!(probe, "{value}");
    let reason = match (probe.len, probe.head) {
        (0, _) => "must not be empty",
        (1, [b'.', _]) | (2, [b'.', b'.']) => "must not be `.` or `..`",
        _ => return Ok(()),
    };
    Err(Error::InvalidInput {
        field: Cow::Borrowed(field),
        reason: Cow::Borrowed(reason),
    })
}

/// The query string being written after the path: `?a=1&b=2`.
pub struct Query<'a> {
    out: &'a mut String,
    started: bool,
}

impl<'a> Query<'a> {
    /// Starts a query string at the end of `out`.
    pub fn new(out: &'a mut String) -> Self {
        Query {
            out,
            started: false,
        }
    }

    /// Appends `name=value`, with the value percent-encoded.
    pub fn push<V: QueryValue + ?Sized>(&mut self, name: &str, value: &V) {
        self.out.push(if self.started { '&' } else { '?' });
        self.started = true;
        encode_query_value(name, self.out);
        self.out.push('=');
        value.write_query_value(self.out);
    }
}

/// A value that can stand in a query string.
pub trait QueryValue {
    /// Appends the percent-encoded value.
    fn write_query_value(&self, out: &mut String);
}

/// Percent-encodes `s` as (part of) a query value.
pub fn encode_query_value(s: &str, out: &mut String) {
    if s.bytes().all(|b| is_unreserved(b) || b == b':') {
        out.push_str(s);
    } else {
        out.extend(utf8_percent_encode(s, QUERY_VALUE));
    }
}

/// RFC 3986 unreserved: the bytes [`PATH_SEGMENT`] leaves alone.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

impl QueryValue for str {
    fn write_query_value(&self, out: &mut String) {
        encode_query_value(self, out);
    }
}

impl QueryValue for String {
    fn write_query_value(&self, out: &mut String) {
        encode_query_value(self, out);
    }
}

impl QueryValue for bool {
    fn write_query_value(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

macro_rules! integer_query_values {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn write_query_value(&self, out: &mut String) {
                let _ = write!(out, "{self}");
            }
        }
    )*};
}
integer_query_values!(u8, u16, u32, u64, usize, i32, i64);

/// Lists are comma-joined (`expand=image,network`), as the API reads them.
impl<T: QueryValue> QueryValue for [T] {
    fn write_query_value(&self, out: &mut String) {
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            item.write_query_value(out);
        }
    }
}

impl<T: QueryValue> QueryValue for Vec<T> {
    fn write_query_value(&self, out: &mut String) {
        self.as_slice().write_query_value(out);
    }
}

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn write_query_value(&self, out: &mut String) {
        (**self).write_query_value(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_never_splits_or_climbs() {
        assert_eq!(PathSegment("a/b c").to_string(), "a%2Fb%20c");
        assert_eq!(PathSegment("../x?y#z%").to_string(), "..%2Fx%3Fy%23z%25");
        assert_eq!(PathSegment("ção\n").to_string(), "%C3%A7%C3%A3o%0A");
        assert!(check_path_segment("id", "").is_err());
        assert!(check_path_segment("id", ".").is_err());
        assert!(check_path_segment("id", "..").is_err());
        assert!(check_path_segment("id", "...").is_ok());
        assert!(check_path_segment("id", ".a").is_ok());
    }

    #[test]
    fn query_lists_are_comma_joined_and_values_encoded() {
        let mut s = String::from("/x");
        let mut q = Query::new(&mut s);
        q.push(
            "expand",
            &vec!["image".to_string(), "machine-type".to_string()],
        );
        q.push("_sort", "created_at:asc");
        q.push("name", "a b&c=d,e");
        assert_eq!(
            s,
            "/x?expand=image,machine-type&_sort=created_at:asc&name=a%20b%26c%3Dd%2Ce"
        );
    }
}
