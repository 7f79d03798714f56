//! A loopback TLS server with a fresh self-signed certificate, shared by the test
//! binaries that need HTTPS (`#[path]`-included: each binary compiles its own copy).

use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A TLS server on 127.0.0.1 with a fresh self-signed certificate for that IP,
/// answering every request `204`. Returns its region URL, the certificate PEM and
/// the task to stop.
#[allow(dead_code)]
pub async fn tls_server() -> (String, String, tokio::task::JoinHandle<()>) {
    let server = tls_server_for("127.0.0.1").await;
    (
        format!("https://{}/br-se1", server.addr),
        server.pem,
        server.task,
    )
}

/// A TLS server as [`tls_server`] does it, with a certificate for `name`, that
/// keeps the head of every request it is sent.
#[allow(dead_code)] // not every binary that includes this file uses it
pub struct NamedTlsServer {
    pub addr: std::net::SocketAddr,
    pub pem: String,
    pub heads: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    pub task: tokio::task::JoinHandle<()>,
}

#[allow(dead_code)]
pub async fn tls_server_for(name: &str) -> NamedTlsServer {
    let certified = rcgen::generate_simple_self_signed(vec![name.to_owned()]).unwrap();
    let pem = certified.cert.pem();
    let cert = certified.cert.der().clone();
    let key =
        rustls::pki_types::PrivateKeyDer::try_from(certified.signing_key.serialize_der()).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let heads = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = heads.clone();
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let seen = seen.clone();
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
                seen.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&got).into_owned());
                let _ = tls
                    .write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
                    .await;
                let _ = tls.shutdown().await;
            });
        }
    });
    NamedTlsServer {
        addr,
        pem,
        heads,
        task,
    }
}
