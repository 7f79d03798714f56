//! Test client: real HTTP over loopback, and every response is checked
//! against the spec's schema for its operation and status.
#![allow(dead_code)]

pub mod spec;

use std::time::Duration;

use mgc_emulator::Emulator;
use reqwest::Method;
use serde_json::Value;

pub const UBUNTU: &str = "cloud-ubuntu-24.04 LTS";
pub const WINDOWS: &str = "windows-server-2022";
pub const SMALL: &str = "BV1-1-10";
/// A well-formed id that names nothing.
pub const MISSING: &str = "00000000-0000-4000-8000-000000000000";
/// The spec's default `expand` for reading one instance, which strict mode requires.
pub const EXPAND_ALL: &str = "network,image,machine-type";

/// A response, already shape-checked.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Assert the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(
            self.status, status,
            "unexpected status, body: {}",
            self.text
        );
        self
    }

    /// Assert an error status and slug.
    #[track_caller]
    pub fn expect_error(self, status: u16, slug: &str) -> Self {
        assert_eq!(
            self.status, status,
            "unexpected status, body: {}",
            self.text
        );
        assert_eq!(
            self.body["slug"], slug,
            "unexpected slug, body: {}",
            self.text
        );
        assert!(
            self.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "empty message: {}",
            self.text
        );
        self
    }

    pub fn id(&self) -> String {
        self.body["id"].as_str().expect("an id").to_string()
    }
}

/// A client for one region of an emulator.
#[derive(Clone)]
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
    pub headers: Vec<(String, String)>,
}

pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

impl Api {
    pub fn new(emu: &Emulator, region: &str) -> Api {
        Api {
            http: http_client(),
            base: format!("{}/compute", emu.region_url(region)),
            headers: vec![
                ("x-api-key".into(), "test-key".into()),
                ("x-api-version".into(), "1.1".into()),
            ],
        }
    }

    /// The same region without credentials.
    pub fn anonymous(&self) -> Api {
        Api {
            headers: Vec::new(),
            ..self.clone()
        }
    }

    pub async fn get(&self, path: &str) -> Resp {
        self.send(Method::GET, path, None, &[]).await
    }

    pub async fn delete(&self, path: &str) -> Resp {
        self.send(Method::DELETE, path, None, &[]).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Resp {
        self.send(Method::POST, path, Some(body.to_string().into_bytes()), &[])
            .await
    }

    pub async fn post_empty(&self, path: &str) -> Resp {
        self.send(Method::POST, path, None, &[]).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Resp {
        self.send(
            Method::PATCH,
            path,
            Some(body.to_string().into_bytes()),
            &[],
        )
        .await
    }

    /// Send a request and check the response's shape and headers.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        extra_headers: &[(&str, &str)],
    ) -> Resp {
        self.send_typed(method, path, body, extra_headers, Some("application/json"))
            .await
    }

    /// [`send`](Self::send) with the body's content type chosen (`None`: no header).
    pub async fn send_typed(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        extra_headers: &[(&str, &str)],
        content_type: Option<&str>,
    ) -> Resp {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        for (k, v) in &self.headers {
            req = req.header(k, v);
        }
        for (k, v) in extra_headers {
            req = req.header(*k, *v);
        }
        if let Some(body) = body {
            if let Some(ct) = content_type {
                req = req.header("content-type", ct);
            }
            req = req.body(body);
        }
        let resp = req.send().await.expect("request failed");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{method} {path}: body is not JSON ({e}): {text}"))
        };
        let resp = Resp {
            status,
            headers,
            body,
            text,
        };
        check_response(method.as_str(), path, &resp);
        resp
    }

    /// Create an instance and return its id.
    pub async fn create_instance(&self, name: &str, machine_type: &str, image: &str) -> String {
        self.post(
            "/v1/instances",
            serde_json::json!({
                "name": name,
                "machine_type": { "name": machine_type },
                "image": { "name": image },
                "ssh_key_name": "my-key",
            }),
        )
        .await
        .expect(201)
        .id()
    }

