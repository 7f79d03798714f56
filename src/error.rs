//! One error type for every call, so callers match on what went wrong rather than
//! on which layer noticed it.
//!
//! No variant ever holds a credential: request headers are never copied into an
//! error, the API key and token live only in the header layer as sensitive header
//! values, and a decode error of an endpoint whose response holds a secret (the
//! Windows password) keeps neither the body nor serde's message.
//!
//! Server text is untrusted. Every string a server sends that reaches an error
//! (message, slug, request and trace ids, `Location`, serde's message and path)
//! is kept bounded, cut on a character boundary with a marker that gives its
//! original length; and `Display` and `Debug` show it inert: control characters
//! (C0, DEL, C1), bidi controls and line separators are escaped (`\n`,
//! `\u{1b}`), and each field is cut again where escaping would make it long. So the
//! `Display` of any error stays under 2 KiB, whatever the server sent, and
//! whatever logs it cannot have its lines forged or its terminal driven.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

/// A type-erased error, as tower layers pass them around.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// How many bytes of an error body are kept in [`ApiError::body`] and [`Error::Decode`].
pub const BODY_SNIPPET_LIMIT: usize = 2048;

/// Everything that can go wrong when calling the API.
///
/// `Display` and `Debug` show server text inert and bounded (see the module docs).
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value of the call was rejected before anything was sent.
    #[error("invalid input: `{}` {}", Inert::id(.field), Inert::text(.reason))]
    InvalidInput {
        /// The field (or header) at fault.
        field: Cow<'static, str>,
        /// Why it was rejected.
        reason: Cow<'static, str>,
    },

    /// The client could not be built from its configuration.
    #[error("invalid configuration: {}", Inert::text(.0))]
    Config(Cow<'static, str>),

    /// The API answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),

    /// A timeout fired.
    #[error("{0}")]
    Timeout(Timeout),

    /// The request could not be delivered, or the response could not be read.
    ///
    /// `Display` names the underlying cause (refused connection, DNS failure, TLS
    /// handshake, timeout) from the source chain, not only reqwest's "error
    /// sending request".
    #[error("transport error ({kind}): {}", Causes(&**.source))]
    Transport {
        /// What kind of failure this was.
        kind: TransportKind,
        /// The underlying error.
        #[source]
        source: BoxError,
    },

    /// A success response did not decode into the expected type.
    #[error(
        "could not decode the response of `{operation}` at `{}`: {}",
        Inert::text(.path),
        Inert::text(.message)
    )]
    Decode {
        /// The operation whose response failed to decode.
        operation: &'static str,
        /// The JSON path of the field that failed, e.g. `instances[3].created_at`
        /// (`.` for the document itself); bounded, like all server text.
        path: String,
        /// What serde said (it may quote the server's values); bounded.
        message: String,
        /// The start of the body, for diagnosis.
        body: String,
    },

    /// The server answered with a redirect, which is never followed: a redirect would
    /// carry the credentials to another place.
    #[error(
        "unexpected redirect {status} {}; redirects are not followed",
        Target(.location.as_deref())
    )]
    Redirect {
        /// The 3xx status.
        status: StatusCode,
        /// The `Location` header, if any; bounded, lossily decoded.
        location: Option<String>,
    },

    /// The response body was larger than the configured cap.
    #[error("response body exceeds the {limit}-byte limit")]
    BodyTooLarge {
        /// The cap, in bytes.
        limit: usize,
    },

    /// The server broke the API's contract in a way no retry mends (for example, a
    /// list that answers another page than the one asked for).
    #[error("protocol error in `{operation}`: {}", Inert::text(.reason))]
    Protocol {
        /// The operation.
        operation: &'static str,
        /// What was wrong.
        reason: Cow<'static, str>,
    },

    /// A waited-on resource entered an error status, so it cannot reach the target.
    #[error(
        "{resource} {} entered the error status `{}`{}",
        Inert::id(.id),
        Inert::id(.status),
        Explained(.message.as_deref())
    )]
    ResourceFailed {
        /// The kind of resource (`instance`, `snapshot`, `image`).
        resource: &'static str,
        /// Its id.
        id: String,
        /// The status it entered, as the API spells it.
        status: String,
        /// The API's explanation, when the resource carries one.
        message: Option<String>,
    },

    /// A wait reached its deadline before the resource reached the target.
    #[error(
        "gave up waiting for {resource} {} to be {target} after {waited:?} (last status `{}`)",
        Inert::id(.id),
        Inert::id(.last_status)
    )]
    WaitTimeout {
        /// The kind of resource.
        resource: &'static str,
        /// Its id.
        id: String,
        /// The condition waited for.
        target: &'static str,
        /// The last status observed.
        last_status: String,
        /// How long the wait lasted.
        waited: Duration,
    },

    /// Retries stopped (attempts used up, retry budget spent, or the next back-off
    /// would pass the deadline) after a retryable error.
    #[error("gave up after {attempts} attempt{}: {last}", if *attempts == 1 { "" } else { "s" })]
    RetriesExhausted {
        /// How many attempts were made.
        attempts: u32,
        /// The error of the last attempt.
        last: Box<Error>,
    },

    /// A call failed after a request may have reached the server and acted, so
    /// whether it took effect is unknown: a create that was not re-sent, or a
    /// delete or action whose repeat was refused because an earlier attempt may
    /// already have done the job.
    #[error("the outcome of `{operation}` is unknown (it may have taken effect): {source}")]
    OutcomeUnknown {
        /// The operation.
        operation: &'static str,
        /// What happened.
        #[source]
        source: Box<Error>,
    },

    /// A page of a [`Client::paginate`](crate::Client::paginate) or
    /// [`Client::pages`](crate::Client::pages) walk failed: where the walk stood,
    /// and why. Start a new walk at `offset` (the stream's `resume()` gives the
    /// endpoint) and no item is lost or seen twice.
    #[error(
        "the page at offset {offset} of `{operation}` failed after {yielded} items (resume from offset {offset}): {source}"
    )]
    PageFailed {
        /// The list operation.
        operation: &'static str,
        /// The offset of the page that failed: where a resumed walk starts.
        offset: u32,
        /// How many items the walk had yielded before it.
        yielded: u32,
        /// Why the page failed.
        #[source]
        source: Box<Error>,
    },
}

