//! A local, stateful, in-memory emulator of the MagaluCloud compute (virtual
//! machine) API, for testing the `mgc` SDK and code built on it without an
//! account or a network.
//!
//! It serves every operation of the public compute spec at
//! `http://127.0.0.1:PORT/{region}/compute/v1/...` for the region segments
//! `br-se1`, `br-ne1` and `br-se-1` (the segment of `br-mgl1`), each region
//! with its own state. Resources go through the real lifecycle (an instance
//! is `provisioning`/`new`, then `completed`/`running` after the transition
//! delay; stop, start, retype, snapshots, restore...), lists page and sort,
//! `expand` works, every error comes as `{"message", "slug", "details"}`,
//! and [`Faults`] injects failures, dropped connections, cut bodies and
//! latency, per operation; the same controls, a request log and a reset are
//! served over HTTP under `/_emulator/` (see the README).
//!
//! By default the emulator is **strict**: each request is checked against the
//! spec's contract (required query parameters and headers, allowed values,
//! body fields and types, `id` or `name` but not both, the content type) and
//! a violation answers `422` with `details.field` and `details.rule`; a body
//! that is not JSON answers `400`. [`EmulatorBuilder::lenient`] applies the
//! spec's defaults instead.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let emu = mgc_emulator::Emulator::start().await;
//! let client = reqwest::Client::builder().no_proxy().build().unwrap();
//! let resp = client
//!     .get(format!("{}/compute/v1/machine-types", emu.region_url("br-se1")))
//!     .header("X-API-Key", "any-non-empty-key")
//!     .send()
//!     .await
//!     .unwrap();
//! assert_eq!(resp.status(), 200);
//! let body: serde_json::Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
//! assert!(!body["machine_types"].as_array().unwrap().is_empty());
//! assert_eq!(emu.request_count(), 1);
//! emu.shutdown().await;
//! # }
//! ```
//!
//! # Conventions
//! - Credentials: `Authorization: Bearer <non-empty>` is always accepted;
//!   `X-API-Key` must equal the key given to [`EmulatorBuilder::api_key`], or
//!   be any non-empty value when none was given. Otherwise `401`.
//! - Transitions take [`EmulatorBuilder::transition_delay`] (300 ms by
//!   default): the intermediate status (`stopping`, ...) shows after half of
//!   it, the final one after all of it. With
//!   [`EmulatorBuilder::manual_transitions`] they wait for
//!   [`Emulator::advance`].
//! - Wrong-state actions answer `409` with slugs `instance_busy` (another
//!   operation is in flight), `instance_not_running` (stop, suspend, reboot),
//!   `instance_not_stopped` (start, retype), `snapshot_not_available`.
//! - Units: machine-type `ram` in MiB, `disk` in GB; image requirements
//!   (`minimum_requirements`, custom `requirements`) `ram`/`disk` in GB.
//! - `GET /v1/instances/{id}` requires `expand` (strict), or without it
//!   expands image, machine type and network (lenient, the spec's default);
//!   lists without `expand` carry only ids.
//! - A reference in a body that names nothing (`machine_type: {name}` of no
//!   machine type) answers `400` `machine_type_not_found`; `404` is kept
//!   for the resource of the URL.
#![warn(missing_docs)]

mod catalogue;
mod contract;
mod faults;
mod routes;
mod server;
mod state;
mod wire;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use contract::{Operation, find_operation, operations};
pub use faults::{Fault, Faults};
use state::{REGIONS, World, region_index};

/// One request as the emulator received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// Path and query exactly as on the wire (still percent-encoded).
    pub path: String,
    /// Headers in arrival order, names lowercased.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Bytes,
}

impl RecordedRequest {
    /// The first value of a header (name matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The name of the operation the request was for (`create_instance`),
    /// or `None` for a path that is no operation.
    pub fn operation(&self) -> Option<&'static str> {
        let path = self.path.split('?').next().unwrap_or_default();
        routes::operation_of(&self.method, path).map(|op| op.name)
    }

    /// The raw query string (without `?`), if any.
    pub fn query(&self) -> Option<&str> {
        self.path.split_once('?').map(|(_, q)| q)
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// State shared by the server and the [`Emulator`] handle.
pub(crate) struct Shared {
    world: Mutex<World>,
    faults: Faults,
    requests: Mutex<Vec<RecordedRequest>>,
    api_key: Option<String>,
    latency: Duration,
    /// Whether the spec's request contract is enforced (see [`EmulatorBuilder::lenient`]).
    pub(crate) strict: bool,
    /// What a reset starts the world from.
    seed: u64,
    delay: Option<Duration>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    /// The world, with every due transition applied.
    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        let mut w = lock(&self.world);
        w.settle();
        w
    }

    /// Back to a fresh world (same seed, so the same ids again), no queued
    /// faults, no error rate or added latency, an empty request log.
    pub(crate) fn reset(&self) {
        *lock(&self.world) = World::new(self.seed, self.delay);
        self.faults.clear();
        lock(&self.requests).clear();
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.requests).clone()
    }

    pub(crate) fn clear_requests(&self) {
        lock(&self.requests).clear();
    }

    pub(crate) fn advance(&self) {
        lock(&self.world).advance();
    }

    pub(crate) fn faults(&self) -> &Faults {
        &self.faults
    }

    pub(crate) fn record(&self, parts: &http::request::Parts, body: &Bytes) {
        let path = parts.uri.path_and_query().map_or_else(
            || parts.uri.path().to_string(),
            |pq| pq.as_str().to_string(),
        );
        let headers = parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        lock(&self.requests).push(RecordedRequest {
            method: parts.method.to_string(),
            path,
            headers,
            body: body.clone(),
        });
    }
}

