//! HTTP as servers and proxies expect it, asserted on the raw bytes that arrive
//! (a plain TCP listener, not a parsing HTTP server's view).

use crate::support::LEAVES;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::support::TestServer;
use crate::things::PokeThing;

mgc::endpoint! {
    /// A body-less PATCH.
    pub struct TouchThing {
        method: PATCH,
        path: "/v1/things/{id}",
        response: (),
        required: {
            /// The thing's id.
            id: String => path;
        },
    }

    /// A GET answered `204`.
    pub struct PeekThing {
        method: GET,
        path: "/v1/things/{id}",
        response: (),
        required: {
            /// The thing's id.
            id: String => path;
        },
    }
}

/// A listener that records each request head verbatim and answers `204`.
struct RawRecorder {
    url: String,
    heads: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for RawRecorder {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn raw_recorder() -> RawRecorder {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let record = heads.clone();
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let record = record.clone();
            tokio::spawn(async move {
                let mut got = Vec::new();
                let mut buf = [0u8; 4096];
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                record
                    .lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&got).into_owned());
                let _ = stream
                    .write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n")
                    .await;
            });
        }
    });
    RawRecorder {
        url: format!("http://{addr}/br-se1"),
        heads,
        task,
    }
}

/// The header lines of a raw head, lowercased names, as `name: value`.
fn header_lines(head: &str) -> Vec<String> {
    head.split("\r\n")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(|l| {
            let (name, value) = l.split_once(':').unwrap();
            format!("{}: {}", name.to_ascii_lowercase(), value.trim())
        })
        .collect()
}

#[tokio::test]
async fn bodyless_posts_and_patches_say_content_length_0_and_every_request_accepts_json() {
    for &leaf in LEAVES {
        eprintln!("leaf: {leaf:?}");
        let server = raw_recorder().await;
        let client = mgc::Client::builder()
            .leaf(leaf)
            .api_key("k")
            .base_url(&server.url)
            .build()
            .unwrap();
        client.send(PokeThing::new("1")).await.unwrap();
        client.send(TouchThing::new("1")).await.unwrap();
        client.send(PeekThing::new("1")).await.unwrap();

        let heads = server.heads.lock().unwrap().clone();
        assert_eq!(heads.len(), 3);
        for (head, method) in heads.iter().zip(["POST", "PATCH", "GET"]) {
            assert!(
                head.starts_with(&format!("{method} /br-se1/compute/v1/things/1")),
                "{head}"
            );
            let lines = header_lines(head);
            assert!(
                lines.contains(&"accept: application/json".to_owned()),
                "{method} without Accept: application/json:\n{head}"
            );
            if method != "GET" {
                assert!(
                    lines.contains(&"content-length: 0".to_owned()),
                    "a body-less {method} must say Content-Length: 0 (some proxies answer 411):\n{head}"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_specs_server_url_and_the_region_root_reach_the_same_paths() {
    let server = TestServer::start(vec![]).await;
    for base in [
        server.url(),
        format!("{}/compute", server.url()),
        format!("{}/compute/", server.url()),
    ] {
        let client = mgc::Client::builder()
            .api_key("k")
            .base_url(&base)
            .build()
            .unwrap();
        client.send(PokeThing::new("1")).await.unwrap();
    }
    let uris: Vec<String> = server.seen().into_iter().map(|s| s.uri).collect();
    assert_eq!(uris, vec!["/br-se1/compute/v1/things/1/poke"; 3]);
}