/// Which timeout fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Timeout {
    /// One attempt (connect, send, headers and body) took longer than this.
    Attempt(Duration),
    /// The whole operation, retries and back-off included, took longer than this.
    Total(Duration),
}

impl fmt::Display for Timeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Timeout::Attempt(d) => write!(f, "attempt timed out after {d:?}"),
            Timeout::Total(d) => write!(f, "operation timed out after {d:?}"),
        }
    }
}

/// The kind of a [`Error::Transport`] failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// No connection could be made; the request was not sent.
    Connect,
    /// The TLS handshake failed (for example, an untrusted certificate).
    Tls,
    /// The connection failed while the request or response was in flight.
    Io,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::Connect => "connect",
            TransportKind::Tls => "tls",
            TransportKind::Io => "io",
        })
    }
}

/// An error answer from the API: `{"slug": ..., "message": ...}` plus what the
/// response headers tell about the call.
///
/// Every string here came from the server: each is bounded (ids and the slug to
/// 128 bytes, the message to 512, the body to [`BODY_SNIPPET_LIMIT`]; a cut one
/// ends with a marker giving its original length) but otherwise kept as sent, so
/// escape it yourself before writing it anywhere raw. `Display` and `Debug` do.
#[derive(Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The API's machine-readable error code, e.g. `instance_not_found`.
    pub slug: Option<String>,
    /// The API's human-readable message.
    pub message: Option<String>,
    /// The `X-Request-ID` of the call: the one the client sent (from a call
    /// through [`Client`](crate::Client); [`ApiError::from_parts`] alone reads the
    /// response's).
    pub request_id: Option<String>,
    /// The `X-Request-ID` the server answered with, when it differs from the one
    /// sent.
    pub server_request_id: Option<String>,
    /// The `X-Mgc-Trace-Id` the server assigned, for support tickets.
    pub trace_id: Option<String>,
    /// The first [`BODY_SNIPPET_LIMIT`] bytes of the body, lossily decoded.
    pub body: String,
}

