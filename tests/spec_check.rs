//! The endpoint table checked against the API's OpenAPI description.
//!
//! Reads `../shared/spec/virtual-machine.openapi.yaml` (or the file named by
//! `MGC_SPEC`) and compares every operation with its row of the table:
//! method and path, query parameter names and which ones every request carries,
//! required headers and their values, body member names and which are required,
//! and the success status. Every difference is printed; the test fails on any the
//! row does not list under `deliberate:` with its reason, and on a `deliberate:`
//! entry that no longer matches a difference. Without the file it says so and
//! passes, unless `MGC_SPEC_REQUIRED` is set (CI sets it).
//!
//! The rows stay hand-written; this only makes drift visible the day the spec
//! changes. The comparison itself is tested on a small description of our own,
//! so it is exercised even where the real one is absent.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use mgc::Endpoint;
use mgc::compute::*;
use serde_json::Value;

/// One row of the table, as the check sees it.
struct Row {
    name: &'static str,
    method: String,
    path: &'static str,
    headers: &'static [(&'static str, &'static str)],
    status: u16,
    /// `(location, wire name, always sent)`.
    fields: Vec<(&'static str, String, bool)>,
    deliberate: &'static [(&'static str, &'static str)],
}

/// A row from an endpoint type. A row whose body is one `json` field names a
/// sample call: the members that call's body writes are its body members, each
/// counted as always sent (give a sample whose body type has no optional member).
macro_rules! row {
    ($t:ty) => {
        row!($t, json = None::<$t>)
    };
    ($t:ty, json = $sample:expr) => {{
        let sample: Option<$t> = $sample;
        let mut fields: Vec<(&'static str, String, bool)> = Vec::new();
        for (location, name, always) in <$t>::WIRE.fields {
            if *location == "json" {
                let sample = sample.as_ref().expect("a `json` row needs a sample call");
                let body = serde_json::to_value(sample).unwrap();
                let members = body.as_object().expect("a JSON object body");
                fields.extend(members.keys().map(|member| ("body", member.clone(), true)));
            } else {
                fields.push((location, (*name).to_owned(), *always));
            }
        }
        Row {
            name: stringify!($t),
            method: <$t as Endpoint>::METHOD.to_string(),
            path: <$t as Endpoint>::PATH_TEMPLATE,
            headers: <$t as Endpoint>::HEADERS,
            status: <$t>::WIRE.status,
            fields,
            deliberate: <$t>::WIRE.deliberate,
        }
    }};
}

/// A network-interface body: [`NicRequest`] has no optional member.
fn nic() -> NicRequest {
    NicRequest::new(IdOrName::id("instance"), IdOrName::id("interface"))
}

/// Every row of the compute table.
fn table() -> Vec<Row> {
    vec![
        row!(ListInstances),
        row!(CreateInstance),
        row!(GetInstance),
        row!(DeleteInstance),
        row!(RenameInstance),
        row!(RetypeInstance),
        row!(StartInstance),
        row!(StopInstance),
        row!(SuspendInstance),
        row!(RebootInstance),
        row!(GetFirstWindowsPassword),
        row!(
            AttachNetworkInterface,
            json = Some(AttachNetworkInterface::new(nic()))
        ),
        row!(
            DetachNetworkInterface,
            json = Some(DetachNetworkInterface::new(nic()))
        ),
        row!(GetInstanceInitLogs),
        row!(ListImages),
        row!(ListCustomImages),
        row!(CreateCustomImage),
        row!(GetCustomImage),
        row!(UpdateCustomImage),
        row!(DeleteCustomImage),
        row!(ListMachineTypes),
        row!(ListInstanceTypes),
        row!(ListSnapshots),
        row!(CreateSnapshot),
        row!(GetSnapshot),
        row!(DeleteSnapshot),
        row!(RenameSnapshot),
        row!(RestoreSnapshot),
        row!(CopySnapshot),
    ]
}

/// The check covers the whole table: every row of [`OPERATIONS`], in order, and
/// nothing else (a row added to the table fails here until `table()` lists it).
#[test]
fn the_check_covers_every_row() {
    let checked: Vec<&str> = table().iter().map(|row| row.name).collect();
    let rows: Vec<&str> = OPERATIONS.iter().map(|op| op.type_name).collect();
    assert_eq!(checked, rows);
    for (row, op) in table().iter().zip(OPERATIONS) {
        assert_eq!((row.method.as_str(), row.path), (op.method, op.path));
        assert_eq!(row.status, op.success, "{}", op.type_name);
    }
}

/// What the description says about one operation.
#[derive(Debug, Default)]
struct Operation {
    /// Query parameter names and whether they are required.
    query: BTreeMap<String, bool>,
    /// Path parameter names.
    path: BTreeSet<String>,
    /// Header names (lowercase), whether required, and the default value.
    headers: BTreeMap<String, (bool, Option<String>)>,
    /// Member name and whether it is required; `None` when there is no body.
    body: Option<BTreeMap<String, bool>>,
    /// The 2xx statuses.
    success: Vec<u16>,
}

/// Follows `$ref`s (`#/components/...`) to the schema they name.
fn resolve<'a>(spec: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        let Some(reference) = schema.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let pointer = reference.trim_start_matches('#');
        match spec.pointer(pointer) {
            Some(target) => schema = target,
            None => break,
        }
    }
    schema
}

