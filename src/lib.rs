//! # mgc — the Rust SDK for the MagaluCloud compute API
//!
//! Instances, images, machine types and snapshots of [MagaluCloud], as one table of
//! typed endpoints and one generic executor.
//!
//! ## Add it
//!
//! ```toml
//! [dependencies]
//! mgc = "0.1"
//! tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
//! futures-util = "0.3" # only for `TryStreamExt` over `client.paginate(..)`
//! ```
//!
//! `mgc` runs on [tokio] (any runtime flavour); a call is a future you `.await`. TLS
//! is rustls with reqwest's own default provider, aws-lc-rs; with
//! `default-features = false, features = ["ring", "hyper"]` it uses *ring* instead,
//! a lighter build, for binaries whose other reqwest users (if any) install a
//! rustls provider themselves. Nothing process-wide is installed either way. The
//! HTTP client at the bottom is hyper-util's (the [`Leaf`] reqwest is built on),
//! or reqwest itself with [`Leaf::Reqwest`]; proxies come from `HTTPS_PROXY` and
//! friends, or [`ClientBuilder::proxy`].
//!
//! ```no_run
//! use mgc::Client;
//! use mgc::compute::{ListInstances, StartInstance};
//!
//! # async fn run() -> Result<(), mgc::Error> {
//! let client = Client::from_env()?; // MGC_API_KEY, MGC_REGION
//! let page = client.send(ListInstances::new().name("web")).await?;
//! for instance in &page.instances {
//!     client.send(StartInstance::new(&instance.id)).await?;
//! }
//! # Ok(()) }
//! ```
//!
//! ## How it fits together
//!
//! * [`Endpoint`] — one API call as plain data: method, path template, query, static
//!   headers, JSON body, response type, whether it is safe to repeat. Turning one
//!   into a request is pure, so [`Client::preview`] shows it without a network.
//! * [`endpoint!`] — the declarative macro that writes endpoints from one table
//!   entry each. The [`compute`] table is made of it, and so can your own endpoints.
//! * [`Client`] — a tower stack (headers, attempt timeout, a cap on requests in
//!   flight, retry, total timeout, your own layers) over hyper or reqwest, with rustls;
//!   [`Client::send`] runs any endpoint.
//! * [`Error`] — one error type: API errors with slug, message and request id;
//!   invalid input; timeouts (which one); transport; decode errors with the JSON path.
//! * [`Client::paginate`] / [`Client::pages`] — lazy streams over any list, one page
//!   in memory at a time ([`paging`]).
//! * [`Client::wait`] — poll until a resource reaches a state, failing fast on error
//!   statuses, with a deadline and a progress callback ([`waiting`],
//!   [`compute::InstanceRunning`] and friends).
//!
//! ## Handling errors
//!
//! Every call returns [`Error`]. Match on what you can act on:
//!
//! ```no_run
//! use mgc::{Client, Error};
//! use mgc::compute::{CreateInstance, GetInstance, IdOrName};
//!
//! # async fn run(client: Client) -> Result<(), Error> {
//! match client.send(GetInstance::new("9ec75090-2872-4f51-8111-53d05d96d2c6")).await {
//!     Ok(instance) => println!("found {}", instance.id),
//!     Err(e) if e.is_not_found() => println!("no such instance"),
//!     Err(e) if e.status() == Some(mgc::http::StatusCode::FORBIDDEN) => {
//!         println!("the key may not read it: {:?}", e.slug());
//!     }
//!     Err(e) => return Err(e),
//! }
//!
//! let create = CreateInstance::new("web-1", IdOrName::name("BV1-1-40"), IdOrName::name("cloud-ubuntu-24.04 LTS"));
//! match client.send(create).await {
//!     Ok(created) => println!("creating {}", created.id),
//!     // The request may have reached the API and created the instance: it was
//!     // not re-sent. Look it up by name before you create it again.
//!     Err(Error::OutcomeUnknown { .. }) => println!("maybe created: check by name"),
//!     // A transient failure (429, 503, a refused connection) outlasted the
//!     // retries; nothing was created. Trying again later is safe.
//!     Err(Error::RetriesExhausted { attempts, last }) => {
//!         println!("gave up after {attempts} attempts: {last}");
//!     }
//!     Err(e) => return Err(e),
//! }
//! # Ok(()) }
//! ```
//!
//! [`Error::request_id`] is the `X-Request-ID` the call carried: quote it to support.
//!
//! ## Testing code that uses this crate
//!
//! * [`Client::preview`] returns the exact request an endpoint produces, as a
//!   `Serialize` value with secrets redacted: snapshot it with `insta`.
//! * The `mgc-emulator` crate is a local, stateful compute API (real lifecycle,
//!   paging, API errors, fault injection); point a client at
//!   `Emulator::start().await.region_url("br-se1")`.
//! * [`ClientBuilder::transport`] swaps reqwest for any tower service, keeping
//!   headers, timeouts and retries on top.
//! * [`ClientBuilder::from_env_with`] reads configuration from any source, so a
//!   test needs no `set_var`.
//!
//! ## Traces and logs
//!
//! Every call is a [`tracing`] span `mgc.call` (operation, `X-Request-ID`, final
//! status, the server's `X-Mgc-Trace-Id`, `error.type`), with one `mgc.attempt` span
//! per HTTP attempt below it, named after the OpenTelemetry HTTP-client
//! conventions (`http.request.method`, `url.full`, `server.address`, `server.port`,
//! `http.response.status_code`, `http.request.resend_count`, `error.type`), and an
//! `mgc.backoff` span for each wait between attempts. Waits are `mgc.wait` spans and
//! page walks `mgc.paginate` spans, with each request an `mgc.call` below them.
//! Spans are INFO and a healthy call logs nothing, so an INFO filter stays quiet;
//! a retry logs one INFO line, a failure a WARN (DEBUG for a 404 or invalid input).
//! No header and no credential is ever recorded. With no subscriber, or one that
//! filters them out, the spans cost nothing (`benches/overhead.rs`: 97 allocations
//! per call with and without them).
//!
//! To export them to OpenTelemetry, add `tracing-opentelemetry` and an
//! `opentelemetry_sdk` tracer to *your* program (`mgc` depends on neither) and
//! install its layer (not compiled here: those crates are yours, not ours):
//!
//! ```text
//! use tracing_subscriber::prelude::*;
//! tracing_subscriber::registry()
//!     .with(tracing_subscriber::filter::LevelFilter::INFO)
//!     .with(tracing_opentelemetry::layer().with_tracer(tracer))
//!     .init();
//! ```
//!
//! The `otel.name`, `otel.kind` and `otel.status_code` fields name the exported
//! spans (`get_instance`, `GET`), mark attempts as client spans and failures as
//! errors. `cargo run --example traced_call` prints the spans of a retried call.
//!
//! ## Configuration
//!
//! [`Client::from_env`] reads `MGC_API_KEY` (or `MGC_JWT`), `MGC_REGION`
//! (`br-se1`, `br-ne1`, `br-mgl1`) and `MGC_BASE_URL` (a region URL such as
//! `https://api.magalu.cloud/br-se1`, or the spec's server URL ending in
//! `/compute`); [`Client::builder`] sets everything else: timeouts (5 s connect,
//! 30 s per attempt, 90 s per operation by default), retries ([`RetryConfig`]), at
//! most [`DEFAULT_MAX_CONCURRENT_REQUESTS`] requests in flight per client, a
//! [`DEFAULT_POOL_IDLE_TIMEOUT`] idle timeout for pooled connections, headers, a
//! body size cap, extra root certificates, and your own tower layers. `http`,
//! `tower` and [`Bytes`] are re-exported, so layers and transports need no
//! crates of their own.
//!
//! [MagaluCloud]: https://magalu.cloud
//! [tokio]: https://tokio.rs
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

