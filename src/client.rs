//! [`Client`]: one generic executor over the tower stack.
//!
//! `send` is a thin generic shim: build the request (pure), hand it to the
//! type-erased stack (the one non-generic path), decode the body. Everything a call
//! does on the wire happens in the layers of [`crate::stack`].
//!
//! Each call runs inside an `mgc.call` span (INFO): its operation, the
//! `X-Request-ID` it carried, the final status, the server's `X-Mgc-Trace-Id`, and
//! `error.type` when it failed. The attempts below it are spans of the retry layer
//! ([`crate::stack::retry`]). Spans at INFO print nothing by themselves, so a
//! healthy call is silent at INFO; a failure is an event: WARN for what an operator
//! acts on (5xx, transport, timeouts, retries given up, unknown outcomes, answers we
//! could not read), DEBUG for what the caller's own code usually handles (a 404
//! when checking whether something exists, a 409, invalid input).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::FutureExt as _;
use futures_util::future::Either;
use http::header::{HeaderName, HeaderValue, LOCATION};
use serde::de::DeserializeOwned;
use tower::ServiceExt as _;
use tracing::Instrument as _;
use tracing::field::Empty;

use crate::builder::ClientBuilder;
use crate::credentials::header_text_problem;
use crate::endpoint::{Endpoint, build_request, header_pair};
use crate::error::{
    ApiError, Error, ID_LIMIT, Inert, TEXT_LIMIT, Timeout, TransportKind, bound_owned, header_text,
    snippet,
};
use crate::stack::attempt::NotSent;
use crate::stack::retry::{Ended, Ending};
use crate::stack::{CallContext, Stack};

/// The `X-Request-ID` header.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The `X-Mgc-Trace-Id` header the API answers with.
pub(crate) const TRACE_ID: HeaderName = HeaderName::from_static("x-mgc-trace-id");

/// The span of one operation: what `send` and `execute` run inside.
fn call_span(operation: &'static str) -> tracing::Span {
    tracing::info_span!(
        "mgc.call",
        "otel.name" = operation,
        "mgc.operation" = operation,
        "mgc.request_id" = Empty,
        "http.response.status_code" = Empty,
        "mgc.trace_id" = Empty,
        "error.type" = Empty,
        "otel.status_code" = Empty,
    )
}

/// The `error.type` of a failure, for spans and events: the status code for an
/// API error (as OpenTelemetry's HTTP conventions have it), else the kind of error.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ErrorType {
    /// An error status.
    Status(http::StatusCode),
    /// Any other failure, by kind.
    Kind(&'static str),
}

impl fmt::Display for ErrorType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorType::Status(status) => f.write_str(status.as_str()),
            ErrorType::Kind(kind) => f.write_str(kind),
        }
    }
}

/// The [`ErrorType`] of `error`.
pub(crate) fn error_type(error: &Error) -> ErrorType {
    ErrorType::Kind(match error {
        Error::Api(api) => return ErrorType::Status(api.status),
        Error::InvalidInput { .. } => "invalid_input",
        Error::Config(_) => "config",
        Error::Timeout(Timeout::Attempt(_)) => "attempt_timeout",
        Error::Timeout(Timeout::Total(_)) => "total_timeout",
        Error::Transport { kind, .. } => match kind {
            TransportKind::Connect => "transport_connect",
            TransportKind::Tls => "transport_tls",
            TransportKind::Io => "transport_io",
        },
        Error::Decode { .. } => "decode",
        Error::Redirect { .. } => "redirect",
        Error::BodyTooLarge { .. } => "body_too_large",
        Error::Protocol { .. } => "protocol",
        Error::ResourceFailed { .. } => "resource_failed",
        Error::WaitTimeout { .. } => "wait_timeout",
        // The cause is the class of the failure; the attempts are in their spans.
        Error::RetriesExhausted { last, .. } => return error_type(last),
        Error::OutcomeUnknown { .. } => "outcome_unknown",
        Error::PageFailed { source, .. } => return error_type(source),
    })
}

