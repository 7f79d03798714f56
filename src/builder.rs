//! [`ClientBuilder`]: configuration in, a ready tower stack out.
//!
//! Everything that can be wrong with a configuration is found in
//! [`ClientBuilder::build`], which returns an error rather than panicking; setters
//! never fail, they remember the first problem instead.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, HeaderValue, USER_AGENT};
use http::{HeaderMap, Uri};
use tower::{Layer, Service, ServiceBuilder, ServiceExt as _};

use crate::client::Client;
use crate::credentials::{Credentials, Secret};
use crate::endpoint::{BadHeader, header_pair};
use crate::error::{BoxError, Error};
use crate::region::{API_HOST, DEFAULT_BASE_PATH, Region};
use crate::stack::attempt::Attempt;
use crate::stack::headers::SetHeadersLayer;
use crate::stack::retry::{RetryConfig, RetryPolicy};
use crate::stack::transport::{Bottom, ReqwestTransport};
use crate::stack::{HttpService, Stack};

/// The `User-Agent` this crate sends: `mgc-rust/<version>`.
pub const USER_AGENT_PREFIX: &str = concat!("mgc-rust/", env!("CARGO_PKG_VERSION"));

/// Default cap on a response body: 8 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// How long an idle pooled connection is kept by default: 30 s, well under the
/// 60 s after which common load balancers drop idle connections, so the client
/// closes first instead of racing them with a request on a dying connection.
pub const DEFAULT_POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// How many requests one client (and its clones) has in flight at most by
/// default. Calls beyond it wait for a slot, within their total timeout.
pub const DEFAULT_MAX_CONCURRENT_REQUESTS: usize = 64;

type Wrap = Box<dyn FnOnce(HttpService) -> HttpService + Send>;

/// The HTTP client at the bottom of the stack. Every layer above it (headers,
/// timeouts, retries, the in-flight cap, your own) is the same for each, and so
/// are the TLS roots and provider, the body cap and the proxy settings.
///
/// The default is [`Leaf::Hyper`] when the `hyper` feature is on (it is by
/// default), [`Leaf::Reqwest`] otherwise. Why, with the numbers: ARCHITECTURE.md,
/// "Two leaves".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Leaf {
    /// reqwest: also speaks to `https://` proxies. Its connections follow the
    /// requests in flight but are not hard-capped: hyper may finish a connect in
    /// the background after a request was served by a connection freed meanwhile.
    Reqwest,
    /// hyper-util's pooled client with hyper-rustls (feature `hyper`): less work
    /// per call, and a hard cap on open connections (one slot per connection, as
    /// many as [`ClientBuilder::max_concurrent_requests`]). Proxies: `http://`
    /// ones, through a `CONNECT` tunnel.
    #[cfg(feature = "hyper")]
    Hyper,
}

impl Default for Leaf {
    fn default() -> Self {
        #[cfg(feature = "hyper")]
        return Leaf::Hyper;
        #[cfg(not(feature = "hyper"))]
        return Leaf::Reqwest;
    }
}

/// Where the client's proxy comes from.
#[derive(Debug)]
enum ProxySetting {
    /// `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` (or their lower-case
    /// forms), as curl reads them; never for a loopback base URL.
    Environment,
    /// This proxy for every connection (it may hold a password).
    Url(Secret),
    /// No proxy at all.
    Off,
}

