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
async fn tracing_output_at_every_level_never_holds_the_key() {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);
    impl Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = TestServer::start(vec![
        Reply::status(503),
        Reply::json(200, r#"{"id":"1","name":"x"}"#),
    ])
    .await;
    let client = crate::support::client_for(&server)
        .api_key(CANARY)
        .build()
        .unwrap();
    client.send(GetThing::new("1")).await.unwrap();
    let _ = client.send(GetThing::new("")).await;

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("retrying") && text.contains("response"),
        "events were captured: {text}"
    );
    assert_clean("tracing output", text);
}
