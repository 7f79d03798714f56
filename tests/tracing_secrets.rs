//! Tracing output at every level never holds the API key.
//!
//! Its own test binary with one test and a global subscriber: tracing caches
//! per-callsite interest process-wide, so a thread-local subscriber racing other
//! tests in the same process could miss events and make this test pass vacuously.

use std::io::Write;
use std::sync::{Arc, Mutex};

const CANARY: &str = "canary-5ecret-value";

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

#[tokio::test]
async fn tracing_output_at_every_level_never_holds_the_key() {
    let captured = Captured::default();
    let writer = captured.clone();
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish(),
    )
    .unwrap();

    // A 503 then a thing: one retry, one response.
    let emulator = mgc_emulator::Emulator::builder()
        .transition_delay(std::time::Duration::ZERO)
        .start()
        .await;
    emulator.faults().fail_next(1, 503);
    let client = mgc::Client::builder()
        .api_key(CANARY)
        .base_url(emulator.region_url("br-se1"))
        .retry(mgc::RetryConfig::new().initial_interval(std::time::Duration::from_millis(1)))
        .build()
        .unwrap();
    client
        .send(mgc::compute::ListMachineTypes::new())
        .await
        .unwrap();
    let _ = client.send(mgc::compute::GetInstance::new("")).await;
    let _ = client.send(mgc::compute::GetInstance::new("missing")).await;

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("retrying") && text.contains("response"),
        "events were captured: {text}"
    );
    assert!(
        !text.contains(CANARY),
        "tracing output shows the key: {text}"
    );
}
