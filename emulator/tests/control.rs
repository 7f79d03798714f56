//! The control API under `/_emulator/`: faults per operation, the request
//! log (credentials redacted) and the reset, driven over plain HTTP and
//! observed on the wire.

mod common;

use common::{Api, SMALL, UBUNTU, check_error_shape, http_client, raw_exchange};
use mgc_emulator::Emulator;
use reqwest::Method;
use serde_json::{Value, json};

/// A control call: status and JSON body.
async fn control(emu: &Emulator, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = http_client().request(method.clone(), format!("{}{path}", emu.url()));
    if let Some(body) = body {
        req = req.body(body.to_string());
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    let body: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    if status >= 400 {
        check_error_shape(
            method.as_str(),
            path,
            &common::Resp {
                status,
                headers: Default::default(),
                body: body.clone(),
                text,
            },
        );
    }
    (status, body)
}

async fn queue(emu: &Emulator, fault: Value) {
    let (status, body) = control(emu, Method::POST, "/_emulator/faults", Some(fault)).await;
    assert_eq!(status, 200, "{body}");
}

fn create_body(name: &str) -> Value {
    json!({ "name": name, "machine_type": { "name": SMALL }, "image": { "name": UBUNTU } })
}

async fn total_instances(api: &Api) -> u64 {
    api.get("/v1/instances").await.expect(200).body["meta"]["page"]["total"]
        .as_u64()
        .unwrap()
}

#[tokio::test]
async fn fail_applies_to_its_operation_only_with_the_retry_after_asked_for() {
    let emu = Emulator::start().await;
    let api = Api::new(&emu, "br-se1");
    queue(
        &emu,
        json!({ "operation": "list_images", "fault": "fail", "status": 503, "retry_after": 7 }),
    )
    .await;
    queue(
        &emu,
        json!({ "operation": "list_images", "fault": "fail", "status": 503 }),
    )
    .await;
    queue(
        &emu,
        json!({ "operation": "list_images", "fault": "fail", "status": 503, "retry_after": null }),
    )
    .await;
    queue(
        &emu,
        json!({ "operation": "list_images", "fault": "fail", "status": 418, "times": 2 }),
    )
    .await;
    // Other operations pass untouched.
    api.get("/v1/machine-types").await.expect(200);
    let r = api.get("/v1/images").await;
    assert_eq!((r.status, r.header("retry-after")), (503, Some("7")));
    let r = api.get("/v1/images").await;
    assert_eq!(
        (r.status, r.header("retry-after")),
        (503, Some("1")),
        "the default"
    );
    // Explicitly none (the harness checks every other 503 for Retry-After).
    let raw = raw_exchange(&emu, &common::raw_get("/br-se1/compute/v1/images"))
        .await
        .unwrap();
    let raw = String::from_utf8_lossy(&raw).to_ascii_lowercase();
    assert!(raw.starts_with("http/1.1 503"), "{raw}");
    assert!(!raw.contains("retry-after"), "{raw}");
    for _ in 0..2 {
        api.get("/v1/images")
            .await
            .expect_error(418, "injected_fault");
    }
    api.get("/v1/images").await.expect(200);
    assert_eq!(emu.faults().pending(), 0);
}

#[tokio::test]
async fn drop_acts_not_and_act_then_drop_acts_once() {
    let emu = Emulator::start().await;
    let api = Api::new(&emu, "br-se1");
    let http = http_client();
    let create = |name: &str| {
        http.post(format!("{}/v1/instances", api.base))
            .header("x-api-key", "k")
            .header("content-type", "application/json")
            .body(create_body(name).to_string())
            .send()
    };
    queue(
        &emu,
        json!({ "operation": "create_instance", "fault": "drop" }),
    )
    .await;
    assert!(create("dropped").await.is_err(), "no answer");
    assert_eq!(total_instances(&api).await, 0, "nothing was done");

    queue(
        &emu,
        json!({ "operation": "create_instance", "fault": "act_then_drop" }),
    )
    .await;
    assert!(create("trap").await.is_err(), "no answer");
    assert_eq!(total_instances(&api).await, 1, "but it was done");

    queue(
        &emu,
        json!({ "operation": "create_instance", "fault": "act_then_fail", "status": 500 }),
    )
    .await;
    let r = api.post("/v1/instances", create_body("trap-2")).await;
    r.expect_error(500, "internal_server_error");
    assert_eq!(total_instances(&api).await, 2, "a 500 after acting");
}

#[tokio::test]
async fn delay_answers_late_and_cut_sends_exactly_k_bytes() {
    let emu = Emulator::start().await;
    let api = Api::new(&emu, "br-se1");
    queue(
        &emu,
        json!({ "operation": "list_machine_types", "fault": "delay", "delay_ms": 20 }),
    )
    .await;
    api.get("/v1/machine-types").await.expect(200);
    assert_eq!(
        emu.faults().pending(),
        0,
        "the delay was applied to that call"
    );

    queue(
        &emu,
        json!({ "operation": "list_machine_types", "fault": "cut", "after_bytes": 10 }),
    )
    .await;
    let out = raw_exchange(&emu, &common::raw_get("/br-se1/compute/v1/machine-types"))
        .await
        .unwrap();
    let (head, body, declared) = common::split_raw(&out);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(body.len(), 10, "exactly after_bytes bytes: {body:?}");
    assert!(declared > 10, "the full length is promised: {declared}");
}

#[tokio::test]
async fn the_request_log_redacts_credentials_and_reset_starts_over() {
    let emu = Emulator::start().await;
    let api = Api::new(&emu, "br-se1");
    let first = api
        .post("/v1/instances", create_body("logged"))
        .await
        .expect(201)
        .id();
    api.send(
        Method::GET,
        "/v1/instances?name=logged&_limit=5",
        None,
        &[("Authorization", "Bearer secret-jwt")],
    )
    .await
    .expect(200);
    control(&emu, Method::GET, "/_emulator/faults", None).await;

    let (status, log) = control(&emu, Method::GET, "/_emulator/requests", None).await;
    assert_eq!(status, 200);
    let log = log["requests"].as_array().unwrap().clone();
    assert_eq!(log.len(), 2, "control calls are not logged: {log:?}");
    assert_eq!(log[0]["operation"], "create_instance");
    assert_eq!(log[0]["method"], "POST");
    assert_eq!(log[0]["path"], "/br-se1/compute/v1/instances");
    assert_eq!(log[0]["body"]["name"], "logged");
    assert_eq!(log[0]["headers"]["x-api-key"], "[redacted]");
    assert_eq!(log[0]["headers"]["content-type"], "application/json");
    assert_eq!(log[1]["operation"], "list_instances");
    assert_eq!(log[1]["query"], "name=logged&_limit=5");
    assert_eq!(log[1]["headers"]["authorization"], "[redacted]");
    assert_eq!(log[1]["body"], Value::Null);
    let text = serde_json::to_string(&log).unwrap();
    assert!(
        !text.contains("secret-jwt") && !text.contains("test-key"),
        "{text}"
    );
    // In-process, the record keeps what was sent, for tests to check.
    assert_eq!(emu.requests()[0].header("x-api-key"), Some("test-key"));

    let (_, cleared) = control(&emu, Method::DELETE, "/_emulator/requests", None).await;
    assert_eq!(cleared["requests"], json!([]));
    assert_eq!(emu.request_count(), 0);

    emu.faults().fail_next(3, 500);
    let (status, _) = control(&emu, Method::POST, "/_emulator/reset", None).await;
    assert_eq!(status, 200);
    assert_eq!(emu.faults().pending(), 0, "faults are gone");
    assert_eq!(total_instances(&api).await, 0, "instances are gone");
    let again = api
        .post("/v1/instances", create_body("again"))
        .await
        .expect(201)
        .id();
    assert_eq!(again, first, "the same seed, the same ids");
    emu.reset();
    assert_eq!(emu.request_count(), 0);
}

#[tokio::test]
async fn the_control_api_refuses_what_it_does_not_know() {
    let emu = Emulator::start().await;
    let (status, index) = control(&emu, Method::GET, "/_emulator", None).await;
    assert_eq!(status, 200);
    assert_eq!(index["strict"], true);
    assert_eq!(index["operations"].as_array().unwrap().len(), 29);
    for (body, field) in [
        (json!({ "fault": "explode" }), "body.fault"),
        (
            json!({ "fault": "fail", "operation": "make_coffee" }),
            "body.operation",
        ),
        (json!({ "fault": "fail", "status": 200 }), "body.status"),
        (json!({ "fault": "delay" }), "body.delay_ms"),
        (json!({ "fault": "fail", "colour": 1 }), "body.colour"),
    ] {
        let (status, err) = control(&emu, Method::POST, "/_emulator/faults", Some(body)).await;
        assert_eq!(status, 422, "{err}");
        assert_eq!(err["details"]["field"], field, "{err}");
    }
    let resp = http_client()
        .post(format!("{}/_emulator/faults", emu.url()))
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let (status, _) = control(&emu, Method::GET, "/_emulator/nothing", None).await;
    assert_eq!(status, 404);
    assert_eq!(emu.faults().pending(), 0);
    let (_, listed) = control(&emu, Method::GET, "/_emulator/faults", None).await;
    assert_eq!(listed, json!({ "pending": [] }));
}