/// The one place a failed call's error is built: from what went wrong (`cause`)
/// and, when the failure crossed the retry layer, how the retry policy ended the
/// call. So the same outcome is the same kind of error whatever the retry
/// settings: a retryable failure that was not retried to success is
/// `RetriesExhausted` (one attempt of one allowed counts), a failure after which
/// the server may have acted is `OutcomeUnknown` for a call that is not safe to
/// repeat, and anything else is the failure itself.
fn final_error(
    cause: Error,
    ending: Option<Ending>,
    context: &CallContext,
    sent_id: Option<&str>,
) -> Error {
    let cause = cause.with_request_id(sent_id);
    match ending {
        Some(Ending::MaybeActed) => Error::OutcomeUnknown {
            operation: context.operation,
            source: Box::new(cause),
        },
        Some(Ending::Exhausted { attempts }) => Error::RetriesExhausted {
            attempts,
            last: Box::new(cause),
        },
        // Ended outside the retry (the whole-call timeout) or after it (a success
        // answer that could not be read) when the server may have acted.
        _ if !context.safe_to_repeat && cause.may_have_acted() => Error::OutcomeUnknown {
            operation: context.operation,
            source: Box::new(cause),
        },
        _ => cause,
    }
}

/// Whether a failure is one an operator acts on (logged at WARN) rather than one
/// the caller's code usually handles itself (logged at DEBUG): a 404 on a lookup
/// or invalid input is the caller's business; a 5xx, a transport failure, a
/// timeout or an answer we could not read is the service's.
fn operational(error: &Error) -> bool {
    match error {
        Error::InvalidInput { .. } | Error::Config(_) => false,
        Error::Api(api) => api.status.is_server_error(),
        Error::PageFailed { source, .. } => operational(source),
        _ => true,
    }
}

/// Records a failure on `span` and logs it (see [`operational`] for the level).
/// `what` says what failed (`call failed`, `wait failed`, `page failed`).
pub(crate) fn report_failure(span: &tracing::Span, error: &Error, what: &'static str) {
    let kind = error_type(error);
    span.record("error.type", tracing::field::display(kind));
    span.record("otel.status_code", "ERROR");
    // A call that gave up after retries still says what the server last answered.
    if let Some(status) = error.status() {
        span.record("http.response.status_code", status.as_u16());
    }
    if let Some(trace) = error.api().and_then(|api| api.trace_id.as_deref()) {
        span.record("mgc.trace_id", tracing::field::display(Inert::id(trace)));
    }
    // The error's `Display` is bounded and inert, and no error holds a credential.
    if operational(error) {
        tracing::warn!(parent: span, error = %error, "error.type" = %kind, "{what}");
    } else {
        tracing::debug!(parent: span, error = %error, "error.type" = %kind, "{what}");
    }
}

/// Runs `work` inside `span`, and reports its failure there as `what`.
///
/// A plain function returning a combinator, not an `async fn`: an `async fn`
/// would keep `work` twice in its state (the argument, and the instrumented future
/// made from it), doubling the size of every call's future.
pub(crate) fn run_in<'a, T>(
    span: &'a tracing::Span,
    what: &'static str,
    work: impl Future<Output = Result<T, Error>> + 'a,
) -> impl Future<Output = Result<T, Error>> + 'a {
    work.instrument(span.clone()).map(move |outcome| {
        if let Err(error) = &outcome {
            report_failure(span, error, what);
        }
        outcome
    })
}

/// Records a header the server sent on `span` as `field`: bounded and inert, like
/// every server string (a header may carry bidi overrides or C1 controls).
pub(crate) fn record_server_header(
    span: &tracing::Span,
    field: &'static str,
    value: Option<&HeaderValue>,
) {
    if span.is_disabled() {
        return;
    }
    if let Some(text) = header_text(value, ID_LIMIT) {
        span.record(field, tracing::field::display(Inert::id(&text)));
    }
}

/// A client for the compute API. Cheap to clone (one `Arc`), `Send + Sync`, and
/// meant to be shared by every task of a program.
///
/// ```no_run
/// use mgc::{Client, compute::StartInstance};
///
/// # async fn run() -> Result<(), mgc::Error> {
/// let client = Client::from_env()?;
/// client.send(StartInstance::new("9ec75090-2872-4f51-8111-53d05d96d2c6")).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    service: Stack,
    base: String,
    total_timeout: Option<Duration>,
    preview_headers: http::HeaderMap,
}