impl std::error::Error for ApiError {}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "API error {}", self.status)?;
        match (&self.slug, &self.message) {
            (Some(slug), Some(message)) => {
                write!(f, ": {}: {}", Inert::id(slug), Inert::text(message))?
            }
            (Some(slug), None) => write!(f, ": {}", Inert::id(slug))?,
            (None, Some(message)) => write!(f, ": {}", Inert::text(message))?,
            (None, None) if !self.body.is_empty() => write!(f, ": {}", Inert::text(&self.body))?,
            (None, None) => {}
        }
        let ids = [
            ("request id", &self.request_id),
            ("server's request id", &self.server_request_id),
            ("trace id", &self.trace_id),
        ];
        let mut open = false;
        for (label, value) in ids {
            if let Some(value) = value {
                f.write_str(if open { ", " } else { " (" })?;
                write!(f, "{label} {}", Inert::id(value))?;
                open = true;
            }
        }
        if open {
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn id(v: &Option<String>) -> Option<Inert<'_>> {
            v.as_deref().map(Inert::id)
        }
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("slug", &id(&self.slug))
            .field("message", &self.message.as_deref().map(Inert::text))
            .field("request_id", &id(&self.request_id))
            .field("server_request_id", &id(&self.server_request_id))
            .field("trace_id", &id(&self.trace_id))
            .field("body", &Inert::snippet(&self.body))
            .finish()
    }
}

impl ApiError {
    /// Reads an error answer. Bodies that are not the API's JSON (an HTML page from a
    /// proxy, say) are kept as a short snippet.
    pub fn from_parts(status: StatusCode, headers: &HeaderMap, body: &Bytes) -> ApiError {
        #[derive(serde::Deserialize)]
        struct Wire {
            slug: Option<String>,
            message: Option<serde_json::Value>,
            detail: Option<serde_json::Value>,
        }
        let (slug, message) = match serde_json::from_slice::<Wire>(body) {
            Ok(w) => {
                let text = |v: serde_json::Value| match v {
                    serde_json::Value::String(s) => bound_owned(s, TEXT_LIMIT),
                    other => bound(&other.to_string(), TEXT_LIMIT),
                };
                (
                    w.slug.map(|s| bound_owned(s, ID_LIMIT)),
                    w.message.or(w.detail).map(text),
                )
            }
            Err(_) => (None, None),
        };
        let header = |name: &str| header_text(headers.get(name), ID_LIMIT);
        ApiError {
            status,
            slug,
            message,
            request_id: header("x-request-id"),
            server_request_id: None,
            trace_id: header("x-mgc-trace-id"),
            body: snippet(body),
        }
    }
}

/// The start of a body as text, cut at [`BODY_SNIPPET_LIMIT`] bytes.
pub(crate) fn snippet(body: &[u8]) -> String {
    let cut = &body[..body.len().min(BODY_SNIPPET_LIMIT)];
    let mut s = String::from_utf8_lossy(cut).into_owned();
    if body.len() > BODY_SNIPPET_LIMIT {
        s.push('…');
    }
    s
}

/// Longest id-like server string kept (slug, request id, trace id), in bytes.
pub(crate) const ID_LIMIT: usize = 128;
/// Longest server sentence kept (message, `Location`, serde's message and path).
pub(crate) const TEXT_LIMIT: usize = 512;
/// What `Display` allows a field beyond its kept length: room for the cut marker.
const MARKER_ROOM: usize = 48;

/// Server text, bounded for keeping: at most `limit` bytes, cut on a character
/// boundary and marked with the original length.
pub(crate) fn bound(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_owned();
    }
    let mut cut = limit;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…[cut: {} bytes in all]", &text[..cut], text.len())
}

/// The length of the text a kept string was cut from: the one its marker names,
/// else its own.
fn original_len(kept: &str) -> usize {
    kept.strip_suffix(" bytes in all]")
        .and_then(|rest| rest.rsplit_once("…[cut: "))
        .and_then(|(_, n)| n.parse().ok())
        .unwrap_or(kept.len())
}