    pub async fn instance(&self, id: &str) -> Value {
        self.get(&format!("/v1/instances/{id}?expand={EXPAND_ALL}"))
            .await
            .expect(200)
            .body
    }

    /// `(status, state)` of an instance.
    pub async fn instance_status(&self, id: &str) -> (String, String) {
        let v = self.instance(id).await;
        (
            v["status"].as_str().unwrap_or_default().to_string(),
            v["state"].as_str().unwrap_or_default().to_string(),
        )
    }
}

/// Check one response: the headers every response carries; the success
/// status of its operation; the body against the spec's schema for that
/// operation and status (success) or the one error shape (anything else).
#[track_caller]
pub fn check_response(method: &str, path: &str, resp: &Resp) {
    assert!(
        resp.header("x-mgc-trace-id").is_some_and(|v| !v.is_empty()),
        "{method} {path}: no X-Mgc-Trace-Id"
    );
    let bare = path.split('?').next().unwrap_or(path);
    let op = mgc_emulator::find_operation(method, bare);
    if resp.status < 300 {
        let op = op.unwrap_or_else(|| {
            panic!(
                "{method} {path} answered {} but is no operation",
                resp.status
            )
        });
        assert_eq!(
            resp.status, op.success,
            "{method} {path}: success status should be {}",
            op.success
        );
        if op.success == 204 {
            assert!(
                resp.text.is_empty(),
                "{method} {path}: 204 with a body: {}",
                resp.text
            );
        }
    } else {
        check_error_shape(method, path, resp);
    }
    if matches!(resp.status, 429 | 503) {
        assert!(
            resp.header("retry-after").is_some(),
            "{method} {path}: {} without Retry-After",
            resp.status
        );
    }
    let Some(spec) = spec::spec() else {
        return;
    };
    let template = op.map_or(bare, |o| o.path);
    if let Err(e) = spec.check(method, template, resp.status, &resp.body) {
        panic!(
            "{method} {path} ({}): does not match the spec: {e}\nbody: {}",
            resp.status, resp.text
        );
    }
}

/// `{message, slug, details}`, with a snake_case slug, for every error status.
#[track_caller]
pub fn check_error_shape(method: &str, path: &str, resp: &Resp) {
    let b = &resp.body;
    let ok = b["message"].as_str().is_some_and(|m| !m.is_empty())
        && b["slug"].as_str().is_some_and(|s| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
        && b["details"].is_object()
        && b.as_object().is_some_and(|m| m.len() == 3);
    assert!(
        ok,
        "{method} {path} ({}): not the one error shape {{message, slug, details}} with a snake_case slug: {}",
        resp.status, resp.text
    );
}

/// A raw HTTP/1.1 exchange over a fresh TCP connection: returns every byte
/// the server sent before closing (or an I/O error such as a reset).
pub async fn raw_exchange(emu: &Emulator, request: &str) -> std::io::Result<Vec<u8>> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(emu.addr()).await?;
    stream.write_all(request.as_bytes()).await?;
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut out))
        .await
        .map_err(|_| std::io::Error::other("timed out waiting for the server to close"))??;
    Ok(out)
}

/// A raw answer split into its head, its body and the `Content-Length` the
/// head declares.
pub fn split_raw(out: &[u8]) -> (String, String, usize) {
    let text = String::from_utf8_lossy(out).to_string();
    let (head, body) = text.split_once("\r\n\r\n").expect("headers were sent");
    let declared = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length: ")
                .map(str::to_string)
        })
        .expect("content-length")
        .trim()
        .parse()
        .unwrap();
    (head.to_string(), body.to_string(), declared)
}

/// A GET request line + headers for `raw_exchange`.
pub fn raw_get(path: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nX-API-Key: k\r\nX-API-Version: 1.1\r\nConnection: close\r\n\r\n"
    )
}
