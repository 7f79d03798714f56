//! Naming a timeout: tower's anonymous `Elapsed` turned into an
//! [`Error::Timeout`] that says which limit fired, for a `tower::timeout` layer of
//! your own. The client's own attempt and total timeouts are one timer per
//! attempt in the attempt layer (see [`stack`](crate::stack)), which names them
//! directly.

use std::time::Duration;

use tower::timeout::error::Elapsed;

use crate::error::{BoxError, Error, Timeout};

/// Maps tower's anonymous `Elapsed` to `Error::Timeout(kind(limit))`; other errors
/// pass through. Used as `ServiceBuilder::map_err` right outside a `TimeoutLayer`.
pub fn name_elapsed(
    limit: Duration,
    kind: fn(Duration) -> Timeout,
) -> impl Fn(BoxError) -> BoxError + Clone + Send + Sync + 'static {
    move |error: BoxError| {
        if error.is::<Elapsed>() {
            Box::new(Error::Timeout(kind(limit)))
        } else {
            error
        }
    }
}