/// Builds a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use mgc::{Client, Region};
///
/// let client = Client::builder()
///     .api_key("my-api-key")
///     .region(Region::BrNe1)
///     .user_agent_suffix("my-tool/1.0")
///     .attempt_timeout(Duration::from_secs(10))
///     .build()?;
/// # Ok::<(), mgc::Error>(())
/// ```
#[must_use]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    region: Region,
    api_host: String,
    base_url: Option<String>,
    user_agent_suffix: Option<String>,
    headers: Vec<(String, String)>,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    total_timeout: Option<Duration>,
    retry: RetryConfig,
    allow_insecure_http: bool,
    body_limit: usize,
    pool_idle_timeout: Duration,
    max_concurrent_requests: usize,
    root_certificates: Vec<Vec<u8>>,
    layers: Vec<Wrap>,
    leaf: Option<Leaf>,
    proxy: ProxySetting,
    transport: Option<HttpService>,
    problem: Option<Error>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("base_url", &self.base_url)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("retry", &self.retry)
            .field("layers", &self.layers.len())
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            credentials: None,
            region: Region::default(),
            api_host: API_HOST.to_owned(),
            base_url: None,
            user_agent_suffix: None,
            headers: Vec::new(),
            connect_timeout: Duration::from_secs(5),
            attempt_timeout: Duration::from_secs(30),
            total_timeout: Some(Duration::from_secs(90)),
            retry: RetryConfig::default(),
            allow_insecure_http: false,
            body_limit: DEFAULT_BODY_LIMIT,
            pool_idle_timeout: DEFAULT_POOL_IDLE_TIMEOUT,
            max_concurrent_requests: DEFAULT_MAX_CONCURRENT_REQUESTS,
            root_certificates: Vec::new(),
            layers: Vec::new(),
            leaf: None,
            proxy: ProxySetting::Environment,
            transport: None,
            problem: None,
        }
    }
}

impl ClientBuilder {
    /// A builder with the defaults: region `br-se1`, 5 s connect, 30 s per attempt,
    /// 90 s per operation, 3 attempts.
    pub fn new() -> Self {
        ClientBuilder::default()
    }

    /// A builder preset from the environment: `MGC_API_KEY`, `MGC_JWT`, `MGC_REGION`
    /// and `MGC_BASE_URL` (each only when set and not empty).
    pub fn from_env() -> Self {
        ClientBuilder::from_env_with(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) over any source of variables: a map in a test,
    /// a config file, a secrets store. No `set_var` needed.
    ///
    /// ```
    /// use std::collections::HashMap;
    ///
    /// let vars = HashMap::from([("MGC_API_KEY", "key"), ("MGC_REGION", "br-ne1")]);
    /// let client = mgc::ClientBuilder::from_env_with(|name| vars.get(name).map(|v| v.to_string()))
    ///     .build()?;
    /// assert_eq!(client.base_url(), "https://api.magalu.cloud/br-ne1/compute");
    /// # Ok::<(), mgc::Error>(())
    /// ```
    pub fn from_env_with(get: impl Fn(&str) -> Option<String>) -> Self {
        let var = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let mut builder = ClientBuilder::new();
        if let Some(key) = var("MGC_API_KEY") {
            builder = builder.api_key(key);
        } else if let Some(token) = var("MGC_JWT") {
            builder = builder.jwt(token);
        }
        if let Some(region) = var("MGC_REGION") {
            match region.parse::<Region>() {
                Ok(region) => builder = builder.region(region),
                Err(e) => builder.remember(e),
            }
        }
        if let Some(url) = var("MGC_BASE_URL") {
            builder = builder.base_url(url);
        }
        builder
    }

    fn remember(&mut self, problem: Error) {
        self.problem.get_or_insert(problem);
    }

    /// Authenticates with an API key (`X-API-Key`).
    pub fn api_key(mut self, key: impl Into<Secret>) -> Self {
        self.credentials = Some(Credentials::ApiKey(key.into()));
        self
    }

    /// Authenticates with a JWT access token (`Authorization: Bearer ...`; the
    /// `Bearer ` prefix is added when missing).
    pub fn jwt(mut self, token: impl Into<Secret>) -> Self {
        self.credentials = Some(Credentials::Bearer(token.into()));
        self
    }

    /// Sets the credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// The region to call (default `br-se1`). Ignored when [`base_url`](Self::base_url) is set.
    pub fn region(mut self, region: Region) -> Self {
        self.region = region;
        self
    }

    /// The API host the region is appended to (default `https://api.magalu.cloud`).
    pub fn api_host(mut self, host: impl Into<String>) -> Self {
        self.api_host = host.into();
        self
    }

    /// An explicit URL: a region root such as `https://api.magalu.cloud/br-se1`
    /// or an emulator's `http://127.0.0.1:8080/br-se1`, to which the product path
    /// `/compute` is appended, or the spec's server URL that already ends in it
    /// (`https://api.magalu.cloud/br-se1/compute`): both reach the same API. A URL
    /// with no region, or with a path below `/compute`, makes
    /// [`build`](Self::build) fail. Plain `http://` is accepted for loopback hosts
    /// only, unless [`allow_insecure_http`](Self::allow_insecure_http) is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Allows `http://` base URLs on hosts that are not loopback. Credentials would
    /// then cross the network in clear text: for test rigs only.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Appended to the `User-Agent`: `mgc-rust/<version> <suffix>`.
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// A header sent with every request. Invalid names or values make
    /// [`build`](Self::build) fail.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// How long establishing a connection may take (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, from sending to the last byte of the body
    /// (default 30 s).
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    /// How long a whole operation may take, retries and back-off included (default
    /// 90 s); `None` for no limit.
    pub fn total_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.total_timeout = timeout;
        self
    }

