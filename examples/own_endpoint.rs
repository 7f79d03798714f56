//! Declaring an endpoint the SDK does not ship, adding a tower layer of your own,
//! and previewing a request without sending it.
//!
//! ```text
//! cargo run --example own_endpoint
//! ```
//!
//! Runs against the built-in emulator.

use bytes::Bytes;
use tower::util::MapRequestLayer;

mgc::endpoint! {
    /// Reads an instance as raw JSON, with every field the API sends, known or not.
    pub struct GetInstanceRaw {
        method: GET,
        path: "/v1/instances/{id}",
        response: serde_json::Value,
        headers: { "x-api-version": "1.1" },
        required: {
            /// The instance id.
            id: String => path;
        },
        optional: {
            /// Related resources to include in full: the spec requires the
            /// parameter, so it starts at the spec's default.
            expand: Vec<String> => query "expand",
                default = ["network", "image", "machine-type"].map(String::from).to_vec();
        },
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = mgc_emulator::Emulator::start().await;
    let client = mgc::Client::builder()
        .api_key("example")
        .base_url(emulator.region_url("br-se1"))
        // Any tower layer: this one prints each call before timeouts and retries.
        .layer(MapRequestLayer::new(|request: http::Request<Bytes>| {
            println!("-> {} {}", request.method(), request.uri());
            request
        }))
        .build()?;

    let id = emulator.seed_instances("br-se1", 1, "demo-").remove(0);

    // What would be sent, as data (the API key shows as "[redacted]").
    let preview = client.preview(&GetInstanceRaw::new(&id))?;
    println!("{}", serde_json::to_string_pretty(&preview)?);

    let raw = client.send(GetInstanceRaw::new(&id)).await?;
    println!("{} is {}", raw["name"], raw["state"]);
    Ok(())
}
