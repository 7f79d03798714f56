//! A tower layer of your own around every call, using nothing but what `mgc`
//! re-exports: this crate depends on `mgc`, the emulator and tokio, and has no
//! `tower`, `http` or `bytes` of its own.
//!
//! ```text
//! cargo run -p mgc-quickstart --bin custom_layer
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Instant;

use mgc::compute::{GetInstance, ListInstances};
use mgc::http::{HeaderValue, Request, Response, StatusCode};
use mgc::{BoxError, Bytes, Layer, Service};

/// Stamps a team header on every request and logs each call's status and time.
#[derive(Clone)]
struct AuditLayer {
    calls: Arc<AtomicUsize>,
}

impl<S> Layer<S> for AuditLayer {
    type Service = Audit<S>;

    fn layer(&self, inner: S) -> Audit<S> {
        Audit {
            inner,
            calls: self.calls.clone(),
        }
    }
}

#[derive(Clone)]
struct Audit<S> {
    inner: S,
    calls: Arc<AtomicUsize>,
}

impl<S> Service<Request<Bytes>> for Audit<S>
where
    S: Service<Request<Bytes>, Response = Response<Bytes>, Error = BoxError>,
    S::Future: Send + 'static,
{
    type Response = Response<Bytes>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Bytes>, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<Bytes>) -> Self::Future {
        request
            .headers_mut()
            .insert("x-team", HeaderValue::from_static("platform"));
        let line = format!("{} {}", request.method(), request.uri().path());
        let n = self.calls.fetch_add(1, Ordering::Relaxed) + 1;
        let started = Instant::now();
        let call = self.inner.call(request);
        Box::pin(async move {
            let response = call.await;
            let status = match &response {
                Ok(r) => r.status().to_string(),
                Err(e) => format!("failed: {e}"),
            };
            println!("  #{n} {line} -> {status} in {:?}", started.elapsed());
            response
        })
    }
}

#[tokio::main]
async fn main() -> Result<(), mgc::Error> {
    let emulator = mgc_emulator::Emulator::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let client = mgc::Client::builder()
        .api_key("example")
        .base_url(emulator.region_url("br-se1"))
        .layer(AuditLayer {
            calls: calls.clone(),
        })
        .build()?;

    emulator.seed_instances("br-se1", 2, "audited-");
    let page = client.send(ListInstances::new()).await?;
    println!("{} instances", page.instances.len());

    // Matching an error by status, with the re-exported `http`.
    match client.send(GetInstance::new("no-such-instance")).await {
        Err(e) if e.status() == Some(StatusCode::NOT_FOUND) => {
            println!("not found, as expected (slug {:?})", e.slug());
        }
        other => panic!("expected a 404, got {other:?}"),
    }
    assert_eq!(calls.load(Ordering::Relaxed), 2, "the layer saw each call");
    Ok(())
}