    /// The retry settings.
    pub fn retry(mut self, retry: RetryConfig) -> Self {
        self.retry = retry;
        self
    }

    /// Attempts per call, the first included; `1` disables retries.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.retry.max_attempts = attempts.max(1);
        self
    }

    /// The largest response body accepted (default 8 MiB); larger ones fail with
    /// [`Error::BodyTooLarge`] without being buffered.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// How long an idle pooled connection is kept before it is closed (default
    /// [`DEFAULT_POOL_IDLE_TIMEOUT`], 30 s). Keep it below the idle timeout of any
    /// load balancer or proxy on the way.
    pub fn pool_idle_timeout(mut self, timeout: Duration) -> Self {
        self.pool_idle_timeout = timeout;
        self
    }

    /// The most requests this client and its clones have in flight at once
    /// (default [`DEFAULT_MAX_CONCURRENT_REQUESTS`], 64); more calls wait for a
    /// slot, within their total timeout, rather than opening ever more
    /// connections. `0` makes [`build`](Self::build) fail.
    pub fn max_concurrent_requests(mut self, max: usize) -> Self {
        self.max_concurrent_requests = max;
        self
    }

    /// Trusts the certificate(s) in `pem` in addition to the public web roots (for a
    /// proxy or a test server with its own CA).
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(pem.into());
        self
    }

    /// Wraps the stack in a tower layer of your own. It sees every request, before
    /// the timeouts and retries; layers added first end up outermost.
    ///
    /// ```
    /// use mgc::Client;
    /// use tower::ServiceBuilder;
    ///
    /// let client = Client::builder()
    ///     .api_key("key")
    ///     .layer(tower::layer::layer_fn(|inner| inner)) // any tower::Layer
    ///     .build()?;
    /// # Ok::<(), mgc::Error>(())
    /// ```
    pub fn layer<L>(mut self, layer: L) -> Self
    where
        L: Layer<HttpService> + Send + 'static,
        L::Service: Service<http::Request<Bytes>, Response = http::Response<Bytes>>
            + Clone
            + Send
            + Sync
            + 'static,
        <L::Service as Service<http::Request<Bytes>>>::Error: Into<BoxError>,
        <L::Service as Service<http::Request<Bytes>>>::Future: Send + 'static,
    {
        self.layers.push(Box::new(move |inner: HttpService| {
            HttpService::new(layer.layer(inner).map_err(Into::into))
        }));
        self
    }

    /// Chooses the HTTP client at the bottom of the stack (default: see
    /// [`Leaf`]). Ignored when a [`transport`](Self::transport) is set.
    pub fn leaf(mut self, leaf: Leaf) -> Self {
        self.leaf = Some(leaf);
        self
    }

    /// Sends every connection through this proxy, e.g. `http://proxy.corp:3128`
    /// or `http://user:password@proxy.corp:3128` (the password goes in
    /// `Proxy-Authorization` and appears in no `Debug` output or error). Without
    /// this, the client reads `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and
    /// `NO_PROXY` as curl does, except for a loopback base URL such as the
    /// emulator's. The hyper leaf tunnels through `http://` proxies with
    /// `CONNECT`; when a proxy needs anything else (`https://`) and no leaf was
    /// chosen, the client uses the reqwest leaf, which speaks to it.
    pub fn proxy(mut self, url: impl Into<Secret>) -> Self {
        self.proxy = ProxySetting::Url(url.into());
        self
    }

    /// Connects directly, whatever the proxy variables of the environment say.
    pub fn no_proxy(mut self) -> Self {
        self.proxy = ProxySetting::Off;
        self
    }

    /// Replaces the leaf at the bottom of the stack, e.g. with a test
    /// double. Headers, timeouts and retries still apply on top of it.
    pub fn transport<S>(mut self, service: S) -> Self
    where
        S: Service<http::Request<Bytes>, Response = http::Response<Bytes>>
            + Clone
            + Send
            + Sync
            + 'static,
        S::Error: Into<BoxError>,
        S::Future: Send + 'static,
    {
        self.transport = Some(HttpService::new(service.map_err(Into::into)));
        self
    }

    /// Checks the configuration and assembles the stack.
    pub fn build(self) -> Result<Client, Error> {
        if let Some(problem) = self.problem {
            return Err(problem);
        }
        self.retry.validate()?;
        if self.max_concurrent_requests == 0 {
            return Err(Error::Config(Cow::Borrowed(
                "max_concurrent_requests must be at least 1",
            )));
        }
        let credentials = self.credentials.ok_or(Error::Config(Cow::Borrowed(
            "no credentials: set an API key or a JWT (MGC_API_KEY / MGC_JWT)",
        )))?;
        let region_url = match self.base_url {
            Some(url) => url,
            None => self.region.base_url_on(&self.api_host),
        };
        let base = compute_base(&region_url, self.allow_insecure_http)?;
        let headers = client_headers(
            &credentials,
            self.user_agent_suffix.as_deref(),
            &self.headers,
        )?;
        let transport = match self.transport {
            Some(transport) => Bottom::Custom(transport),
            None => {
                let options = TransportOptions {
                    base: base.parse().map_err(|_| {
                        Error::Config(Cow::Borrowed("the base URL is not a valid URI"))
                    })?,
                    connect_timeout: self.connect_timeout,
                    pool_idle_timeout: self.pool_idle_timeout,
                    max_connections: self.max_concurrent_requests,
                    body_limit: self.body_limit,
                };
                let proxy = self.proxy.resolve(&options.base)?;
                leaf_transport(self.leaf, &proxy, &self.root_certificates, &options)?
            }
        };

        // The slot and both deadlines are taken per attempt, below the retry, so
        // a back-off holds no slot (stack::attempt says why in one layer).
        let attempt = Attempt::new(
            SetHeadersLayer::new(headers.clone()).layer(transport),
            self.max_concurrent_requests,
            self.attempt_timeout,
            self.total_timeout,
        );
        let own = ServiceBuilder::new()
            .retry(RetryPolicy::new(self.retry))
            .service(attempt);
        let service = if self.layers.is_empty() {
            Stack::Own(own)
        } else {
            let mut service = HttpService::new(own);
            for wrap in self.layers.into_iter().rev() {
                service = wrap(service);
            }
            Stack::Layered(service)
        };

        Ok(Client::from_parts(crate::client::Parts {
            service,
            base,
            total_timeout: self.total_timeout,
            preview_headers: headers,
        }))
    }
}

