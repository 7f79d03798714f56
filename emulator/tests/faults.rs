//! Every fault kind, observed on the wire.

mod common;

use std::time::{Duration, Instant};

use common::{Api, SMALL, UBUNTU, http_client, raw_exchange, raw_get};
use mgc_emulator::Emulator;
use serde_json::json;

#[tokio::test]
async fn fail_next_applies_to_the_next_requests_whatever_the_path() {
    let emu = Emulator::builder().manual_transitions().start().await;
    let api = Api::new(&emu, "br-se1");
    emu.faults().fail_next(2, 503);
    assert_eq!(emu.faults().pending(), 2);
    api.get("/v1/machine-types")
        .await
        .expect_error(503, "service_unavailable");
    // A create that is faulted is not applied.
    api.post(
        "/v1/instances",
        json!({ "name": "x", "machine_type": { "name": SMALL }, "image": { "name": UBUNTU } }),
    )
    .await
    .expect_error(503, "service_unavailable");
    assert_eq!(
        api.get("/v1/instances").await.expect(200).body["meta"]["page"]["total"],
        0
    );
    assert_eq!(emu.faults().pending(), 0);
    assert_eq!(emu.request_count(), 3, "faulted requests are recorded");

    emu.faults().fail_next(1, 500);
    let r = api
        .get("/v1/images")
        .await
        .expect_error(500, "internal_server_error");
    assert!(r.header("retry-after").is_none());
    assert!(r.header("x-mgc-trace-id").is_some());
}

#[tokio::test]
async fn retry_after_is_sent() {
    let emu = Emulator::start().await;
    let api = Api::new(&emu, "br-se1");
    emu.faults().fail_next_with_retry_after(1, 429, 7);
    let r = api
        .get("/v1/instances")
        .await
        .expect_error(429, "too_many_requests");
    assert_eq!(r.header("retry-after"), Some("7"));
    api.get("/v1/instances").await.expect(200);
}

#[tokio::test]
async fn faults_queue_in_order_and_clear() {
    let emu = Emulator::start().await;
    let api = Api::new(&emu, "br-se1");
    emu.faults().fail_next(1, 502);
    emu.faults().fail_next(1, 504);
    api.get("/v1/instances")
        .await
        .expect_error(502, "bad_gateway");
    api.get("/v1/instances")
        .await
        .expect_error(504, "gateway_timeout");
    api.get("/v1/instances").await.expect(200);

    emu.faults().fail_next(5, 503);
    emu.faults().error_rate(1.0, 500);
    emu.faults().latency(Duration::from_secs(30));
    emu.faults().clear();
    assert_eq!(emu.faults().pending(), 0);
    api.get("/v1/instances").await.expect(200);
}

#[tokio::test]
async fn drop_closes_the_connection_without_a_byte() {
    let emu = Emulator::start().await;
    emu.faults().drop_next(1);
    let out = raw_exchange(&emu, &raw_get("/br-se1/compute/v1/instances")).await;
    match out {
        Ok(bytes) => assert!(
            bytes.is_empty(),
            "got {:?}",
            String::from_utf8_lossy(&bytes)
        ),
        Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
    }
    // The request was read and recorded; the next one is served normally.
    assert_eq!(emu.request_count(), 1);
    assert_eq!(emu.requests()[0].path, "/br-se1/compute/v1/instances");
    let out = raw_exchange(&emu, &raw_get("/br-se1/compute/v1/instances"))
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&out).starts_with("HTTP/1.1 200"));

    // reqwest sees a transport error, not a response.
    emu.faults().drop_next(1);
    let err = http_client()
        .get(format!("{}/compute/v1/instances", emu.region_url("br-se1")))
        .header("x-api-key", "k")
        .send()
        .await
        .unwrap_err();
    assert!(!err.is_status(), "{err}");
}

