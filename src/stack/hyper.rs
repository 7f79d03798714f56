//! The hyper leaf (feature `hyper`, the default leaf): hyper-util's pooled client
//! with hyper-rustls, under the same stack as the reqwest leaf.
//!
//! reqwest is built on these same crates; using them directly takes away a layer
//! of request conversion and gives us the connector, which is where a hard cap on
//! open connections can live: every connection holds a slot (a semaphore permit)
//! for as long as it is open, so the pool can never hold more than the cap, not
//! even for the connects hyper finishes in the background after a request was
//! served by a connection freed meanwhile.
//!
//! The connector also routes: straight to the API host, or through an `http://`
//! proxy's `CONNECT` tunnel (hyper-util's [`Tunnel`], the code reqwest uses for
//! the same job), with TLS to the API host inside the tunnel either way.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::Bytes;
use http::Uri;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::rt::{Read, ReadBufCursor, Write};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::{Connected, Connection, HttpConnector};
use hyper_util::client::legacy::{Client, ResponseFuture};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::Service;

use crate::error::{BoxError, Error, TransportKind};
use crate::stack::transport::{ReadCapped, read_capped};

type Pooled = Client<Shared<HttpsConnector<Slots<Route>>>, Full<Bytes>>;

/// Sends `http::Request<Bytes>` over hyper and reads the whole response body under
/// a size cap, like [`ReqwestTransport`](super::transport::ReqwestTransport).
#[derive(Clone, Debug)]
pub struct HyperTransport {
    // Behind one `Arc`: the stack clones its leaf on every call and attempt, and
    // a hyper-util client is a dozen reference counts (pool, connector, executor,
    // timers) to bump and drop each time.
    client: Arc<Pooled>,
    body_limit: usize,
}

/// How the hyper leaf is set up.
pub(crate) struct HyperOptions {
    pub tls: rustls::ClientConfig,
    pub connect_timeout: Duration,
    pub pool_idle_timeout: Duration,
    pub max_connections: usize,
    pub body_limit: usize,
    /// The `http://` proxy to tunnel through, if any.
    pub proxy: Option<ProxyTunnel>,
}

/// An `http://` proxy every connection is tunnelled through with `CONNECT`.
pub(crate) struct ProxyTunnel {
    /// The proxy's own address (`http://host:port`).
    pub uri: Uri,
    /// Sent as `Proxy-Authorization`, marked sensitive.
    pub auth: Option<http::HeaderValue>,
}

impl HyperTransport {
    pub(crate) fn new(options: HyperOptions) -> Self {
        let mut http = HttpConnector::new();
        // `https://` is handled by the TLS connector around this one.
        http.enforce_http(false);
        http.set_connect_timeout(Some(options.connect_timeout));
        http.set_nodelay(true);
        let route = match options.proxy {
            None => Route::Direct(http),
            Some(proxy) => {
                let tunnel = Tunnel::new(proxy.uri, http);
                Route::Tunnel(match proxy.auth {
                    Some(auth) => tunnel.with_auth(auth),
                    None => tunnel,
                })
            }
        };
        let slots = Slots {
            inner: route,
            slots: Arc::new(Semaphore::new(options.max_connections)),
        };
        let connector = Shared(Arc::new(HttpsConnector::from((
            slots,
            Arc::new(options.tls),
        ))));
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(options.pool_idle_timeout)
            // Without a timer, idle connections are only reaped when a request
            // checks the pool out, and would keep their slots meanwhile.
            .pool_timer(TokioTimer::new())
            .timer(TokioTimer::new())
            .build(connector);
        HyperTransport {
            client: Arc::new(client),
            body_limit: options.body_limit,
        }
    }
}

impl Service<http::Request<Bytes>> for HyperTransport {
    type Response = http::Response<Bytes>;
    type Error = BoxError;
    type Future = HyperCall;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<Bytes>) -> HyperCall {
        HyperCall {
            state: CallState::Head(self.client.request(request.map(Full::new))),
            limit: self.body_limit,
        }
    }
}

/// One request on the hyper leaf: its head, then its body under the cap.
///
/// A plain struct rather than a boxed `async` block: the attempt holds it inline,
/// so a call on the default leaf allocates no future of ours below the call's own.
pub struct HyperCall {
    state: CallState,
    limit: usize,
}

// The body state is the larger, and boxing it would bring back the allocation
// this future exists to avoid: a call goes through both states once.
#[allow(clippy::large_enum_variant)]
enum CallState {
    Head(ResponseFuture),
    Body(ReadCapped<Incoming>),
    Done,
}

impl std::fmt::Debug for HyperCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HyperCall").finish_non_exhaustive()
    }
}

impl Future for HyperCall {
    type Output = Result<http::Response<Bytes>, BoxError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        loop {
            match &mut this.state {
                CallState::Head(head) => match ready!(Pin::new(head).poll(cx)) {
                    Ok(response) => {
                        this.state = CallState::Body(read_capped(response, this.limit, body_error))
                    }
                    Err(error) => {
                        this.state = CallState::Done;
                        return Poll::Ready(Err(Error::from_hyper(error).into()));
                    }
                },
                CallState::Body(body) => {
                    let outcome = ready!(Pin::new(body).poll(cx));
                    this.state = CallState::Done;
                    return Poll::Ready(outcome.map_err(Into::into));
                }
                CallState::Done => panic!("HyperCall polled after it finished"),
            }
        }
    }
}

