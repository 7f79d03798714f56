//! One error type for every call, so callers match on what went wrong rather than
//! on which layer noticed it.
//!
//! No variant ever holds a credential: request headers are never copied into an
//! error, the API key and token live only in the header layer as sensitive header
//! values, and a decode error of an endpoint whose response holds a secret (the
//! Windows password) keeps neither the body nor serde's message.

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
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value of the call was rejected before anything was sent.
    #[error("invalid input: `{field}` {reason}")]
    InvalidInput {
        /// The field (or header) at fault.
        field: Cow<'static, str>,
        /// Why it was rejected.
        reason: Cow<'static, str>,
    },

    /// The client could not be built from its configuration.
    #[error("invalid configuration: {0}")]
    Config(Cow<'static, str>),

    /// The API answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),

    /// A timeout fired.
    #[error("{0}")]
    Timeout(Timeout),

    /// The request could not be delivered, or the response could not be read.
    #[error("transport error ({kind}): {source}")]
    Transport {
        /// What kind of failure this was.
        kind: TransportKind,
        /// The underlying error.
        #[source]
        source: BoxError,
    },

    /// A success response did not decode into the expected type.
    #[error("could not decode the response of `{operation}` at `{path}`: {message}")]
    Decode {
        /// The operation whose response failed to decode.
        operation: &'static str,
        /// The JSON path of the field that failed, e.g. `instances[3].created_at`
        /// (`.` for the document itself).
        path: String,
        /// What serde said.
        message: String,
        /// The start of the body, for diagnosis.
        body: String,
    },

    /// The server answered with a redirect, which is never followed: a redirect would
    /// carry the credentials to another place.
    #[error("unexpected redirect {status} to {location:?}; redirects are not followed")]
    Redirect {
        /// The 3xx status.
        status: StatusCode,
        /// The `Location` header, if any.
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
    #[error("protocol error in `{operation}`: {reason}")]
    Protocol {
        /// The operation.
        operation: &'static str,
        /// What was wrong.
        reason: Cow<'static, str>,
    },

    /// A waited-on resource entered an error status, so it cannot reach the target.
    #[error("{resource} {id} entered the error status `{status}`{}", message.as_deref().map(|m| format!(": {m}")).unwrap_or_default())]
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
        "gave up waiting for {resource} {id} to be {target} after {waited:?} (last status `{last_status}`)"
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
    #[error("gave up after {attempts} attempts: {last}")]
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
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The API's machine-readable error code, e.g. `instance_not_found`.
    pub slug: Option<String>,
    /// The API's human-readable message.
    pub message: Option<String>,
    /// The `X-Request-ID` of the call.
    pub request_id: Option<String>,
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
            (Some(slug), Some(message)) => write!(f, ": {slug}: {message}")?,
            (Some(only), None) | (None, Some(only)) => write!(f, ": {only}")?,
            (None, None) if !self.body.is_empty() => write!(f, ": {}", self.body)?,
            (None, None) => {}
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id}")?;
            if let Some(trace) = &self.trace_id {
                write!(f, ", trace id {trace}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
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
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                (w.slug, w.message.or(w.detail).map(text))
            }
            Err(_) => (None, None),
        };
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        ApiError {
            status,
            slug,
            message,
            request_id: header("x-request-id"),
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

impl Error {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Redirect { status, .. } => Some(*status),
            Error::RetriesExhausted { last, .. } => last.status(),
            Error::OutcomeUnknown { source, .. } => source.status(),
            _ => None,
        }
    }

    /// The API error, when the server answered with one (also behind
    /// [`Error::RetriesExhausted`] and [`Error::OutcomeUnknown`]).
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            Error::RetriesExhausted { last, .. } => last.api(),
            Error::OutcomeUnknown { source, .. } => source.api(),
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

    /// Whether a timeout ended the call.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Timeout(_) | Error::WaitTimeout { .. } => true,
            Error::RetriesExhausted { last, .. } => last.is_timeout(),
            Error::OutcomeUnknown { source, .. } => source.is_timeout(),
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

    /// Gives API errors the request id the client sent, when the server did not
    /// echo one: the id is what a support ticket needs.
    pub(crate) fn with_request_id(mut self, sent: Option<&str>) -> Error {
        fn fill(error: &mut Error, sent: &str) {
            match error {
                Error::Api(api) if api.request_id.is_none() => {
                    api.request_id = Some(sent.to_owned())
                }
                Error::RetriesExhausted { last, .. } => fill(last, sent),
                Error::OutcomeUnknown { source, .. } => fill(source, sent),
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

    /// Classifies a transport error from reqwest.
    pub(crate) fn from_reqwest(error: reqwest::Error) -> Error {
        let kind = if is_tls(&error) {
            TransportKind::Tls
        } else if error.is_connect() {
            TransportKind::Connect
        } else {
            TransportKind::Io
        };
        // reqwest errors carry the URL; ours hold no secret, but keep the message short.
        Error::Transport {
            kind,
            source: Box::new(error.without_url()),
        }
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
}
