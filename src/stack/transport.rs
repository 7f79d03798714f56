//! The leaf of the stack: reqwest, fed and read as `http` types.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
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

impl Service<http::Request<Bytes>> for ReqwestTransport {
    type Response = http::Response<Bytes>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<http::Response<Bytes>, BoxError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Bytes>) -> Self::Future {
        let client = self.client.clone();
        let limit = self.body_limit;
        Box::pin(async move {
            let request = reqwest::Request::try_from(request).map_err(Error::from_reqwest)?;
            let mut response = client.execute(request).await.map_err(Error::from_reqwest)?;
            CappedBody::check_announced(limit, response.content_length())?;
            let body = read_body(&mut response, limit).await?;
            let mut out = http::Response::new(body);
            *out.status_mut() = response.status();
            *out.version_mut() = response.version();
            *out.headers_mut() = std::mem::take(response.headers_mut());
            Ok(out)
        })
    }
}

/// Reads the body chunk by chunk, stopping as soon as it passes `limit`.
async fn read_body(response: &mut reqwest::Response, limit: usize) -> Result<Bytes, Error> {
    let mut body = CappedBody::new(limit);
    while let Some(chunk) = response.chunk().await.map_err(Error::from_reqwest)? {
        body.push(chunk)?;
    }
    Ok(body.finish())
}

/// A response body gathered under a size cap, shared by both leaves. A body that
/// arrives in one chunk is passed on without a copy.
pub(crate) struct CappedBody {
    limit: usize,
    first: Option<Bytes>,
    rest: Option<BytesMut>,
}

impl CappedBody {
    pub(crate) fn new(limit: usize) -> Self {
        CappedBody {
            limit,
            first: None,
            rest: None,
        }
    }

    /// Refuses a body whose announced length is over the cap, before reading it.
    pub(crate) fn check_announced(limit: usize, length: Option<u64>) -> Result<(), Error> {
        match length {
            Some(len) if len > limit as u64 => Err(Error::BodyTooLarge { limit }),
            _ => Ok(()),
        }
    }

    pub(crate) fn push(&mut self, chunk: Bytes) -> Result<(), Error> {
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

    pub(crate) fn finish(self) -> Bytes {
        match (self.first, self.rest) {
            (_, Some(buf)) => buf.freeze(),
            (Some(head), None) => head,
            (None, None) => Bytes::new(),
        }
    }
}
