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
    /// What a successful response decodes into; `()` for an action that answers
    /// no body (see [`decode_response`](Endpoint::decode_response)).
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

    /// Reads the body of a success answer into the response.
    ///
    /// The default decodes the body as JSON into [`Response`](Endpoint::Response),
    /// whatever that type is: a body that is not one (an HTML page, trailing
    /// bytes, an empty body where data is expected) is an [`Error::Decode`] naming
    /// the JSON path, and an empty body reads as JSON `null`.
    ///
    /// A row of [`endpoint!`](crate::endpoint!) written `response: ()` declares
    /// that the answer has no body to read, and overrides this to accept any body
    /// and ignore it: the status is the answer, and a server that starts sending
    /// `{}` (or anything else) with it must not turn a completed action into an
    /// error. A hand-written endpoint without a response body says the same by
    /// overriding it:
    ///
    /// ```
    /// use mgc::{Endpoint, Error, endpoint::Query};
    ///
    /// /// `POST /v1/ping`, answered `204`.
    /// #[derive(serde::Serialize)]
    /// struct Ping;
    ///
    /// impl Endpoint for Ping {
    ///     type Response = ();
    ///     const OPERATION: &'static str = "ping";
    ///     const METHOD: http::Method = http::Method::POST;
    ///     const PATH_TEMPLATE: &'static str = "/v1/ping";
    ///     const IDEMPOTENT: bool = true;
    ///     const HEADERS: &'static [(&'static str, &'static str)] = &[];
    ///     const HAS_BODY: bool = false;
    ///     fn validate(&self) -> Result<(), Error> {
    ///         Ok(())
    ///     }
    ///     fn write_path(&self, out: &mut String) {
    ///         out.push_str(Self::PATH_TEMPLATE);
    ///     }
    ///     fn write_query(&self, _query: &mut Query<'_>) {}
    ///     // No body to read: whatever comes with the success status is ignored.
    ///     fn decode_response(_body: &[u8]) -> Result<(), Error> {
    ///         Ok(())
    ///     }
    /// }
    ///
    /// assert!(Ping::decode_response(b"{\"accepted\":true}").is_ok());
    /// ```
    fn decode_response(body: &[u8]) -> Result<Self::Response, Error> {
        crate::client::decode(Self::OPERATION, body, Self::SENSITIVE_RESPONSE)
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
        // Rows of `endpoint!` are checked at compile time; a hand-written
        // endpoint's headers are checked here.
        let (name, value) = header_pair(name, value).map_err(|bad| Error::InvalidInput {
            field: Cow::Owned(format!("header {name}")),
            reason: Cow::Borrowed(bad.reason()),
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

/// Which half of a header pair [`header_pair`] refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BadHeader {
    /// Not a header name.
    Name,
    /// Not a header value (control bytes, or bytes beyond ASCII).
    Value,
}

impl BadHeader {
    /// The reason of an [`Error::InvalidInput`] for this header, after its name.
    pub(crate) fn reason(self) -> &'static str {
        match self {
            BadHeader::Name => "is not a valid header name",
            BadHeader::Value => "has a value that is not a valid header value",
        }
    }
}

/// Parses one header pair given as text, the one place that does: static headers
/// of an endpoint, the builder's custom headers and per-call headers
/// ([`CallOptions::header`](crate::CallOptions::header)).
/// A header that carries a credential is marked sensitive, so `Debug` of a
/// request never shows it. Callers word the error for their context.
pub(crate) fn header_pair(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), BadHeader> {
    let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| BadHeader::Name)?;
    let mut value = HeaderValue::from_str(value).map_err(|_| BadHeader::Value)?;
    value.set_sensitive(crate::credentials::is_secret_header(&name));
    Ok((name, value))
}

/// One row of an endpoint table, as data: what `endpoint!` emits for each row
/// (as the associated const `ROW`) and what lists of operations are made of, such
/// as [`compute::OPERATIONS`](crate::compute::OPERATIONS).
///
/// Tests compare other lists with it (the documentation table, the emulator's
/// routes, the end-to-end run of every operation, the check against the API's
/// description), so a row cannot be added without them noticing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Operation {
    /// The Rust type of the row, e.g. `ListInstances`.
    pub type_name: &'static str,
    /// The snake_case operation name, as in [`Endpoint::OPERATION`] (`list_instances`).
    pub name: &'static str,
    /// The HTTP method, e.g. `GET`.
    pub method: &'static str,
    /// The path template, as in [`Endpoint::PATH_TEMPLATE`].
    pub path: &'static str,
    /// The success status the API answers (200 unless the row says otherwise).
    pub success: u16,
    /// Whether the row is marked `idempotent`.
    pub idempotent: bool,
    /// Whether a retry may re-send the call after the server may have acted on it
    /// (idempotent, or a `GET` or `DELETE`): [`Endpoint::safe_to_repeat`].
    pub safe_to_repeat: bool,
    /// The row's static headers.
    pub headers: &'static [(&'static str, &'static str)],
    /// For a list endpoint (a row with `paging`), the API's default page size.
    pub default_page_size: Option<u32>,
}

impl Operation {
    /// Used by `endpoint!` only: the struct is `non_exhaustive`, so that adding a
    /// column is not a breaking change.
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub const fn __row(
        type_name: &'static str,
        name: &'static str,
        method: &'static str,
        path: &'static str,
        success: u16,
        idempotent: bool,
        safe_to_repeat: bool,
        headers: &'static [(&'static str, &'static str)],
        default_page_size: Option<u32>,
    ) -> Self {
        Operation {
            type_name,
            name,
            method,
            path,
            success,
            idempotent,
            safe_to_repeat,
            headers,
            default_page_size,
        }
    }
}

