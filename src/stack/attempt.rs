//! One attempt: a slot among the client's requests in flight, then the request,
//! bounded by the earlier of the attempt's deadline and the call's.
//!
//! Both bounds in one place, with one timer per attempt. The call's deadline
//! ([`CallContext::deadline`]) is enforced wherever the call spends its time:
//! waiting for a slot (a timer only when there is a wait), in an attempt (the
//! attempt's one timer, set to whichever deadline comes first), and in back-off
//! (the retry policy never sleeps toward a deadline it would pass). So no
//! separate whole-call timer runs beside the attempt's, which was the larger part
//! of what the stack cost over raw hyper per call (ARCHITECTURE.md, "What a call
//! costs").
//!
//! The slot is taken in `call`, not in `poll_ready`, so that waiting for it is
//! bounded by the call's deadline (`poll_ready` cannot see the request), and
//! before the attempt's timer starts, so that a wait for a slot never counts
//! against an attempt (which for a create would read as "may have been sent").

use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::Semaphore;
use tower::Service;

use crate::error::{BoxError, Error, Timeout};
use crate::stack::CallContext;
use crate::stack::transport::LeafFuture;

/// A failure before anything was sent (the call's deadline passed while it waited
/// for a slot): the client reports it as it is, never as an outcome unknown.
#[derive(Debug)]
pub(crate) struct NotSent(pub(crate) Error);

impl std::fmt::Display for NotSent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for NotSent {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// The service that runs each attempt (see the module docs).
#[derive(Clone, Debug)]
pub(crate) struct Attempt<S> {
    inner: S,
    slots: Arc<Semaphore>,
    attempt: Duration,
    /// The configured whole-call timeout, to name it when it fires.
    total: Option<Duration>,
}

impl<S> Attempt<S> {
    pub(crate) fn new(
        inner: S,
        max_in_flight: usize,
        attempt: Duration,
        total: Option<Duration>,
    ) -> Self {
        Attempt {
            inner,
            slots: Arc::new(Semaphore::new(max_in_flight)),
            attempt,
            total,
        }
    }
}

impl<S> Service<http::Request<Bytes>> for Attempt<S>
where
    S: Service<http::Request<Bytes>, Response = http::Response<Bytes>, Error = BoxError>
        + Clone
        + Send
        + 'static,
    S::Future: Send,
{
    type Response = http::Response<Bytes>;
    type Error = BoxError;
    type Future = LeafFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Bytes>) -> LeafFuture {
        // The ready service goes into the future; a fresh clone stays for the next.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let slots = self.slots.clone();
        let (attempt, total) = (self.attempt, self.total);
        let deadline = request
            .extensions()
            .get::<CallContext>()
            .and_then(|c| c.deadline);
        Box::pin(async move {
            let started = Instant::now();
            // How the call's deadline is named when it is what ends the wait.
            let total_elapsed = || {
                let limit = total.unwrap_or_else(|| {
                    deadline.map_or(Duration::ZERO, |d| d.saturating_duration_since(started))
                });
                Error::Timeout(Timeout::Total(limit))
            };
            let not_sent = |error: Error| Box::new(NotSent(error)) as BoxError;
            let _slot = match slots.clone().try_acquire_owned() {
                Ok(slot) => slot,
                Err(_) => {
                    let waiting = slots.acquire_owned();
                    let slot = match deadline {
                        Some(at) => tokio::time::timeout_at(at.into(), waiting)
                            .await
                            .map_err(|_| not_sent(total_elapsed()))?,
                        None => waiting.await,
                    };
                    // The semaphore is never closed.
                    slot.map_err(|_| {
                        not_sent(Error::Config("the client's slots were closed".into()))
                    })?
                }
            };
            let attempt_ends = Instant::now().checked_add(attempt);
            let (until, call_ends_first) = match (attempt_ends, deadline) {
                (Some(a), Some(d)) if d <= a => (Some(d), true),
                (Some(a), _) => (Some(a), false),
                (None, Some(d)) => (Some(d), true),
                (None, None) => (None, false),
            };
            let response = inner.call(request);
            match until {
                None => response.await,
                Some(until) => match tokio::time::timeout_at(until.into(), response).await {
                    Ok(outcome) => outcome,
                    Err(_) if call_ends_first => Err(Box::new(total_elapsed()) as BoxError),
                    Err(_) => Err(Box::new(Error::Timeout(Timeout::Attempt(attempt))) as BoxError),
                },
            }
        })
    }
}
