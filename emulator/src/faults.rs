//! Fault injection: failed, dropped, delayed and truncated responses, per
//! operation or for any request, a seeded random error rate, and latency.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use crate::wire::DEFAULT_RETRY_AFTER;

/// One injected fault, applied to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer `status` with an error body, without acting; with
    /// `Retry-After: secs` when `retry_after` is set.
    Fail {
        /// The HTTP status.
        status: u16,
        /// The `Retry-After` header, in seconds.
        retry_after: Option<u64>,
    },
    /// Read the request, then close the connection without acting or answering.
    Drop,
    /// Act (state changes apply), then close the connection without answering:
    /// the duplicate-create trap.
    ActThenDrop,
    /// Act, then answer `status` with an error body instead of the real answer.
    ActThenFail {
        /// The HTTP status.
        status: u16,
    },
    /// Wait this long, then handle the request normally.
    Delay(Duration),
    /// Act, then send the real status and headers (full `Content-Length`) and
    /// only the first `after_bytes` bytes of the body (half of it when
    /// `None`; never the whole), then close the connection.
    Cut {
        /// How many body bytes get through.
        after_bytes: Option<usize>,
    },
}

impl Fault {
    /// A failure with the `Retry-After` the emulator sends on its own 429s and
    /// 503s (1 second), and none for other statuses.
    pub fn fail(status: u16) -> Fault {
        Fault::Fail {
            status,
            retry_after: matches!(status, 429 | 503).then_some(DEFAULT_RETRY_AFTER),
        }
    }

    /// The name the control API uses for this kind of fault.
    pub fn kind(&self) -> &'static str {
        match self {
            Fault::Fail { .. } => "fail",
            Fault::Drop => "drop",
            Fault::ActThenDrop => "act_then_drop",
            Fault::ActThenFail { .. } => "act_then_fail",
            Fault::Delay(_) => "delay",
            Fault::Cut { .. } => "cut",
        }
    }
}

/// A queued fault: for the next `times` requests of `operation` (any when `None`).
#[derive(Debug, Clone)]
struct Queued {
    operation: Option<String>,
    fault: Fault,
    times: usize,
}

#[derive(Debug)]
struct Inner {
    queue: VecDeque<Queued>,
    rate: Option<(f64, u16)>,
    rng: fastrand::Rng,
    latency: Duration,
}

/// Fault injection controls of an [`Emulator`](crate::Emulator).
///
/// Queued faults apply, in the order they were queued, to the next requests
/// that arrive after the call: `fail_next`, `drop_next` and `truncate_next`
/// to any request, [`queue`](Self::queue) to the requests of one operation
/// (by its SDK name, e.g. `create_instance`; see [`crate::operations`]).
/// Requests that already arrived are not affected. The same queue is driven
/// over HTTP by `POST /_emulator/faults` (see the crate's README).
/// When no queued fault applies, the random [`error_rate`](Self::error_rate)
/// may fail the request. Every faulted request is still recorded.
///
/// On the wire:
/// - **fail**: the request is not handled; the answer is `status` with a JSON
///   body `{"message", "slug", "details"}` (slug e.g. `service_unavailable`,
///   `too_many_requests`), plus `Retry-After` (429 and 503 carry one
///   second unless told otherwise).
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
        self.queue(None, fault, n);
    }

    /// Queue `fault` for the next `times` requests of `operation` (an SDK
    /// operation name such as `create_instance`), or of any operation when
    /// `None`. Requests of other operations pass untouched.
    pub fn queue(&self, operation: Option<&str>, fault: Fault, times: usize) {
        if times > 0 {
            self.lock().queue.push_back(Queued {
                operation: operation.map(str::to_string),
                fault,
                times,
            });
        }
    }

    /// Fail the next `n` requests with `status` and an error body (429 and
    /// 503 with `Retry-After: 1`, like every 429 and 503 of the emulator).
    pub fn fail_next(&self, n: usize, status: u16) {
        self.push(Fault::fail(status), n);
    }

    /// Fail the next `n` requests with `status` and no `Retry-After`, even
    /// for 429 and 503: how a client copes without the hint.
    pub fn fail_next_without_retry_after(&self, n: usize, status: u16) {
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
        self.push(Fault::Cut { after_bytes: None }, n);
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
        self.lock().queue.iter().map(|q| q.times).sum()
    }

    /// The queue as `(operation, fault, times left)`, in order.
    pub fn queued(&self) -> Vec<(Option<String>, Fault, usize)> {
        self.lock()
            .queue
            .iter()
            .map(|q| (q.operation.clone(), q.fault, q.times))
            .collect()
    }

    /// Decide the fault (if any) for a request of `operation` that just
    /// arrived, and the latency to add to it.
    pub(crate) fn take(&self, operation: Option<&str>) -> (Option<Fault>, Duration) {
        let mut inner = self.lock();
        let latency = inner.latency;
        let hit = inner
            .queue
            .iter()
            .position(|q| q.operation.is_none() || q.operation.as_deref() == operation);
        if let Some(i) = hit {
            let q = &mut inner.queue[i];
            let fault = q.fault;
            q.times -= 1;
            if q.times == 0 {
                inner.queue.remove(i);
            }
            return (Some(fault), latency);
        }
        if let Some((p, status)) = inner.rate
            && inner.rng.f64() < p
        {
            return (Some(Fault::fail(status)), latency);
        }
        (None, latency)
    }
}

/// The slug of an injected error body for `status`.
pub(crate) fn slug_for(status: u16) -> &'static str {
    match status {
        400 => "bad_request",
        401 => "unauthorized",
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
        assert!(matches!(
            f.take(None).0,
            Some(Fault::Fail { status: 503, .. })
        ));
        assert!(matches!(
            f.take(None).0,
            Some(Fault::Fail { status: 503, .. })
        ));
        assert_eq!(f.take(None).0, Some(Fault::Drop));
        assert_eq!(f.take(None).0, None);
    }

    #[test]
    fn a_fault_for_one_operation_lets_others_pass() {
        let f = Faults::new(1);
        f.queue(Some("create_instance"), Fault::ActThenDrop, 1);
        assert_eq!(f.take(Some("list_instances")).0, None);
        assert_eq!(f.take(None).0, None);
        assert_eq!(f.take(Some("create_instance")).0, Some(Fault::ActThenDrop));
        assert_eq!(f.pending(), 0);
    }

    #[test]
    fn error_rate_is_seeded() {
        let draw = |seed| {
            let f = Faults::new(seed);
            f.error_rate(0.5, 500);
            (0..64)
                .map(|_| f.take(None).0.is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        let hits = draw(7).iter().filter(|x| **x).count();
        assert!(hits > 10 && hits < 54, "{hits}");
    }
}