/// [`bound`] without a copy when the text is short already.
pub(crate) fn bound_owned(text: String, limit: usize) -> String {
    if text.len() <= limit {
        text
    } else {
        bound(&text, limit)
    }
}

/// A header the server sent, lossily decoded (bytes outside ASCII are kept as
/// text rather than dropping the whole value) and bounded.
pub(crate) fn header_text(value: Option<&http::HeaderValue>, limit: usize) -> Option<String> {
    value.map(|v| bound(&String::from_utf8_lossy(v.as_bytes()), limit))
}

/// Whether `c` could rewrite what a reader sees: a control character (C0, DEL,
/// C1), a bidi control, an invisible format character or a line separator.
fn is_unsafe_to_show(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{feff}'
        )
}

/// Untrusted text as `Display` and `Debug` show it: characters that could rewrite
/// what a reader sees escaped (`\n`, `\u{1b}`, `\u{202e}`), and the shown text cut
/// at `budget` bytes with a marker. Every server string in an error is written
/// through it, so the escaping and the bound are decided once.
#[derive(Clone, Copy)]
pub(crate) struct Inert<'a> {
    text: &'a str,
    budget: usize,
}

impl<'a> Inert<'a> {
    /// An id, a slug or a status: short.
    pub(crate) fn id(text: &'a str) -> Inert<'a> {
        Inert {
            text,
            budget: ID_LIMIT + MARKER_ROOM,
        }
    }

    /// A sentence: a message, a reason, a URL.
    pub(crate) fn text(text: &'a str) -> Inert<'a> {
        Inert {
            text,
            budget: TEXT_LIMIT + MARKER_ROOM,
        }
    }

    /// A body snippet, shown in full by `Debug` only.
    fn snippet(text: &'a str) -> Inert<'a> {
        Inert {
            text,
            budget: BODY_SNIPPET_LIMIT + MARKER_ROOM,
        }
    }

    fn write(&self, f: &mut fmt::Formatter<'_>, quoted: bool) -> fmt::Result {
        let mut used = 0;
        let mut buf = [0u8; 12];
        for c in self.text.chars() {
            let shown: &str = match c {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '"' if quoted => "\\\"",
                '\\' if quoted => "\\\\",
                c if is_unsafe_to_show(c) => {
                    // `\u{..}` is ASCII, at most 10 bytes.
                    let mut len = 0;
                    for e in c.escape_unicode() {
                        buf[len] = e as u8;
                        len += 1;
                    }
                    std::str::from_utf8(&buf[..len]).unwrap_or("\\u{?}")
                }
                c => c.encode_utf8(&mut buf),
            };
            if used + shown.len() > self.budget {
                return write!(f, "…[cut: {} bytes in all]", original_len(self.text));
            }
            f.write_str(shown)?;
            used += shown.len();
        }
        Ok(())
    }
}

impl fmt::Display for Inert<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, false)
    }
}

impl fmt::Debug for Inert<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        self.write(f, true)?;
        f.write_str("\"")
    }
}

/// A source chain as one line: each cause that adds something, joined by `: `,
/// shown inert and bounded. reqwest's own message ("error sending request") says
/// nothing of why; the cause (connection refused, DNS, certificate) is deeper.
struct Causes<'a>(&'a (dyn std::error::Error + 'static));

impl fmt::Display for Causes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut line = String::new();
        let mut current = Some(self.0);
        while let Some(error) = current {
            // A connect timeout reads "deadline has elapsed" (tokio's timer, inside
            // an `io::Error`); say what happened.
            let timed_out = error
                .downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut);
            let message = if timed_out || error.is::<tokio::time::error::Elapsed>() {
                "timed out".to_owned()
            } else {
                error.to_string()
            };
            // Many errors repeat their source's text in their own.
            if !message.is_empty() && !line.contains(&message) {
                if !line.is_empty() {
                    line.push_str(": ");
                }
                line.push_str(&message);
            }
            if line.len() > TEXT_LIMIT + MARKER_ROOM {
                break;
            }
            current = error.source();
        }
        Inert::text(&line).fmt(f)
    }
}