/// The headers every request carries: credentials, user agent, `Accept`, and the
/// caller's own (which win over ours, except that secrets stay marked sensitive).
fn client_headers(
    credentials: &Credentials,
    user_agent_suffix: Option<&str>,
    custom: &[(String, String)],
) -> Result<HeaderMap, Error> {
    let mut headers = HeaderMap::new();
    let (name, value) = credentials.header()?;
    headers.insert(name, value);
    let agent = match user_agent_suffix.map(str::trim) {
        Some(suffix) if !suffix.is_empty() => format!("{USER_AGENT_PREFIX} {suffix}"),
        _ => USER_AGENT_PREFIX.to_owned(),
    };
    headers.insert(
        USER_AGENT,
        HeaderValue::from_str(&agent).map_err(|_| {
            Error::Config(Cow::Borrowed(
                "the user agent suffix is not a valid header value",
            ))
        })?,
    );
    // Every answer of the API is JSON; saying so keeps content negotiation
    // (and proxies that do it) from picking anything else.
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    for (name, value) in custom {
        let (header, value) = header_pair(name, value).map_err(|bad| {
            Error::Config(match bad {
                BadHeader::Name => format!("{name:?} is not a valid header name").into(),
                BadHeader::Value => {
                    format!("the value of header {name:?} is not a valid header value").into()
                }
            })
        })?;
        headers.insert(header, value);
    }
    Ok(headers)
}

