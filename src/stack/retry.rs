//! The retry policy: what is re-sent, when, and what is never re-sent.
//!
//! * Re-sent: connection failures before the request left (nothing reached the
//!   server) and `429` (the API's rate limiter turned the request away).
//! * Re-sent only when the operation is safe to repeat (`GET`, `DELETE`, and the
//!   actions the endpoint table marks idempotent): `500`, `502`, `503` and `504`, an
//!   attempt timeout, and a connection that broke mid-flight. The API has no
//!   idempotency key, so no 5xx proves the server did not act: a gateway may have
//!   given up on a backend that did, and a proxy's `503` can follow a backend that
//!   created the instance. A create is never re-sent after the server may have
//!   acted on it; its error says the outcome is unknown instead
//!   ([`Error::OutcomeUnknown`]).
//! * Back-off: "full jitter", a uniformly random wait in `[0, min(max, initial *
//!   factor^n)]`, so clients that failed together spread their retries over the
//!   whole window instead of bunching in its upper half. `Retry-After` (seconds or
//!   an HTTP date) is honoured up to the cap.
//! * Honest: when a delete or an idempotent action is re-sent after an attempt that
//!   may have worked and the repeat is refused (`404`, `409`), the error is
//!   [`Error::OutcomeUnknown`], not a plain failure.
//! * Bounded: `max_attempts` per call, a budget shared by all calls of a client so a
//!   failing server is not hammered by a burst, and never a sleep past the call's
//!   deadline (the last error is returned instead of a bare timeout).
//!
//! ## Spans
//!
//! Each attempt is an `mgc.attempt` span (INFO, OpenTelemetry kind `client`) below
//! the call's span, named after the OpenTelemetry conventions for HTTP clients:
//! `http.request.method`, `url.full` (credential-like query values and user info
//! replaced by `REDACTED`; headers are never recorded), `server.address`,
//! `server.port`, `http.request.resend_count` (on re-sends), and once it ended
//! `http.response.status_code`, `error.type`, the server's `X-Mgc-Trace-Id` as
//! `mgc.trace_id`, and what the policy made of it as `mgc.retry` (`retry`,
//! `not_retryable`, `unsafe_to_repeat`, `retries_off`, `attempts_exhausted`,
//! `past_deadline`, `budget_exhausted`; absent on success). Each back-off is an
//! `mgc.backoff` span between two attempts with the wait drawn (`mgc.backoff_ms`),
//! and an INFO event `retrying`: a healthy call logs nothing at INFO, a retried one
//! says so once per retry.
//!
//! The spans are made in the policy's `clone_request` (just before an attempt is
//! issued) and closed in `retry` (as soon as its outcome is known); the attempt's
//! span rides in the extensions of the request copy tower keeps for the next
//! attempt, and only when a subscriber wants it, so with no subscriber a call
//! allocates nothing more.

use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use tower::retry::budget::{Budget, TpsBudget};

use super::CallContext;
use crate::client::{ErrorType, TRACE_ID, error_type, record_server_header};
use crate::error::{BoxError, Error, Timeout, TransportKind};
use tracing::Span;
use tracing::field::Empty;

/// Retry settings. The defaults match the Go SDK: 3 attempts, 1 s initial back-off,
/// 30 s cap, factor 2; plus full jitter.
///
/// Set it up with the chainable setters, so that a setting added later is not a
/// breaking change (the struct is `#[non_exhaustive]`; its fields stay readable):
///
/// ```
/// use std::time::Duration;
/// use mgc::RetryConfig;
///
/// let retry = RetryConfig::new()
///     .max_attempts(5)
///     .initial_interval(Duration::from_millis(200))
///     .max_interval(Duration::from_secs(10));
/// assert_eq!(retry.max_attempts, 5);
/// let client = mgc::Client::builder().api_key("key").retry(retry).build()?;
/// # Ok::<(), mgc::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct RetryConfig {
    /// Attempts per call, the first one included; `1` disables retries.
    pub max_attempts: u32,
    /// The back-off before the first retry.
    pub initial_interval: Duration,
    /// The longest back-off, `Retry-After` included.
    pub max_interval: Duration,
    /// How much the back-off grows per retry.
    pub factor: f64,
    /// Whether to randomize each back-off: uniformly between zero and all of it
    /// ("full jitter"). Off, every client waits exactly the exponential back-off.
    pub jitter: bool,
    /// The retry budget shared by all calls of a client: retries always allowed per
    /// second, on average over 10 s (default 10)...
    pub budget_per_second: u32,
    /// ...plus this share of the calls that succeeded (default 0.2: one retry per
    /// five successes). A burst against a failing server runs out of budget and
    /// fails fast instead of multiplying the load.
    pub budget_ratio: f32,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_attempts: 3,
            initial_interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(30),
            factor: 2.0,
            jitter: true,
            budget_per_second: 10,
            budget_ratio: 0.2,
        }
    }
}

