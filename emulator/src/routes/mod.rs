//! The router: every operation of the compute API under
//! `/{region}/compute/v1/...`, behind one middleware (`gate`) that records the
//! request, applies latency and faults, checks credentials and stamps the
//! response headers.

mod control;
mod images;
pub(crate) mod instances;
mod machine_types;
mod snapshots;

use std::sync::{Arc, MutexGuard};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequestParts, RawPathParams, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, StatusCode, header};

use crate::Shared;
use crate::contract::{Operation, find_operation, is_uuid};
use crate::faults::{Fault, slug_for};
use crate::server::{ConnKill, cut_body, drop_connection};
use crate::state::{REGIONS, RegionState, World};
use crate::wire::{ApiError, Query, decode};

/// Largest request body accepted (the biggest legal one, user_data, is 65 kB).
const MAX_BODY: usize = 1 << 20;

/// Build the application.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let api = Router::new()
        .route("/v1/images", get(images::list))
        .route(
            "/v1/images/custom",
            get(images::list_custom).post(images::create_custom),
        )
        .route(
            "/v1/images/custom/{id}",
            get(images::get_custom)
                .patch(images::patch_custom)
                .delete(images::delete_custom),
        )
        .route(
            "/v1/instance-types",
            get(machine_types::list_instance_types),
        )
        .route("/v1/machine-types", get(machine_types::list))
        .route(
            "/v1/instances",
            get(instances::list).post(instances::create),
        )
        .route(
            "/v1/instances/config/{id}/first-windows-password",
            get(instances::windows_password),
        )
        .route(
            "/v1/instances/network-interface/attach",
            post(instances::attach_nic),
        )
        .route(
            "/v1/instances/network-interface/detach",
            post(instances::detach_nic),
        )
        .route(
            "/v1/instances/{id}",
            get(instances::get).delete(instances::delete),
        )
        .route("/v1/instances/{id}/init-logs", get(instances::init_logs))
        .route("/v1/instances/{id}/reboot", post(instances::reboot))
        .route("/v1/instances/{id}/rename", patch(instances::rename))
        .route("/v1/instances/{id}/retype", post(instances::retype))
        .route("/v1/instances/{id}/start", post(instances::start))
        .route("/v1/instances/{id}/stop", post(instances::stop))
        .route("/v1/instances/{id}/suspend", post(instances::suspend))
        .route(
            "/v1/snapshots",
            get(snapshots::list).post(snapshots::create),
        )
        .route(
            "/v1/snapshots/{id}",
            get(snapshots::get)
                .post(snapshots::restore)
                .delete(snapshots::delete),
        )
        .route("/v1/snapshots/{id}/copy", post(snapshots::copy))
        .route("/v1/snapshots/{id}/rename", patch(snapshots::rename));

    Router::new()
        .nest("/{region}/compute", api)
        .fallback(unknown_route)
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(shared.clone(), gate))
        .with_state(shared)
}

async fn unknown_route(req: Request) -> ApiError {
    ApiError::new(
        404,
        "not_found",
        format!(
            "no operation at {} {}; paths look like /br-se1/compute/v1/instances",
            req.method(),
            req.uri().path()
        ),
    )
}

/// The operation a request is for, from its method and full path.
pub(crate) fn operation_of(method: &str, full_path: &str) -> Option<&'static Operation> {
    // `/{region}/compute/v1/...`
    let rest = full_path.strip_prefix('/')?;
    let (_, rest) = rest.split_once('/')?;
    let rest = rest.strip_prefix("compute")?;
    find_operation(method, rest)
}