/// Writes a path template with each `{name}` placeholder filled by `fill(name,
/// out)` (used by `endpoint!`, whose rows are checked at compile time to have a
/// `=> path` field for every placeholder).
#[doc(hidden)]
pub fn write_path(out: &mut String, template: &str, fill: &dyn Fn(&str, &mut String)) {
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        fill(&rest[open + 1..open + close], out);
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
}

/// A list-typed field whose setter takes any iterator of items (`setter = list`
/// in a row): `.labels(["a", "b"])`, `.expand([Expand::Image])`, `vec![..]`.
pub trait ListField {
    /// What the list holds.
    type Item;
    /// The list of these items.
    fn from_items(items: impl Iterator<Item = Self::Item>) -> Self;
}

impl<T> ListField for Vec<T> {
    type Item = T;
    fn from_items(items: impl Iterator<Item = T>) -> Self {
        items.collect()
    }
}

/// Reads a list response (used by the `Deserialize` that `endpoint!` writes for
/// the response of a row with `paging`): the body must be an object; the items
/// are read from the first of `members` present, each item under the decoding
/// policy of [`compute`](crate::compute); `meta` is `None` when missing or
/// unreadable; unknown members are skipped.
#[doc(hidden)]
pub fn read_page<'de, D, T>(
    deserializer: D,
    name: &'static str,
    members: &'static [&'static str],
) -> Result<(Vec<T>, Option<crate::paging::ListMeta>), D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    use crate::compute::lenient::{Items, Opt};
    use serde::de::{IgnoredAny, MapAccess, Visitor};

    struct PageVisitor<T> {
        name: &'static str,
        members: &'static [&'static str],
        item: std::marker::PhantomData<T>,
    }
    impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for PageVisitor<T> {
        type Value = (Vec<T>, Option<crate::paging::ListMeta>);
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "an object ({})", self.name)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut items = Vec::new();
            let mut meta = None;
            while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                if self.members.contains(&&*key) {
                    items = map.next_value::<Items<T>>()?.0;
                } else if key == "meta" {
                    meta = map.next_value::<Opt<crate::paging::ListMeta>>()?.0;
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok((items, meta))
        }
    }
    deserializer.deserialize_map(PageVisitor {
        name,
        members,
        item: std::marker::PhantomData,
    })
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
                if is_plain(s, &PLAIN_IN_SEGMENT) {
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
    if is_plain(s, &PLAIN_IN_QUERY) {
        out.push_str(s);
    } else {
        out.extend(utf8_percent_encode(s, QUERY_VALUE));
    }
}

/// Appends `value` as exactly one percent-encoded path segment, like
/// [`PathSegment`], written straight into `out`: ids are nearly always plain
/// (UUIDs), so the value is written as is and re-encoded only when it is not.
pub fn push_path_segment<T: Display + ?Sized>(out: &mut String, value: &T) {
    let start = out.len();
    let _ = write!(out, "{value}");
    if !is_plain(&out[start..], &PLAIN_IN_SEGMENT) {
        let raw = out.split_off(start);
        out.extend(utf8_percent_encode(&raw, PATH_SEGMENT));
    }
}

/// Whether every byte of `s` stays literal, by a table lookup per byte: this check
/// runs on every id and query value of every call.
fn is_plain(s: &str, plain: &[bool; 256]) -> bool {
    s.bytes().all(|b| plain[usize::from(b)])
}

/// The bytes [`PATH_SEGMENT`] leaves alone (RFC 3986 unreserved), as a table;
/// `plain_tables_agree_with_the_encoder` checks it against the set.
static PLAIN_IN_SEGMENT: [bool; 256] = plain_table(b"-_.~");
/// The bytes [`QUERY_VALUE`] leaves alone, as a table.
static PLAIN_IN_QUERY: [bool; 256] = plain_table(b"-_.~:");

const fn plain_table(punctuation: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    let mut i = 0;
    while i < punctuation.len() {
        table[punctuation[i] as usize] = true;
        i += 1;
    }
    table
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
    fn plain_tables_agree_with_the_encoder() {
        for b in 0..=255u8 {
            let one = [b];
            let Ok(s) = std::str::from_utf8(&one) else {
                assert!(!PLAIN_IN_SEGMENT[usize::from(b)] && !PLAIN_IN_QUERY[usize::from(b)]);
                continue;
            };
            let literal = |set| utf8_percent_encode(s, set).to_string() == s;
            assert_eq!(
                PLAIN_IN_SEGMENT[usize::from(b)],
                literal(PATH_SEGMENT),
                "{b:#x}"
            );
            assert_eq!(
                PLAIN_IN_QUERY[usize::from(b)],
                literal(QUERY_VALUE),
                "{b:#x}"
            );
        }
    }

    #[test]
    fn a_path_segment_is_encoded_only_when_it_must_be() {
        let mut out = String::from("/v1/");
        push_path_segment(&mut out, "9ec75090-2872-4f51-8111-53d05d96d2c6");
        assert_eq!(out, "/v1/9ec75090-2872-4f51-8111-53d05d96d2c6");
        let mut out = String::from("/v1/");
        push_path_segment(&mut out, &"a/b c%é");
        assert_eq!(out, "/v1/a%2Fb%20c%25%C3%A9");
        assert_eq!(out[4..], PathSegment("a/b c%é").to_string());
    }

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
