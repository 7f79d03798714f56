//! A hostile server: whatever it sends ends up bounded and inert in our errors.
//! Messages of megabytes with newlines and ANSI escapes, ids and `Location`s of
//! hundreds of kilobytes with bidi overrides: every error's `Display` stays under
//! 2 KiB and no error shows a raw control character, so a log of our errors can
//! be neither forged nor made to drive the reader's terminal.

use std::time::Duration;

use mgc::Error;
use mgc::compute::InstanceRunning;

use crate::support::{Reply, TestServer, client_for};
use crate::things::{CreateThing, GetThing};

/// Lines, ANSI colour and screen-clear sequences, C1 controls (CSI, NEL), bidi
/// overrides and isolates, a zero-width space, a line separator.
const NASTY: &str = "ok\r\nFAKE LOG LINE level=error\n\u{1b}[31mred\u{1b}[2J\u{9b}0m\u{85}\u{202e}txe.exe\u{2066}\u{2069}\u{200b}\u{2028}\t\0";
/// What survives in a header value: no C0 bytes, but C1 and bidi as UTF-8.
const NASTY_HEADER: &str = "id\u{9b}31m\u{202e}\u{2067}\u{85}";

const MIB: usize = 1024 * 1024;
const KIB: usize = 1024;

/// `pattern` repeated to at least `bytes` bytes.
fn huge(pattern: &str, bytes: usize) -> String {
    pattern.repeat(bytes.div_ceil(pattern.len()))
}

/// What a reader's terminal or log viewer could act on.
fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}')
}

/// The guarantee itself: `Display` under 2 KiB, `Debug` bounded too, neither
/// with a raw control character.
fn assert_bounded_and_inert(what: &str, err: &Error) {
    let shown = err.to_string();
    assert!(
        shown.len() < 2048,
        "{what}: Display is {} bytes: {}…",
        shown.len(),
        shown.chars().take(300).collect::<String>()
    );
    let debug = format!("{err:?}");
    assert!(
        debug.len() < 8 * KIB,
        "{what}: Debug is {} bytes",
        debug.len()
    );
    for (how, text) in [("Display", &shown), ("Debug", &debug)] {
        if let Some(c) = text.chars().find(|c| is_unsafe(*c)) {
            panic!("{what}: {how} holds a raw {c:?}: {text}");
        }
    }
}

/// A 4 MiB JSON error message and a 200 KiB slug, both hostile, plus a 200 KiB
/// `X-Request-ID` and a 64 KiB trace id.
fn hostile_error(status: u16) -> Reply {
    let body = serde_json::json!({
        "slug": huge(NASTY, 200 * KIB),
        "message": huge(NASTY, 4 * MIB),
    })
    .to_string();
    Reply::json(status, &body)
        .with_header("x-request-id", &huge(NASTY_HEADER, 200 * KIB))
        .with_header("x-mgc-trace-id", &huge(NASTY_HEADER, 64 * KIB))
}

#[tokio::test]
async fn a_hostile_api_error_is_bounded_and_inert() {
    let server = TestServer::start(vec![hostile_error(400)]).await;
    let client = client_for(&server).build().unwrap();
    let err = client.send(GetThing::new("1")).await.unwrap_err();
    assert_bounded_and_inert("400", &err);

    let api = err.api().expect("an API error");
    let message = api.message.as_deref().unwrap();
    assert!(
        message.len() <= 512 + 40,
        "message kept: {} bytes",
        message.len()
    );
    let full = huge(NASTY, 4 * MIB).len();
    assert!(
        message.ends_with(&format!("…[cut: {full} bytes in all]")),
        "the marker gives the original length: …{}",
        &message[message.len() - 40..]
    );
    assert!(message.starts_with("ok\r\nFAKE"), "kept as sent, only cut");
    assert!(api.slug.as_deref().unwrap().len() <= 128 + 40);
    assert!(api.trace_id.as_deref().unwrap().len() <= 128 + 40);
    assert!(api.body.len() <= mgc::BODY_SNIPPET_LIMIT + 3);

    // The id we sent stays the error's; the server's is kept apart, bounded.
    let sent = server.seen()[0].header("x-request-id").unwrap().to_owned();
    assert_eq!(err.request_id(), Some(sent.as_str()));
    let theirs = api.server_request_id.as_deref().expect("the server's id");
    assert!(theirs.len() <= 128 + 40, "{} bytes", theirs.len());
    assert!(theirs.starts_with("id\u{9b}"));
    assert!(theirs.ends_with(&format!(
        "[cut: {} bytes in all]",
        huge(NASTY_HEADER, 200 * KIB).len()
    )));
    let shown = err.to_string();
    assert!(
        shown.contains(&format!("…[cut: {full} bytes in all]")),
        "{shown}"
    );
    assert!(
        shown.contains(&format!(
            "(request id {sent}, server's request id id\\u{{9b}}31m\\u{{202e}}"
        )),
        "{shown}"
    );
}