impl RetryConfig {
    /// The defaults (see [`RetryConfig`]), to adjust with the setters.
    pub fn new() -> Self {
        RetryConfig::default()
    }

    /// No retries at all.
    pub fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..RetryConfig::default()
        }
    }

    /// Attempts per call, the first one included; `1` (or `0`) disables retries.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The back-off before the first retry.
    pub fn initial_interval(mut self, interval: Duration) -> Self {
        self.initial_interval = interval;
        self
    }

    /// The longest back-off, `Retry-After` included.
    pub fn max_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval;
        self
    }

    /// How much the back-off grows per retry (a finite number >= 1, checked by
    /// [`ClientBuilder::build`](crate::ClientBuilder::build)).
    pub fn factor(mut self, factor: f64) -> Self {
        self.factor = factor;
        self
    }

    /// Whether each back-off is drawn at random between zero and its full length.
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// Retries always allowed per second across all calls of a client.
    pub fn budget_per_second(mut self, per_second: u32) -> Self {
        self.budget_per_second = per_second;
        self
    }

    /// The extra retries earned per successful call (a finite number >= 0).
    pub fn budget_ratio(mut self, ratio: f32) -> Self {
        self.budget_ratio = ratio;
        self
    }

    /// Checks the settings (a NaN ratio or factor would break the back-off and the
    /// budget).
    pub(crate) fn validate(&self) -> Result<(), crate::error::Error> {
        let bad = |what: &str| {
            Err(crate::error::Error::Config(
                format!("retry settings: {what}").into(),
            ))
        };
        if !self.factor.is_finite() || self.factor < 1.0 {
            return bad("factor must be a finite number >= 1");
        }
        if !self.budget_ratio.is_finite() || self.budget_ratio < 0.0 {
            return bad("budget_ratio must be a finite number >= 0");
        }
        Ok(())
    }

    /// The back-off before retry number `retry` (1-based), before jitter.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .factor
            .max(1.0)
            .powi(retry.saturating_sub(1).min(64) as i32);
        let secs = self.initial_interval.as_secs_f64() * exp;
        Duration::try_from_secs_f64(secs.min(self.max_interval.as_secs_f64()))
            .unwrap_or(self.max_interval)
    }

    /// The wait before retry number `retry` for a random draw `unit` in `[0, 1)`:
    /// with jitter, `unit` of the full back-off (uniform over `[0, backoff]`);
    /// without, the back-off itself. Pure, so its distribution can be tested.
    pub(crate) fn delay(&self, retry: u32, unit: f64) -> Duration {
        let ceiling = self.backoff(retry);
        if self.jitter {
            ceiling.mul_f64(unit.clamp(0.0, 1.0))
        } else {
            ceiling
        }
    }
}

/// What the policy decided about one outcome.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// Success, or a failure no retry can mend.
    Final,
    /// Try again.
    Retry,
    /// Try again, although the failed attempt may have taken effect (a safe call
    /// answered 500, or timed out).
    RetryMaybeActed,
    /// A failure after which the server may have acted, on a call that must not repeat.
    MayHaveActed,
}