/// What [`ClientBuilder::build`] hands over.
pub(crate) struct Parts {
    pub service: Stack,
    pub base: String,
    pub total_timeout: Option<Duration>,
    pub preview_headers: http::HeaderMap,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The headers hold the credential: show only their names.
        let names: Vec<&str> = self
            .inner
            .preview_headers
            .keys()
            .map(HeaderName::as_str)
            .collect();
        f.debug_struct("Client")
            .field("base_url", &self.inner.base)
            .field("total_timeout", &self.inner.total_timeout)
            .field("headers", &names)
            .finish_non_exhaustive()
    }
}

/// Per-call settings for [`Client::send_with`].
#[derive(Clone, Default)]
#[must_use]
pub struct CallOptions {
    request_id: Option<String>,
    headers: Vec<(String, String)>,
    safe_to_repeat: bool,
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Header values may be credentials: show only the names.
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("CallOptions")
            .field("request_id", &self.request_id)
            .field("headers", &names)
            .field("retry_unsafe", &self.safe_to_repeat)
            .finish()
    }
}

impl CallOptions {
    /// No per-call settings.
    pub fn new() -> Self {
        CallOptions::default()
    }

    /// Uses `id` as the `X-Request-ID` of the call (all its attempts share it). It
    /// must be visible ASCII with no spaces, or the call fails before anything is
    /// sent.
    pub fn request_id(mut self, id: impl Into<String>) -> Self {
        self.request_id = Some(id.into());
        self
    }

    /// Adds a header to this call only; it wins over a client-wide header of the same
    /// name. An invalid name or value fails the call before anything is sent.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Lets the retry policy re-send this call even after the server may have acted
    /// on it (a `500`, an attempt timeout, a connection lost mid-flight), although
    /// the endpoint is not idempotent. Use it when a repeat is harmless for you, for
    /// example because you look the resource up by name before creating it again.
    pub fn retry_unsafe(mut self, allow: bool) -> Self {
        self.safe_to_repeat = allow;
        self
    }

    /// Sets this call's headers on `request`; returns the request id it set.
    fn apply(&self, request: &mut http::Request<Bytes>) -> Result<HeaderValue, Error> {
        let headers = request.headers_mut();
        for (name, value) in &self.headers {
            let (header, value) = header_pair(name, value).map_err(|bad| Error::InvalidInput {
                field: Cow::Owned(format!("header {name:?}")),
                reason: Cow::Borrowed(bad.reason()),
            })?;
            headers.insert(header, value);
        }
        let id = match &self.request_id {
            // Visible ASCII only, and the reason never quotes the id: it goes out as
            // raw header bytes and comes back in every error of the call.
            Some(id) => match header_text_problem(id) {
                Some(problem) => {
                    return Err(Error::InvalidInput {
                        field: Cow::Borrowed("request_id"),
                        reason: Cow::Borrowed(problem),
                    });
                }
                None => HeaderValue::from_str(id).map_err(|_| Error::InvalidInput {
                    field: Cow::Borrowed("request_id"),
                    reason: Cow::Borrowed("is not a valid header value"),
                })?,
            },
            None => new_request_id(),
        };
        headers.insert(REQUEST_ID, id.clone());
        Ok(id)
    }
}

/// A fresh UUID-v4-shaped request id.
fn new_request_id() -> HeaderValue {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut bytes = fastrand::u128(..).to_be_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    let mut out = [b'-'; 36];
    let mut at = 0;
    for (i, byte) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            at += 1; // leave the dash
        }
        out[at] = HEX[usize::from(byte >> 4)];
        out[at + 1] = HEX[usize::from(byte & 0x0f)];
        at += 2;
    }
    // Owned rather than copied into a vector: the value is cloned for the call's
    // errors and for tower's copy of the request, and a clone of an owned `Bytes`
    // is a reference count, where a vector's first clone allocates.
    HeaderValue::from_maybe_shared(Bytes::from_owner(out))
        .expect("hex digits and dashes are a valid header value")
}

/// The request [`Client::send`] would issue, as plain data for snapshot tests
/// (before any tower layer of yours: see [`Client::preview`]).
///
/// Credentials show as `[redacted]`, and a request id generated per call as
/// `[per call]`, so snapshots are stable and never hold a secret.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RequestPreview {
    /// The HTTP method.
    pub method: String,
    /// The absolute URL with its query.
    pub url: String,
    /// Every header, by lowercase name.
    pub headers: BTreeMap<String, String>,
    /// The JSON body, if any.
    pub body: Option<serde_json::Value>,
}

