//! The leaf of the stack: reqwest, fed and read as `http` types; and what both
//! leaves share, reading a body under a cap.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use http_body::Body;
use http_body_util::BodyExt as _;
use tower::Service;

use crate::error::{BoxError, Error};

/// Sends `http::Request<Bytes>` with a `reqwest::Client` and reads the whole
/// response body, refusing bodies larger than a cap so memory stays bounded
/// whatever the server sends.
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    client: reqwest::Client,
    body_limit: usize,
}

impl ReqwestTransport {
    /// A transport over `client` that reads at most `body_limit` bytes of a body.
    pub fn new(client: reqwest::Client, body_limit: usize) -> Self {
        ReqwestTransport { client, body_limit }
    }
}

/// What a leaf's `call` returns.
pub(crate) type LeafFuture =
    Pin<Box<dyn Future<Output = Result<http::Response<Bytes>, BoxError>> + Send>>;

/// The bottom of the stack: one of our leaves, or a transport of the user's.
///
/// An enum rather than a boxed service because the stack clones it on every call
/// (the client clones its stack per call, the retry clones what is under it per
/// attempt): a clone of a boxed service is an allocation, a clone of a leaf one
/// reference count.
#[derive(Clone)]
pub(crate) enum Bottom {
    Reqwest(ReqwestTransport),
    #[cfg(feature = "hyper")]
    Hyper(crate::stack::hyper::HyperTransport),
    Custom(crate::stack::HttpService),
}

impl Service<http::Request<Bytes>> for Bottom {
    type Response = http::Response<Bytes>;
    type Error = BoxError;
    type Future = LeafFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        match self {
            Bottom::Reqwest(leaf) => leaf.poll_ready(cx),
            #[cfg(feature = "hyper")]
            Bottom::Hyper(leaf) => leaf.poll_ready(cx),
            Bottom::Custom(service) => service.poll_ready(cx),
        }
    }

    fn call(&mut self, request: http::Request<Bytes>) -> LeafFuture {
        match self {
            Bottom::Reqwest(leaf) => leaf.call(request),
            #[cfg(feature = "hyper")]
            Bottom::Hyper(leaf) => leaf.call(request),
            Bottom::Custom(service) => service.call(request),
        }
    }
}

impl Service<http::Request<Bytes>> for ReqwestTransport {
    type Response = http::Response<Bytes>;
    type Error = BoxError;
    type Future = LeafFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        let client = self.client.clone();
        let limit = self.body_limit;
        Box::pin(async move {
            let request = reqwest::Request::try_from(request).map_err(Error::from_reqwest)?;
            let response = client.execute(request).await.map_err(Error::from_reqwest)?;
            let response = read_capped(response.into(), limit, Error::from_reqwest).await?;
            Ok(response)
        })
    }
}

/// The response with its whole body, read frame by frame: refused before reading
/// when its announced length is over `limit`, and as soon as what arrived passes
/// it otherwise, so memory stays bounded whatever the server sends.
pub(crate) async fn read_capped<B>(
    response: http::Response<B>,
    limit: usize,
    body_error: fn(B::Error) -> Error,
) -> Result<http::Response<Bytes>, Error>
where
    B: Body<Data = Bytes> + Unpin,
{
    let (parts, mut incoming) = response.into_parts();
    CappedBody::check_announced(limit, incoming.size_hint().exact())?;
    let mut body = CappedBody::new(limit);
    while let Some(frame) = incoming.frame().await {
        if let Ok(data) = frame.map_err(body_error)?.into_data() {
            body.push(data)?;
        }
    }
    Ok(http::Response::from_parts(parts, body.finish()))
}

/// A response body gathered under a size cap, shared by both leaves. A body that
/// arrives in one chunk is passed on without a copy.
struct CappedBody {
    limit: usize,
    first: Option<Bytes>,
    rest: Option<BytesMut>,
}

impl CappedBody {
    fn new(limit: usize) -> Self {
        CappedBody {
            limit,
            first: None,
            rest: None,
        }
    }

    /// Refuses a body whose announced length is over the cap, before reading it.
    fn check_announced(limit: usize, length: Option<u64>) -> Result<(), Error> {
        match length {
            Some(len) if len > limit as u64 => Err(Error::BodyTooLarge { limit }),
            _ => Ok(()),
        }
    }

    fn push(&mut self, chunk: Bytes) -> Result<(), Error> {
        let so_far =
            self.first.as_ref().map_or(0, Bytes::len) + self.rest.as_ref().map_or(0, BytesMut::len);
        if so_far + chunk.len() > self.limit {
            return Err(Error::BodyTooLarge { limit: self.limit });
        }
        match (&self.first, &mut self.rest) {
            (None, _) => self.first = Some(chunk),
            (Some(head), None) => {
                let mut buf = BytesMut::with_capacity(head.len() + chunk.len() * 2);
                buf.extend_from_slice(head);
                buf.extend_from_slice(&chunk);
                self.rest = Some(buf);
            }
            (Some(_), Some(buf)) => buf.extend_from_slice(&chunk),
        }
        Ok(())
    }

    fn finish(self) -> Bytes {
        match (self.first, self.rest) {
            (_, Some(buf)) => buf.freeze(),
            (Some(head), None) => head,
            (None, None) => Bytes::new(),
        }
    }
}