/// The [`tower::retry::Policy`] of the stack. One is cloned per call.
#[derive(Clone)]
pub struct RetryPolicy {
    config: RetryConfig,
    budget: Arc<TpsBudget>,
    attempts: u32,
    /// Whether an earlier attempt of this call may have taken effect.
    maybe_acted: bool,
    /// The call this policy serves, read once from the first request, so the
    /// copies made for retries need no extensions.
    context: Option<CallContext>,
    /// The span of the back-off being slept, closed when the next attempt starts.
    backoff: Option<Span>,
}

/// The span of one attempt, carried in the extensions of the request copy tower
/// keeps while that attempt is in flight.
#[derive(Clone)]
struct AttemptSpan(Span);

/// The span of an attempt about to be issued; `resends` attempts came before it.
fn attempt_span(request: &http::Request<Bytes>, resends: u32) -> Span {
    let method = request.method().as_str();
    let span = tracing::info_span!(
        "mgc.attempt",
        "otel.kind" = "client",
        "otel.name" = method,
        "http.request.method" = method,
        "url.full" = Empty,
        "server.address" = Empty,
        "server.port" = Empty,
        "http.request.resend_count" = Empty,
        "http.response.status_code" = Empty,
        "error.type" = Empty,
        "mgc.trace_id" = Empty,
        "mgc.retry" = Empty,
        "otel.status_code" = Empty,
    );
    if span.is_disabled() {
        return span;
    }
    let uri = request.uri();
    span.record("url.full", tracing::field::display(RedactedUrl(uri)));
    if let Some(host) = uri.host() {
        span.record("server.address", host);
    }
    let port = uri.port_u16().or(match uri.scheme_str() {
        Some("https") => Some(443),
        Some("http") => Some(80),
        _ => None,
    });
    if let Some(port) = port {
        span.record("server.port", port);
    }
    if resends > 0 {
        span.record("http.request.resend_count", resends);
    }
    span
}

/// Records how an attempt ended on its span: status or error type, trace id.
fn record_outcome(span: &Span, result: &Result<http::Response<Bytes>, BoxError>) {
    if span.is_disabled() {
        return;
    }
    match result {
        Ok(response) => {
            let status = response.status();
            span.record("http.response.status_code", status.as_u16());
            if status.is_client_error() || status.is_server_error() {
                // OpenTelemetry: an HTTP error's `error.type` is its status code.
                span.record("error.type", tracing::field::display(cause(result)));
                span.record("otel.status_code", "ERROR");
            }
            record_server_header(span, "mgc.trace_id", response.headers().get(TRACE_ID));
        }
        Err(_) => {
            span.record("error.type", tracing::field::display(cause(result)));
            span.record("otel.status_code", "ERROR");
        }
    }
}

/// What an attempt failed with, as `error.type`: the status, or the error's kind
/// (`_OTHER`, OpenTelemetry's fallback, for an error that is not ours).
fn cause(result: &Result<http::Response<Bytes>, BoxError>) -> ErrorType {
    match result {
        Ok(response) => ErrorType::Status(response.status()),
        Err(error) => error
            .downcast_ref::<Error>()
            .map_or(ErrorType::Kind("_OTHER"), error_type),
    }
}

/// A URL as `url.full` shows it: user info and the values of credential-like query
/// parameters (`token`, `key`, `signature`, ...) replaced by `REDACTED`, as the
/// OpenTelemetry conventions ask. This API's queries carry no credential, but a
/// user's endpoint might.
struct RedactedUrl<'a>(&'a http::Uri);

impl std::fmt::Display for RedactedUrl<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let uri = self.0;
        if let Some(scheme) = uri.scheme_str() {
            write!(f, "{scheme}://")?;
        }
        if let Some(authority) = uri.authority() {
            match authority.as_str().rsplit_once('@') {
                Some((_, host)) => write!(f, "REDACTED:REDACTED@{host}")?,
                None => f.write_str(authority.as_str())?,
            }
        }
        f.write_str(uri.path())?;
        let Some(query) = uri.query() else {
            return Ok(());
        };
        f.write_str("?")?;
        for (i, pair) in query.split('&').enumerate() {
            if i > 0 {
                f.write_str("&")?;
            }
            match pair.split_once('=') {
                Some((key, _)) if is_credential_like(key) => write!(f, "{key}=REDACTED")?,
                _ => f.write_str(pair)?,
            }
        }
        Ok(())
    }
}

