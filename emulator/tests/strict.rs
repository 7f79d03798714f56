//! Strict mode (the default) refuses every request that breaks the spec's
//! contract with a 422 naming the field and the rule; the lenient mode
//! answers the same requests with the spec's defaults.

mod common;

use common::{Api, EXPAND_ALL, SMALL, UBUNTU};
use mgc_emulator::Emulator;
use reqwest::Method;
use serde_json::{Value, json};

const SMALL_ID: &str = "2d5a9c3e-1f00-4a10-8b00-000000000001";
const BV1_2_20_ID: &str = "2d5a9c3e-1f00-4a10-8b00-000000000002";

fn create_body(extra: Value) -> Value {
    let mut body = json!({
        "name": "vm",
        "machine_type": { "name": SMALL },
        "image": { "name": UBUNTU },
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

/// One request that breaks one rule.
struct Case {
    what: &'static str,
    method: Method,
    /// `{id}` is replaced with a running instance's id.
    path: &'static str,
    body: Option<Vec<u8>>,
    content_type: Option<&'static str>,
    without_api_version: bool,
    field: &'static str,
    rule: &'static str,
    /// What the lenient mode answers instead.
    lenient: u16,
}

fn get(what: &'static str, path: &'static str, field: &'static str, rule: &'static str) -> Case {
    Case {
        what,
        method: Method::GET,
        path,
        body: None,
        content_type: None,
        without_api_version: false,
        field,
        rule,
        lenient: 200,
    }
}

fn create(what: &'static str, body: Value, field: &'static str, rule: &'static str) -> Case {
    Case {
        what,
        method: Method::POST,
        path: "/v1/instances",
        body: Some(body.to_string().into_bytes()),
        content_type: Some("application/json"),
        without_api_version: false,
        field,
        rule,
        lenient: 201,
    }
}

fn cases() -> Vec<Case> {
    vec![
        get(
            "GET instance without expand",
            "/v1/instances/{id}",
            "query.expand",
            "required",
        ),
        Case {
            without_api_version: true,
            ..get(
                "list instances without x-api-version",
                "/v1/instances",
                "header.x-api-version",
                "required",
            )
        },
        Case {
            without_api_version: true,
            ..get(
                "GET instance without x-api-version",
                "/v1/instances/{id}?expand=network",
                "header.x-api-version",
                "required",
            )
        },
        get(
            "an unknown sort field",
            "/v1/instances?_sort=colour:asc",
            "query._sort",
            "sort_field",
        ),
        get(
            "an unknown sort field among known ones",
            "/v1/machine-types?_sort=name:asc,colour:desc",
            "query._sort",
            "sort_field",
        ),
        get(
            "an expand value the spec does not list",
            "/v1/instances/{id}?expand=bogus",
            "query.expand",
            "allowed_values",
        ),
        get(
            "an empty expand",
            "/v1/instances/{id}?expand=",
            "query.expand",
            "allowed_values",
        ),
        get(
            "an expand value of instances on snapshots",
            "/v1/snapshots?expand=network",
            "query.expand",
            "allowed_values",
        ),
        get(
            "a query parameter the operation lacks",
            "/v1/machine-types?colour=blue",
            "query.colour",
            "unknown_parameter",
        ),
        create(
            "both id and name",
            create_body(json!({ "machine_type": { "id": BV1_2_20_ID, "name": SMALL } })),
            "body.machine_type",
            "id_or_name",
        ),
        create(
            "a field the schema lacks",
            create_body(json!({ "colour": "blue" })),
            "body.colour",
            "unknown_field",
        ),
        create(
            "a nested field the schema lacks",
            create_body(json!({ "network": { "associate_public_ip": false, "colour": 1 } })),
            "body.network.colour",
            "unknown_field",
        ),
        Case {
            content_type: None,
            ..create(
                "a body without a content type",
                create_body(json!({})),
                "header.content-type",
                "content_type",
            )
        },
        Case {
            content_type: Some("text/plain"),
            ..create(
                "a body that says it is text",
                create_body(json!({})),
                "header.content-type",
                "content_type",
            )
        },
        Case {
            method: Method::POST,
            lenient: 404,
            ..get(
                "a path id that is not a UUID where the spec says uuid",
                "/v1/instances/not-a-uuid/start",
                "path.id",
                "format_uuid",
            )
        },
    ]
}

async fn run(api: &Api, id: &str, case: &Case) -> common::Resp {
    let path = case.path.replace("{id}", id);
    let api = if case.without_api_version {
        Api {
            headers: vec![("x-api-key".into(), "k".into())],
            ..api.clone()
        }
    } else {
        api.clone()
    };
    api.send_typed(
        case.method.clone(),
        &path,
        case.body.clone(),
        &[],
        case.content_type,
    )
    .await
}

#[tokio::test]
async fn strict_refuses_each_breach_of_the_contract_naming_field_and_rule() {
    let emu = Emulator::start().await;
    assert!(emu.is_strict(), "strict is the default");
    let api = Api::new(&emu, "br-se1");
    let id = emu.seed_instances("br-se1", 1, "vm").remove(0);
    for case in cases() {
        let r = run(&api, &id, &case).await;
        assert_eq!(r.status, 422, "{}: {}", case.what, r.text);
        assert_eq!(r.body["slug"], "validation_error", "{}", case.what);
        assert_eq!(
            r.body["details"],
            json!({ "field": case.field, "rule": case.rule }),
            "{}: {}",
            case.what,
            r.text
        );
        assert!(
            r.body["message"].as_str().unwrap().contains(case.field),
            "{}: the message names the field: {}",
            case.what,
            r.text
        );
    }
    // Nothing was created by the refused creates.
    let list = api.get("/v1/instances").await.expect(200);
    assert_eq!(list.body["meta"]["page"]["total"], 1);
}

#[tokio::test]
async fn lenient_answers_the_same_requests_with_the_specs_defaults() {
    let emu = Emulator::builder().lenient().start().await;
    assert!(!emu.is_strict());
    let api = Api::new(&emu, "br-se1");
    let id = emu.seed_instances("br-se1", 1, "vm").remove(0);
    for case in cases() {
        let r = run(&api, &id, &case).await;
        assert_eq!(r.status, case.lenient, "{}: {}", case.what, r.text);
    }

    // Without expand: the spec's default, everything expanded.
    let full = api.get(&format!("/v1/instances/{id}")).await.expect(200);
    assert_eq!(full.body["machine_type"]["name"], SMALL);
    assert!(full.body["network"]["vpc"].is_object());
    // An empty or unknown expand expands nothing (not everything).
    for q in ["expand=", "expand=bogus"] {
        let r = api
            .get(&format!("/v1/instances/{id}?{q}"))
            .await
            .expect(200);
        assert_eq!(r.body["machine_type"], json!({ "id": SMALL_ID }), "{q}");
        assert!(r.body["network"].get("vpc").is_none(), "{q}: {}", r.text);
    }
    // Both id and name: the id wins.
    let both = api
        .post(
            "/v1/instances",
            create_body(
                json!({ "name": "both", "machine_type": { "id": BV1_2_20_ID, "name": SMALL } }),
            ),
        )
        .await
        .expect(201)
        .id();
    let inst = api
        .get(&format!("/v1/instances/{both}?expand=machine-type"))
        .await
        .expect(200);
    assert_eq!(inst.body["machine_type"]["name"], "BV1-2-20");
    // Interfaces by name, which the spec does not have, are found by name.
    emu.advance();
    api.post(
        "/v1/instances/network-interface/attach",
        json!({ "instance": { "id": id }, "network": { "interface": { "name": "extra-ção" } } }),
    )
    .await
    .expect(204);
    let inst = api.get(&format!("/v1/instances/{id}?expand=network")).await;
    assert_eq!(inst.body["network"]["interfaces"][1]["name"], "extra-ção");
}

/// What strict mode accepts: the spec's own values and forms.
#[tokio::test]
async fn strict_accepts_what_the_spec_allows() {
    let emu = Emulator::start().await;
    let api = Api::new(&emu, "br-se1");
    let id = emu.seed_instances("br-se1", 1, "vm").remove(0);
    for q in [EXPAND_ALL, "machine-types,labels", "image&expand=network"] {
        api.get(&format!("/v1/instances/{id}?expand={q}"))
            .await
            .expect(200);
    }
    api.get("/v1/instances?_sort=").await.expect(200);
    api.get("/v1/instances?_sort=user_data:asc,availability_zone:desc")
        .await
        .expect(200);
    api.get("/v1/snapshots?expand=image,machine-type&_sort=size:desc")
        .await
        .expect(200);
    api.get("/v1/images?_sort=end_standard_support_at:asc&availability-zone=br-se1-a")
        .await
        .expect(200);
    api.get("/v1/images/custom?_sort=platform:asc,end_life_at:desc")
        .await
        .expect(200);
    api.get("/v1/instance-types?_sort=created_at:asc")
        .await
        .expect(200);
    api.send_typed(
        Method::POST,
        "/v1/instances",
        Some(create_body(json!({})).to_string().into_bytes()),
        &[],
        Some("application/json; charset=utf-8"),
    )
    .await
    .expect(201);
    // A create with every field the spec has.
    api.post(
        "/v1/instances",
        create_body(json!({
            "name": "full",
            "ssh_key_name": "k",
            "availability_zone": "br-se1-a",
            "user_data": "IyEvYmluL3NoCg==",
            "labels": ["a"],
            "volumes": [{ "name": "data" }],
            "network": {
                "associate_public_ip": false,
                "vpc": { "name": "vpc_default" },
                "interface": { "security_groups": [{ "id": "sg" }], "subnets": [{ "id": "sn" }] },
            },
        })),
    )
    .await
    .expect(201);
}

/// A body that is not JSON is a 400 in both modes; a valid one of the wrong
/// shape is a 422 in both.
#[tokio::test]
async fn not_json_is_400_and_wrong_types_422_in_both_modes() {
    for emu in [
        Emulator::start().await,
        Emulator::builder().lenient().start().await,
    ] {
        let api = Api::new(&emu, "br-se1");
        api.send(Method::POST, "/v1/instances", Some(b"{oops".to_vec()), &[])
            .await
            .expect_error(400, "invalid_json");
        let r = api
            .post("/v1/instances", create_body(json!({ "labels": "web" })))
            .await
            .expect_error(422, "validation_error");
        assert_eq!(r.body["details"]["field"], "body.labels");
    }
}
