//! The compute spec (`../shared/spec/virtual-machine.openapi.yaml` beside the
//! repository, or `$MGC_SPEC`) as JSON Schema validators, one per operation
//! and status, so that every response of these tests is checked against the
//! spec itself rather than a restatement of it.
//!
//! OpenAPI 3.0 schemas are not quite JSON Schema; [`to_json_schema`] closes
//! the gap: `nullable` becomes a `null` alternative, boolean
//! `exclusiveMinimum`/`exclusiveMaximum` go, and every object that lists its
//! `properties` is closed (`additionalProperties: false`) unless it says
//! otherwise: the emulator must not answer fields the spec does not have.
//!
//! Without the spec file (a fresh clone without `../shared`) nothing is
//! validated against it and [`spec`] says so once.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::{Map, Value, json};

/// The loaded spec: the raw document and compiled validators by
/// `(METHOD, path template, status)`.
pub struct Spec {
    pub doc: Value,
    validators: HashMap<(String, String, u16), Option<jsonschema::Validator>>,
    error: jsonschema::Validator,
}

pub fn spec_path() -> PathBuf {
    std::env::var_os("MGC_SPEC").map_or_else(
        || {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../../shared/spec/virtual-machine.openapi.yaml")
        },
        PathBuf::from,
    )
}

/// The spec, or `None` (with one plain message) when the file is not there.
pub fn spec() -> Option<&'static Spec> {
    static SPEC: OnceLock<Option<Spec>> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = spec_path();
        let Ok(text) = std::fs::read_to_string(&path) else {
            assert!(
                std::env::var_os("MGC_SPEC_REQUIRED").is_none(),
                "{} not found, and MGC_SPEC_REQUIRED is set",
                path.display()
            );
            eprintln!(
                "note: {} not found; responses are not validated against the spec \
                 (CI has it; set MGC_SPEC to point elsewhere)",
                path.display()
            );
            return None;
        };
        let doc: Value = serde_saphyr::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not YAML the tests can read: {e}", path.display()));
        Some(Spec::new(doc))
    })
    .as_ref()
}

impl Spec {
    fn new(doc: Value) -> Spec {
        let components = to_json_schema(&doc["components"]);
        let compile = |schema: &Value| {
            let mut root = match to_json_schema(schema) {
                Value::Object(map) => map,
                other => panic!("a schema that is not an object: {other}"),
            };
            root.insert("components".into(), components.clone());
            jsonschema::options()
                .should_validate_formats(true)
                .build(&Value::Object(root))
                .unwrap_or_else(|e| panic!("the spec's schema does not compile: {e}"))
        };
        let mut validators = HashMap::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                for (status, resp) in op["responses"].as_object().expect("responses") {
                    let Ok(status) = status.parse::<u16>() else {
                        continue;
                    };
                    let schema = &resp["content"]["application/json"]["schema"];
                    let v = (!schema.is_null()).then(|| compile(schema));
                    validators.insert((method.to_uppercase(), path.clone(), status), v);
                }
            }
        }
        let error = compile(&json!({ "$ref": "#/components/schemas/ExceptionModel" }));
        Spec {
            doc,
            validators,
            error,
        }
    }

    /// Check one response of `method path` (a template such as
    /// `/v1/instances/{id}`): a success against the spec's schema for that
    /// status (or an empty body when the spec gives none), an error against
    /// the one error shape, `ExceptionModel`.
    pub fn check(&self, method: &str, path: &str, status: u16, body: &Value) -> Result<(), String> {
        if status >= 400 {
            return errors(&self.error, body);
        }
        let Some(v) = self
            .validators
            .get(&(method.to_string(), path.to_string(), status))
        else {
            return Err(format!(
                "the spec has no {status} answer for {method} {path}"
            ));
        };
        match v {
            None if body.is_null() => Ok(()),
            None => Err(format!("the spec gives {status} no body, got {body}")),
            Some(v) => errors(v, body),
        }
    }

    /// The operation object of `method path` in the spec.
    pub fn operation(&self, method: &str, path: &str) -> Option<&Value> {
        self.doc["paths"][path].get(method.to_lowercase())
    }

    /// A component schema, `$ref`s of one level followed.
    pub fn schema(&self, name: &str) -> &Value {
        &self.doc["components"]["schemas"][name]
    }
}

fn errors(v: &jsonschema::Validator, body: &Value) -> Result<(), String> {
    let all: Vec<String> = v
        .iter_errors(body)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    if all.is_empty() {
        Ok(())
    } else {
        Err(all.join("; "))
    }
}

/// OpenAPI 3.0 schema -> JSON Schema (see the module docs).
pub fn to_json_schema(v: &Value) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.iter().map(to_json_schema).collect()),
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, val) in map {
                match (k.as_str(), val) {
                    // Maps of name -> schema, not schemas themselves.
                    ("properties" | "schemas", Value::Object(named)) => {
                        let named = named
                            .iter()
                            .map(|(name, s)| (name.clone(), to_json_schema(s)))
                            .collect();
                        out.insert(k.clone(), Value::Object(named));
                    }
                    ("nullable" | "example" | "examples", _) => {}
                    ("exclusiveMinimum" | "exclusiveMaximum", Value::Bool(_)) => {}
                    // Values, not schemas: keep as they are.
                    ("enum" | "default" | "required" | "const", _) => {
                        out.insert(k.clone(), val.clone());
                    }
                    _ => {
                        out.insert(k.clone(), to_json_schema(val));
                    }
                }
            }
            let is_object_schema =
                out.contains_key("properties") && out.get("type").is_none_or(|t| t == "object");
            if is_object_schema && !out.contains_key("additionalProperties") {
                out.insert("additionalProperties".into(), Value::Bool(false));
            }
            if map.get("nullable") == Some(&Value::Bool(true)) {
                return json!({ "anyOf": [Value::Object(out), { "type": "null" }] });
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}