/// Where a redirect pointed, for its message.
struct Target<'a>(Option<&'a str>);

impl fmt::Display for Target<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(location) => write!(f, "to `{}`", Inert::text(location)),
            None => f.write_str("without a Location"),
        }
    }
}

/// `: <message>` when there is a message.
struct Explained<'a>(Option<&'a str>);

impl fmt::Display for Explained<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(message) => write!(f, ": {}", Inert::text(message)),
            None => Ok(()),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidInput { field, reason } => f
                .debug_struct("InvalidInput")
                .field("field", &Inert::id(field))
                .field("reason", &Inert::text(reason))
                .finish(),
            Error::Config(why) => f.debug_tuple("Config").field(&Inert::text(why)).finish(),
            Error::Api(api) => f.debug_tuple("Api").field(api).finish(),
            Error::Timeout(timeout) => f.debug_tuple("Timeout").field(timeout).finish(),
            Error::Transport { kind, source } => {
                let source = format!("{source:?}");
                f.debug_struct("Transport")
                    .field("kind", kind)
                    .field("source", &format_args!("{}", Inert::snippet(&source)))
                    .finish()
            }
            Error::Decode {
                operation,
                path,
                message,
                body,
            } => f
                .debug_struct("Decode")
                .field("operation", operation)
                .field("path", &Inert::text(path))
                .field("message", &Inert::text(message))
                .field("body", &Inert::snippet(body))
                .finish(),
            Error::Redirect { status, location } => f
                .debug_struct("Redirect")
                .field("status", status)
                .field("location", &location.as_deref().map(Inert::text))
                .finish(),
            Error::BodyTooLarge { limit } => f
                .debug_struct("BodyTooLarge")
                .field("limit", limit)
                .finish(),
            Error::Protocol { operation, reason } => f
                .debug_struct("Protocol")
                .field("operation", operation)
                .field("reason", &Inert::text(reason))
                .finish(),
            Error::ResourceFailed {
                resource,
                id,
                status,
                message,
            } => f
                .debug_struct("ResourceFailed")
                .field("resource", resource)
                .field("id", &Inert::id(id))
                .field("status", &Inert::id(status))
                .field("message", &message.as_deref().map(Inert::text))
                .finish(),
            Error::WaitTimeout {
                resource,
                id,
                target,
                last_status,
                waited,
            } => f
                .debug_struct("WaitTimeout")
                .field("resource", resource)
                .field("id", &Inert::id(id))
                .field("target", target)
                .field("last_status", &Inert::id(last_status))
                .field("waited", waited)
                .finish(),
            Error::RetriesExhausted { attempts, last } => f
                .debug_struct("RetriesExhausted")
                .field("attempts", attempts)
                .field("last", last)
                .finish(),
            Error::OutcomeUnknown { operation, source } => f
                .debug_struct("OutcomeUnknown")
                .field("operation", operation)
                .field("source", source)
                .finish(),
            Error::PageFailed {
                operation,
                offset,
                yielded,
                source,
            } => f
                .debug_struct("PageFailed")
                .field("operation", operation)
                .field("offset", offset)
                .field("yielded", yielded)
                .field("source", source)
                .finish(),
        }
    }
}