#[tokio::test]
async fn dropped_create_is_not_applied() {
    let emu = Emulator::builder().manual_transitions().start().await;
    let api = Api::new(&emu, "br-se1");
    emu.faults().drop_next(1);
    let body =
        json!({ "name": "x", "machine_type": { "name": SMALL }, "image": { "name": UBUNTU } });
    let sent = http_client()
        .post(format!("{}/v1/instances", api.base))
        .header("x-api-key", "k")
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await;
    assert!(sent.is_err());
    assert_eq!(emu.requests()[0].body_json().unwrap(), body);
    assert_eq!(
        api.get("/v1/instances").await.body["meta"]["page"]["total"],
        0
    );
}

#[tokio::test]
async fn truncate_sends_headers_then_half_the_body() {
    let emu = Emulator::start().await;
    emu.faults().truncate_next(1);
    let out = raw_exchange(&emu, &raw_get("/br-se1/compute/v1/machine-types"))
        .await
        .unwrap_or_default();
    let (head, body, declared) = common::split_raw(&out);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(declared > 100);
    assert!(
        !body.is_empty() && body.len() < declared,
        "{} of {declared}",
        body.len()
    );
    assert!(head.to_ascii_lowercase().contains("x-mgc-trace-id"));

    // reqwest gets the head, then fails reading the body.
    emu.faults().truncate_next(1);
    let resp = http_client()
        .get(format!(
            "{}/compute/v1/machine-types",
            emu.region_url("br-se1")
        ))
        .header("x-api-key", "k")
        .send()
        .await
        .expect("headers arrive");
    assert_eq!(resp.status(), 200);
    assert!(resp.bytes().await.is_err());
}

#[tokio::test]
async fn truncated_action_is_applied_and_its_204_cut() {
    let emu = Emulator::builder().manual_transitions().start().await;
    let api = Api::new(&emu, "br-se1");
    let id = emu.seed_instances("br-se1", 1, "t-").remove(0);
    emu.faults().truncate_next(1);
    let resp = http_client()
        .post(format!("{}/v1/instances/{id}/stop", api.base))
        .header("x-api-key", "k")
        .send()
        .await
        .expect("headers arrive");
    assert_eq!(resp.status(), 200);
    assert!(resp.bytes().await.is_err());
    assert_eq!(api.instance_status(&id).await.0, "stopping_pending");
}

#[tokio::test]
async fn error_rate_is_seeded_and_reproducible() {
    async fn pattern(seed: u64) -> Vec<u16> {
        let emu = Emulator::builder().seed(seed).start().await;
        let api = Api::new(&emu, "br-se1");
        emu.faults().error_rate(0.5, 503);
        let mut statuses = Vec::new();
        for _ in 0..40 {
            statuses.push(api.get("/v1/machine-types?_limit=1").await.status);
        }
        statuses
    }
    let a = pattern(7).await;
    let b = pattern(7).await;
    assert_eq!(a, b);
    let failures = a.iter().filter(|s| **s == 503).count();
    assert!((5..=35).contains(&failures), "{failures} of 40");
    assert!(a.iter().all(|s| *s == 200 || *s == 503));

    // Also from the builder; p = 1 fails everything, p = 0 nothing.
    let emu = Emulator::builder().error_rate(1.0, 502).start().await;
    let api = Api::new(&emu, "br-se1");
    api.get("/v1/instances")
        .await
        .expect_error(502, "bad_gateway");
    emu.faults().error_rate(0.0, 502);
    api.get("/v1/instances").await.expect(200);
}

#[tokio::test]
async fn latency_from_builder_and_faults() {
    let emu = Emulator::builder()
        .latency(Duration::from_millis(60))
        .start()
        .await;
    let api = Api::new(&emu, "br-se1");
    let t = Instant::now();
    api.get("/v1/instances").await.expect(200);
    assert!(t.elapsed() >= Duration::from_millis(60));

    emu.faults().latency(Duration::from_millis(80));
    let t = Instant::now();
    api.get("/v1/instances").await.expect(200);
    assert!(t.elapsed() >= Duration::from_millis(140));
    emu.faults().clear();
    let t = Instant::now();
    api.get("/v1/instances").await.expect(200);
    assert!(t.elapsed() >= Duration::from_millis(60));
}