/// A failure while the body arrives: the connection broke or the framing was bad.
fn body_error(error: hyper::Error) -> Error {
    Error::Transport {
        kind: TransportKind::Io,
        source: Box::new(error),
    }
}

/// A connector behind one `Arc`. hyper-util clones its connector for every
/// request, in case the request needs a new connection; ours is a TLS connector
/// over the slots over the route, four reference counts deep, and nearly every
/// request is served by a pooled connection. The real clone happens only when a
/// connection is opened.
struct Shared<C>(Arc<C>);

impl<C> Clone for Shared<C> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<C> Service<Uri> for Shared<C>
where
    C: Service<Uri> + Clone + Send + Sync + 'static,
    C::Future: Send,
    C::Error: Into<BoxError>,
{
    type Response = C::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<C::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        // Readiness is asked of the clone that connects, below.
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let connector = (*self.0).clone();
        Box::pin(async move {
            let mut connector = connector;
            let ready = tower::ServiceExt::ready(&mut connector)
                .await
                .map_err(Into::into)?;
            ready.call(uri).await.map_err(Into::into)
        })
    }
}

/// Where a connection goes: to the host itself, or to a proxy that opens a
/// tunnel to it.
#[derive(Clone, Debug)]
enum Route {
    Direct(HttpConnector),
    Tunnel(Tunnel<HttpConnector>),
}

impl Service<Uri> for Route {
    type Response = TokioIo<TcpStream>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        match self {
            Route::Direct(http) => http.poll_ready(cx).map_err(Into::into),
            Route::Tunnel(tunnel) => tunnel.poll_ready(cx).map_err(Into::into),
        }
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        match self {
            Route::Direct(http) => {
                let connecting = http.call(uri);
                Box::pin(async move { connecting.await.map_err(Into::into) })
            }
            Route::Tunnel(tunnel) => {
                let connecting = tunnel.call(with_default_port(uri));
                Box::pin(async move { connecting.await.map_err(Into::into) })
            }
        }
    }
}

/// `CONNECT` names a port; hyper-util's tunnel assumes 443 when the URL has none,
/// which is wrong for `http://`.
fn with_default_port(uri: Uri) -> Uri {
    if uri.port().is_some() || uri.scheme_str() != Some("http") {
        return uri;
    }
    let Some(host) = uri.host() else { return uri };
    let authority = format!("{host}:80");
    Uri::builder()
        .scheme("http")
        .authority(authority)
        .path_and_query("/")
        .build()
        .unwrap_or(uri)
}

/// A connector that gives each connection a slot, held until the connection is
/// dropped: a connect beyond the cap waits for a connection to close.
#[derive(Clone, Debug)]
struct Slots<C> {
    inner: C,
    slots: Arc<Semaphore>,
}

impl<C> Service<Uri> for Slots<C>
where
    C: Service<Uri> + Clone + Send + 'static,
    C::Future: Send,
    C::Error: Into<BoxError>,
{
    type Response = Slotted<C::Response>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        // The ready service goes into the future; a fresh clone stays for the next.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let slots = self.slots.clone();
        Box::pin(async move {
            let slot = slots
                .acquire_owned()
                .await
                .map_err(|_| io::Error::other("the connection slots were closed"))?;
            let io = inner.call(uri).await.map_err(Into::into)?;
            Ok(Slotted { io, _slot: slot })
        })
    }
}

/// A connection and the slot it holds.
#[derive(Debug)]
struct Slotted<T> {
    io: T,
    _slot: OwnedSemaphorePermit,
}

impl<T: Read + Unpin> Read for Slotted<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl<T: Write + Unpin> Write for Slotted<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().io).poll_write_vectored(cx, bufs)
    }
}

impl<T: Connection> Connection for Slotted<T> {
    fn connected(&self) -> Connected {
        self.io.connected()
    }
}

#[cfg(test)]
mod tests {
    use futures_util::FutureExt as _;

    use super::*;

    #[tokio::test]
    async fn a_connect_beyond_the_cap_waits_until_a_connection_closes() {
        let inner = tower::service_fn(|_: Uri| async { Ok::<_, io::Error>("a connection") });
        let mut slots = Slots {
            inner,
            slots: Arc::new(Semaphore::new(2)),
        };
        let uri = Uri::from_static("http://127.0.0.1/");
        let first = slots.call(uri.clone()).await.unwrap();
        let _second = slots.call(uri.clone()).await.unwrap();
        let mut third = slots.call(uri);
        assert!(
            (&mut third).now_or_never().is_none(),
            "a third connection opened with two slots"
        );
        drop(first);
        let third = third.now_or_never().expect("a freed slot is taken at once");
        assert_eq!(third.unwrap().io, "a connection");
    }

    #[test]
    fn a_tunnel_to_a_plain_http_host_names_port_80() {
        let port = |u: &'static str| with_default_port(Uri::from_static(u)).port_u16();
        assert_eq!(port("http://api.example/x"), Some(80));
        assert_eq!(port("http://api.example:8080/x"), Some(8080));
        // https stays as it is: the tunnel's default of 443 is right for it.
        assert_eq!(port("https://api.example/x"), None);
    }
}