impl Error {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Redirect { status, .. } => Some(*status),
            Error::RetriesExhausted { last, .. } => last.status(),
            Error::OutcomeUnknown { source, .. } | Error::PageFailed { source, .. } => {
                source.status()
            }
            _ => None,
        }
    }

    /// The API error, when the server answered with one (also behind
    /// [`Error::RetriesExhausted`] and [`Error::OutcomeUnknown`]).
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            Error::RetriesExhausted { last, .. } => last.api(),
            Error::OutcomeUnknown { source, .. } | Error::PageFailed { source, .. } => source.api(),
            _ => None,
        }
    }

    /// The API's error slug, if there is one.
    pub fn slug(&self) -> Option<&str> {
        self.api().and_then(|a| a.slug.as_deref())
    }

    /// The `X-Request-ID` of the failed call, when the server answered.
    pub fn request_id(&self) -> Option<&str> {
        self.api().and_then(|a| a.request_id.as_deref())
    }

    /// Whether the error is a `404 Not Found`.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// Where a failed page walk can resume: the offset of the page that failed
    /// ([`Error::PageFailed`]).
    pub fn resume_offset(&self) -> Option<u32> {
        match self {
            Error::PageFailed { offset, .. } => Some(*offset),
            _ => None,
        }
    }

    /// Whether a timeout ended the call.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Timeout(_) | Error::WaitTimeout { .. } => true,
            Error::RetriesExhausted { last, .. } => last.is_timeout(),
            Error::OutcomeUnknown { source, .. } | Error::PageFailed { source, .. } => {
                source.is_timeout()
            }
            _ => false,
        }
    }

    /// Whether the server may have acted on the request before this error ended the
    /// call: the whole-call timeout fired, or a success answer could not be read.
    pub(crate) fn may_have_acted(&self) -> bool {
        matches!(
            self,
            Error::Timeout(Timeout::Total(_)) | Error::BodyTooLarge { .. } | Error::Decode { .. }
        )
    }

    /// Gives API errors the request id the client sent: the id is what a support
    /// ticket needs, and a server must not be able to replace it. A different id
    /// the server answered with is kept apart, in `server_request_id`.
    pub(crate) fn with_request_id(mut self, sent: Option<&str>) -> Error {
        fn fill(error: &mut Error, sent: &str) {
            match error {
                Error::Api(api) => {
                    let sent = bound(sent, ID_LIMIT);
                    if let Some(answered) = api.request_id.take()
                        && answered != sent
                    {
                        api.server_request_id = Some(answered);
                    }
                    api.request_id = Some(sent);
                }
                Error::RetriesExhausted { last, .. } => fill(last, sent),
                Error::OutcomeUnknown { source, .. } | Error::PageFailed { source, .. } => {
                    fill(source, sent)
                }
                _ => {}
            }
        }
        if let Some(sent) = sent {
            fill(&mut self, sent);
        }
        self
    }

    /// Turns an error that crossed the tower stack back into an [`Error`].
    pub(crate) fn from_box(error: BoxError) -> Error {
        let error = match error.downcast::<Error>() {
            Ok(e) => return *e,
            Err(other) => other,
        };
        match error.downcast::<reqwest::Error>() {
            Ok(e) => Error::from_reqwest(*e),
            Err(other) => Error::Transport {
                kind: TransportKind::Io,
                source: other,
            },
        }
    }

    /// Classifies a transport error from the hyper leaf.
    #[cfg(feature = "hyper")]
    pub(crate) fn from_hyper(error: hyper_util::client::legacy::Error) -> Error {
        Error::transport(error.is_connect(), Box::new(error))
    }

    /// Classifies a transport error from reqwest.
    pub(crate) fn from_reqwest(error: reqwest::Error) -> Error {
        // reqwest errors carry the URL; ours hold no secret, but keep the message short.
        Error::transport(error.is_connect(), Box::new(error.without_url()))
    }

    /// The one place a leaf's failure is classified: TLS when a rustls error is
    /// in the chain, else a connect failure when the leaf says so, else I/O.
    fn transport(is_connect: bool, source: BoxError) -> Error {
        let kind = if is_tls(&*source) {
            TransportKind::Tls
        } else if is_connect {
            TransportKind::Connect
        } else {
            TransportKind::Io
        };
        Error::Transport { kind, source }
    }
}

