//! The control API under `/_emulator/`: fault injection per operation, the
//! request log and a reset, over plain HTTP so that any language (or curl)
//! can drive the emulator. It needs no credentials, is never faulted and is
//! not recorded.
//!
//! - `GET /_emulator` — mode and operation names.
//! - `POST /_emulator/faults` — queue a fault: `{"fault", "operation"?, "times"?,
//!   "status"?, "retry_after"?, "delay_ms"?, "after_bytes"?}`.
//! - `GET /_emulator/faults`, `DELETE /_emulator/faults`.
//! - `GET /_emulator/requests`, `DELETE /_emulator/requests`.
//! - `POST /_emulator/advance`, `POST /_emulator/reset`.

use std::time::Duration;

use axum::body::Bytes;
use axum::response::{IntoResponse, Response};
use http::request::Parts;
use http::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::contract::operations;
use crate::faults::Fault;
use crate::wire::{ApiError, json_response, parse_body};
use crate::{RecordedRequest, Shared};

/// Headers whose values never leave the emulator through the log.
const CREDENTIALS: &[&str] = &[
    "x-api-key",
    "authorization",
    "cookie",
    "proxy-authorization",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultRequest {
    fault: String,
    operation: Option<String>,
    times: Option<usize>,
    status: Option<u16>,
    /// Seconds; `null` for none; absent for the default (1 s on 429/503).
    #[serde(default, deserialize_with = "present")]
    retry_after: Option<Option<u64>>,
    delay_ms: Option<u64>,
    after_bytes: Option<usize>,
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<u64>>, D::Error> {
    Option::<u64>::deserialize(d).map(Some)
}

pub(crate) fn handle(shared: &Shared, parts: &Parts, body: &Bytes) -> Response {
    let path = parts.uri.path().trim_end_matches('/');
    let result = match (&parts.method, path) {
        (&Method::GET, "/_emulator") => Ok(json!({
            "strict": shared.strict,
            "operations": operations().iter().map(|o| o.name).collect::<Vec<_>>(),
        })),
        (&Method::POST, "/_emulator/faults") => queue_fault(shared, body),
        (&Method::GET, "/_emulator/faults") => Ok(list_faults(shared)),
        (&Method::DELETE, "/_emulator/faults") => {
            shared.faults().clear();
            Ok(list_faults(shared))
        }
        (&Method::GET, "/_emulator/requests") => Ok(json!({
            "requests": shared.requests().iter().map(log_entry).collect::<Vec<_>>(),
        })),
        (&Method::DELETE, "/_emulator/requests") => {
            shared.clear_requests();
            Ok(json!({ "requests": [] }))
        }
        (&Method::POST, "/_emulator/advance") => {
            shared.advance();
            Ok(json!({ "advanced": true }))
        }
        (&Method::POST, "/_emulator/reset") => {
            shared.reset();
            Ok(json!({ "reset": true }))
        }
        _ => Err(ApiError::new(
            404,
            "not_found",
            format!(
                "no control endpoint at {} {path}; see GET /_emulator and the emulator's README",
                parts.method
            ),
        )),
    };
    match result {
        Ok(body) => json_response(StatusCode::OK, &body),
        Err(e) => e.into_response(),
    }
}

fn queue_fault(shared: &Shared, body: &[u8]) -> Result<Value, ApiError> {
    let req: FaultRequest = parse_body(body, true)?;
    if let Some(op) = &req.operation
        && !operations().iter().any(|o| o.name == op)
    {
        return Err(ApiError::violation(
            "body.operation",
            "allowed_values",
            format!("body.operation: '{op}' is no operation; GET /_emulator lists them"),
        ));
    }
    let status = |default: u16| {
        let s = req.status.unwrap_or(default);
        if (400..=599).contains(&s) {
            Ok(s)
        } else {
            Err(ApiError::violation(
                "body.status",
                "range",
                format!("body.status: {s} is not an error status (400..=599)"),
            ))
        }
    };
    let fault = match req.fault.as_str() {
        "fail" => {
            let status = status(503)?;
            let retry_after = match req.retry_after {
                None => match Fault::fail(status) {
                    Fault::Fail { retry_after, .. } => retry_after,
                    _ => None,
                },
                Some(explicit) => explicit,
            };
            Fault::Fail {
                status,
                retry_after,
            }
        }
        "drop" => Fault::Drop,
        "act_then_drop" => Fault::ActThenDrop,
        "act_then_fail" => Fault::ActThenFail {
            status: status(500)?,
        },
        "delay" => Fault::Delay(Duration::from_millis(req.delay_ms.ok_or_else(|| {
            ApiError::violation(
                "body.delay_ms",
                "required",
                "body.delay_ms: a delay needs delay_ms",
            )
        })?)),
        "cut" => Fault::Cut {
            after_bytes: req.after_bytes,
        },
        other => {
            return Err(ApiError::violation(
                "body.fault",
                "allowed_values",
                format!(
                    "body.fault: '{other}' is not one of fail, drop, act_then_drop, act_then_fail, delay, cut"
                ),
            ));
        }
    };
    shared
        .faults()
        .queue(req.operation.as_deref(), fault, req.times.unwrap_or(1));
    Ok(list_faults(shared))
}

fn fault_json(fault: &Fault) -> Value {
    let mut v = json!({ "fault": fault.kind() });
    match fault {
        Fault::Fail {
            status,
            retry_after,
        } => {
            v["status"] = json!(status);
            v["retry_after"] = json!(retry_after);
        }
        Fault::ActThenFail { status } => v["status"] = json!(status),
        Fault::Delay(d) => v["delay_ms"] = json!(d.as_millis()),
        Fault::Cut { after_bytes } => v["after_bytes"] = json!(after_bytes),
        _ => {}
    }
    v
}

fn list_faults(shared: &Shared) -> Value {
    let pending: Vec<Value> = shared
        .faults()
        .queued()
        .iter()
        .map(|(op, fault, times)| {
            let mut v = fault_json(fault);
            v["operation"] = json!(op);
            v["times"] = json!(times);
            v
        })
        .collect();
    json!({ "pending": pending })
}

/// One request as the log shows it: credentials redacted, the body as JSON
/// when it is JSON, else as text.
fn log_entry(r: &RecordedRequest) -> Value {
    let headers: serde_json::Map<String, Value> = r
        .headers
        .iter()
        .map(|(k, v)| {
            let v = if CREDENTIALS.contains(&k.as_str()) {
                "[redacted]"
            } else {
                v.as_str()
            };
            (k.clone(), json!(v))
        })
        .collect();
    let body = if r.body.is_empty() {
        Value::Null
    } else {
        r.body_json()
            .unwrap_or_else(|| json!(String::from_utf8_lossy(&r.body)))
    };
    json!({
        "operation": r.operation(),
        "method": r.method,
        "path": r.path.split('?').next().unwrap_or_default(),
        "query": r.query(),
        "headers": headers,
        "body": body,
    })
}