/// The operations of a description, keyed by `METHOD /path`.
fn operations(spec: &Value) -> BTreeMap<String, Operation> {
    let mut out = BTreeMap::new();
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            if !["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                continue;
            }
            let mut operation = Operation::default();
            let shared = item.get("parameters").and_then(Value::as_array);
            let own = op.get("parameters").and_then(Value::as_array);
            for parameter in shared.into_iter().chain(own).flatten() {
                let parameter = resolve(spec, parameter);
                let name = parameter["name"].as_str().unwrap_or_default().to_owned();
                let required = parameter["required"].as_bool().unwrap_or(false);
                match parameter["in"].as_str() {
                    Some("query") => {
                        operation.query.insert(name, required);
                    }
                    Some("path") => {
                        operation.path.insert(name);
                    }
                    Some("header") => {
                        let default = parameter["schema"]["default"].as_str().map(str::to_owned);
                        operation
                            .headers
                            .insert(name.to_ascii_lowercase(), (required, default));
                    }
                    _ => {}
                }
            }
            if let Some(body) = op.get("requestBody") {
                let schema = resolve(spec, &body["content"]["application/json"]["schema"]);
                let required: BTreeSet<&str> = schema["required"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                let members = schema["properties"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, _)| (name.clone(), required.contains(name.as_str())))
                    .collect();
                operation.body = Some(members);
            }
            operation.success = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(code, _)| code.parse::<u16>().ok())
                .filter(|code| (200..300).contains(code))
                .collect();
            out.insert(format!("{} {path}", method.to_ascii_uppercase()), operation);
        }
    }
    out
}