impl Client {
    /// A [`ClientBuilder`] with the defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from `MGC_API_KEY` (or `MGC_JWT`), `MGC_REGION` and
    /// `MGC_BASE_URL`; see [`ClientBuilder::from_env`] to adjust it further.
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env().build()
    }

    pub(crate) fn from_parts(parts: Parts) -> Client {
        Client {
            inner: Arc::new(Inner {
                service: parts.service,
                base: parts.base,
                total_timeout: parts.total_timeout,
                preview_headers: parts.preview_headers,
            }),
        }
    }

    /// The base every endpoint path is appended to, e.g. `https://api.magalu.cloud/br-se1/compute`.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    /// Sends `endpoint` and decodes its response.
    ///
    /// Invalid input fails before anything is sent; retries and timeouts follow the
    /// client's configuration.
    pub async fn send<E: Endpoint>(&self, endpoint: E) -> Result<E::Response, Error> {
        self.send_with(endpoint, CallOptions::new()).await
    }

    /// [`send`](Self::send) with per-call settings (request id, extra headers).
    pub async fn send_with<E: Endpoint>(
        &self,
        endpoint: E,
        options: CallOptions,
    ) -> Result<E::Response, Error> {
        let span = call_span(E::OPERATION);
        run_in(&span, "call failed", self.send_in(endpoint, options, &span)).await
    }

    /// Builds the request now and returns the call: a failure to build is a
    /// ready error, and nothing of the endpoint or the request stays in the
    /// future beside the call that carries it.
    fn send_in<'a, E: Endpoint>(
        &'a self,
        endpoint: E,
        options: CallOptions,
        span: &'a tracing::Span,
    ) -> impl Future<Output = Result<E::Response, Error>> + 'a
    where
        E::Response: 'a,
    {
        let prepared = build_request(&endpoint, &self.inner.base).and_then(|mut request| {
            let id = options.apply(&mut request)?;
            Ok((request, id))
        });
        let (request, sent_id) = match prepared {
            Ok(prepared) => prepared,
            Err(error) => return Either::Left(std::future::ready(Err(error))),
        };
        let context = CallContext {
            operation: E::OPERATION,
            safe_to_repeat: E::safe_to_repeat() || options.safe_to_repeat,
            // A timeout too large to add to now is no deadline at all.
            deadline: self
                .inner
                .total_timeout
                .and_then(|t| Instant::now().checked_add(t)),
        };
        Either::Right(
            self.execute_in(request, context, span, Some(sent_id))
                .map(move |response| {
                    E::decode_response(response?.body())
                        .map_err(|error| final_error(error, None, &context, None))
                }),
        )
    }

    /// Runs an already built request through the stack: the one non-generic path
    /// every call takes. Error statuses and redirects come back as errors.
    ///
    /// It runs in its own `mgc.call` span, as [`send`](Self::send) does.
    pub async fn execute(
        &self,
        request: http::Request<Bytes>,
        context: CallContext,
    ) -> Result<http::Response<Bytes>, Error> {
        let span = call_span(context.operation);
        // Without a deadline of the caller's, the client's total timeout is one.
        let context = CallContext {
            deadline: context.deadline.or_else(|| {
                self.inner
                    .total_timeout
                    .and_then(|t| Instant::now().checked_add(t))
            }),
            ..context
        };
        let sent_id = request.headers().get(REQUEST_ID).cloned();
        run_in(
            &span,
            "call failed",
            self.execute_in(request, context, &span, sent_id),
        )
        .await
    }

    /// [`execute`](Self::execute) inside the caller's `mgc.call` span, which it
    /// fills in (request id, status, trace id).
    ///
    /// The request goes into the stack's call before the returned future exists,
    /// so that future does not hold it a second time.
    fn execute_in<'a>(
        &'a self,
        mut request: http::Request<Bytes>,
        context: CallContext,
        span: &'a tracing::Span,
        sent_id: Option<HeaderValue>,
    ) -> impl Future<Output = Result<http::Response<Bytes>, Error>> + Send + 'a {
        request.extensions_mut().insert(context);
        if !span.is_disabled()
            && let Some(id) = sent_id.as_ref().and_then(|v| v.to_str().ok())
        {
            // Checked to be visible ASCII before it was set: safe to show as is.
            span.record("mgc.request_id", id);
        }
        // Boxed: the call's future is moved (into the caller's, and the caller's
        // into a task) before it runs, and every byte of it is one more to copy
        // into cold memory; a box is written once, in place.
        let call: Pin<Box<dyn Future<Output = _> + Send>> = match &self.inner.service {
            Stack::Own(stack) => Box::pin(stack.clone().oneshot(request)),
            Stack::Layered(stack) => Box::pin(stack.clone().oneshot(request)),
        };
        async move { Self::finish(call.await, context, span, sent_id) }
    }

    /// What became of a request: its response when it succeeded, else the one
    /// error that says what happened.
    fn finish(
        outcome: Result<http::Response<Bytes>, crate::error::BoxError>,
        context: CallContext,
        span: &tracing::Span,
        sent_id: Option<HeaderValue>,
    ) -> Result<http::Response<Bytes>, Error> {
        // Read as text only where it is shown: the check is per byte.
        let id_text = || sent_id.as_ref().and_then(|v| v.to_str().ok());
        let (cause, ending) = match outcome {
            Ok(response) => {
                let status = response.status();
                span.record("http.response.status_code", status.as_u16());
                record_server_header(span, "mgc.trace_id", response.headers().get(TRACE_ID));
                tracing::debug!(
                    operation = context.operation,
                    status = status.as_u16(),
                    request_id = id_text().unwrap_or(""),
                    "response"
                );
                if status.is_success() {
                    return Ok(response);
                }
                let ending = response.extensions().get::<Ending>().copied();
                let cause = if status.is_redirection() {
                    Error::Redirect {
                        status,
                        location: header_text(response.headers().get(LOCATION), TEXT_LIMIT),
                    }
                } else {
                    Error::Api(Box::new(ApiError::from_parts(
                        status,
                        response.headers(),
                        response.body(),
                    )))
                };
                (cause, ending)
            }
            Err(error) => match error.downcast::<Ended>() {
                Ok(ended) => match ended.source.downcast::<NotSent>() {
                    // Nothing reached the server: the failure as it is, whatever
                    // the call (a create that never left is not of unknown outcome).
                    Ok(not_sent) => return Err(not_sent.0.with_request_id(id_text())),
                    Err(source) => (Error::from_box(source), Some(ended.ending)),
                },
                Err(other) => (Error::from_box(other), None),
            },
        };
        Err(final_error(cause, ending, &context, id_text()))
    }

    /// The exact request [`send`](Self::send) would issue for `endpoint`, without
    /// sending it: for snapshot tests of what your code asks the API to do.
    ///
    /// It is the request as it enters the stack, with the client-wide headers
    /// (credentials, user agent, `Accept`, your [`ClientBuilder::header`]s) that
    /// the header layer adds: what *your* tower layers
    /// ([`ClientBuilder::layer`]) would change is not applied, since they run only
    /// when something is sent. To see those, give the client a recording
    /// [`ClientBuilder::transport`].
    ///
    /// ```
    /// use mgc::{Client, compute::ListInstances};
    ///
    /// let client = Client::builder().api_key("key").build()?;
    /// let request = client.preview(&ListInstances::new().limit(10u32).name("web"))?;
    /// assert_eq!(request.method, "GET");
    /// assert_eq!(
    ///     request.url,
    ///     "https://api.magalu.cloud/br-se1/compute/v1/instances?_limit=10&name=web"
    /// );
    /// assert_eq!(request.headers["x-api-key"], "[redacted]");
    /// # Ok::<(), mgc::Error>(())
    /// ```
    pub fn preview<E: Endpoint>(&self, endpoint: &E) -> Result<RequestPreview, Error> {
        self.preview_with(endpoint, &CallOptions::new())
    }

    /// [`preview`](Self::preview) with per-call settings.
    pub fn preview_with<E: Endpoint>(
        &self,
        endpoint: &E,
        options: &CallOptions,
    ) -> Result<RequestPreview, Error> {
        let mut request = build_request(endpoint, &self.inner.base)?;
        let generated_id = options.request_id.is_none();
        options.apply(&mut request)?;
        // Client-wide headers first: a per-call header of the same name wins, as on the wire.
        let mut headers = BTreeMap::new();
        for (name, value) in self.inner.preview_headers.iter().chain(request.headers()) {
            let shown = if value.is_sensitive() {
                "[redacted]".to_owned()
            } else if name == REQUEST_ID && generated_id {
                "[per call]".to_owned()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            headers.insert(name.as_str().to_owned(), shown);
        }
        let body = if request.body().is_empty() {
            None
        } else {
            Some(
                serde_json::from_slice(request.body()).map_err(|e| Error::InvalidInput {
                    field: Cow::Borrowed("body"),
                    reason: Cow::Owned(format!("is not JSON: {e}")),
                })?,
            )
        };
        Ok(RequestPreview {
            method: request.method().to_string(),
            url: request.uri().to_string(),
            headers,
            body,
        })
    }
}