/// Control API first; then record, delay, fault, authenticate, check the
/// contract, route, and stamp headers.
async fn gate(State(shared): State<Arc<Shared>>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let request_id = parts.headers.get("x-request-id").cloned();
    let kill = parts.extensions.get::<ConnKill>().cloned();
    let (bytes, too_large) = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => (b, false),
        Err(_) => (Bytes::new(), true),
    };
    if parts.uri.path() == "/_emulator" || parts.uri.path().starts_with("/_emulator/") {
        return stamp(control::handle(&shared, &parts, &bytes), request_id);
    }
    shared.record(&parts, &bytes);
    let op = operation_of(parts.method.as_str(), parts.uri.path());

    let (fault, extra_latency) = shared.faults.take(op.map(|o| o.name));
    let mut latency = shared.latency + extra_latency;
    if let Some(Fault::Delay(d)) = fault {
        latency += d;
    }
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }

    let resp = match fault {
        Some(Fault::Drop) => return drop_connection(kill).await,
        Some(Fault::Fail {
            status,
            retry_after,
        }) => injected_error(status, retry_after),
        _ if too_large => {
            ApiError::new(413, "payload_too_large", "request body is too large").into_response()
        }
        _ => match authorize(&shared, &parts.headers)
            .and_then(|()| op.map_or(Ok(()), |op| check_contract(op, &parts, shared.strict)))
        {
            Err(e) => e.into_response(),
            Ok(()) => {
                let resp = next
                    .run(Request::from_parts(parts, Body::from(bytes)))
                    .await;
                if resp.status() == StatusCode::METHOD_NOT_ALLOWED {
                    ApiError::new(405, "method_not_allowed", "method not allowed on this path")
                        .into_response()
                } else {
                    resp
                }
            }
        },
    };

    match fault {
        Some(Fault::ActThenDrop) => drop_connection(kill).await,
        Some(Fault::ActThenFail { status }) => stamp(
            injected_error(status, default_retry_after(status)),
            request_id,
        ),
        Some(Fault::Cut { after_bytes }) => {
            cut_body(stamp(resp, request_id), kill, after_bytes).await
        }
        _ => stamp(resp, request_id),
    }
}

fn default_retry_after(status: u16) -> Option<u64> {
    match Fault::fail(status) {
        Fault::Fail { retry_after, .. } => retry_after,
        _ => None,
    }
}

/// Strict mode: what the spec requires of a request before any handler runs
/// (headers, query parameters and their values, the path id's format, the
/// content type). The lenient mode checks none of it and lets the handlers
/// apply the spec's defaults.
fn check_contract(op: &Operation, parts: &Parts, strict: bool) -> Result<(), ApiError> {
    if !strict {
        return Ok(());
    }
    for name in op.required_headers {
        if !parts.headers.contains_key(*name) {
            return Err(ApiError::violation(
                &format!("header.{name}"),
                "required",
                format!(
                    "header.{name}: the spec marks this header required for {}",
                    op.name
                ),
            ));
        }
    }
    let query = Query::parse(parts.uri.query());
    for (key, value) in query.pairs() {
        if !op.query.contains(&key.as_str()) {
            let allowed = if op.query.is_empty() {
                "none".to_string()
            } else {
                op.query.join(", ")
            };
            return Err(ApiError::violation(
                &format!("query.{key}"),
                "unknown_parameter",
                format!(
                    "query.{key}: {} has no such parameter (it takes: {allowed})",
                    op.name
                ),
            ));
        }
        if key == "expand"
            && let Some(bad) = value.split(',').find(|v| !op.expand.contains(&v.trim()))
        {
            return Err(ApiError::violation(
                "query.expand",
                "allowed_values",
                format!(
                    "query.expand: '{bad}' is not one of {}",
                    op.expand.join(", ")
                ),
            ));
        }
    }
    for name in op.required_query {
        if !query.has(name) {
            return Err(ApiError::violation(
                &format!("query.{name}"),
                "required",
                format!(
                    "query.{name}: the spec marks this parameter required for {}",
                    op.name
                ),
            ));
        }
    }
    if op.uuid_id {
        let segs: Vec<&str> = parts.uri.path().split('/').skip(3).collect();
        let tsegs: Vec<&str> = op.path.split('/').skip(1).collect();
        if let Some((seg, _)) = segs.iter().zip(&tsegs).find(|(_, t)| **t == "{id}") {
            let id = decode(seg);
            if !is_uuid(&id) {
                return Err(ApiError::violation(
                    "path.id",
                    "format_uuid",
                    format!(
                        "path.id: '{id}' is not a UUID, which the spec requires for {}",
                        op.name
                    ),
                ));
            }
        }
    }
    if op.body {
        let json = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"));
        if !json {
            return Err(ApiError::violation(
                "header.content-type",
                "content_type",
                format!(
                    "header.content-type: {} takes an application/json body; send Content-Type: application/json",
                    op.name
                ),
            ));
        }
    }
    Ok(())
}