/// The differences between one row and its operation, worded as `deliberate:`
/// entries spell them.
fn differences(row: &Row, op: &Operation) -> Vec<String> {
    let mut found = Vec::new();
    let fields = |location: &str| -> BTreeMap<&str, bool> {
        row.fields
            .iter()
            .filter(|(l, ..)| *l == location)
            .map(|(_, name, always)| (name.as_str(), *always))
            .collect()
    };

    let query = fields("query");
    for (name, &required) in &op.query {
        match query.get(name.as_str()) {
            None => found.push(format!("query `{name}`: in the spec, not in the row")),
            Some(false) if required => found.push(format!(
                "query `{name}`: required by the spec, not always sent"
            )),
            Some(true) if !required => {
                found.push(format!("query `{name}`: optional in the spec, always sent"))
            }
            _ => {}
        }
    }
    for name in query.keys() {
        if !op.query.contains_key(*name) {
            found.push(format!("query `{name}`: in the row, not in the spec"));
        }
    }

    let path = fields("path");
    for name in &op.path {
        if !path.contains_key(name.as_str()) {
            found.push(format!("path `{name}`: in the spec, not in the row"));
        }
    }

    let sent: BTreeMap<String, &str> = row
        .headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), *value))
        .collect();
    for (name, (required, default)) in &op.headers {
        match (sent.get(name), default) {
            (None, _) if *required => {
                found.push(format!("header `{name}`: required by the spec, not sent"))
            }
            (None, _) => found.push(format!("header `{name}`: in the spec, not sent")),
            (Some(value), Some(default)) if value != default => found.push(format!(
                "header `{name}`: sends `{value}`, the spec's default is `{default}`"
            )),
            _ => {}
        }
    }
    for name in sent.keys() {
        if !op.headers.contains_key(name) {
            found.push(format!("header `{name}`: sent, not in the spec"));
        }
    }

    let body = fields("body");
    match &op.body {
        None if !body.is_empty() => {
            found.push("body: sent by the row, the spec takes none".to_owned())
        }
        None => {}
        Some(members) => {
            if body.is_empty() && !members.is_empty() {
                found.push("body: taken by the spec, the row sends none".to_owned());
            }
            for (name, &required) in members {
                match body.get(name.as_str()) {
                    None => found.push(format!("body `{name}`: in the spec, not in the row")),
                    Some(false) if required => found.push(format!(
                        "body `{name}`: required by the spec, optional in the row"
                    )),
                    Some(true) if !required => found.push(format!(
                        "body `{name}`: optional in the spec, required in the row"
                    )),
                    _ => {}
                }
            }
            for name in body.keys() {
                if !members.contains_key(*name) {
                    found.push(format!("body `{name}`: in the row, not in the spec"));
                }
            }
        }
    }

    if !op.success.contains(&row.status) {
        found.push(format!(
            "status: the row expects {}, the spec answers {:?}",
            row.status, op.success
        ));
    }
    found
}

