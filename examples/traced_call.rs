//! A call's spans, printed: one call that the built-in emulator fails twice with
//! `503`, so the trace shows the call, its three attempts with their statuses, and
//! the two back-offs between them.
//!
//! ```text
//! cargo run --example traced_call
//! ```
//!
//! Each line is a span closing, innermost last in its path
//! (`mgc.call{..}:mgc.attempt{..}`), with its fields and how long it lasted; the
//! `retrying` lines are the INFO events a retry logs. Drop the span events
//! (`with_span_events`) and a healthy call prints nothing at INFO.
//!
//! To send the same spans to OpenTelemetry, replace the `fmt` subscriber with
//! `tracing_subscriber::registry().with(tracing_opentelemetry::layer().with_tracer(..))`;
//! `mgc` itself depends on neither.

use std::time::Duration;

use mgc::compute::ListMachineTypes;
use tracing_subscriber::fmt::format::FmtSpan;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_span_events(FmtSpan::CLOSE)
        .with_target(false)
        .init();

    let emulator = mgc_emulator::Emulator::start().await;
    let client = mgc::Client::builder()
        .api_key("example")
        .base_url(emulator.region_url("br-se1"))
        .retry(
            mgc::RetryConfig::new()
                .initial_interval(Duration::from_millis(200))
                .max_interval(Duration::from_secs(2)),
        )
        .build()?;

    // The next two requests fail with 503 (a GET is safe to re-send).
    emulator.faults().fail_next(2, 503);
    let types = client.send(ListMachineTypes::new()).await?;
    println!(
        "\n{} machine types, after {} requests on the wire",
        types.machine_types.len(),
        emulator.request_count()
    );
    emulator.shutdown().await;
    Ok(())
}
