//! [`ClientBuilder`]: configuration in, a ready tower stack out.
//!
//! Everything that can be wrong with a configuration is found in
//! [`ClientBuilder::build`], which returns an error rather than panicking; setters
//! never fail, they remember the first problem instead.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, USER_AGENT};
use http::{HeaderMap, Uri};
use tower::{Layer, Service, ServiceBuilder, ServiceExt as _};

use crate::client::Client;
use crate::credentials::{Credentials, Secret, is_secret_header};
use crate::error::{BoxError, Error, Timeout};
use crate::region::{API_HOST, DEFAULT_BASE_PATH, Region};
use crate::stack::HttpService;
use crate::stack::headers::SetHeadersLayer;
use crate::stack::retry::{RetryConfig, RetryPolicy};
use crate::stack::timeout::name_elapsed;
use crate::stack::transport::ReqwestTransport;

/// The `User-Agent` this crate sends: `mgc-rust/<version>`.
pub const USER_AGENT_PREFIX: &str = concat!("mgc-rust/", env!("CARGO_PKG_VERSION"));

/// Default cap on a response body: 8 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 8 * 1024 * 1024;

type Wrap = Box<dyn FnOnce(HttpService) -> HttpService + Send>;

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
    root_certificates: Vec<Vec<u8>>,
    layers: Vec<Wrap>,
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
            root_certificates: Vec::new(),
            layers: Vec::new(),
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
        ClientBuilder::from_vars(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) over any source of variables.
    fn from_vars(get: impl Fn(&str) -> Option<String>) -> Self {
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

    /// An explicit region URL such as `https://api.magalu.cloud/br-se1` or an
    /// emulator's `http://127.0.0.1:8080/br-se1`. The product path `/compute` is
    /// appended. Plain `http://` is accepted for loopback hosts only, unless
    /// [`allow_insecure_http`](Self::allow_insecure_http) is set.
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

    /// Replaces the reqwest transport at the bottom of the stack, e.g. with a test
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
        let credentials = self.credentials.ok_or(Error::Config(Cow::Borrowed(
            "no credentials: set an API key or a JWT (MGC_API_KEY / MGC_JWT)",
        )))?;
        let region_url = match &self.base_url {
            Some(url) => url.clone(),
            None => self.region.base_url_on(&self.api_host),
        };
        let base = compute_base(&region_url, self.allow_insecure_http)?;
        let base_is_loopback = base
            .parse::<Uri>()
            .ok()
            .and_then(|u| u.host().map(is_loopback))
            .unwrap_or(false);

        let mut headers = HeaderMap::new();
        let (name, value) = credentials.header()?;
        headers.insert(name, value);
        let agent = match &self.user_agent_suffix {
            Some(suffix) if !suffix.trim().is_empty() => {
                format!("{USER_AGENT_PREFIX} {}", suffix.trim())
            }
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
        for (name, value) in &self.headers {
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::Config(format!("{name:?} is not a valid header name").into())
            })?;
            let mut value = HeaderValue::from_str(value).map_err(|_| {
                Error::Config(
                    format!("the value of header {name:?} is not a valid header value").into(),
                )
            })?;
            value.set_sensitive(is_secret_header(&header));
            headers.insert(header, value);
        }
        let preview_headers = headers.clone();

        let transport = match self.transport {
            Some(transport) => transport,
            None => {
                let tls = tls_config(&self.root_certificates)?;
                let mut client = reqwest::Client::builder();
                // A proxy from the environment would see the key of a plain-http
                // loopback call (the emulator); other hosts keep the usual proxy
                // variables, and https keeps the key inside TLS.
                if base_is_loopback {
                    client = client.no_proxy();
                }
                let client = client
                    .use_preconfigured_tls(tls)
                    .redirect(reqwest::redirect::Policy::none())
                    .connect_timeout(self.connect_timeout)
                    .pool_idle_timeout(Duration::from_secs(60))
                    .build()
                    .map_err(|e| {
                        Error::Config(format!("cannot build the HTTP client: {e}").into())
                    })?;
                HttpService::new(ReqwestTransport::new(client, self.body_limit))
            }
        };

        let attempt = self.attempt_timeout;
        let core = ServiceBuilder::new()
            .retry(RetryPolicy::new(self.retry))
            .map_err(name_elapsed(attempt, Timeout::Attempt))
            .timeout(attempt)
            .layer(SetHeadersLayer::new(headers))
            .service(transport);
        let mut service = match self.total_timeout {
            Some(total) => HttpService::new(
                ServiceBuilder::new()
                    .map_err(name_elapsed(total, Timeout::Total))
                    .timeout(total)
                    .service(core),
            ),
            None => HttpService::new(core),
        };
        for wrap in self.layers.into_iter().rev() {
            service = wrap(service);
        }

        Ok(Client::from_parts(crate::client::Parts {
            service,
            base,
            total_timeout: self.total_timeout,
            preview_headers,
        }))
    }
}

/// Validates the region URL and appends the product path.
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
    Ok(format!("{trimmed}{DEFAULT_BASE_PATH}"))
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
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("TLS setup failed: {e}").into()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

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
        let b = ClientBuilder::from_vars(vars(&[("MGC_API_KEY", "k"), ("MGC_REGION", "br-mgl1")]));
        assert!(matches!(b.credentials, Some(Credentials::ApiKey(_))));
        assert_eq!(
            b.build().unwrap().base_url(),
            "https://api.magalu.cloud/br-se-1/compute"
        );

        let b = ClientBuilder::from_vars(vars(&[
            ("MGC_JWT", "t"),
            ("MGC_BASE_URL", "http://127.0.0.1:9/br-ne1"),
        ]));
        assert!(matches!(b.credentials, Some(Credentials::Bearer(_))));
        assert_eq!(
            b.build().unwrap().base_url(),
            "http://127.0.0.1:9/br-ne1/compute"
        );

        let bad_region =
            ClientBuilder::from_vars(vars(&[("MGC_API_KEY", "k"), ("MGC_REGION", "mars")]));
        assert!(matches!(bad_region.build(), Err(Error::Config(_))));
        let nothing = ClientBuilder::from_vars(vars(&[("MGC_API_KEY", "  ")]));
        assert!(matches!(nothing.build(), Err(Error::Config(_))));
    }

    #[test]
    fn base_urls_are_checked() {
        assert_eq!(
            compute_base("https://api.magalu.cloud/br-se1/", false).unwrap(),
            "https://api.magalu.cloud/br-se1/compute"
        );
        assert!(compute_base("http://127.0.0.1:8080/br-se1", false).is_ok());
        assert!(compute_base("http://[::1]:8080/br-se1", false).is_ok());
        assert!(compute_base("http://localhost/br-se1", false).is_ok());
        assert!(compute_base("http://example.com/br-se1", false).is_err());
        assert!(compute_base("http://example.com/br-se1", true).is_ok());
        assert!(compute_base("ftp://example.com", false).is_err());
        assert!(compute_base("not a url", false).is_err());
        assert!(compute_base("https://x/br-se1?a=b", false).is_err());
    }
}