/// Everything the check has to say: `(row or operation, difference, reason if
/// deliberate)`, plus the stale `deliberate:` entries.
struct Report {
    lines: Vec<(String, String, Option<&'static str>)>,
    stale: Vec<(String, &'static str)>,
}

impl Report {
    fn unexplained(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .lines
            .iter()
            .filter(|(.., reason)| reason.is_none())
            .map(|(who, what, _)| format!("{who}: {what}"))
            .collect();
        out.extend(
            self.stale
                .iter()
                .map(|(who, what)| format!("{who}: `deliberate: {what}` no longer differs")),
        );
        out
    }

    fn print(&self) {
        for (who, what, reason) in &self.lines {
            match reason {
                Some(reason) => println!("deliberate  {who}: {what} ({reason})"),
                None => println!("DIFFERENT   {who}: {what}"),
            }
        }
        for (who, what) in &self.stale {
            println!("STALE       {who}: `{what}` is listed as deliberate but no longer differs");
        }
        println!(
            "spec check: {} difference(s), {} deliberate, {} stale",
            self.lines.len(),
            self.lines.iter().filter(|(.., r)| r.is_some()).count(),
            self.stale.len()
        );
    }
}

fn check(spec: &Value, rows: &[Row]) -> Report {
    let mut ops = operations(spec);
    let mut report = Report {
        lines: Vec::new(),
        stale: Vec::new(),
    };
    for row in rows {
        let key = format!("{} {}", row.method, row.path);
        let found = match ops.remove(&key) {
            Some(op) => differences(row, &op),
            None => vec![format!("operation: `{key}` is not in the spec")],
        };
        for what in &found {
            let reason = row
                .deliberate
                .iter()
                .find(|(listed, _)| listed == what)
                .map(|(_, reason)| *reason);
            report
                .lines
                .push((row.name.to_owned(), what.clone(), reason));
        }
        for (listed, _) in row.deliberate {
            if !found.iter().any(|what| what == listed) {
                report.stale.push((row.name.to_owned(), listed));
            }
        }
    }
    for key in ops.keys() {
        report
            .lines
            .push((key.clone(), "in the spec, no row".to_owned(), None));
    }
    report
}

fn spec_path() -> PathBuf {
    match std::env::var_os("MGC_SPEC") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/spec/virtual-machine.openapi.yaml"),
    }
}

fn parse(yaml: &str) -> Value {
    serde_saphyr::from_str(yaml).unwrap_or_else(|e| panic!("the spec is not readable YAML: {e}"))
}

#[test]
fn the_table_matches_the_spec() {
    let path = spec_path();
    let yaml = match std::fs::read_to_string(&path) {
        Ok(yaml) => yaml,
        Err(e) => {
            let message = format!(
                "spec check: {} not readable ({e}); the table was NOT compared with the spec",
                path.display()
            );
            assert!(std::env::var_os("MGC_SPEC_REQUIRED").is_none(), "{message}");
            eprintln!("{message}");
            return;
        }
    };
    let report = check(&parse(&yaml), &table());
    report.print();
    let unexplained = report.unexplained();
    assert!(
        unexplained.is_empty(),
        "{} unexplained difference(s) between the table and {}:\n{}",
        unexplained.len(),
        path.display(),
        unexplained.join("\n")
    );
}

// --- the comparison itself, on a description of our own ---

mgc::endpoint! {
    /// Reads a widget, as the mini description below has it.
    pub struct GetWidget {
        method: GET,
        path: "/v1/widgets/{id}",
        response: (),
        headers: { "x-api-version": "2" },
        required: {
            /// The widget id.
            id: String => path;
        },
        optional: {
            /// Related data, required by the description but not defaulted here.
            expand: String => query "expand";
            /// Not in the description.
            colour: String => query "colour";
        },
    }

    /// Makes a widget, as the mini description below has it.
    pub struct CreateWidget {
        method: POST,
        path: "/v1/widgets",
        response: (),
        status: 201,
        required: {
            /// Optional in the description.
            name: String => body;
        },
        optional: {
            /// Required in the description.
            size: u32 => body;
        },
        deliberate: {
            "body `name`: optional in the spec, required in the row" => "we want names",
            "status: the row expects 201, the spec answers [201]" => "stale on purpose",
        },
    }
}

const MINI_SPEC: &str = r##"
paths:
  /v1/widgets/{id}:
    parameters:
      - {name: id, in: path, required: true}
    get:
      parameters:
        - {name: expand, in: query, required: true, schema: {default: all}}
        - {name: limit, in: query, required: false}
        - name: x-api-version
          in: header
          required: true
          schema: {type: string, default: '1'}
        - {name: x-tenant, in: header, required: true}
      responses:
        '200': {description: ok}
        '422': {description: bad}
  /v1/widgets:
    post:
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewWidget'}
      responses:
        '201': {description: made}
    delete:
      responses:
        '204': {description: gone}
components:
  schemas:
    NewWidget:
      type: object
      required: [size]
      properties:
        name: {type: string}
        size: {type: integer}
        colour: {type: string}
"##;

#[test]
fn the_check_names_each_kind_of_difference() {
    let report = check(&parse(MINI_SPEC), &[row!(GetWidget), row!(CreateWidget)]);
    report.print();
    let said: BTreeSet<String> = report
        .lines
        .iter()
        .map(|(who, what, reason)| {
            format!(
                "{who}: {what}{}",
                if reason.is_some() {
                    " (deliberate)"
                } else {
                    ""
                }
            )
        })
        .collect();
    let expected: BTreeSet<String> = [
        "GetWidget: query `expand`: required by the spec, not always sent",
        "GetWidget: query `limit`: in the spec, not in the row",
        "GetWidget: query `colour`: in the row, not in the spec",
        "GetWidget: header `x-api-version`: sends `2`, the spec's default is `1`",
        "GetWidget: header `x-tenant`: required by the spec, not sent",
        "CreateWidget: body `name`: optional in the spec, required in the row (deliberate)",
        "CreateWidget: body `size`: required by the spec, optional in the row",
        "CreateWidget: body `colour`: in the spec, not in the row",
        "DELETE /v1/widgets: in the spec, no row",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(said, expected);
    assert_eq!(
        report.stale,
        [(
            "CreateWidget".to_owned(),
            "status: the row expects 201, the spec answers [201]"
        )]
    );
    assert_eq!(report.unexplained().len(), 9);
}
