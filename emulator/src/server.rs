//! The accept loop. It is ours (not `axum::serve`) so that a fault can close
//! one connection on purpose: each connection gets a [`ConnKill`] handle in
//! its requests' extensions, and notifying it drops the connection.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::response::Response;
use http::{HeaderValue, StatusCode, header};
use http_body::{Frame, SizeHint};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tower::ServiceExt;

/// Closes the connection a request arrived on.
#[derive(Clone, Debug)]
pub(crate) struct ConnKill(Arc<Notify>);

impl ConnKill {
    fn kill(&self) {
        self.0.notify_one();
    }
}

/// Accept connections until the task is aborted; aborting it also ends every
/// open connection (they live in the `JoinSet`).
pub(crate) async fn serve(listener: TcpListener, router: Router) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    conns.spawn(serve_conn(stream, router.clone()));
                }
                // E.g. out of file descriptors: back off a little.
                Err(_) => tokio::time::sleep(Duration::from_millis(5)).await,
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
}

async fn serve_conn(stream: TcpStream, router: Router) {
    let _ = stream.set_nodelay(true);
    let kill = ConnKill(Arc::new(Notify::new()));
    let handle = kill.clone();
    let svc = hyper::service::service_fn(move |mut req: http::Request<hyper::body::Incoming>| {
        req.extensions_mut().insert(handle.clone());
        router.clone().oneshot(req)
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    // No header-read timeout: under a paused Tokio clock (tests using
    // `start_paused`) it would fire on idle keep-alive connections.
    builder.header_read_timeout(None);
    let conn = builder.serve_connection(TokioIo::new(stream), svc);
    tokio::select! {
        _ = conn => {}
        () = kill.0.notified() => {}
    }
}

/// Never answer: close the connection the request came on.
pub(crate) async fn drop_connection(kill: Option<ConnKill>) -> Response {
    match kill {
        Some(kill) => {
            kill.kill();
            std::future::pending().await
        }
        // Not served by our loop: the best we can do is a body that fails at once.
        None => Response::new(Body::new(CutBody {
            chunk: None,
            kill: None,
            armed: false,
            declared: 1,
        })),
    }
}

/// Send `resp`'s status and headers with its full `Content-Length`, then the
/// first `after_bytes` bytes of its body (half when `None`, never all of it),
/// then close the connection.
pub(crate) async fn cut_body(
    resp: Response,
    kill: Option<ConnKill>,
    after_bytes: Option<usize>,
) -> Response {
    let (mut parts, body) = resp.into_parts();
    let full = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let declared = if full.is_empty() {
        // A 204 cannot carry a length; promise a body that never comes.
        parts.status = StatusCode::OK;
        2
    } else {
        full.len()
    };
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(declared));
    let body = CutBody {
        chunk: Some(
            full.slice(
                ..after_bytes
                    .unwrap_or(full.len() / 2)
                    .min(full.len().saturating_sub(1)),
            ),
        ),
        kill,
        armed: false,
        declared: declared as u64,
    };
    Response::from_parts(parts, Body::new(body))
}

/// A body that yields one chunk, then stalls while the connection is closed.
struct CutBody {
    chunk: Option<Bytes>,
    kill: Option<ConnKill>,
    armed: bool,
    declared: u64,
}

impl http_body::Body for CutBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        if let Some(chunk) = self.chunk.take()
            && !chunk.is_empty()
        {
            return Poll::Ready(Some(Ok(Frame::data(chunk))));
        }
        if let Some(kill) = self.kill.take() {
            self.armed = true;
            // Give hyper a moment to flush what it has, then cut.
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(20)).await;
                kill.kill();
            });
        }
        if self.armed {
            Poll::Pending
        } else {
            Poll::Ready(Some(Err(io::Error::other(
                "response cut short by fault injection",
            ))))
        }
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.declared)
    }
}
