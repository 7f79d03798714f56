//! Wire helpers: error bodies, JSON responses, query strings, paging, body
//! decoding and the small validations every route shares.

use std::cmp::Ordering;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// An API error, always rendered as `{"message", "slug", "details"}` (the
/// spec's `ExceptionModel`; its other error models are subsets of it), with
/// `Retry-After` on 429 and 503.
#[derive(Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    slug: String,
    message: String,
    details: Value,
    retry_after: Option<u64>,
}

/// What a 429 or 503 tells the client to wait when nobody said otherwise.
pub(crate) const DEFAULT_RETRY_AFTER: u64 = 1;

impl ApiError {
    pub(crate) fn new(status: u16, slug: impl Into<String>, message: impl Into<String>) -> Self {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        ApiError {
            status,
            slug: slug.into(),
            message: message.into(),
            details: json!({}),
            retry_after: matches!(status.as_u16(), 429 | 503).then_some(DEFAULT_RETRY_AFTER),
        }
    }

    /// Replace the `details` object.
    pub(crate) fn with_details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }

    /// Set (or, with `None`, remove) the `Retry-After` header.
    pub(crate) fn with_retry_after(mut self, secs: Option<u64>) -> Self {
        self.retry_after = secs;
        self
    }

    /// 404 for an unknown resource, e.g. `not_found("instance", id)`.
    pub(crate) fn not_found(kind: &str, id: &str) -> Self {
        let slug = format!("{}_not_found", kind.replace(' ', "_"));
        Self::new(404, slug, format!("{kind} '{id}' not found"))
            .with_details(json!({ "resource": kind, "id": id }))
    }

    /// A reference in the request body that names nothing: 400, not 404, so
    /// that a client never reads it as "the resource in the URL is gone" (a
    /// delete waiter treats 404 as done). `field` is where the reference was.
    pub(crate) fn in_body(mut self, field: &str) -> Self {
        if self.status == StatusCode::NOT_FOUND {
            self.status = StatusCode::BAD_REQUEST;
            if let Some(map) = self.details.as_object_mut() {
                map.insert("field".into(), json!(format!("body.{field}")));
            }
        }
        self
    }

    /// 409 for an action that the resource's current state does not allow.
    pub(crate) fn conflict(slug: &str, message: impl Into<String>) -> Self {
        Self::new(409, slug, message)
    }

    /// 400 for a request that is well formed but not allowed.
    pub(crate) fn bad_request(slug: &str, message: impl Into<String>) -> Self {
        Self::new(400, slug, message)
    }

    /// 422 for a body or query value that breaks the schema; the message
    /// starts with the field (`body.name: ...`), which `details.field` repeats.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        let message = message.into();
        let field = message.split_once(": ").map_or("", |(f, _)| f).to_string();
        Self::violation(&field, "schema", message)
    }

    /// 422 naming the field and the spec's rule that the request broke.
    pub(crate) fn violation(field: &str, rule: &str, message: impl Into<String>) -> Self {
        Self::new(422, "validation_error", message)
            .with_details(json!({ "field": field, "rule": rule }))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "message": self.message, "slug": self.slug, "details": self.details });
        let mut resp = json_response(self.status, &body);
        if let Some(secs) = self.retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp
    }
}

/// The result type of every handler.
pub(crate) type ApiResult = Result<Response, ApiError>;

/// A JSON response with the given status.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut resp = Response::new(Body::from(body.to_string()));
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

/// `200 OK` with a JSON body.
pub(crate) fn ok(body: Value) -> ApiResult {
    Ok(json_response(StatusCode::OK, &body))
}

/// `201`/`202` with `{"id": ...}`.
pub(crate) fn created(status: u16, id: &str) -> ApiResult {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::CREATED);
    Ok(json_response(status, &json!({ "id": id })))
}

/// `204 No Content` with an empty body.
pub(crate) fn no_content() -> ApiResult {
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = StatusCode::NO_CONTENT;
    Ok(resp)
}

