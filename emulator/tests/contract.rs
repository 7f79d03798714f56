//! The contract strict mode enforces is the spec's: the emulator's table of
//! operations (query parameters, required ones, required headers, `expand`
//! values, UUID path ids, bodies, success statuses) and its sortable fields
//! are compared with the spec itself. Skipped, with a note, without the spec.

mod common;

use std::collections::BTreeSet;

use common::Api;
use common::spec::spec;
use mgc_emulator::{Emulator, operations};
use serde_json::Value;

fn names<'a>(it: impl IntoIterator<Item = &'a str>) -> BTreeSet<String> {
    it.into_iter().map(str::to_string).collect()
}

/// `['image', 'machine-type']` out of an `expand` parameter's description.
fn listed_values(description: &str) -> BTreeSet<String> {
    let Some(start) = description.find('[') else {
        return BTreeSet::new();
    };
    let end = description[start..]
        .find(']')
        .map_or(description.len(), |e| start + e);
    description[start + 1..end]
        .split(',')
        .map(|v| v.trim().trim_matches('\'').to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

#[test]
fn the_operation_table_is_the_specs() {
    let Some(spec) = spec() else {
        return;
    };
    let mut seen = 0;
    for (path, item) in spec.doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            seen += 1;
            let method = method.to_uppercase();
            let ours = operations()
                .iter()
                .find(|o| o.method == method && o.path == path)
                .unwrap_or_else(|| panic!("{method} {path} is not in the emulator's table"));
            let at = format!("{method} {path} ({})", ours.name);
            let params: Vec<&Value> = op["parameters"]
                .as_array()
                .map(|a| a.iter().collect())
                .unwrap_or_default();
            let of = |place: &str, required: bool| {
                names(
                    params
                        .iter()
                        .filter(|p| p["in"] == place && (!required || p["required"] == true))
                        .map(|p| p["name"].as_str().unwrap()),
                )
            };
            assert_eq!(
                names(ours.query.iter().copied()),
                of("query", false),
                "{at}: query"
            );
            assert_eq!(
                names(ours.required_query.iter().copied()),
                of("query", true),
                "{at}: required query"
            );
            let headers: BTreeSet<String> = of("header", true)
                .iter()
                .map(|h| h.to_lowercase())
                .collect();
            assert_eq!(
                names(ours.required_headers.iter().copied()),
                headers,
                "{at}: required headers"
            );
            let uuid = params
                .iter()
                .any(|p| p["in"] == "path" && p["schema"]["format"] == "uuid");
            assert_eq!(ours.uuid_id, uuid, "{at}: uuid path id");
            assert_eq!(ours.body, op.get("requestBody").is_some(), "{at}: body");
            let expand = params
                .iter()
                .find(|p| p["name"] == "expand")
                .map(|p| listed_values(p["schema"]["description"].as_str().unwrap_or("")))
                .unwrap_or_default();
            assert_eq!(
                names(ours.expand.iter().copied()),
                expand,
                "{at}: expand values"
            );
            let success = op["responses"]
                .as_object()
                .unwrap()
                .keys()
                .filter_map(|k| k.parse::<u16>().ok())
                .filter(|s| (200..300).contains(s))
                .min()
                .unwrap();
            assert_eq!(ours.success, success, "{at}: success status");
        }
    }
    assert_eq!(
        seen,
        operations().len(),
        "the spec and the table have the same operations"
    );
}

/// Each list's sortable fields are the item's scalar fields in the spec, plus
/// those its default `_sort` names: the 422 for an unknown field lists them.
#[tokio::test]
async fn sortable_fields_are_the_specs_scalar_fields() {
    let Some(spec) = spec() else {
        return;
    };
    let emu = Emulator::start().await;
    let api = Api::new(&emu, "br-se1");
    let resolve = |v: &Value| -> Value {
        match v["$ref"].as_str() {
            Some(r) => spec.schema(r.rsplit('/').next().unwrap()).clone(),
            None => v.clone(),
        }
    };
    let scalar = |v: &Value| {
        let types: Vec<&Value> = match v["anyOf"].as_array() {
            Some(alts) => alts.iter().map(|a| &a["type"]).collect(),
            None => vec![&v["type"]],
        };
        types.iter().all(|t| {
            matches!(
                t.as_str(),
                Some("string" | "integer" | "number" | "boolean")
            )
        })
    };
    for op in operations().iter().filter(|o| o.query.contains(&"_sort")) {
        let spec_op = spec.operation(op.method, op.path).unwrap();
        let page = resolve(&spec_op["responses"]["200"]["content"]["application/json"]["schema"]);
        let (_, list) = page["properties"]
            .as_object()
            .unwrap()
            .iter()
            .find(|(k, _)| *k != "meta")
            .unwrap();
        // An item may be one of several schemas: their fields together.
        let item = resolve(&resolve(list)["items"]);
        let alternatives = match item["anyOf"].as_array() {
            Some(alts) => alts.iter().map(resolve).collect(),
            None => vec![item],
        };
        let mut fields: BTreeSet<String> = alternatives
            .iter()
            .flat_map(|alt| alt["properties"].as_object().unwrap().iter())
            .filter(|(_, v)| scalar(v))
            .map(|(k, _)| k.clone())
            .collect();
        let sort = spec_op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "_sort")
            .unwrap();
        for part in sort["schema"]["default"].as_str().unwrap().split(',') {
            fields.insert(part.split(':').next().unwrap().to_string());
        }
        let r = api
            .get(&format!("{}?_sort=zzz:asc", op.path))
            .await
            .expect_error(422, "validation_error");
        let message = r.body["message"].as_str().unwrap();
        let ours: BTreeSet<String> = message
            .split("sort by one of ")
            .nth(1)
            .unwrap_or_else(|| panic!("{}: {message}", op.name))
            .split(", ")
            .map(str::to_string)
            .collect();
        assert_eq!(ours, fields, "{}: sortable fields", op.name);
        for field in &fields {
            api.get(&format!("{}?_sort={field}:desc", op.path))
                .await
                .expect(200);
        }
    }
}
