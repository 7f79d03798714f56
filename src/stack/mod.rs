//! The tower layers that carry every call, and how they are stacked.
//!
//! Outermost first:
//!
//! ```text
//! user layers -> retry -> attempt (in-flight slot, attempt and call deadlines) -> headers -> leaf
//! ```
//!
//! * [`retry`] re-sends what is safe to re-send, with capped, jittered back-off
//!   that never sleeps toward a deadline it would pass;
//! * the **attempt** layer takes a slot among the client's requests in flight
//!   (waiting, if it must, no later than the call's deadline), then bounds the
//!   attempt, body included, by the earlier of the attempt timeout and the call's
//!   deadline: one timer per attempt serves both timeouts, so a server that drips
//!   its answer cannot stall a call, and the whole call stays within its total
//!   timeout;
//! * [`headers`] adds the client-wide headers (credentials, user agent, custom ones);
//! * the leaf ([`hyper`] by default, or [`transport`]'s reqwest) sends the request
//!   and reads the body under a size cap.
//!
//! Every layer speaks `http::Request<Bytes>` -> `http::Response<Bytes>`, so any
//! tower layer written for `http` fits in, and the stack is type-erased once
//! ([`HttpService`]) into something `Clone + Send + Sync`.

pub(crate) mod attempt;
pub mod headers;
#[cfg(feature = "hyper")]
pub mod hyper;
pub mod retry;
pub mod timeout;
pub mod transport;

use std::time::Instant;

use bytes::Bytes;
use tower::util::BoxCloneSyncService;

use crate::error::BoxError;

/// The type-erased stack: what [`Client`](crate::Client) calls, and what
/// [`ClientBuilder::layer`](crate::ClientBuilder::layer) wraps.
pub type HttpService = BoxCloneSyncService<http::Request<Bytes>, http::Response<Bytes>, BoxError>;

/// Our own layers, as one concrete type: what the client calls when no layer of
/// the user's wraps them.
pub(crate) type OwnStack = tower::retry::Retry<
    retry::RetryPolicy,
    attempt::Attempt<headers::SetHeaders<transport::Bottom>>,
>;

/// The stack the client calls once per call.
///
/// Type-erased ([`HttpService`]) only when the user added layers: the client
/// clones its stack for every call, and a boxed service's clone is an allocation
/// and its call another, where a clone of our own stack is a few reference counts
/// and its future is stored in the call's own.
// One per client; boxing our stack would add a pointer to follow on every call.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
pub(crate) enum Stack {
    Own(OwnStack),
    Layered(HttpService),
}

/// What the layers need to know about the call a request belongs to. The client puts
/// it in the request's extensions.
#[derive(Debug, Clone, Copy)]
pub struct CallContext {
    /// The operation's snake_case name.
    pub operation: &'static str,
    /// Whether the request may be re-sent after the server may have acted on it.
    pub safe_to_repeat: bool,
    /// When the whole operation must be over, if a total timeout is set.
    pub deadline: Option<Instant>,
}
