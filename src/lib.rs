//! # mgc — the Rust SDK for the MagaluCloud compute API
//!
//! Instances, images, machine types and snapshots of [MagaluCloud], as one table of
//! typed endpoints and one generic executor:
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
//! * [`Client`] — a tower stack (headers, attempt timeout, retry, total timeout,
//!   your own layers) over reqwest with rustls; [`Client::send`] runs any endpoint.
//! * [`Error`] — one error type: API errors with slug, message and request id;
//!   invalid input; timeouts (which one); transport; decode errors with the JSON path.
//! * [`Client::paginate`] / [`Client::pages`] — lazy streams over any list, one page
//!   in memory at a time ([`paging`]).
//! * [`Client::wait`] — poll until a resource reaches a state, failing fast on error
//!   statuses, with a deadline and a progress callback ([`waiting`],
//!   [`compute::InstanceRunning`] and friends).
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
//!
//! ## Configuration
//!
//! [`Client::from_env`] reads `MGC_API_KEY` (or `MGC_JWT`), `MGC_REGION`
//! (`br-se1`, `br-ne1`, `br-mgl1`) and `MGC_BASE_URL`; [`Client::builder`] sets
//! everything else: timeouts (5 s connect, 30 s per attempt, 90 s per operation by
//! default), retries ([`RetryConfig`]), headers, a body size cap, extra root
//! certificates, and your own tower layers.
//!
//! [MagaluCloud]: https://magalu.cloud
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

pub use builder::{ClientBuilder, DEFAULT_BODY_LIMIT, USER_AGENT_PREFIX};
pub use client::{CallOptions, Client, REQUEST_ID, RequestPreview};
pub use credentials::{Credentials, Secret};
pub use endpoint::Endpoint;
pub use error::{ApiError, BODY_SNIPPET_LIMIT, BoxError, Error, Timeout, TransportKind};
pub use paging::{ListMeta, Meta, Page, Paginated};
pub use region::{API_HOST, DEFAULT_BASE_PATH, Region, RegionName};
pub use stack::retry::RetryConfig;
pub use waiting::{Check, Observed, Wait, Waiter};

/// Declares endpoints from table entries; see the [`mgc_macros`] crate for the grammar.
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
