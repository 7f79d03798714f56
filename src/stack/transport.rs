//! The leaf of the stack: reqwest, fed and read as `http` types; and what both
//! leaves share, reading a body under a cap.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use bytes::{Bytes, BytesMut};
use http_body::Body;
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

/// What [`Bottom`] returns: the hyper leaf's call inline (it is the default
/// leaf, and its future a plain struct), any other boxed.
// Inline on purpose: it lives in the attempt's future, itself in the call's box.
#[allow(clippy::large_enum_variant)]
pub(crate) enum BottomFuture {
    #[cfg(feature = "hyper")]
    Hyper(crate::stack::hyper::HyperCall),
    Boxed(LeafFuture),
}

impl Future for BottomFuture {
    type Output = Result<http::Response<Bytes>, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.get_mut() {
            #[cfg(feature = "hyper")]
            BottomFuture::Hyper(call) => Pin::new(call).poll(cx),
            BottomFuture::Boxed(future) => future.as_mut().poll(cx),
        }
    }
}

impl Service<http::Request<Bytes>> for Bottom {
    type Response = http::Response<Bytes>;
    type Error = BoxError;
    type Future = BottomFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        match self {
            Bottom::Reqwest(leaf) => leaf.poll_ready(cx),
            #[cfg(feature = "hyper")]
            Bottom::Hyper(leaf) => leaf.poll_ready(cx),
            Bottom::Custom(service) => service.poll_ready(cx),
        }
    }

    fn call(&mut self, request: http::Request<Bytes>) -> BottomFuture {
        match self {
            Bottom::Reqwest(leaf) => BottomFuture::Boxed(leaf.call(request)),
            #[cfg(feature = "hyper")]
            Bottom::Hyper(leaf) => BottomFuture::Hyper(leaf.call(request)),
            Bottom::Custom(service) => BottomFuture::Boxed(service.call(request)),
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
pub(crate) fn read_capped<B>(
    response: http::Response<B>,
    limit: usize,
    body_error: fn(B::Error) -> Error,
) -> ReadCapped<B>
where
    B: Body<Data = Bytes> + Unpin,
{
    let (parts, body) = response.into_parts();
    let refused = CappedBody::check_announced(limit, body.size_hint().exact()).err();
    ReadCapped {
        parts: Some(parts),
        body,
        capped: CappedBody::new(limit),
        body_error,
        refused,
    }
}

/// The future [`read_capped`] returns: a plain struct rather than an `async`
/// block, so a leaf can hold it inline in its own future.
pub(crate) struct ReadCapped<B: Body> {
    parts: Option<http::response::Parts>,
    body: B,
    capped: CappedBody,
    body_error: fn(B::Error) -> Error,
    /// A body announced over the cap: refused at the first poll, unread.
    refused: Option<Error>,
}

impl<B> Future for ReadCapped<B>
where
    B: Body<Data = Bytes> + Unpin,
{
    type Output = Result<http::Response<Bytes>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(refused) = this.refused.take() {
            return Poll::Ready(Err(refused));
        }
        loop {
            match ready!(Pin::new(&mut this.body).poll_frame(cx)) {
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        this.capped.push(data)?;
                    }
                }
                Some(Err(error)) => return Poll::Ready(Err((this.body_error)(error))),
                None => {
                    let parts = this
                        .parts
                        .take()
                        .expect("ReadCapped polled after it finished");
                    let body = std::mem::replace(&mut this.capped, CappedBody::new(0)).finish();
                    return Poll::Ready(Ok(http::Response::from_parts(parts, body)));
                }
            }
        }
    }
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