/// Decodes a success body as JSON into `T`: the default of
/// [`Endpoint::decode_response`]. An empty body reads as JSON `null`, which a type
/// that holds data rejects with a typed error (a `204` where data is expected is
/// not `Ok`). No type is special: an endpoint without a response body says so
/// itself (a row written `response: ()` overrides `decode_response`), so a `()`
/// or a unit struct decoded here takes only what serde takes for it. Trailing
/// garbage after the JSON value is an error too. With `sensitive`, a failure
/// keeps only the JSON path: the body and serde's message (which quotes values)
/// could hold a secret.
pub(crate) fn decode<T: DeserializeOwned>(
    operation: &'static str,
    body: &[u8],
    sensitive: bool,
) -> Result<T, Error> {
    let input: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    // The fast path: plain serde_json. Only when it fails, decode again with
    // path tracking to name the field (tracking costs an allocation per key).
    if let Ok(value) = serde_json::from_slice::<T>(input) {
        return Ok(value);
    }
    // serde's message quotes the server's values, and a path its keys: both bounded.
    let fail = |path: String, message: String| Error::Decode {
        operation,
        path: bound_owned(path, TEXT_LIMIT),
        message: if sensitive {
            "does not match the expected type (details withheld: the response may hold a secret)"
                .to_owned()
        } else {
            bound_owned(message, TEXT_LIMIT)
        },
        body: if sensitive {
            "[redacted]".to_owned()
        } else {
            snippet(body)
        },
    };
    let mut deserializer = serde_json::Deserializer::from_slice(input);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(e) => Err(fail(e.path().to_string(), e.inner().to_string())),
        Ok(_) => match deserializer.end() {
            Err(e) => Err(fail(".".to_owned(), e.to_string())),
            // Unreachable in practice: the fast path already accepted this input.
            Ok(()) => Err(fail(".".to_owned(), "inconsistent decode".to_owned())),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_look_like_uuid_v4() {
        let a = new_request_id();
        let b = new_request_id();
        assert_ne!(a, b);
        let s = a.to_str().unwrap();
        assert_eq!(s.len(), 36);
        assert_eq!(&s[14..15], "4");
        assert!(matches!(&s[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn decode_names_the_failing_path() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Page {
            items: Vec<Item>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Item {
            n: u32,
        }
        let err = decode::<Page>("op", br#"{"items":[{"n":1},{"n":"x"}]}"#, false).unwrap_err();
        match err {
            Error::Decode { path, .. } => assert_eq!(path, "items[1].n"),
            other => panic!("unexpected {other:?}"),
        }
        // No type is special here: `()` and a unit struct take what serde takes
        // for them (an empty body, as `null`), and no other body. Endpoints that
        // answer no body say so in their row (`response: ()`), not by their size.
        #[derive(serde::Deserialize, Debug)]
        struct Unit;
        assert!(decode::<()>("op", b"", false).is_ok());
        assert!(decode::<Unit>("op", b" ", false).is_ok());
        for body in [&b"{}"[..], b"[]", b"0", b"<html>"] {
            assert!(matches!(
                decode::<()>("op", body, false),
                Err(Error::Decode { .. })
            ));
            assert!(matches!(
                decode::<Unit>("op", body, false),
                Err(Error::Decode { .. })
            ));
        }
        assert!(matches!(
            decode::<Page>("op", b"", false),
            Err(Error::Decode { .. })
        ));
        assert!(matches!(
            decode::<Page>("op", br#"{"items":[]"#, false),
            Err(Error::Decode { .. })
        ));
    }
}