/// Current time as RFC 3339 UTC with seconds precision, like `2026-11-27T16:02:22Z`.
pub(crate) fn now_rfc3339() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A UUID-v4-shaped id from the given generator.
pub(crate) fn uuid4(rng: &mut fastrand::Rng) -> String {
    let a = rng.u64(..);
    let b = rng.u64(..);
    let b = (b & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000; // variant 10xx
    let a = (a & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000; // version 4
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

/// Percent-decode a path segment or query component (lossy on bad UTF-8).
pub(crate) fn decode(raw: &str) -> String {
    percent_encoding::percent_decode_str(raw)
        .decode_utf8_lossy()
        .into_owned()
}

/// A parsed query string that keeps repeated keys.
#[derive(Debug, Default)]
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    pub(crate) fn parse(raw: Option<&str>) -> Self {
        let pairs = raw
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(&k.replace('+', " ")), decode(&v.replace('+', " ")))
            })
            .collect();
        Query(pairs)
    }

    /// Every `(key, value)` pair in arrival order, decoded.
    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.0
    }

    /// Whether `key` was given at all (even as `key=`).
    pub(crate) fn has(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    /// The first value of `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `key`, comma-separated values split apart.
    pub(crate) fn list(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| v.split(','))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// An integer query value within `min..=max`, or `default` when absent.
    pub(crate) fn int(&self, key: &str, default: i64, min: i64, max: i64) -> Result<i64, ApiError> {
        let Some(raw) = self.get(key) else {
            return Ok(default);
        };
        let n: i64 = raw.trim().parse().map_err(|_| {
            ApiError::invalid(format!("query.{key}: '{raw}' is not a valid integer"))
        })?;
        if n < min || n > max {
            return Err(ApiError::invalid(format!(
                "query.{key}: {n} is out of range, it must be between {min} and {max}"
            )));
        }
        Ok(n)
    }

    /// A boolean query value, or `default` when absent.
    pub(crate) fn bool(&self, key: &str, default: bool) -> Result<bool, ApiError> {
        match self.get(key).map(|v| v.to_ascii_lowercase()) {
            None => Ok(default),
            Some(v) if matches!(v.as_str(), "true" | "1" | "yes" | "on") => Ok(true),
            Some(v) if matches!(v.as_str(), "false" | "0" | "no" | "off") => Ok(false),
            Some(v) => Err(ApiError::invalid(format!(
                "query.{key}: '{v}' is not a valid boolean"
            ))),
        }
    }
}

/// What `?expand=` asked for.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Expand {
    pub image: bool,
    pub machine_type: bool,
    pub network: bool,
}

impl Expand {
    /// Everything expanded: the spec's default for reading one instance.
    pub(crate) const ALL: Expand = Expand {
        image: true,
        machine_type: true,
        network: true,
    };

    /// What `expand` asks for, or `None` when the query has no `expand` at
    /// all (`expand=` is an explicit empty list: nothing expanded). Values
    /// outside the spec's list are ignored here; strict mode refused them
    /// before the handler ran.
    pub(crate) fn from_query(q: &Query) -> Option<Self> {
        if !q.has("expand") {
            return None;
        }
        let mut e = Expand::default();
        for v in q.list("expand") {
            match v.as_str() {
                "image" => e.image = true,
                "machine-type" | "machine-types" => e.machine_type = true,
                "network" => e.network = true,
                _ => {}
            }
        }
        Some(e)
    }
}

/// A value to sort list items by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum SortKey {
    Null,
    Int(i64),
    Str(String),
}

impl From<&str> for SortKey {
    fn from(s: &str) -> Self {
        SortKey::Str(s.to_string())
    }
}

impl From<Option<&str>> for SortKey {
    fn from(s: Option<&str>) -> Self {
        s.map_or(SortKey::Null, SortKey::from)
    }
}

impl From<i64> for SortKey {
    fn from(n: i64) -> Self {
        SortKey::Int(n)
    }
}

/// Something a list endpoint can sort and page.
/// Answers one page of `items` (already filtered) as `{key: [...], "meta": {...}}`.
pub(crate) fn list_answer<T: Listable>(
    key: &str,
    params: &ListParams,
    items: Vec<&T>,
    render: impl Fn(&T) -> Value,
) -> ApiResult {
    params.check_sort(key, T::SORT_FIELDS)?;
    let (page, meta) = params.page(items);
    let rendered: Vec<Value> = page.into_iter().map(render).collect();
    let mut body = serde_json::Map::new();
    body.insert(key.to_owned(), Value::Array(rendered));
    body.insert("meta".to_owned(), meta);
    ok(Value::Object(body))
}

