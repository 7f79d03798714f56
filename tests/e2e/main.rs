//! End to end: the `mgc` client against the emulator, over loopback HTTP.

mod every_operation;
mod faults;
mod lifecycle;
mod paging;
mod resume;
mod strict;
mod waiters;

use std::time::Duration;

use mgc_emulator::Emulator;

/// An emulator whose transitions wait for `advance()`, and a client for it.
pub async fn manual() -> (Emulator, mgc::Client) {
    let emulator = Emulator::builder().manual_transitions().start().await;
    let client = client_for(&emulator, "br-se1");
    (emulator, client)
}

/// An emulator whose transitions are instant, and a client for it.
pub async fn instant() -> (Emulator, mgc::Client) {
    let emulator = Emulator::builder()
        .transition_delay(Duration::ZERO)
        .start()
        .await;
    let client = client_for(&emulator, "br-se1");
    (emulator, client)
}

/// A client for one region of `emulator`, with fast retries.
pub fn client_for(emulator: &Emulator, region: &str) -> mgc::Client {
    mgc::Client::builder()
        .api_key("e2e-key")
        .base_url(emulator.region_url(region))
        .retry(
            mgc::RetryConfig::new()
                .initial_interval(Duration::from_millis(5))
                .max_interval(Duration::from_millis(50)),
        )
        .build()
        .unwrap()
}

/// A create request for a small Ubuntu instance of the emulator's catalogue.
pub fn ubuntu(name: &str) -> mgc::compute::CreateInstance {
    use mgc::compute::{CreateInstance, IdOrName};
    CreateInstance::new(
        name,
        IdOrName::name("BV1-1-10"),
        IdOrName::name("cloud-ubuntu-24.04 LTS"),
    )
}

/// Creates a small Ubuntu instance, waits until it runs, and returns its id.
pub async fn launch(client: &mgc::Client, name: &str) -> String {
    let id = client.send(ubuntu(name)).await.unwrap().id;
    reach(client, mgc::compute::InstanceRunning::new(&id)).await;
    id
}

/// Waits (polling fast) until `waiter` is satisfied; panics on failure.
pub async fn reach<W>(client: &mgc::Client, waiter: W) -> W::Output
where
    W: mgc::Waiter + Send,
    W::Output: Send,
    W::Poll: Send,
    <W::Poll as mgc::Endpoint>::Response: Send,
{
    client.wait(waiter).interval(POLL, POLL).await.unwrap()
}

/// Fast polling for waiters in tests.
pub const POLL: Duration = Duration::from_millis(10);
