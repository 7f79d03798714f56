//! TLS: rustls only; an untrusted certificate fails with a TLS error; a configured
//! root makes the same server trusted.

use std::sync::Arc;

use mgc::{Error, TransportKind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::things::PokeThing;

/// A TLS server on 127.0.0.1 with a fresh self-signed certificate for that IP,
/// answering every request `204`. Returns its region URL, the certificate PEM and
/// the task to stop.
async fn tls_server() -> (String, String, tokio::task::JoinHandle<()>) {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    let pem = certified.cert.pem();
    let cert = certified.cert.der().clone();
    let key =
        rustls::pki_types::PrivateKeyDer::try_from(certified.signing_key.serialize_der()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = [0u8; 4096];
                let mut got = Vec::new();
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = tls
                    .write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
                    .await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (format!("https://{addr}/br-se1"), pem, task)
}

#[tokio::test]
async fn an_untrusted_certificate_is_a_tls_error_and_a_custom_root_trusts_it() {
    let (url, pem, task) = tls_server().await;

    let strict = mgc::Client::builder()
        .api_key("k")
        .base_url(&url)
        .build()
        .unwrap();
    match strict.send(PokeThing::new("1")).await {
        Err(Error::RetriesExhausted { last, .. }) => {
            panic!("a TLS failure must not be retried: {last:?}")
        }
        Err(err @ Error::Transport { .. }) => {
            assert!(matches!(
                err,
                Error::Transport {
                    kind: TransportKind::Tls,
                    ..
                }
            ));
            // The cause, not only "error sending request".
            assert!(err.to_string().contains("certificate"), "{err}");
        }
        other => panic!("expected a TLS error, got {other:?}"),
    }

    let trusting = mgc::Client::builder()
        .api_key("k")
        .base_url(&url)
        .add_root_certificate_pem(pem)
        .build()
        .unwrap();
    trusting.send(PokeThing::new("1")).await.unwrap();
    task.abort();
}

#[test]
fn openssl_is_nowhere_in_the_dependency_graph() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
    for banned in [
        "name = \"openssl\"",
        "name = \"openssl-sys\"",
        "name = \"native-tls\"",
    ] {
        assert!(!lock.contains(banned), "Cargo.lock has {banned}");
    }
}
