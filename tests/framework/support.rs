//! A small scripted HTTP server on 127.0.0.1 that records what crosses the wire.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::Response;
use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: Method,
    pub uri: String,
    pub headers: HeaderMap,
    pub body: Bytes,
    pub at: Instant,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// What the server answers to the next request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Status, extra headers, body.
    Answer(u16, Vec<(&'static str, String)>, String),
    /// Never answer.
    Hang,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::Answer(
            status,
            vec![("content-type", "application/json".into())],
            body.into(),
        )
    }
    pub fn status(status: u16) -> Reply {
        Reply::Answer(status, vec![], String::new())
    }
    pub fn with_header(self, name: &'static str, value: &str) -> Reply {
        match self {
            Reply::Answer(s, mut h, b) => {
                h.push((name, value.into()));
                Reply::Answer(s, h, b)
            }
            hang => hang,
        }
    }
}

/// A listener that counts the connections it accepts.
struct Counting {
    inner: tokio::net::TcpListener,
    accepted: Arc<AtomicUsize>,
}

impl axum::serve::Listener for Counting {
    type Io = tokio::net::TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let accepted = axum::serve::Listener::accept(&mut self.inner).await;
        self.accepted.fetch_add(1, Ordering::SeqCst);
        accepted
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

#[derive(Default)]
struct Shared {
    seen: Vec<Seen>,
    /// Requests being handled now, and the most ever handled at once.
    in_flight: usize,
    max_in_flight: usize,
    /// How long each request is held before it is answered.
    hold: Duration,
    script: VecDeque<Reply>,
}

/// The server; it stops when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    accepted: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Answers every connection on a raw listener with `reply` bytes, then closes it:
/// for responses no well-behaved server would send. Returns the region URL.
pub async fn raw_server(reply: &'static [u8], drip: Option<Duration>) -> RawServer {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = vec![0u8; 16 * 1024];
                let mut got = 0;
                // Read the request head.
                while !buf[..got].windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf[got..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got += n,
                    }
                }
                match drip {
                    None => {
                        let _ = stream.write_all(reply).await;
                    }
                    Some(every) => {
                        // The head at once, then the body byte by byte.
                        let head = reply
                            .windows(4)
                            .position(|w| w == b"\r\n\r\n")
                            .map_or(0, |p| p + 4);
                        if stream.write_all(&reply[..head]).await.is_err() {
                            return;
                        }
                        for byte in &reply[head..] {
                            if stream.write_all(&[*byte]).await.is_err() {
                                return;
                            }
                            tokio::time::sleep(every).await;
                        }
                    }
                }
                let _ = stream.shutdown().await;
            });
        }
    });
    RawServer {
        url: format!("http://{addr}/br-se1"),
        task,
    }
}

/// A raw server; it stops when dropped.
pub struct RawServer {
    /// The region URL to give the client.
    pub url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestServer {
    /// Starts a server that answers from `script` in order, then `200 {}` forever.
    pub async fn start(script: Vec<Reply>) -> TestServer {
        let shared = Arc::new(Mutex::new(Shared {
            script: script.into(),
            ..Shared::default()
        }));
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let listener = Counting {
            inner: listener,
            accepted: accepted.clone(),
        };
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        TestServer {
            addr,
            shared,
            accepted,
            task,
        }
    }

    /// The region URL to give the client.
    pub fn url(&self) -> String {
        format!("http://{}/br-se1", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.shared.lock().unwrap().seen.clone()
    }

    /// How many TCP connections the server accepted.
    pub fn connections(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    pub fn count(&self) -> usize {
        self.shared.lock().unwrap().seen.len()
    }

    /// Holds every request this long before answering, so that concurrent
    /// requests overlap at the server and [`max_in_flight`](Self::max_in_flight)
    /// sees them.
    pub fn hold_each_request(&self, hold: Duration) {
        self.shared.lock().unwrap().hold = hold;
    }

    /// The most requests the server was handling at the same time.
    pub fn max_in_flight(&self) -> usize {
        self.shared.lock().unwrap().max_in_flight
    }
}

async fn handle(State(shared): State<Arc<Mutex<Shared>>>, request: Request) -> Response {
    let at = Instant::now();
    /// Counts the request out however the handler ends (a client that gives up
    /// drops it mid-way).
    struct InFlight<'a>(&'a Mutex<Shared>);
    impl Drop for InFlight<'_> {
        fn drop(&mut self) {
            self.0.lock().unwrap().in_flight -= 1;
        }
    }
    {
        let mut shared = shared.lock().unwrap();
        shared.in_flight += 1;
        shared.max_in_flight = shared.max_in_flight.max(shared.in_flight);
    }
    let _in_flight = InFlight(&shared);
    let hold = shared.lock().unwrap().hold;
    if !hold.is_zero() {
        tokio::time::sleep(hold).await;
    }
    answer(&shared, request, at).await
}

async fn answer(shared: &Mutex<Shared>, request: Request, at: Instant) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let reply = {
        let mut shared = shared.lock().unwrap();
        shared.seen.push(Seen {
            method: parts.method,
            uri: parts.uri.to_string(),
            headers: parts.headers,
            body,
            at,
        });
        shared.script.pop_front()
    };
    match reply.unwrap_or_else(|| Reply::json(200, "{}")) {
        Reply::Answer(status, headers, body) => {
            let mut response = Response::new(Body::from(body));
            *response.status_mut() = StatusCode::from_u16(status).unwrap();
            for (name, value) in headers {
                response.headers_mut().insert(name, value.parse().unwrap());
            }
            response
        }
        Reply::Hang => std::future::pending().await,
    }
}

/// A client for `server` with fast retries, so tests don't wait on back-off.
pub fn client_for(server: &TestServer) -> mgc::ClientBuilder {
    mgc::Client::builder()
        .api_key("test-key")
        .base_url(server.url())
        .retry(
            mgc::RetryConfig::new()
                .max_attempts(3)
                .initial_interval(Duration::from_millis(5))
                .max_interval(Duration::from_millis(50))
                .factor(2.0)
                .jitter(false),
        )
}

/// Every leaf the transport tests run against.
pub const LEAVES: &[mgc::Leaf] = &[mgc::Leaf::Reqwest, mgc::Leaf::Hyper];

/// The failure of a call made with retries off: a retryable failure ends as
/// `RetriesExhausted` after its one attempt, like any retryable failure that was
/// not retried to success; this is the failure inside.
pub fn after_one_attempt(error: mgc::Error) -> mgc::Error {
    match error {
        mgc::Error::RetriesExhausted { attempts: 1, last } => *last,
        other => panic!("expected one exhausted attempt, got {other:?}"),
    }
}