/// `X-API-Key` (equal to the configured key, or any non-empty key when none
/// is configured) or `Authorization: Bearer <non-empty>`.
fn authorize(shared: &Shared, headers: &HeaderMap) -> Result<(), ApiError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.get(..7)
                .filter(|p| p.eq_ignore_ascii_case("bearer "))
                .map(|_| &v[7..])
        })
        .is_some_and(|token| !token.trim().is_empty());
    if bearer {
        return Ok(());
    }
    let Some(key) = headers.get("x-api-key") else {
        return Err(ApiError::new(
            401,
            "unauthorized",
            "missing credentials: send an X-API-Key header or Authorization: Bearer <token>",
        ));
    };
    let valid = match &shared.api_key {
        Some(expected) => key.as_bytes() == expected.as_bytes(),
        None => !key.is_empty(),
    };
    if valid {
        Ok(())
    } else {
        Err(ApiError::new(401, "unauthorized", "invalid API key"))
    }
}

fn injected_error(status: u16, retry_after: Option<u64>) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    ApiError::new(
        code.as_u16(),
        slug_for(code.as_u16()),
        format!("injected fault: HTTP {}", code.as_u16()),
    )
    .with_retry_after(retry_after)
    .into_response()
}

/// Echo `X-Request-ID` and add an `X-Mgc-Trace-Id`.
fn stamp(mut resp: Response, request_id: Option<HeaderValue>) -> Response {
    let headers = resp.headers_mut();
    if let Some(id) = request_id {
        headers.insert("x-request-id", id);
    }
    let trace = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
    if let Ok(v) = HeaderValue::from_str(&trace) {
        headers.insert("x-mgc-trace-id", v);
    }
    resp
}

/// What every handler starts from: the shared state, the region, the
/// (decoded) `{id}` path parameter if any, and the query string.
pub(crate) struct Ctx {
    shared: Arc<Shared>,
    /// Strict mode: the spec's contract is enforced to the letter.
    pub strict: bool,
    pub region: usize,
    pub id: String,
    pub query: Query,
}

impl Ctx {
    /// Lock the world, with every due transition applied.
    pub(crate) fn world(&self) -> MutexGuard<'_, World> {
        self.shared.world()
    }
}

/// Split a locked world into this request's region and the id generator.
pub(crate) fn split(
    world: &mut World,
    region: usize,
) -> (&mut RegionState, &mut crate::state::Ids) {
    (&mut world.regions[region], &mut world.ids)
}

impl FromRequestParts<Arc<Shared>> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<Shared>,
    ) -> Result<Self, Self::Rejection> {
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::new(404, "not_found", "resource not found"))?;
        let mut region = None;
        let mut id = String::new();
        for (key, value) in &params {
            match key {
                "region" => region = Some(value.to_string()),
                "id" => id = value.to_string(),
                _ => {}
            }
        }
        let region = region.unwrap_or_default();
        // Only URL segments: `br-mgl1` must arrive translated to `br-se-1`.
        let region = REGIONS
            .iter()
            .position(|(_, seg)| *seg == region)
            .ok_or_else(|| {
                ApiError::new(
                    404,
                    "region_not_found",
                    format!("unknown region '{region}'; use br-se1, br-ne1 or br-se-1 (br-mgl1)"),
                )
            })?;
        Ok(Ctx {
            shared: Arc::clone(state),
            strict: state.strict,
            region,
            id,
            query: Query::parse(parts.uri.query()),
        })
    }
}

/// Insert an instance that is already running (for `Emulator::seed_instances`).
pub(crate) fn seed_instance(world: &mut World, region: usize, name: String) -> String {
    let (region, ids) = split(world, region);
    let new = instances::NewInstance {
        name,
        machine_type_id: "2d5a9c3e-1f00-4a10-8b00-000000000001".to_string(),
        image_id: "8c4f7e21-3b00-4c20-9a00-000000000002".to_string(),
        ssh_key_name: None,
        availability_zone: None,
        network: None,
        user_data: None,
        labels: Vec::new(),
    };
    instances::insert(region, ids, new, true)
}