// Lets the endpoint macro name this crate as `::mgc` from inside it, too.
extern crate self as mgc;

mod builder;
mod client;
mod credentials;
pub mod endpoint;
mod error;
pub mod paging;
mod region;
pub mod stack;
pub mod waiting;

pub mod compute;

pub use builder::{
    ClientBuilder, DEFAULT_BODY_LIMIT, DEFAULT_MAX_CONCURRENT_REQUESTS, DEFAULT_POOL_IDLE_TIMEOUT,
    Leaf, USER_AGENT_PREFIX,
};
pub use client::{CallOptions, Client, REQUEST_ID, RequestPreview};
pub use credentials::{Credentials, Secret};
pub use endpoint::Endpoint;
pub use error::{ApiError, BODY_SNIPPET_LIMIT, BoxError, Error, Timeout, TransportKind};
pub use paging::{ListMeta, Meta, Page, Pages, Paginate, Paginated, Position};
pub use region::{API_HOST, DEFAULT_BASE_PATH, Region, RegionName};
pub use stack::retry::RetryConfig;
pub use waiting::{Check, Observed, Wait, Waiter};

// What a user's layer, transport or error match needs, in the versions mgc is
// built with: no `tower`, `http` or `bytes` of your own to keep in step.
pub use bytes::{self, Bytes};
/// The `http` crate mgc speaks: requests, responses, [`StatusCode`](http::StatusCode),
/// headers.
pub use http;
pub use stack::HttpService;
/// The `tower` crate mgc's stack is made of (with its `util`, `retry`, `timeout`
/// and `limit` features): for [`ClientBuilder::layer`] and
/// [`ClientBuilder::transport`].
pub use tower;
pub use tower::{Layer, Service};

/// A custom endpoint, declared and previewed:
///
/// ```
/// mgc::endpoint! {
///     /// Reads one widget (an endpoint the SDK does not ship).
///     pub struct GetWidget {
///         method: GET,
///         path: "/v1/widgets/{id}",
///         response: serde_json::Value,
///         required: {
///             /// The widget id.
///             id: String => path;
///         },
///         optional: {
///             /// Page size.
///             limit: u32 => query "_limit";
///         },
///     }
/// }
///
/// let client = mgc::Client::builder().api_key("key").build()?;
/// let request = client.preview(&GetWidget::new("a/b").limit(5u32))?;
/// assert!(request.url.ends_with("/compute/v1/widgets/a%2Fb?_limit=5"));
/// # Ok::<(), mgc::Error>(())
/// ```
#[doc(inline)]
pub use mgc_macros::endpoint;

#[doc(hidden)]
pub mod __private {
    pub use http;
    pub use serde;
    pub use std::string::String;
}

/// The README's examples, compiled as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