pub(crate) trait Listable {
    /// The fields `_sort` may name: the item's scalar fields in the spec,
    /// plus any field the spec's own default sort names.
    const SORT_FIELDS: &'static [&'static str];
    /// Creation order, the final tie-breaker.
    fn seq(&self) -> u64;
    /// The value of a sortable field (`SortKey::Null` for unknown fields).
    fn sort_key(&self, field: &str) -> SortKey;
}

/// `_limit`, `_offset` and `_sort` of a list request.
#[derive(Debug)]
pub(crate) struct ListParams {
    pub limit: usize,
    pub offset: usize,
    sort: Vec<(String, bool)>,
    /// Whether an unknown sort field is refused (strict) or sorts as null.
    strict: bool,
}

impl ListParams {
    pub(crate) fn from_query(
        q: &Query,
        strict: bool,
        default_limit: i64,
        max_limit: i64,
        default_sort: &str,
    ) -> Result<Self, ApiError> {
        let limit = q.int("_limit", default_limit, 1, max_limit)?;
        let offset = q.int("_offset", 0, 0, i64::from(i32::MAX))?;
        let raw_sort = q.get("_sort").unwrap_or("");
        let sort = parse_sort(raw_sort)
            .ok_or_else(|| {
                ApiError::invalid(format!(
                    "query._sort: '{raw_sort}' must look like 'field:asc' or 'field:desc', comma-separated"
                ))
            })
            .map(|s| {
                if s.is_empty() {
                    parse_sort(default_sort).unwrap_or_default()
                } else {
                    s
                }
            })?;
        Ok(ListParams {
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
            offset: usize::try_from(offset).unwrap_or(usize::MAX),
            sort,
            strict,
        })
    }

    /// Strict: every `_sort` field must be one of `fields` (for the list under `key`).
    pub(crate) fn check_sort(&self, key: &str, fields: &[&str]) -> Result<(), ApiError> {
        match self
            .sort
            .iter()
            .find(|(f, _)| !fields.contains(&f.as_str()))
        {
            Some((field, _)) if self.strict => Err(ApiError::violation(
                "query._sort",
                "sort_field",
                format!(
                    "query._sort: '{field}' is not a field of {key}; sort by one of {}",
                    fields.join(", ")
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Sort `items`, cut the page, and return it with `meta`.
    pub(crate) fn page<'a, T: Listable>(&self, items: Vec<&'a T>) -> (Vec<&'a T>, Value) {
        let total = items.len();
        let mut keyed: Vec<(Vec<SortKey>, &T)> = items
            .into_iter()
            .map(|it| (self.sort.iter().map(|(f, _)| it.sort_key(f)).collect(), it))
            .collect();
        let first_desc = self.sort.first().is_some_and(|(_, desc)| *desc);
        keyed.sort_by(|(ka, a), (kb, b)| {
            for (i, (_, desc)) in self.sort.iter().enumerate() {
                let ord = ka[i].cmp(&kb[i]);
                let ord = if *desc { ord.reverse() } else { ord };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            let ord = a.seq().cmp(&b.seq());
            if first_desc { ord.reverse() } else { ord }
        });
        let page: Vec<&T> = keyed
            .into_iter()
            .skip(self.offset)
            .take(self.limit)
            .map(|(_, it)| it)
            .collect();
        let meta = json!({ "page": {
            "limit": self.limit,
            "offset": self.offset,
            "count": page.len(),
            "total": total,
        }});
        (page, meta)
    }
}

/// Parse `field:asc|desc[,...]`; `Some(vec![])` for an empty string.
fn parse_sort(raw: &str) -> Option<Vec<(String, bool)>> {
    if raw.is_empty() {
        return Some(Vec::new());
    }
    raw.split(',')
        .map(|part| {
            let (field, dir) = part.split_once(':')?;
            let field_ok = !field.is_empty()
                && field
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '-');
            let desc = match dir {
                "asc" => false,
                "desc" => true,
                _ => return None,
            };
            field_ok.then(|| (field.to_string(), desc))
        })
        .collect()
}

/// Decode a JSON body into `T`: 400 when it is not JSON, 422 naming the
/// offending path when it breaks the schema, and (strict) 422 for a field
/// the schema does not have.
pub(crate) fn parse_body<T: DeserializeOwned>(bytes: &[u8], strict: bool) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::violation(
            "body",
            "required",
            "body: a JSON request body is required",
        ));
    }
    let not_json = |e: &dyn std::fmt::Display| {
        ApiError::bad_request("invalid_json", format!("body: not valid JSON: {e}"))
            .with_details(json!({ "field": "body", "rule": "json" }))
    };
    // Syntax first, so that a body that is not JSON is a 400 whatever `T` is.
    let value: Value = serde_json::from_slice(bytes).map_err(|e| not_json(&e))?;
    let mut unknown = Vec::new();
    let mut note = |path: serde_ignored::Path<'_>| unknown.push(dotted(&path));
    let de = serde_ignored::Deserializer::new(&value, &mut note);
    let parsed = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            ApiError::invalid(format!("body: {inner}"))
        } else {
            ApiError::invalid(format!("body.{path}: {inner}"))
        }
    })?;
    if strict && let Some(path) = unknown.first() {
        return Err(ApiError::violation(
            &format!("body.{path}"),
            "unknown_field",
            format!("body.{path}: the spec's schema has no such field"),
        ));
    }
    Ok(parsed)
}

