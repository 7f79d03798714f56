//! The tower layers that carry every call, and how they are stacked.
//!
//! Outermost first:
//!
//! ```text
//! user layers -> total timeout -> retry -> attempt timeout -> headers -> transport
//! ```
//!
//! * the **total timeout** bounds the whole operation, back-off included;
//! * [`retry`] re-sends what is safe to re-send, with capped, jittered back-off;
//! * the **attempt timeout** bounds one attempt, body included, so a server that
//!   drips its answer cannot stall a call;
//! * [`headers`] adds the client-wide headers (credentials, user agent, custom ones);
//! * [`transport`] hands the request to reqwest and reads the body under a size cap.
//!
//! Every layer speaks `http::Request<Bytes>` -> `http::Response<Bytes>`, so any
//! tower layer written for `http` fits in, and the stack is type-erased once
//! ([`HttpService`]) into something `Clone + Send + Sync`.

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
