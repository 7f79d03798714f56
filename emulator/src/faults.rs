//! Fault injection: failed, dropped and truncated responses, a seeded random
//! error rate, and extra latency.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

/// One injected fault, decided when a request arrives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Fault {
    /// Answer with this status and an error body, without touching state.
    Fail {
        status: u16,
        retry_after: Option<u64>,
    },
    /// Close the connection without answering, without touching state.
    Drop,
    /// Handle the request, then cut the response body short.
    Truncate,
}

#[derive(Debug)]
struct Inner {
    queue: VecDeque<(Fault, usize)>,
    rate: Option<(f64, u16)>,
    rng: fastrand::Rng,
    latency: Duration,
}

/// Fault injection controls of an [`Emulator`](crate::Emulator).
///
/// Queued faults (`fail_next`, `drop_next`, `truncate_next`) apply, in the
/// order they were queued, to the next requests that arrive after the call,
/// whatever their path. Requests that already arrived are not affected.
/// When no queued fault applies, the random [`error_rate`](Self::error_rate)
/// may fail the request. Every faulted request is still recorded.
///
/// On the wire:
/// - **fail**: the request is not handled; the answer is `status` with a JSON
///   body `{"slug", "message", "details"}` (slug e.g. `service_unavailable`,
///   `too_many_requests`), plus `Retry-After: secs` when asked for.
/// - **drop**: the request is read in full and recorded but not handled; the
///   connection is then closed without a single response byte.
/// - **truncate**: the request *is* handled (state changes apply); the real
///   status line and headers are sent with the full `Content-Length`, then
///   only the first half of the body, and the connection is closed. A
///   response without a body (204) is sent as `200` with `Content-Length: 2`
///   and no body bytes, so the client always sees a cut body.
#[derive(Debug)]
pub struct Faults {
    inner: Mutex<Inner>,
}

impl Faults {
    pub(crate) fn new(seed: u64) -> Self {
        Faults {
            inner: Mutex::new(Inner {
                queue: VecDeque::new(),
                rate: None,
                rng: fastrand::Rng::with_seed(seed),
                latency: Duration::ZERO,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn push(&self, fault: Fault, n: usize) {
        if n > 0 {
            self.lock().queue.push_back((fault, n));
        }
    }

    /// Fail the next `n` requests with `status` and an error body.
    pub fn fail_next(&self, n: usize, status: u16) {
        self.push(
            Fault::Fail {
                status,
                retry_after: None,
            },
            n,
        );
    }

    /// Fail the next `n` requests with `status` and a `Retry-After: secs` header.
    pub fn fail_next_with_retry_after(&self, n: usize, status: u16, secs: u64) {
        self.push(
            Fault::Fail {
                status,
                retry_after: Some(secs),
            },
            n,
        );
    }

    /// Read the next `n` requests, then close their connections without a response.
    pub fn drop_next(&self, n: usize) {
        self.push(Fault::Drop, n);
    }

    /// Handle the next `n` requests, then send their headers and only half their body.
    pub fn truncate_next(&self, n: usize) {
        self.push(Fault::Truncate, n);
    }

    /// Fail each request with probability `p` (clamped to `0..=1`) with
    /// `status`, drawn from the emulator's seeded generator. `p = 0` turns it off.
    pub fn error_rate(&self, p: f64, status: u16) {
        let p = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
        self.lock().rate = (p > 0.0).then_some((p, status));
    }

    /// Add `d` to every response from now on (on top of the builder's latency).
    pub fn latency(&self, d: Duration) {
        self.lock().latency = d;
    }

    /// Remove every queued fault, the error rate and the added latency.
    pub fn clear(&self) {
        let mut inner = self.lock();
        inner.queue.clear();
        inner.rate = None;
        inner.latency = Duration::ZERO;
    }

    /// How many queued faults are still to be applied.
    pub fn pending(&self) -> usize {
        self.lock().queue.iter().map(|(_, n)| n).sum()
    }

    /// Decide the fault (if any) for a request that just arrived, and the
    /// latency to add to it.
    pub(crate) fn take(&self) -> (Option<Fault>, Duration) {
        let mut inner = self.lock();
        let latency = inner.latency;
        if let Some((fault, n)) = inner.queue.front_mut() {
            let fault = *fault;
            *n -= 1;
            if *n == 0 {
                inner.queue.pop_front();
            }
            return (Some(fault), latency);
        }
        if let Some((p, status)) = inner.rate
            && inner.rng.f64() < p
        {
            return (
                Some(Fault::Fail {
                    status,
                    retry_after: None,
                }),
                latency,
            );
        }
        (None, latency)
    }
}

/// The slug of an injected error body for `status`.
pub(crate) fn slug_for(status: u16) -> &'static str {
    match status {
        400 => "bad_request",
        401 => "Unauthorized",
        403 => "forbidden",
        404 => "not_found",
        408 => "request_timeout",
        409 => "conflict",
        422 => "validation_error",
        429 => "too_many_requests",
        500 => "internal_server_error",
        502 => "bad_gateway",
        503 => "service_unavailable",
        504 => "gateway_timeout",
        _ => "injected_fault",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_is_consumed_in_order() {
        let f = Faults::new(1);
        f.fail_next(2, 503);
        f.drop_next(1);
        assert_eq!(f.pending(), 3);
        assert!(matches!(f.take().0, Some(Fault::Fail { status: 503, .. })));
        assert!(matches!(f.take().0, Some(Fault::Fail { status: 503, .. })));
        assert_eq!(f.take().0, Some(Fault::Drop));
        assert_eq!(f.take().0, None);
    }

    #[test]
    fn error_rate_is_seeded() {
        let draw = |seed| {
            let f = Faults::new(seed);
            f.error_rate(0.5, 500);
            (0..64).map(|_| f.take().0.is_some()).collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        let hits = draw(7).iter().filter(|x| **x).count();
        assert!(hits > 10 && hits < 54, "{hits}");
    }
}