/// `network.interface.colour`, `labels.0`: serde_ignored's path without its
/// `?` marks for optional values.
fn dotted(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    let (parent, seg) = match path {
        Path::Root => return String::new(),
        Path::Seq { parent, index } => (*parent, index.to_string()),
        Path::Map { parent, key } => (*parent, key.clone()),
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => {
            return dotted(parent);
        }
    };
    let head = dotted(parent);
    if head.is_empty() {
        seg
    } else {
        format!("{head}.{seg}")
    }
}

/// Check a string's length (in characters) against `min..=max`.
pub(crate) fn check_len(field: &str, value: &str, min: usize, max: usize) -> Result<(), ApiError> {
    let n = value.chars().count();
    if n < min || n > max {
        return Err(ApiError::invalid(format!(
            "body.{field}: length must be between {min} and {max} characters (got {n})"
        )));
    }
    Ok(())
}

/// `{"id": ...}` or `{"name": ...}`: strict mode refuses both at once; the
/// lenient one lets the id win.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct IdOrName {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

impl IdOrName {
    /// Validate and return the reference: `Ok(Ref::Id)` or `Ok(Ref::Name)`.
    pub(crate) fn resolve(&self, field: &str, strict: bool) -> Result<Ref<'_>, ApiError> {
        if strict && self.id.is_some() && self.name.is_some() {
            return Err(ApiError::violation(
                &format!("body.{field}"),
                "id_or_name",
                format!("body.{field}: give either 'id' or 'name', not both"),
            ));
        }
        if let Some(id) = &self.id {
            check_len(&format!("{field}.id"), id, 1, 255)?;
            return Ok(Ref::Id(id));
        }
        if let Some(name) = &self.name {
            check_len(&format!("{field}.name"), name, 1, 255)?;
            return Ok(Ref::Name(name));
        }
        Err(ApiError::invalid(format!(
            "body.{field}: either 'id' or 'name' is required"
        )))
    }
}

/// A reference by id or by name.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ref<'a> {
    Id(&'a str),
    Name(&'a str),
}

impl Ref<'_> {
    /// Whether an item with this id and name is the one referred to.
    pub(crate) fn matches(&self, id: &str, name: &str) -> bool {
        match self {
            Ref::Id(x) => *x == id,
            Ref::Name(x) => *x == name,
        }
    }
}

impl std::fmt::Display for Ref<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ref::Id(x) | Ref::Name(x) => f.write_str(x),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sort_parsing() {
        assert_eq!(parse_sort(""), Some(vec![]));
        assert_eq!(
            parse_sort("name:asc,created_at:desc"),
            Some(vec![("name".into(), false), ("created_at".into(), true)])
        );
        assert_eq!(parse_sort("name"), None);
        assert_eq!(parse_sort("name:up"), None);
        assert_eq!(parse_sort("name:asc,"), None);
        assert_eq!(parse_sort("na me:asc"), None);
    }

    #[test]
    fn uuid_shape() {
        let mut rng = fastrand::Rng::with_seed(1);
        let id = uuid4(&mut rng);
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn query_repeats_and_commas() {
        let q = Query::parse(Some(
            "expand=image,network&expand=machine-type&name=a%20b+c",
        ));
        assert_eq!(q.list("expand"), vec!["image", "network", "machine-type"]);
        assert_eq!(q.get("name"), Some("a b c"));
    }
}