/// Whether a query parameter's name suggests it carries a credential.
fn is_credential_like(key: &str) -> bool {
    const WORDS: [&str; 11] = [
        "key",
        "token",
        "secret",
        "password",
        "passwd",
        "signature",
        "sig",
        "auth",
        "credential",
        "jwt",
        "session",
    ];
    let key = key.to_ascii_lowercase();
    WORDS.iter().any(|word| key.contains(word))
}

impl std::fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("config", &self.config)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

impl RetryPolicy {
    /// A policy with `config` and a retry budget (from `config`) shared by every
    /// clone, so a burst of calls to a failing server does not multiply into a storm.
    pub fn new(config: RetryConfig) -> Self {
        let budget = TpsBudget::new(
            Duration::from_secs(10),
            config.budget_per_second.min(1_000_000),
            config.budget_ratio.clamp(0.0, 1000.0),
        );
        RetryPolicy::with_budget(config, Arc::new(budget))
    }

    /// A policy whose budget is `budget` (shared with whoever else holds it).
    pub fn with_budget(config: RetryConfig, budget: Arc<TpsBudget>) -> Self {
        RetryPolicy {
            config,
            budget,
            attempts: 0,
            maybe_acted: false,
            context: None,
            backoff: None,
        }
    }

    fn verdict(result: &Result<http::Response<Bytes>, BoxError>, safe: bool) -> Verdict {
        let unsafe_failure = if safe {
            Verdict::RetryMaybeActed
        } else {
            Verdict::MayHaveActed
        };
        match result {
            Ok(response) => match response.status() {
                // The rate limiter turned the request away before it was acted on.
                StatusCode::TOO_MANY_REQUESTS => Verdict::Retry,
                // Without an idempotency key no 5xx proves the server did not act:
                // a gateway gave up on (or got garbage from) a backend that may
                // have, and a proxy's 503 can follow a backend that did. Only safe
                // calls are repeated.
                StatusCode::INTERNAL_SERVER_ERROR
                | StatusCode::BAD_GATEWAY
                | StatusCode::SERVICE_UNAVAILABLE
                | StatusCode::GATEWAY_TIMEOUT => unsafe_failure,
                _ => Verdict::Final,
            },
            Err(error) => match error.downcast_ref::<Error>() {
                Some(Error::Transport {
                    kind: TransportKind::Connect,
                    ..
                }) => Verdict::Retry,
                Some(Error::Transport {
                    kind: TransportKind::Io,
                    ..
                })
                | Some(Error::Timeout(Timeout::Attempt(_))) => unsafe_failure,
                // The call's time is up: nothing is left to retry in.
                Some(Error::Timeout(Timeout::Total(_))) => Verdict::Final,
                _ => Verdict::Final,
            },
        }
    }
}

/// How the retry policy ended a call that failed: the facts the client needs to
/// build the call's one error ([`crate::client`]'s `final_error`), so that the
/// same outcome gives the same error whatever the retry settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    /// Not retryable (a 4xx, a TLS failure, ...): the failure as it is.
    Final,
    /// A retryable failure that was not retried to success: attempts used up
    /// (retries off counts: one attempt of one allowed), the budget spent, or the
    /// next back-off would pass the deadline.
    Exhausted {
        /// How many attempts were made.
        attempts: u32,
    },
    /// The server may have acted, and repeating is not safe (a create answered
    /// 5xx, timed out or cut mid-flight), or a repeat was refused because an
    /// earlier attempt may already have done the job: the outcome is unknown.
    MaybeActed,
}

/// A failure that crossed the retry layer as an error, with how the policy ended it.
#[derive(Debug)]
pub(crate) struct Ended {
    pub(crate) ending: Ending,
    pub(crate) source: BoxError,
}

impl std::fmt::Display for Ended {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.source, f)
    }
}

impl std::error::Error for Ended {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.source)
    }
}

