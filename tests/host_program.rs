//! mgc inside someone else's program: linking it changes nothing for the other
//! crates of the binary.
//!
//! This is its own test binary on purpose: no other test may install a rustls
//! provider first. Cargo unifies reqwest's features across the binary, so the
//! "host" reqwest below is built with whatever TLS features mgc asked for — exactly
//! the situation of a service that uses reqwest with `default-features = false`
//! and then adds mgc.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[path = "support/tls_server.rs"]
mod tls_server;

mgc::endpoint! {
    /// Any call: the TLS server answers every request `204`.
    pub struct Ping {
        method: GET,
        path: "/v1/ping",
        response: (),
    }
}

/// A plain-HTTP server on loopback for the host's own calls: answers `200 ok`.
async fn plain_server() -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = stream
                    .write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                    )
                    .await;
            });
        }
    });
    (addr, task)
}

async fn host_call(client: &reqwest::Client, addr: SocketAddr) -> String {
    let response = client
        .get(format!("http://{addr}/internal"))
        .send()
        .await
        .expect("the host's plain-HTTP call works");
    assert_eq!(response.status(), 200);
    response.text().await.unwrap()
}

#[tokio::test]
async fn the_hosts_own_reqwest_builds_and_works_before_and_after_an_mgc_client() {
    assert!(
        rustls::crypto::CryptoProvider::get_default().is_none(),
        "nothing may have installed a provider before this test"
    );
    let (plain, plain_task) = plain_server().await;

    // Before any mgc client exists: this is what panicked with
    // "No rustls crypto provider is configured" when mgc asked for reqwest's
    // `rustls-no-provider`.
    let before = reqwest::Client::builder()
        .build()
        .expect("a plain reqwest client builds");
    assert_eq!(host_call(&before, plain).await, "ok");

    // mgc over HTTPS, to a loopback TLS server it is told to trust.
    let (url, pem, tls_task) = tls_server::tls_server().await;
    let client = mgc::Client::builder()
        .api_key("key")
        .base_url(&url)
        .add_root_certificate_pem(pem)
        .build()
        .unwrap();
    client
        .send(Ping::new())
        .await
        .expect("mgc's HTTPS call works");

    // And after: still the host's own client, still working.
    let after = reqwest::Client::new();
    assert_eq!(host_call(&after, plain).await, "ok");
    assert_eq!(host_call(&before, plain).await, "ok");

    // mgc handed its provider to its own TLS config only.
    assert!(
        rustls::crypto::CryptoProvider::get_default().is_none(),
        "mgc must not install a process-wide rustls provider"
    );
    plain_task.abort();
    tls_task.abort();
}
