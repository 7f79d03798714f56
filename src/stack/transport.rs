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
            if response
                .content_length()
                .is_some_and(|len| len > limit as u64)
            {
                return Err(Error::BodyTooLarge { limit }.into());
            }
            let body = read_body(&mut response, limit).await?;
            let mut out = http::Response::new(body);
            *out.status_mut() = response.status();
            *out.version_mut() = response.version();
            *out.headers_mut() = std::mem::take(response.headers_mut());
            Ok(out)
        })
    }
}

/// Reads the body chunk by chunk, stopping as soon as it passes `limit`. A body that
/// arrives in one chunk is passed on without a copy.
async fn read_body(response: &mut reqwest::Response, limit: usize) -> Result<Bytes, Error> {
    let mut first: Option<Bytes> = None;
    let mut rest: Option<BytesMut> = None;
    while let Some(chunk) = response.chunk().await.map_err(Error::from_reqwest)? {
        let so_far = first.as_ref().map_or(0, Bytes::len) + rest.as_ref().map_or(0, BytesMut::len);
        if so_far + chunk.len() > limit {
            return Err(Error::BodyTooLarge { limit });
        }
        match (&mut first, &mut rest) {
            (None, _) => first = Some(chunk),
            (Some(head), None) => {
                let mut buf = BytesMut::with_capacity(head.len() + chunk.len() * 2);
                buf.extend_from_slice(head);
                buf.extend_from_slice(&chunk);
                rest = Some(buf);
            }
            (Some(_), Some(buf)) => buf.extend_from_slice(&chunk),
        }
    }
    Ok(match (first, rest) {
        (_, Some(buf)) => buf.freeze(),
        (Some(head), None) => head,
        (None, None) => Bytes::new(),
    })
}