/// Configures and starts an [`Emulator`]; see [`Emulator::builder`].
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    addr: SocketAddr,
    transition_delay: Duration,
    manual: bool,
    api_key: Option<String>,
    latency: Duration,
    seed: Option<u64>,
    error_rate: Option<(f64, u16)>,
    strict: bool,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            transition_delay: Duration::from_millis(300),
            manual: false,
            api_key: None,
            latency: Duration::ZERO,
            seed: None,
            error_rate: None,
            strict: true,
        }
    }
}

impl EmulatorBuilder {
    /// How long each lifecycle transition takes (default 300 ms;
    /// `Duration::ZERO` completes them by the next request).
    pub fn transition_delay(mut self, delay: Duration) -> Self {
        self.transition_delay = delay;
        self
    }

    /// Transitions never complete on their own, only on [`Emulator::advance`].
    pub fn manual_transitions(mut self) -> Self {
        self.manual = true;
        self
    }

    /// Require `X-API-Key` to equal `key` (bearer tokens are still accepted).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// Delay added to every response.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.latency = latency;
        self
    }

    /// Seed for generated ids and the random error rate (random by default).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Start with a random error rate; same as [`Faults::error_rate`].
    pub fn error_rate(mut self, p: f64, status: u16) -> Self {
        self.error_rate = Some((p, status));
        self
    }

    /// Answer like the live API forgives: apply the spec's defaults where a
    /// request leaves out what the spec requires (`expand` on reading an
    /// instance, `x-api-version`, the content type), ignore unknown query
    /// parameters, fields, `expand` values and sort fields, and let an `id`
    /// win over a `name` given with it.
    ///
    /// The default is strict: every request is checked against the spec's
    /// contract and a violation answers `422` naming the rule, so that code
    /// tested against the emulator cannot rely on forgiveness the spec does
    /// not promise.
    pub fn lenient(mut self) -> Self {
        self.strict = false;
        self
    }

    /// Strict (`true`, the default) or lenient (`false`); see [`lenient`](Self::lenient).
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Address to listen on (default `127.0.0.1:0`, a free port). The library
    /// does not police the address; the binary refuses non-loopback hosts
    /// unless told otherwise.
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Start serving.
    ///
    /// # Panics
    /// If the address cannot be bound; see [`try_start`](Self::try_start).
    pub async fn start(self) -> Emulator {
        let addr = self.addr;
        match self.try_start().await {
            Ok(emu) => emu,
            Err(e) => panic!("mgc-emulator: cannot listen on {addr}: {e}"),
        }
    }

    /// Start serving, or return the bind error. Must be called within a
    /// Tokio runtime; the server runs as a task of that runtime.
    pub async fn try_start(self) -> std::io::Result<Emulator> {
        let listener = TcpListener::bind(self.addr).await?;
        let addr = listener.local_addr()?;
        let seed = self.seed.unwrap_or_else(|| fastrand::u64(..));
        let delay = (!self.manual).then_some(self.transition_delay);
        let faults = Faults::new(seed ^ 0x9e37_79b9_7f4a_7c15);
        if let Some((p, status)) = self.error_rate {
            faults.error_rate(p, status);
        }
        let shared = Arc::new(Shared {
            world: Mutex::new(World::new(seed, delay)),
            faults,
            requests: Mutex::new(Vec::new()),
            api_key: self.api_key,
            latency: self.latency,
            strict: self.strict,
            seed,
            delay,
        });
        let app = routes::router(Arc::clone(&shared));
        let task = tokio::spawn(server::serve(listener, app));
        Ok(Emulator {
            shared,
            addr,
            task: Some(task),
        })
    }
}

/// A running emulator. Dropping it stops the server.
pub struct Emulator {
    shared: Arc<Shared>,
    addr: SocketAddr,
    task: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .finish()
    }
}