#[tokio::test]
async fn wrapped_hostile_errors_stay_bounded_and_inert() {
    // A create answered 500: OutcomeUnknown around the API error.
    let server = TestServer::start(vec![hostile_error(500)]).await;
    let client = client_for(&server).build().unwrap();
    let err = client.send(CreateThing::new("web")).await.unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    assert_bounded_and_inert("OutcomeUnknown", &err);

    // A read answered 502 three times: RetriesExhausted around it.
    let server = TestServer::start(vec![
        hostile_error(502),
        hostile_error(502),
        hostile_error(502),
    ])
    .await;
    let client = client_for(&server).build().unwrap();
    let err = client.send(GetThing::new("1")).await.unwrap_err();
    assert!(matches!(err, Error::RetriesExhausted { .. }), "{err:?}");
    assert_bounded_and_inert("RetriesExhausted", &err);
    let sent = server.seen()[2].header("x-request-id").unwrap().to_owned();
    assert_eq!(err.request_id(), Some(sent.as_str()));
}

#[tokio::test]
async fn a_hostile_error_page_without_json_is_bounded_and_inert() {
    let page = huge(NASTY, MIB);
    let server = TestServer::start(vec![Reply::Answer(
        502,
        vec![("content-type", "text/html".into())],
        page,
    )])
    .await;
    let client = client_for(&server).max_attempts(1).build().unwrap();
    let err = client.send(GetThing::new("1")).await.unwrap_err();
    assert_bounded_and_inert("html 502", &err);
    assert!(err.to_string().contains("ok\\r\\nFAKE LOG LINE"), "{err}");
}

#[tokio::test]
async fn a_hostile_redirect_is_bounded_and_inert() {
    let location = format!("http://127.0.0.1:9/{}", huge(NASTY_HEADER, 200 * KIB));
    let server =
        TestServer::start(vec![Reply::status(302).with_header("location", &location)]).await;
    let client = client_for(&server).build().unwrap();
    let err = client.send(GetThing::new("1")).await.unwrap_err();
    assert_bounded_and_inert("302", &err);
    match &err {
        Error::Redirect {
            location: Some(kept),
            ..
        } => {
            assert!(kept.len() <= 512 + 40, "{} bytes", kept.len());
            assert!(kept.starts_with("http://127.0.0.1:9/id\u{9b}"));
            assert!(kept.ends_with(&format!("[cut: {} bytes in all]", location.len())));
        }
        other => panic!("{other:?}"),
    }
}

mgc::endpoint! {
    /// Reads a counter: a number where the hostile server sends text.
    pub struct GetCount {
        method: GET,
        path: "/v1/count",
        response: Count,
    }
}

/// A counter.
#[derive(Debug, serde::Deserialize)]
pub struct Count {
    /// Its value.
    #[allow(dead_code)]
    pub n: u32,
}

#[tokio::test]
async fn a_hostile_success_body_gives_a_bounded_inert_decode_error() {
    // serde's message quotes the value: 4 MiB of it.
    let body = serde_json::json!({ "n": huge(NASTY, 4 * MIB) }).to_string();
    let server = TestServer::start(vec![Reply::json(200, &body)]).await;
    let client = client_for(&server).build().unwrap();
    let err = client.send(GetCount::new()).await.unwrap_err();
    assert_bounded_and_inert("decode", &err);
    match &err {
        Error::Decode { path, message, .. } => {
            assert_eq!(path, "n");
            assert!(message.len() <= 512 + 40, "{} bytes", message.len());
        }
        other => panic!("{other:?}"),
    }
}

/// An instance as `GET /v1/instances/{id}` answers it, with `status` and the
/// error message replaced.
fn instance(status: &str, message: &str) -> Reply {
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/compute/instance.json"
    );
    let mut instance: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture).unwrap()).unwrap();
    instance["status"] = status.into();
    instance["error"]["message"] = message.into();
    Reply::json(200, &instance.to_string())
}

#[tokio::test]
async fn a_waiter_on_a_hostile_resource_fails_bounded_and_inert() {
    // An error status the SDK does not know, and a huge error message.
    let status = format!("creating_error_{}", huge(NASTY, 200 * KIB));
    let server = TestServer::start(vec![instance(&status, &huge(NASTY, MIB))]).await;
    let client = client_for(&server).build().unwrap();
    let err = client.wait(InstanceRunning::new("i-1")).await.unwrap_err();
    assert!(matches!(err, Error::ResourceFailed { .. }), "{err:?}");
    assert_bounded_and_inert("ResourceFailed", &err);

    // A status that never ends, until the wait's deadline.
    // At most five polls fit in the wait; the script has more.
    // (Without "error" in it, which would fail the wait at once.)
    let pending = format!("x_pending{}", huge(NASTY, 200 * KIB)).replace("error", "e");
    let server = TestServer::start(vec![instance(&pending, "m"); 8]).await;
    let client = client_for(&server).build().unwrap();
    let err = client
        .wait(InstanceRunning::new("i-1"))
        .interval(Duration::from_millis(500), Duration::from_millis(500))
        .timeout(Duration::from_secs(2))
        .await
        .unwrap_err();
    match &err {
        Error::WaitTimeout { last_status, .. } => assert!(last_status.starts_with("x_pending")),
        other => panic!("{other:?}"),
    }
    assert_bounded_and_inert("WaitTimeout", &err);
}