/// Whether a rustls error is somewhere in the chain. `io::Error` hides the error it
/// wraps from `source()`, so look inside it with `get_ref()` as well.
fn is_tls(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.is::<rustls::Error>() {
            return true;
        }
        if let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            && is_tls(inner)
        {
            return true;
        }
        current = e.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_errors_read_the_wire_body_and_ids() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", "req-1".parse().unwrap());
        headers.insert("x-mgc-trace-id", "trace-9".parse().unwrap());
        let body = Bytes::from_static(br#"{"slug":"not_found","message":"no such instance"}"#);
        let e = ApiError::from_parts(StatusCode::NOT_FOUND, &headers, &body);
        assert_eq!(e.slug.as_deref(), Some("not_found"));
        assert_eq!(
            e.to_string(),
            "API error 404 Not Found: not_found: no such instance (request id req-1, trace id trace-9)"
        );
    }

    #[test]
    fn html_error_bodies_become_a_bounded_snippet() {
        let page = format!("<html>{}</html>", "x".repeat(10_000));
        let e = ApiError::from_parts(
            StatusCode::BAD_GATEWAY,
            &HeaderMap::new(),
            &Bytes::from(page),
        );
        assert!(e.slug.is_none());
        assert!(e.body.starts_with("<html>"));
        assert!(e.body.len() <= BODY_SNIPPET_LIMIT + '…'.len_utf8());
    }

    /// Every character a reader's terminal or log viewer could act on.
    const HOSTILE: &str = "a\nb\rc\td\u{1b}[31me\u{0}\u{7f}\u{85}\u{9b}\u{202e}f\u{2066}\u{2069}\u{2028}\u{200b}\u{feff}";

    fn raw_control(text: &str) -> Option<char> {
        text.chars().find(|c| is_unsafe_to_show(*c))
    }

    #[test]
    fn inert_text_escapes_controls_in_display_and_debug() {
        let shown = Inert::text(HOSTILE).to_string();
        assert_eq!(
            shown,
            "a\\nb\\rc\\td\\u{1b}[31me\\u{0}\\u{7f}\\u{85}\\u{9b}\\u{202e}f\\u{2066}\\u{2069}\\u{2028}\\u{200b}\\u{feff}"
        );
        assert_eq!(raw_control(&shown), None);
        let debug = format!("{:?}", Inert::text("say \"hi\"\\\n"));
        assert_eq!(debug, "\"say \\\"hi\\\"\\\\\\n\"");
        // Plain and non-ASCII text is left as it is.
        assert_eq!(Inert::id("ação-1").to_string(), "ação-1");
    }

    #[test]
    fn inert_text_is_cut_at_its_budget_even_when_escaping_inflates_it() {
        let escapes = "\u{1b}".repeat(10_000);
        let shown = Inert::text(&escapes).to_string();
        assert!(
            shown.len() <= TEXT_LIMIT + MARKER_ROOM + 40,
            "{}",
            shown.len()
        );
        assert!(shown.ends_with("…[cut: 10000 bytes in all]"), "{shown}");
        // A text cut when kept and again when shown still names its original length.
        let kept = bound(&escapes, TEXT_LIMIT);
        let shown = Inert::text(&kept).to_string();
        assert!(shown.ends_with("…[cut: 10000 bytes in all]"), "{shown}");
        let shown = Inert::id(&"x".repeat(10_000)).to_string();
        assert!(shown.len() <= ID_LIMIT + MARKER_ROOM + 40);
    }

    #[test]
    fn bound_cuts_on_a_character_boundary_and_keeps_the_length() {
        assert_eq!(bound("short", 10), "short");
        let text = "é".repeat(100); // 200 bytes
        let kept = bound(&text, 11);
        assert_eq!(kept, format!("{}…[cut: 200 bytes in all]", "é".repeat(5)));
        assert_eq!(bound_owned("abc".to_owned(), 3), "abc");
    }

    #[test]
    fn the_request_id_sent_wins_and_the_servers_is_kept_apart() {
        let mut headers = HeaderMap::new();
        headers.insert("x-request-id", "theirs".parse().unwrap());
        let api = || {
            Error::Api(Box::new(ApiError::from_parts(
                StatusCode::BAD_REQUEST,
                &headers,
                &Bytes::new(),
            )))
        };
        let e = api().with_request_id(Some("ours"));
        assert_eq!(e.request_id(), Some("ours"));
        assert_eq!(
            e.api().unwrap().server_request_id.as_deref(),
            Some("theirs")
        );
        assert!(
            e.to_string()
                .ends_with("(request id ours, server's request id theirs)")
        );
        let e = api().with_request_id(Some("theirs"));
        assert_eq!(e.request_id(), Some("theirs"));
        assert_eq!(e.api().unwrap().server_request_id, None);
    }
}
