//! Tracing output at every level, spans and their fields included, never holds a
//! credential: not the API key, not a JWT, not a per-call credential header, not a
//! credential-like query value.
//!
//! Its own test binary with one test and a global subscriber: tracing caches
//! per-callsite interest process-wide, so a thread-local subscriber racing other
//! tests in the same process could miss events and make this test pass vacuously.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::TryStreamExt as _;
use tracing_subscriber::fmt::format::FmtSpan;

const CANARY: &str = "canary-5ecret-value";
const JWT_CANARY: &str = "eyJcanary.jwt-5ecret.value";
const HEADER_CANARY: &str = "canary-header-5ecret";
const QUERY_CANARY: &str = "canary-query-5ecret";

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

mgc::endpoint! {
    /// A user's own endpoint whose query carries a credential.
    pub struct ListSigned {
        method: GET,
        path: "/v1/signed",
        response: (),
        required: {
            /// A signed-URL style token.
            token: String => query "api_token";
        },
    }
}

#[tokio::test]
async fn tracing_output_at_every_level_never_holds_a_credential() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            // Every span's opening and closing, with all its fields (late ones too).
            .with_span_events(FmtSpan::FULL)
            .with_writer(move || writer.clone())
            .finish(),
    )
    .unwrap();

    let emulator = mgc_emulator::Emulator::builder()
        .transition_delay(Duration::ZERO)
        .start()
        .await;
    let ids = emulator.seed_instances("br-se1", 3, "vm-");
    let for_emulator = |builder: mgc::ClientBuilder| {
        builder
            .base_url(emulator.region_url("br-se1"))
            .retry(mgc::RetryConfig::new().initial_interval(Duration::from_millis(1)))
            .build()
            .unwrap()
    };
    let client = for_emulator(mgc::Client::builder().api_key(CANARY));

    // A 503 then a thing: one retry, one response.
    emulator.faults().fail_next(1, 503);
    client
        .send(mgc::compute::ListMachineTypes::new())
        .await
        .unwrap();
    let _ = client.send(mgc::compute::GetInstance::new("")).await;
    let _ = client.send(mgc::compute::GetInstance::new("missing")).await;
    // A credential in a per-call header, and in a query of a user's endpoint.
    let _ = client
        .send_with(
            ListSigned::new(QUERY_CANARY),
            mgc::CallOptions::new().header("authorization", format!("Bearer {HEADER_CANARY}")),
        )
        .await;
    // A page walk (with a failed page) and a wait.
    emulator.faults().fail_next(3, 503);
    let _ = client
        .paginate(mgc::compute::ListInstances::new().limit(1u32))
        .try_collect::<Vec<_>>()
        .await;
    client
        .wait(mgc::compute::InstanceRunning::new(&ids[0]))
        .await
        .unwrap();
    // A client with a JWT.
    let jwt = for_emulator(mgc::Client::builder().jwt(JWT_CANARY));
    emulator.faults().fail_next(1, 503);
    let _ = jwt.send(mgc::compute::ListMachineTypes::new()).await;

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for secret in [CANARY, JWT_CANARY, HEADER_CANARY, QUERY_CANARY] {
        assert!(
            !text.contains(secret),
            "tracing output shows {secret:?}: {text}"
        );
    }
    for seen in [
        "retrying",
        "response",
        "mgc.call",
        "mgc.attempt",
        "mgc.backoff",
        "mgc.paginate",
        "mgc.wait",
        "page failed",
        "url.full",
        "api_token=REDACTED",
    ] {
        assert!(text.contains(seen), "{seen:?} was captured: {text}");
    }
}