/// What a leaf is configured with.
struct TransportOptions {
    /// Every request goes to this host, so the proxy is decided once, for it.
    base: Uri,
    connect_timeout: Duration,
    pool_idle_timeout: Duration,
    #[cfg_attr(not(feature = "hyper"), allow(dead_code))]
    max_connections: usize,
    body_limit: usize,
}

/// The leaf: an HTTP client of our own (never a shared one) with our TLS config
/// (same roots, same provider for both leaves), no redirects and a bounded idle
/// pool.
fn leaf_transport(
    leaf: Option<Leaf>,
    proxy: &ProxySetting,
    root_certificates: &[Vec<u8>],
    options: &TransportOptions,
) -> Result<Bottom, Error> {
    let tls = tls_config(root_certificates)?;
    #[cfg(feature = "hyper")]
    if leaf.unwrap_or_default() == Leaf::Hyper {
        match hyper_proxy(proxy, &options.base) {
            Ok(tunnel) => {
                return Ok(Bottom::Hyper(crate::stack::hyper::HyperTransport::new(
                    crate::stack::hyper::HyperOptions {
                        tls,
                        connect_timeout: options.connect_timeout,
                        pool_idle_timeout: options.pool_idle_timeout,
                        max_connections: options.max_connections,
                        body_limit: options.body_limit,
                        proxy: tunnel,
                    },
                )));
            }
            // Not chosen, and the proxy needs what only reqwest speaks.
            Err(_) if leaf.is_none() => {}
            Err(why) => return Err(Error::Config(why.into())),
        }
    }
    #[cfg(not(feature = "hyper"))]
    let _ = leaf;
    reqwest_transport(tls, proxy, options)
}

/// The proxy the hyper leaf tunnels through for `base`, if any; `Err` says why
/// the hyper leaf cannot use it (and reqwest might).
#[cfg(feature = "hyper")]
fn hyper_proxy(
    proxy: &ProxySetting,
    base: &Uri,
) -> Result<Option<crate::stack::hyper::ProxyTunnel>, &'static str> {
    use hyper_util::client::proxy::matcher::Matcher;

    let matcher = match proxy {
        ProxySetting::Off => return Ok(None),
        // The variables reqwest reads too (its system-proxy feature is off).
        ProxySetting::Environment => Matcher::from_env(),
        ProxySetting::Url(url) => Matcher::builder().all(url.expose().to_owned()).build(),
    };
    let Some(intercept) = matcher.intercept(base) else {
        return Ok(None);
    };
    if intercept.uri().scheme_str() != Some("http") {
        return Err(
            "the hyper leaf tunnels through http:// proxies only: choose Leaf::Reqwest for this proxy",
        );
    }
    Ok(Some(crate::stack::hyper::ProxyTunnel {
        uri: intercept.uri().clone(),
        auth: intercept.basic_auth().cloned(),
    }))
}

impl ProxySetting {
    /// The setting both leaves follow for `base`, decided once: a hand-given URL
    /// is checked, and a loopback base (the emulator's, over plain http) is never
    /// proxied from the environment, which would show the proxy its key.
    fn resolve(self, base: &Uri) -> Result<ProxySetting, Error> {
        Ok(match self {
            ProxySetting::Url(url) => {
                check_proxy_url(&url)?;
                ProxySetting::Url(url)
            }
            ProxySetting::Environment if base.host().is_some_and(is_loopback) => ProxySetting::Off,
            other => other,
        })
    }
}