/// Records how the call ended where the client will find it: on an error
/// response's extensions, or around a transport error.
fn end(result: &mut Result<http::Response<Bytes>, BoxError>, ending: Ending) {
    match result {
        Ok(response) => {
            response.extensions_mut().insert(ending);
        }
        Err(_) => {
            let placeholder = Ok(http::Response::new(Bytes::new()));
            if let Err(source) = std::mem::replace(result, placeholder) {
                *result = Err(Box::new(Ended { ending, source }));
            }
        }
    }
}

/// `Retry-After` as a delay: delta-seconds or an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let delta = when.signed_duration_since(chrono::Utc::now());
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

impl tower::retry::Policy<http::Request<Bytes>, http::Response<Bytes>, BoxError> for RetryPolicy {
    type Future = Pin<Box<tokio::time::Sleep>>;

    fn retry(
        &mut self,
        request: &mut http::Request<Bytes>,
        result: &mut Result<http::Response<Bytes>, BoxError>,
    ) -> Option<Self::Future> {
        self.attempts += 1;
        // The attempt that just ended; its span closes when this returns.
        let attempt = request
            .extensions_mut()
            .remove::<AttemptSpan>()
            .map_or_else(Span::none, |a| a.0);
        record_outcome(&attempt, result);
        let decided = |decision: &'static str| attempt.record("mgc.retry", decision);
        let context = self.context;
        let safe = context.is_some_and(|c| c.safe_to_repeat);
        match Self::verdict(result, safe) {
            Verdict::Final => {
                if result.is_ok() {
                    self.budget.deposit();
                }
                let failed = result.as_ref().map_or(true, |r| {
                    r.status().is_client_error() || r.status().is_server_error()
                });
                if failed {
                    decided("not_retryable");
                }
                // A delete or an action re-sent after an attempt that may have
                // worked can be refused *because* it worked (404, 409): the caller
                // must not read that as a plain failure.
                let refused = result.as_ref().is_ok_and(|r| r.status().is_client_error());
                if self.maybe_acted && refused && request.method() != http::Method::GET {
                    end(result, Ending::MaybeActed);
                } else if failed {
                    end(result, Ending::Final);
                }
                return None;
            }
            Verdict::MayHaveActed => {
                decided("unsafe_to_repeat");
                end(result, Ending::MaybeActed);
                return None;
            }
            // Retries are off: one attempt of one allowed.
            Verdict::Retry | Verdict::RetryMaybeActed if self.config.max_attempts <= 1 => {
                decided("retries_off");
                end(
                    result,
                    Ending::Exhausted {
                        attempts: self.attempts,
                    },
                );
                return None;
            }
            Verdict::Retry => {}
            Verdict::RetryMaybeActed => self.maybe_acted = true,
        }

        let mut delay = self.config.delay(self.attempts, fastrand::f64());
        if let Ok(response) = result.as_ref()
            && let Some(wait) = retry_after(response.headers())
        {
            delay = delay.max(wait).min(self.config.max_interval);
        }
        let past_deadline = context.and_then(|c| c.deadline).is_some_and(|deadline| {
            Instant::now()
                .checked_add(delay)
                .is_none_or(|at| at >= deadline)
        });

        let stop = if self.attempts >= self.config.max_attempts {
            Some("attempts_exhausted")
        } else if past_deadline {
            Some("past_deadline")
        } else if !self.budget.withdraw() {
            Some("budget_exhausted")
        } else {
            None
        };
        if let Some(reason) = stop {
            decided(reason);
            end(
                result,
                Ending::Exhausted {
                    attempts: self.attempts,
                },
            );
            return None;
        }
        decided("retry");
        // `request` is the copy tower sends next. Copies are made bare (a copy
        // per call would otherwise cost an allocation even when nothing is
        // retried), so the call's context goes back in here, where a retry is
        // certain: the attempt layer below reads the deadline from it.
        if let Some(context) = context {
            request.extensions_mut().insert(context);
        }
        // The attempt is over before its back-off begins.
        drop(attempt);
        let delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        // A sibling of the attempts, below the call's span (the current one).
        let backoff = tracing::info_span!(
            "mgc.backoff",
            "mgc.attempt" = self.attempts,
            "mgc.backoff_ms" = delay_ms,
        );
        tracing::info!(
            parent: &backoff,
            operation = context.map_or("request", |c| c.operation),
            "mgc.attempt" = self.attempts,
            "mgc.backoff_ms" = delay_ms,
            "error.type" = %cause(result),
            "retrying"
        );
        self.backoff = Some(backoff);
        Some(Box::pin(tokio::time::sleep(delay)))
    }

