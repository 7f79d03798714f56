use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use bytes::Bytes;
use tower::{Layer, Service};

use crate::support::{Reply, TestServer, client_for};
use crate::things::PokeThing;

/// A user layer: counts calls and tags each request with a header.
#[derive(Clone)]
struct Tag(Arc<AtomicUsize>);

impl<S> Layer<S> for Tag {
    type Service = Tagged<S>;
    fn layer(&self, inner: S) -> Tagged<S> {
        Tagged(inner, self.0.clone())
    }
}

#[derive(Clone)]
struct Tagged<S>(S, Arc<AtomicUsize>);

impl<S: Service<http::Request<Bytes>>> Service<http::Request<Bytes>> for Tagged<S> {
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.0.poll_ready(cx)
    }
    fn call(&mut self, mut request: http::Request<Bytes>) -> S::Future {
        self.1.fetch_add(1, Ordering::SeqCst);
        request
            .headers_mut()
            .insert("x-from-layer", "yes".parse().unwrap());
        self.0.call(request)
    }
}

#[tokio::test]
async fn a_user_layer_sees_every_call_outside_the_retries() {
    let server = TestServer::start(vec![Reply::status(503), Reply::status(204)]).await;
    let calls = Arc::new(AtomicUsize::new(0));
    let client = client_for(&server)
        .layer(Tag(calls.clone()))
        .build()
        .unwrap();

    client.send(PokeThing::new("1")).await.unwrap();
    client.send(PokeThing::new("2")).await.unwrap();

    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "the layer sees each call once"
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 3, "the first call was retried below the layer");
    assert!(seen.iter().all(|s| s.header("x-from-layer") == Some("yes")));
}

#[tokio::test]
async fn the_transport_can_be_replaced_by_a_test_double() {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let double = tower::service_fn(move |request: http::Request<Bytes>| {
        log.lock()
            .unwrap()
            .push((request.uri().to_string(), request.headers().clone()));
        async move {
            Ok::<_, std::convert::Infallible>(
                http::Response::builder()
                    .status(204)
                    .body(Bytes::new())
                    .unwrap(),
            )
        }
    });
    let client = mgc::Client::builder()
        .api_key("k")
        .transport(double)
        .build()
        .unwrap();
    client.send(PokeThing::new("7")).await.unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(
        seen[0].0,
        "https://api.magalu.cloud/br-se1/compute/v1/things/7/poke"
    );
    assert!(
        seen[0].1.contains_key("x-api-key"),
        "headers are added above the transport"
    );
}