/// A proxy URL given by hand must be one: a typo would otherwise mean a direct
/// connection. The message never repeats the URL, which may hold a password.
fn check_proxy_url(url: &Secret) -> Result<(), Error> {
    let bad = |why: &'static str| Error::Config(Cow::Borrowed(why));
    let uri: Uri = url
        .expose()
        .trim()
        .parse()
        .map_err(|_| bad("the proxy URL is not a valid URL"))?;
    match uri.scheme_str() {
        Some("http" | "https") if uri.host().is_some() => Ok(()),
        Some("http" | "https") => Err(bad("the proxy URL has no host")),
        _ => Err(bad("the proxy URL must start with http:// or https://")),
    }
}

fn reqwest_transport(
    tls: rustls::ClientConfig,
    proxy: &ProxySetting,
    options: &TransportOptions,
) -> Result<Bottom, Error> {
    let mut client = reqwest::Client::builder();
    match proxy {
        ProxySetting::Environment => {}
        ProxySetting::Off => client = client.no_proxy(),
        ProxySetting::Url(url) => {
            let proxy = reqwest::Proxy::all(url.expose().trim())
                .map_err(|_| Error::Config(Cow::Borrowed("the proxy URL is not a valid URL")))?;
            client = client.proxy(proxy);
        }
    }
    let client = client
        .use_preconfigured_tls(tls)
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(options.connect_timeout)
        .pool_idle_timeout(options.pool_idle_timeout)
        .build()
        .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}").into()))?;
    Ok(Bottom::Reqwest(ReqwestTransport::new(
        client,
        options.body_limit,
    )))
}

/// Validates a region URL and returns the product base every path is appended to.
///
/// The rule: the URL names a region, and may name the compute product below it.
/// `https://api.magalu.cloud/br-se1` (the region root) and
/// `https://api.magalu.cloud/br-se1/compute` (the spec's server URL) both give
/// `https://api.magalu.cloud/br-se1/compute`; a trailing `/` changes nothing. A URL
/// with no path (no region) or with anything below `/compute` is refused.
fn compute_base(region_url: &str, allow_insecure_http: bool) -> Result<String, Error> {
    let bad = |why: &str| Error::Config(format!("invalid base URL {region_url:?}: {why}").into());
    let trimmed = region_url.trim().trim_end_matches('/');
    let uri: Uri = trimmed.parse().map_err(|_| bad("not a URL"))?;
    let host = uri.host().ok_or_else(|| bad("no host"))?;
    if uri.query().is_some() || trimmed.contains('#') {
        return Err(bad("must not have a query or fragment"));
    }
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if allow_insecure_http || is_loopback(host) => {}
        Some("http") => {
            return Err(bad(
                "plain http is only allowed for loopback hosts (use https, or allow_insecure_http for a test rig)",
            ));
        }
        _ => return Err(bad("the scheme must be https")),
    }
    let product = DEFAULT_BASE_PATH.trim_start_matches('/');
    let segments: Vec<&str> = uri.path().split('/').filter(|s| !s.is_empty()).collect();
    match segments.iter().position(|s| *s == product) {
        _ if segments.is_empty() => Err(bad(
            "it names no region: use the region URL, e.g. https://api.magalu.cloud/br-se1",
        )),
        _ if segments.iter().any(|s| *s == "." || *s == "..") => {
            Err(bad("dot segments are not allowed"))
        }
        Some(at) if at + 1 == segments.len() && at > 0 => Ok(trimmed.to_owned()),
        Some(_) => Err(bad(
            "give the region URL (…/br-se1) or the compute URL (…/br-se1/compute), not a path inside the API",
        )),
        None => Ok(format!("{trimmed}{DEFAULT_BASE_PATH}")),
    }
}

fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn tls_config(extra_roots: &[Vec<u8>]) -> Result<rustls::ClientConfig, Error> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject as _;

    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for pem in extra_roots {
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert =
                cert.map_err(|e| Error::Config(format!("bad root certificate PEM: {e}").into()))?;
            roots
                .add(cert)
                .map_err(|e| Error::Config(format!("unusable root certificate: {e}").into()))?;
            added += 1;
        }
        if added == 0 {
            return Err(Error::Config(Cow::Borrowed(
                "a root certificate PEM holds no certificate",
            )));
        }
    }
    let provider = Arc::new(crypto_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("TLS setup failed: {e}").into()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// The rustls provider of the crate's TLS feature, handed to our own config only:
/// nothing is installed process-wide, so other rustls users in the program are
/// left as they were.
#[cfg(feature = "aws-lc-rs")]
fn crypto_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::aws_lc_rs::default_provider()
}

#[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
fn crypto_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}

#[cfg(not(any(feature = "aws-lc-rs", feature = "ring")))]
compile_error!(
    "mgc needs a TLS crypto provider: enable the `aws-lc-rs` (default) or `ring` feature"
);

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn the_environment_configures_credentials_region_and_url() {
        let b =
            ClientBuilder::from_env_with(vars(&[("MGC_API_KEY", "k"), ("MGC_REGION", "br-mgl1")]));
        assert!(matches!(b.credentials, Some(Credentials::ApiKey(_))));
        assert_eq!(
            b.build().unwrap().base_url(),
            "https://api.magalu.cloud/br-se-1/compute"
        );

        let b = ClientBuilder::from_env_with(vars(&[
            ("MGC_JWT", "t"),
            ("MGC_BASE_URL", "http://127.0.0.1:9/br-ne1"),
        ]));
        assert!(matches!(b.credentials, Some(Credentials::Bearer(_))));
        assert_eq!(
            b.build().unwrap().base_url(),
            "http://127.0.0.1:9/br-ne1/compute"
        );

        let bad_region =
            ClientBuilder::from_env_with(vars(&[("MGC_API_KEY", "k"), ("MGC_REGION", "mars")]));
        assert!(matches!(bad_region.build(), Err(Error::Config(_))));
        let nothing = ClientBuilder::from_env_with(vars(&[("MGC_API_KEY", "  ")]));
        assert!(matches!(nothing.build(), Err(Error::Config(_))));
    }

    #[test]
    fn base_urls_are_checked() {
        let base = |url| compute_base(url, false);
        // The region root and the spec's server URL reach the same API.
        for url in [
            "https://api.magalu.cloud/br-se1",
            "https://api.magalu.cloud/br-se1/",
            "https://api.magalu.cloud/br-se1/compute",
            "https://api.magalu.cloud/br-se1/compute/",
        ] {
            assert_eq!(
                base(url).unwrap(),
                "https://api.magalu.cloud/br-se1/compute",
                "{url}"
            );
        }
        assert_eq!(
            base("https://gw.example/mgc/br-ne1").unwrap(),
            "https://gw.example/mgc/br-ne1/compute"
        );
        assert!(base("http://127.0.0.1:8080/br-se1").is_ok());
        assert!(base("http://[::1]:8080/br-se1").is_ok());
        assert!(base("http://localhost/br-se1").is_ok());
        assert!(base("http://example.com/br-se1").is_err());
        assert!(compute_base("http://example.com/br-se1", true).is_ok());
        for refused in [
            "ftp://example.com/br-se1",
            "not a url",
            "https://x/br-se1?a=b",
            // No region, or a path inside the API: each would 404 on every call.
            "https://api.magalu.cloud",
            "https://api.magalu.cloud/",
            "https://api.magalu.cloud/compute",
            "https://api.magalu.cloud/br-se1/compute/v1",
            "https://api.magalu.cloud/br-se1/compute/compute",
            "https://api.magalu.cloud/br-se1/../compute",
        ] {
            match base(refused) {
                Err(Error::Config(why)) => assert!(why.contains("invalid base URL"), "{why}"),
                other => panic!("{refused}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_idle_timeout_default_stays_below_common_load_balancers() {
        assert!(DEFAULT_POOL_IDLE_TIMEOUT < Duration::from_secs(60));
        assert_eq!(
            ClientBuilder::new().pool_idle_timeout,
            DEFAULT_POOL_IDLE_TIMEOUT
        );
    }
}