    fn clone_request(&mut self, request: &http::Request<Bytes>) -> Option<http::Request<Bytes>> {
        // Always a copy, even with retries off: tower consults `retry` only for
        // requests it could re-send, and `retry` is where an unsafe failure becomes
        // `OutcomeUnknown`.
        let mut copy = http::Request::new(request.body().clone());
        *copy.method_mut() = request.method().clone();
        *copy.uri_mut() = request.uri().clone();
        *copy.version_mut() = request.version();
        *copy.headers_mut() = request.headers().clone();
        if self.context.is_none() {
            self.context = request.extensions().get::<CallContext>().copied();
        }
        // The back-off before this attempt, if any, is over.
        self.backoff = None;
        // Called just before each attempt is issued, the first one included: the
        // copy is what tower keeps while the attempt runs, and hands back to
        // `retry` with its outcome.
        let span = attempt_span(request, self.attempts);
        if !span.is_none() {
            copy.extensions_mut().insert(AttemptSpan(span));
        }
        Some(copy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_caps() {
        let c = RetryConfig::default();
        assert_eq!(c.backoff(1), Duration::from_secs(1));
        assert_eq!(c.backoff(2), Duration::from_secs(2));
        assert_eq!(c.backoff(3), Duration::from_secs(4));
        assert_eq!(c.backoff(30), Duration::from_secs(30));
    }

    /// Full jitter: 10,000 draws of the first back-off (1 s) spread uniformly over
    /// `[0, 1 s]`. The old draw (upper half only) never reached below 500 ms.
    #[test]
    fn backoff_is_full_jitter_uniform_from_zero_to_the_ceiling() {
        let config = RetryConfig::default();
        let mut rng = fastrand::Rng::with_seed(12);
        let mut draws: Vec<f64> = (0..10_000)
            .map(|_| config.delay(1, rng.f64()).as_secs_f64())
            .collect();
        draws.sort_by(f64::total_cmp);
        assert!(draws.iter().all(|d| (0.0..=1.0).contains(d)));
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!((mean - 0.5).abs() < 0.02, "mean {mean}");
        let quantile = |q: f64| draws[((draws.len() - 1) as f64 * q) as usize];
        for q in [0.05, 0.25, 0.5, 0.75, 0.95] {
            let got = quantile(q);
            assert!((got - q).abs() < 0.03, "quantile {q}: {got}");
        }
        let lower_half = draws.iter().filter(|d| **d < 0.5).count();
        assert!((4_700..=5_300).contains(&lower_half), "{lower_half}");
        // The ceiling grows and caps as the back-off does.
        assert!(config.delay(3, 0.999_999) <= Duration::from_secs(4));
        assert!(config.delay(3, 0.999_999) > Duration::from_millis(3_999));
        assert_eq!(config.delay(40, 0.5), Duration::from_secs(15));
        // Without jitter the wait is the back-off itself.
        assert_eq!(config.jitter(false).delay(2, 0.1), Duration::from_secs(2));
    }

    #[test]
    fn setters_set_what_they_name() {
        let c = RetryConfig::new()
            .max_attempts(0)
            .initial_interval(Duration::from_millis(7))
            .max_interval(Duration::from_secs(9))
            .factor(3.0)
            .jitter(false)
            .budget_per_second(4)
            .budget_ratio(0.5);
        assert_eq!(c.max_attempts, 1);
        assert_eq!(c.initial_interval, Duration::from_millis(7));
        assert_eq!(c.max_interval, Duration::from_secs(9));
        assert_eq!(c.factor, 3.0);
        assert!(!c.jitter);
        assert_eq!(c.budget_per_second, 4);
        assert_eq!(c.budget_ratio, 0.5);
        assert_eq!(RetryConfig::new(), RetryConfig::default());
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "2".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert(
            "retry-after",
            "Sun, 06 Nov 1994 08:49:37 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }
}
