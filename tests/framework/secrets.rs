use std::time::Duration;

use crate::support::{Reply, TestServer};
use crate::things::{CreateThing, GetThing};

const CANARY: &str = "canary-5ecret-value";

fn assert_clean(what: &str, text: String) {
    assert!(!text.contains(CANARY), "{what} shows the secret: {text}");
}

#[tokio::test]
async fn secrets_never_appear_in_debug_or_display() {
    let server = TestServer::start(vec![
        Reply::json(401, r#"{"slug":"Unauthorized","message":"bad key"}"#),
        Reply::Hang,
    ])
    .await;
    for builder in [
        mgc::Client::builder().api_key(CANARY),
        mgc::Client::builder().jwt(CANARY),
    ] {
        let builder = builder
            .base_url(server.url())
            .max_attempts(1)
            .attempt_timeout(Duration::from_millis(100));
        assert_clean("ClientBuilder Debug", format!("{builder:?}"));
        let client = builder.build().unwrap();
        assert_clean("Client Debug", format!("{client:?}"));

        let preview = client.preview(&CreateThing::new("web")).unwrap();
        assert_clean("preview Debug", format!("{preview:?}"));
        assert_clean("preview JSON", serde_json::to_string(&preview).unwrap());

        if let Err(err) = client.send(GetThing::new("1")).await {
            assert_clean("error Display", err.to_string());
            assert_clean("error Debug", format!("{err:?}"));
        }
    }
    // The key did reach the server, in its header only.
    assert_eq!(server.seen()[0].header("x-api-key"), Some(CANARY));

    let config_error = mgc::Client::builder()
        .api_key(format!("{CANARY}\nmore"))
        .build()
        .unwrap_err();
    assert_clean("config error", format!("{config_error} {config_error:?}"));
}

#[tokio::test]
async fn a_windows_password_never_reaches_a_decode_error() {
    use bytes::Bytes;
    use mgc::compute::GetFirstWindowsPassword;

    // Answers that fail to decode (only a missing or mistyped identity, or a wrong
    // shape, does): no instance id next to the password, an id serde would quote.
    for body in [
        format!(r#"{{"instance":{{"password":"{CANARY}","created_at":null,"user":"admin"}}}}"#),
        r#"{"instance":{"id":987654321,"password":"x","created_at":"2026-01-01T00:00:00Z"}}"#
            .to_owned(),
    ] {
        let body = Bytes::from(body);
        let double = tower::service_fn(move |_r: http::Request<Bytes>| {
            let response = http::Response::builder()
                .status(200)
                .body(body.clone())
                .unwrap();
            async move { Ok::<_, std::convert::Infallible>(response) }
        });
        let client = mgc::Client::builder()
            .api_key("k")
            .transport(double)
            .build()
            .unwrap();
        let err = client
            .send(GetFirstWindowsPassword::new("i"))
            .await
            .unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(matches!(err, mgc::Error::Decode { .. }), "{shown}");
        assert_clean("decode error", shown.clone());
        assert!(!shown.contains("987654321"), "{shown}");
    }
}

#[tokio::test]
async fn credentials_set_as_plain_headers_are_redacted_too() {
    let client = mgc::Client::builder()
        .api_key("k")
        .header("Authorization", format!("Bearer {CANARY}"))
        .build()
        .unwrap();
    let options = mgc::CallOptions::new().header("x-api-key", CANARY);
    assert_clean("CallOptions Debug", format!("{options:?}"));
    let preview = client
        .preview_with(&CreateThing::new("web"), &options)
        .unwrap();
    assert_eq!(preview.headers["authorization"], "[redacted]");
    assert_eq!(preview.headers["x-api-key"], "[redacted]");
    assert_clean("preview", format!("{preview:?}"));
}
