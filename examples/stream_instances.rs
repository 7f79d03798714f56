//! Streaming every instance of a region, one page in memory at a time, and
//! counting them by state.
//!
//! ```text
//! cargo run --example stream_instances
//! ```
//!
//! With no `MGC_API_KEY` it seeds the built-in emulator with 1,234 instances.

use std::collections::BTreeMap;

use futures_util::TryStreamExt as _;
use mgc::compute::ListInstances;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator;
    let client = if std::env::var("MGC_API_KEY").is_ok_and(|k| !k.is_empty()) {
        mgc::Client::from_env()?
    } else {
        emulator = mgc_emulator::Emulator::start().await;
        emulator.seed_instances("br-se1", 1_234, "vm-");
        mgc::Client::builder()
            .api_key("example")
            .base_url(emulator.region_url("br-se1"))
            .build()?
    };

    let mut by_state = BTreeMap::<String, usize>::new();
    let mut instances = std::pin::pin!(client.paginate(ListInstances::new().limit(200u32)));
    while let Some(instance) = instances.try_next().await? {
        let state = instance
            .state
            .map_or_else(|| "unknown".to_owned(), |s| s.to_string());
        *by_state.entry(state).or_default() += 1;
    }
    for (state, count) in &by_state {
        println!("{state:>10}: {count}");
    }
    Ok(())
}