impl Emulator {
    /// Start an emulator with the defaults on a free loopback port.
    ///
    /// # Panics
    /// If no loopback port can be bound.
    pub async fn start() -> Emulator {
        EmulatorBuilder::default().start().await
    }

    /// A builder for non-default settings.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// URL of a region, e.g. `http://127.0.0.1:41234/br-se1`; append
    /// `/compute`. `br-mgl1` is translated to its URL segment `br-se-1`.
    pub fn region_url(&self, region: &str) -> String {
        let segment = REGIONS
            .iter()
            .find(|(name, _)| *name == region)
            .map_or(region, |(_, segment)| segment);
        format!("{}/{segment}", self.url())
    }

    /// Complete every pending transition now (instances, snapshots, images).
    pub fn advance(&self) {
        self.shared.advance();
    }

    /// Whether the emulator enforces the spec's request contract (the default).
    pub fn is_strict(&self) -> bool {
        self.shared.strict
    }

    /// Start over: the catalogue only (same seed, so the same ids again), no
    /// queued faults, error rate or added latency, an empty request log.
    /// Same as `POST /_emulator/reset`.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Fault injection controls.
    pub fn faults(&self) -> &Faults {
        &self.shared.faults
    }

    /// Every request received so far, in order (faulted ones included).
    ///
    /// Unlike the HTTP request log (`GET /_emulator/requests`), headers are
    /// kept as sent, credentials included, so that tests can check them.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests()
    }

    /// How many requests were received so far.
    pub fn request_count(&self) -> usize {
        lock(&self.shared.requests).len()
    }

    /// Forget the recorded requests.
    pub fn clear_requests(&self) {
        self.shared.clear_requests();
    }

    /// Create `n` instances that are already `completed`/`running`, named
    /// `format!("{name_prefix}{i:05}")` for `i` in `0..n` (type `BV1-1-10`,
    /// image `cloud-ubuntu-24.04 LTS`). Returns their ids in creation order.
    ///
    /// # Panics
    /// If `region` is not `br-se1`, `br-ne1`, `br-mgl1` or `br-se-1`.
    pub fn seed_instances(&self, region: &str, n: usize, name_prefix: &str) -> Vec<String> {
        let index = expect_region(region);
        let mut w = self.shared.world();
        (0..n)
            .map(|i| routes::seed_instance(&mut w, index, format!("{name_prefix}{i:05}")))
            .collect()
    }

    /// Force an instance's status and state (e.g. `"creating_error"`,
    /// `"error"`), cancelling any transition in flight. A status containing
    /// `error` also sets the instance's `error` object. Returns whether the
    /// instance exists.
    pub fn set_instance_status(&self, region: &str, id: &str, status: &str, state: &str) -> bool {
        let index = expect_region(region);
        let mut w = self.shared.world();
        let Ok(inst) = w.regions[index].instance_mut(id) else {
            return false;
        };
        inst.pending = None;
        inst.status = status.to_string();
        inst.state = state.to_string();
        inst.updated_at = wire::now_rfc3339();
        inst.error = status.contains("error").then(|| {
            (
                status.to_string(),
                format!("the instance failed with status '{status}' (set by the emulator)"),
            )
        });
        true
    }

    /// Force a snapshot's status and state, cancelling its transition.
    /// Returns whether the snapshot exists.
    pub fn set_snapshot_status(&self, region: &str, id: &str, status: &str, state: &str) -> bool {
        let index = expect_region(region);
        let mut w = self.shared.world();
        let Ok(snap) = w.regions[index].snapshot_mut(id) else {
            return false;
        };
        snap.pending = None;
        snap.status = status.to_string();
        snap.state = state.to_string();
        snap.updated_at = wire::now_rfc3339();
        true
    }

    /// Force the status of a public or custom image (e.g. `"deprecated"`).
    /// Returns whether the image exists.
    pub fn set_image_status(&self, region: &str, id: &str, status: &str) -> bool {
        let index = expect_region(region);
        let mut w = self.shared.world();
        let region = &mut w.regions[index];
        if let Some(img) = region.images.iter_mut().find(|i| i.id == id) {
            img.status = status.to_string();
            return true;
        }
        if let Ok(img) = region.custom_image_mut(id) {
            img.pending = None;
            img.status = status.to_string();
            return true;
        }
        false
    }

    /// Stop the server and wait until it is gone. Open connections are closed.
    pub async fn shutdown(mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

fn expect_region(region: &str) -> usize {
    region_index(region).unwrap_or_else(|| {
        panic!("mgc-emulator: unknown region '{region}' (use br-se1, br-ne1 or br-mgl1)")
    })
}
