//! HTTP/2: both leaves offer `h2` by ALPN and speak it to a server that only
//! speaks HTTP/2, many calls multiplexed over one connection.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::Full;
use hyper_util::rt::{TokioExecutor, TokioIo};

use crate::support::LEAVES;
use crate::things::GetThing;

/// A TLS server on 127.0.0.1 that offers only `h2` and answers a thing; it counts
/// connections and records the version of each request.
struct H2Server {
    url: String,
    pem: String,
    connections: Arc<AtomicUsize>,
    versions: Arc<Mutex<Vec<http::Version>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for H2Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn h2_server() -> H2Server {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let pem = certified.cert.pem();
    let key =
        rustls::pki_types::PrivateKeyDer::try_from(certified.signing_key.serialize_der()).unwrap();
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![certified.cert.der().clone()], key)
    .unwrap();
    config.alpn_protocols = vec![b"h2".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let versions = Arc::new(Mutex::new(Vec::new()));
    let (count, seen) = (connections.clone(), versions.clone());
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let (acceptor, seen) = (acceptor.clone(), seen.clone());
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service = hyper::service::service_fn(move |request: http::Request<_>| {
                    seen.lock().unwrap().push(request.version());
                    async {
                        Ok::<_, std::convert::Infallible>(http::Response::new(Full::new(
                            Bytes::from_static(br#"{"id":"1","name":"over h2"}"#),
                        )))
                    }
                });
                let _ = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    H2Server {
        url: format!("https://{addr}/br-se1"),
        pem,
        connections,
        versions,
        task,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_leaves_negotiate_http2_and_multiplex_calls_over_one_connection() {
    for &leaf in LEAVES {
        let server = h2_server().await;
        let client = mgc::Client::builder()
            .leaf(leaf)
            .api_key("k")
            .base_url(&server.url)
            .add_root_certificate_pem(server.pem.clone())
            .build()
            .unwrap();
        // One call first, so the connection exists before the burst.
        assert_eq!(
            client.send(GetThing::new("1")).await.unwrap().name,
            "over h2"
        );
        let calls: Vec<_> = (0..50)
            .map(|_| {
                let client = client.clone();
                tokio::spawn(async move { client.send(GetThing::new("1")).await })
            })
            .collect();
        for call in calls {
            call.await.unwrap().unwrap();
        }
        let versions = server.versions.lock().unwrap().clone();
        assert_eq!(versions.len(), 51, "{leaf:?}");
        assert!(
            versions.iter().all(|v| *v == http::Version::HTTP_2),
            "{leaf:?}: {versions:?}"
        );
        assert_eq!(
            server.connections.load(Ordering::SeqCst),
            1,
            "{leaf:?}: HTTP/2 multiplexes every call over one connection"
        );
    }
}
