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

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
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
    type Future = AttemptFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<Bytes>) -> AttemptFuture<S::Future> {
        let deadline = request
            .extensions()
            .get::<CallContext>()
            .and_then(|c| c.deadline);
        let names = Names {
            attempt: self.attempt,
            total: self.total,
            deadline,
        };
        // Nearly always a slot is free: the attempt starts here, in `call`, and
        // its future is a plain struct in the caller's, with no box and no task
        // state of its own.
        if let Ok(slot) = self.slots.clone().try_acquire_owned() {
            let now = Instant::now();
            let (until, call_ends_first) = names.until(now);
            let response = self.inner.call(request);
            return match until {
                None => AttemptFuture::Untimed {
                    response,
                    _slot: slot,
                },
                Some(until) => AttemptFuture::Timed {
                    response: tokio::time::timeout_at(until.into(), response),
                    call_ends_first,
                    names,
                    started: now,
                    _slot: slot,
                },
            };
        }
        // The ready service goes into the future; a fresh clone stays for the next.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let slots = self.slots.clone();
        AttemptFuture::Waiting {
            future: Box::pin(async move {
                let started = Instant::now();
                let not_sent = |error: Error| Box::new(NotSent(error)) as BoxError;
                let waiting = slots.acquire_owned();
                let slot = match deadline {
                    Some(at) => tokio::time::timeout_at(at.into(), waiting)
                        .await
                        .map_err(|_| not_sent(names.total_elapsed(started)))?,
                    None => waiting.await,
                };
                // The semaphore is never closed.
                let _slot = slot.map_err(|_| {
                    not_sent(Error::Config("the client's slots were closed".into()))
                })?;
                let now = Instant::now();
                let (until, call_ends_first) = names.until(now);
                let response = inner.call(request);
                match until {
                    None => response.await,
                    Some(until) => match tokio::time::timeout_at(until.into(), response).await {
                        Ok(outcome) => outcome,
                        Err(_) => Err(names.elapsed(call_ends_first, started)),
                    },
                }
            }),
        }
    }
}

/// The bounds of an attempt, and how to name the one that ends it.
#[derive(Clone, Copy, Debug)]
struct Names {
    attempt: Duration,
    /// The configured whole-call timeout, to name it when it fires.
    total: Option<Duration>,
    /// The call's deadline.
    deadline: Option<Instant>,
}

impl Names {
    /// When an attempt starting `now` must end, and whether that is the call's
    /// deadline (rather than the attempt's own timeout).
    fn until(&self, now: Instant) -> (Option<Instant>, bool) {
        match (now.checked_add(self.attempt), self.deadline) {
            (Some(a), Some(d)) if d <= a => (Some(d), true),
            (Some(a), _) => (Some(a), false),
            (None, Some(d)) => (Some(d), true),
            (None, None) => (None, false),
        }
    }

    /// The call's deadline, named as the total timeout.
    fn total_elapsed(&self, started: Instant) -> Error {
        let limit = self.total.unwrap_or_else(|| {
            self.deadline
                .map_or(Duration::ZERO, |d| d.saturating_duration_since(started))
        });
        Error::Timeout(Timeout::Total(limit))
    }

    /// The timeout that ended an attempt.
    fn elapsed(&self, call_ends_first: bool, started: Instant) -> BoxError {
        if call_ends_first {
            Box::new(self.total_elapsed(started))
        } else {
            Box::new(Error::Timeout(Timeout::Attempt(self.attempt)))
        }
    }
}

pin_project_lite::pin_project! {
    /// What [`Attempt`] returns: the attempt itself when a slot was free at once
    /// (nearly always); the wait for a slot and then the attempt, boxed, otherwise.
    #[project = AttemptProj]
    pub(crate) enum AttemptFuture<F> {
        Timed {
            #[pin]
            response: tokio::time::Timeout<F>,
            call_ends_first: bool,
            names: Names,
            started: Instant,
            _slot: OwnedSemaphorePermit,
        },
        Untimed {
            #[pin]
            response: F,
            _slot: OwnedSemaphorePermit,
        },
        Waiting {
            future: LeafFuture,
        },
    }
}

impl<F> Future for AttemptFuture<F>
where
    F: Future<Output = Result<http::Response<Bytes>, BoxError>>,
{
    type Output = Result<http::Response<Bytes>, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            AttemptProj::Timed {
                response,
                call_ends_first,
                names,
                started,
                ..
            } => match ready!(response.poll(cx)) {
                Ok(outcome) => Poll::Ready(outcome),
                Err(_) => Poll::Ready(Err(names.elapsed(*call_ends_first, *started))),
            },
            AttemptProj::Untimed { response, .. } => response.poll(cx),
            AttemptProj::Waiting { future } => future.as_mut().poll(cx),
        }
    }
}
