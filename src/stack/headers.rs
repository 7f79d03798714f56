//! Client-wide headers, prepared once when the client is built.

use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::HeaderMap;
use tower::{Layer, Service};

/// Adds a fixed set of headers to every request that does not carry them already,
/// so a header set for one call wins over the client-wide value.
///
/// Values are cloned, not re-parsed: a `HeaderValue` clone is a reference-count bump.
#[derive(Clone, Debug)]
pub struct SetHeadersLayer {
    headers: Arc<HeaderMap>,
}

impl SetHeadersLayer {
    /// A layer adding `headers`. Mark secret values with
    /// [`HeaderValue::set_sensitive`](http::HeaderValue::set_sensitive) so that
    /// `Debug` output never shows them.
    pub fn new(headers: HeaderMap) -> Self {
        SetHeadersLayer {
            headers: Arc::new(headers),
        }
    }
}

impl<S> Layer<S> for SetHeadersLayer {
    type Service = SetHeaders<S>;

    fn layer(&self, inner: S) -> SetHeaders<S> {
        SetHeaders {
            inner,
            headers: self.headers.clone(),
        }
    }
}

/// The service made by [`SetHeadersLayer`].
#[derive(Clone, Debug)]
pub struct SetHeaders<S> {
    inner: S,
    headers: Arc<HeaderMap>,
}

impl<S> Service<http::Request<Bytes>> for SetHeaders<S>
where
    S: Service<http::Request<Bytes>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<Bytes>) -> S::Future {
        let target = request.headers_mut();
        for (name, value) in self.headers.iter() {
            // One lookup: the value is cloned only when the header is missing.
            if let http::header::Entry::Vacant(slot) = target.entry(name) {
                slot.insert(value.clone());
            }
        }
        self.inner.call(request)
    }
}
