//! Wire format: paging, sorting, filters, expand, auth, errors, headers,
//! recording, regions.

mod common;

use common::{Api, EXPAND_ALL, MISSING, SMALL, UBUNTU};
use mgc_emulator::Emulator;
use reqwest::Method;
use serde_json::{Value, json};

fn names(list: &Value, key: &str) -> Vec<String> {
    list[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn paging_math() {
    let emu = Emulator::builder().manual_transitions().start().await;
    let api = Api::new(&emu, "br-se1");
    let ids = emu.seed_instances("br-se1", 25, "p-");
    assert_eq!(ids.len(), 25);

    let mut seen = Vec::new();
    for (offset, count) in [(0, 10), (10, 10), (20, 5), (30, 0)] {
        let page = api
            .get(&format!("/v1/instances?_limit=10&_offset={offset}"))
            .await
            .expect(200)
            .body;
        assert_eq!(
            page["meta"]["page"],
            json!({ "limit": 10, "offset": offset, "count": count, "total": 25 })
        );
        seen.extend(names(&page, "instances"));
    }
    let expected: Vec<String> = (0..25).map(|i| format!("p-{i:05}")).collect();
    assert_eq!(seen, expected, "default order is creation order");

    let default = api.get("/v1/instances").await.expect(200).body;
    assert_eq!(default["meta"]["page"]["limit"], 50);
    assert_eq!(default["meta"]["page"]["count"], 25);

    let desc = api
        .get("/v1/instances?_sort=name:desc&_limit=3")
        .await
        .expect(200)
        .body;
    assert_eq!(names(&desc, "instances"), ["p-00024", "p-00023", "p-00022"]);
    let desc = api
        .get("/v1/instances?_sort=created_at:desc&_limit=2")
        .await
        .expect(200)
        .body;
    assert_eq!(names(&desc, "instances"), ["p-00024", "p-00023"]);

    let one = api.get("/v1/instances?name=p-00007").await.expect(200).body;
    assert_eq!(one["meta"]["page"]["total"], 1);
    assert_eq!(one["instances"][0]["id"], ids[7].as_str());
    let none = api.get("/v1/instances?name=p-0000").await.expect(200).body;
    assert_eq!(none["meta"]["page"]["total"], 0, "name filter is exact");

    let mts = api.get("/v1/machine-types").await.expect(200).body;
    assert_eq!(mts["meta"]["page"]["limit"], 200);
    let snaps = api.get("/v1/snapshots").await.expect(200).body;
    assert_eq!(snaps["meta"]["page"]["limit"], 200);
    let images = api.get("/v1/images").await.expect(200).body;
    assert_eq!(images["meta"]["page"]["limit"], 50);
}

#[tokio::test]
async fn ten_thousand_instances_page_through() {
    let emu = Emulator::start().await;
    let api = Api::new(&emu, "br-ne1");
    let ids = emu.seed_instances("br-ne1", 10_000, "bench-");
    let mut got = Vec::with_capacity(10_000);
    let mut offset = 0;
    loop {
        let page = api
            .get(&format!("/v1/instances?_limit=1000&_offset={offset}"))
            .await
            .expect(200)
            .body;
        let items = page["instances"].as_array().unwrap();
        assert_eq!(page["meta"]["page"]["total"], 10_000);
        got.extend(items.iter().map(|i| i["id"].as_str().unwrap().to_string()));
        if items.len() < 1000 {
            break;
        }
        offset += 1000;
    }
    assert_eq!(got, ids);
    assert_eq!(
        Api::new(&emu, "br-se1").get("/v1/instances").await.body["meta"]["page"]["total"],
        0,
        "regions are separate"
    );
}

#[tokio::test]
async fn catalogue_lists_sort_and_filter() {
    let emu = Emulator::start().await;
    let api = Api::new(&emu, "br-se1");
    let mts = api.get("/v1/machine-types").await.expect(200).body;
    let all = names(&mts, "machine_types");
    for n in [
        "BV1-1-10",
        "BV1-2-20",
        "BV2-4-40",
        "BV4-8-100",
        "DP8-90-100",
    ] {
        assert!(all.contains(&n.to_string()), "{n} missing from {all:?}");
    }
    let gpu = &mts["machine_types"].as_array().unwrap()
        [all.iter().position(|n| n == "DP8-90-100").unwrap()];
    assert_eq!(gpu["gpu"], 1);

    let by_vcpu = api
        .get("/v1/machine-types?_sort=vcpus:desc,name:asc&_limit=2")
        .await
        .expect(200)
        .body;
    assert_eq!(
        names(&by_vcpu, "machine_types"),
        ["BV8-32-100", "DP8-90-100"]
    );

    let zone_b = api
        .get("/v1/machine-types?availability-zone=br-se1-b")
        .await
        .expect(200)
        .body;
    assert!(!names(&zone_b, "machine_types").contains(&"DP8-90-100".to_string()));

    let its = api
        .get("/v1/instance-types?name=BV2-4-40")
        .await
        .expect(200)
        .body;
    assert_eq!(its["meta"]["page"]["total"], 1);
    assert!(its["instance_types"][0].get("sku").is_none());

    let images = api.get("/v1/images").await.expect(200).body;
    let list = images["images"].as_array().unwrap();
    assert_eq!(list.len(), 6);
    // Default sort: platform asc, then end_life_at desc.
    assert_eq!(list.last().unwrap()["platform"], "windows");
    assert_eq!(list[0]["name"], "cloud-ubuntu-24.04 LTS");
    assert!(list.iter().any(|i| i["status"] == "deprecated"));
    let named = api
        .get("/v1/images?name=cloud-debian-12%20LTS")
        .await
        .expect(200)
        .body;
    assert_eq!(named["images"][0]["version"], "12");
    let by_name = api.get("/v1/images?_sort=name:asc&_limit=1").await.body;
    assert_eq!(by_name["images"][0]["name"], "cloud-debian-12 LTS");
}

#[tokio::test]
async fn expand_or_not() {
    let emu = Emulator::builder().manual_transitions().start().await;
    let api = Api::new(&emu, "br-se1");
    let id = api.create_instance("vm", SMALL, UBUNTU).await;

    // A list answers ids only unless asked to expand...
    let plain = api.get("/v1/instances").await.expect(200).body["instances"][0].clone();
    assert_eq!(
        plain["machine_type"],
        json!({ "id": "2d5a9c3e-1f00-4a10-8b00-000000000001" })
    );
    assert_eq!(
        plain["image"],
        json!({ "id": "8c4f7e21-3b00-4c20-9a00-000000000002" })
    );
    let ifaces = plain["network"]["interfaces"].as_array().unwrap();
    assert_eq!(ifaces.len(), 1);
    assert_eq!(ifaces[0].as_object().unwrap().len(), 1, "ids only: {plain}");
    assert!(plain["network"].get("vpc").is_none());

    // ...reading one instance expands everything by default (the spec's default),
    // and an explicit expand narrows it.
    let one = api.instance(&id).await;
    assert_eq!(one["machine_type"]["name"], SMALL);
    assert!(one["network"].get("vpc").is_some(), "{one}");
    let narrow = api
        .get(&format!("/v1/instances/{id}?expand=image"))
        .await
        .expect(200)
        .body;
    assert_eq!(narrow["image"]["name"], UBUNTU);
    assert_eq!(
        narrow["machine_type"],
        json!({ "id": "2d5a9c3e-1f00-4a10-8b00-000000000001" })
    );

    for query in [
        "expand=image,machine-type,network",
        "expand=image&expand=machine-type&expand=network",
        "expand=image%2Cmachine-type%2Cnetwork",
    ] {
        let full = api
            .get(&format!("/v1/instances/{id}?{query}"))
            .await
            .expect(200)
            .body;
        assert_eq!(
            full["machine_type"],
            json!({ "id": "2d5a9c3e-1f00-4a10-8b00-000000000001", "name": SMALL, "vcpus": 1, "ram": 1024, "disk": 10 })
        );
        assert_eq!(
            full["image"],
            json!({ "id": "8c4f7e21-3b00-4c20-9a00-000000000002", "name": UBUNTU, "platform": "linux" })
        );
        assert_eq!(full["network"]["vpc"]["name"], "vpc_default");
        let nic = &full["network"]["interfaces"][0];
        assert_eq!(nic["primary"], true);
        assert!(nic["ip_addresses"]["private_ipv4"].is_string());
        assert!(nic["associated_public_ipv4"].is_string());
    }

    let list = api.get("/v1/instances?expand=image").await.expect(200).body;
    assert_eq!(list["instances"][0]["image"]["name"], UBUNTU);
    assert_eq!(
        list["instances"][0]["machine_type"]
            .as_object()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn create_options_are_kept() {
    let emu = Emulator::builder().manual_transitions().start().await;
    let api = Api::new(&emu, "br-se1");
    let id = api
        .post(
            "/v1/instances",
            json!({
                "name": "custom",
                "machine_type": { "name": SMALL },
                "image": { "name": UBUNTU },
                "ssh_key_name": "key-1",
                "availability_zone": "br-se1-b",
                "labels": ["a", "b"],
                "user_data": "IyEvYmluL3NoCmVjaG8gaGkK",
                "network": {
                    "associate_public_ip": false,
                    "vpc": { "name": "my-vpc" },
                    "interface": { "security_groups": [{ "id": "sg-1" }] },
                },
            }),
        )
        .await
        .expect(201)
        .id();
    let v = api
        .get(&format!("/v1/instances/{id}?expand=network"))
        .await
        .body;
    assert_eq!(v["ssh_key_name"], "key-1");
    assert_eq!(v["availability_zone"], "br-se1-b");
    assert_eq!(v["labels"], json!(["a", "b"]));
    assert_eq!(v["user_data"], "IyEvYmluL3NoCmVjaG8gaGkK");
    assert_eq!(v["network"]["vpc"]["name"], "my-vpc");
    let nic = &v["network"]["interfaces"][0];
    assert_eq!(nic["security_groups"], json!(["sg-1"]));
    assert!(nic["associated_public_ipv4"].is_null());
}

#[tokio::test]
async fn auth_rules() {
    let emu = Emulator::builder().api_key("secret").start().await;
    let api = Api::new(&emu, "br-se1");
    let anon = api.anonymous();
    let r = anon
        .get("/v1/instances")
        .await
        .expect_error(401, "unauthorized");
    assert_eq!(r.body["details"], json!({}), "the one error shape, 401 too");
    // Wrong key.
    api.get("/v1/instances")
        .await
        .expect_error(401, "unauthorized");
    // Right key.
    anon.send(
        Method::GET,
        "/v1/instances",
        None,
        &[("X-API-Key", "secret"), ("x-api-version", "1.1")],
    )
    .await
    .expect(200);
    // Any bearer token.
    anon.send(
        Method::GET,
        "/v1/instances",
        None,
        &[
            ("Authorization", "Bearer jwt.token"),
            ("x-api-version", "1.1"),
        ],
    )
    .await
    .expect(200);
    anon.send(
        Method::GET,
        "/v1/instances",
        None,
        &[("Authorization", "Bearer ")],
    )
    .await
    .expect_error(401, "unauthorized");

    // Without a configured key, any non-empty key is fine.
    let open = Emulator::start().await;
    let api = Api::new(&open, "br-se1");
    api.get("/v1/instances").await.expect(200);
    api.anonymous()
        .get("/v1/machine-types")
        .await
        .expect_error(401, "unauthorized");
}

#[tokio::test]
async fn not_found_and_validation_errors() {
    let emu = Emulator::start().await;
    let api = Api::new(&emu, "br-se1");
    for path in [
        "/v1/instances/nope?expand=network",
        "/v1/instances/a%2Fb?expand=image",
        "/v1/instances/a%2Fb/init-logs",
        "/v1/snapshots/nope",
        "/v1/images/custom/nope",
    ] {
        let r = api.get(path).await;
        assert_eq!(r.status, 404, "{path}: {}", r.text);
    }
    let r = api.get("/v1/instances/a%2Fb?expand=network").await;
    assert!(r.text.contains("a/b"), "the id is decoded: {}", r.text);
    api.post_empty(&format!("/v1/instances/{MISSING}/start"))
        .await
        .expect_error(404, "instance_not_found");

    for query in [
        "_limit=0",
        "_limit=1001",
        "_limit=ten",
        "_offset=-1",
        "_sort=name",
        "_sort=name:up",
        "_sort=name:asc,",
    ] {
        let r = api
            .get(&format!("/v1/instances?{query}"))
            .await
            .expect_error(422, "validation_error");
        let key = query.split('=').next().unwrap();
        assert!(r.text.contains(key), "{query}: {}", r.text);
    }
    api.get("/v1/instances?_limit=1000").await.expect(200);
    api.get("/v1/instances?_sort=").await.expect(200);
    api.delete("/v1/instances/x?delete_public_ip=maybe")
        .await
        .expect_error(422, "validation_error");

    // Not JSON at all: 400, whatever the operation.
    for body in [&b"{not json"[..], br#"{"name":"x"} trailing"#] {
        let r = api
            .send(Method::POST, "/v1/instances", Some(body.to_vec()), &[])
            .await
            .expect_error(400, "invalid_json");
        assert_eq!(r.body["details"]["rule"], "json");
    }
    let cases: [(&[u8], &str); 4] = [
        (b"", "required"),
        (
            br#"{"machine_type":{"name":"BV1-1-10"},"image":{"name":"x"}}"#,
            "name",
        ),
        (
            br#"{"name":1,"machine_type":{"name":"BV1-1-10"},"image":{"name":"x"}}"#,
            "body.name",
        ),
        (
            br#"{"name":"x","machine_type":"BV1-1-10","image":{"name":"x"}}"#,
            "machine_type",
        ),
    ];
    for (body, needle) in cases {
        let r = api
            .send(Method::POST, "/v1/instances", Some(body.to_vec()), &[])
            .await
            .expect_error(422, "validation_error");
        assert!(r.text.contains(needle), "{needle}: {}", r.text);
    }
    let long = "n".repeat(256);
    let r = api
        .post(
            "/v1/instances",
            json!({ "name": long, "machine_type": { "name": SMALL }, "image": { "name": UBUNTU } }),
        )
        .await
        .expect_error(422, "validation_error");
    assert!(r.text.contains("255"), "{}", r.text);

    // Unknown paths, regions and methods.
    let r = api.get("/v1/nothing-here").await;
    assert_eq!(r.status, 404);
    let other = Api {
        base: format!("{}/mars-1/compute", emu.url()),
        ..api.clone()
    };
    other
        .get("/v1/instances")
        .await
        .expect_error(404, "region_not_found");
    let mgl_by_name = Api {
        base: format!("{}/br-mgl1/compute", emu.url()),
        ..api.clone()
    };
    mgl_by_name
        .get("/v1/instances")
        .await
        .expect_error(404, "region_not_found");
    api.send(Method::PUT, "/v1/instances", None, &[])
        .await
        .expect_error(405, "method_not_allowed");
}

#[tokio::test]
async fn headers_and_recording() {
    let emu = Emulator::start().await;
    let api = Api::new(&emu, "br-mgl1");
    assert!(api.base.ends_with("/br-se-1/compute"));
    let r = api
        .send(
            Method::GET,
            "/v1/instances?_limit=5&name=a%20b",
            None,
            &[("X-Request-ID", "req-123")],
        )
        .await
        .expect(200);
    assert_eq!(r.header("x-request-id"), Some("req-123"));
    let trace = r.header("x-mgc-trace-id").unwrap().to_string();
    let r = api.get("/v1/instances").await.expect(200);
    assert!(r.header("x-request-id").is_none());
    assert_ne!(r.header("x-mgc-trace-id"), Some(trace.as_str()));

    // No x-api-version, which the spec requires here: refused, and visible in the record.
    let bare = Api {
        headers: vec![("x-api-key".into(), "k".into())],
        ..api.clone()
    };
    let r = bare
        .get("/v1/instances")
        .await
        .expect_error(422, "validation_error");
    assert_eq!(r.body["details"]["field"], "header.x-api-version");
    let created = api
        .post(
            "/v1/instances",
            json!({ "name": "r", "machine_type": { "name": SMALL }, "image": { "name": UBUNTU } }),
        )
        .await
        .expect(201);

    let reqs = emu.requests();
    assert_eq!(reqs.len(), 4);
    assert_eq!(emu.request_count(), 4);
    assert_eq!(reqs[0].method, "GET");
    assert_eq!(
        reqs[0].path,
        "/br-se-1/compute/v1/instances?_limit=5&name=a%20b"
    );
    assert_eq!(reqs[0].header("X-Request-Id"), Some("req-123"));
    assert!(reqs[0].headers.iter().all(|(k, _)| *k == k.to_lowercase()));
    assert_eq!(reqs[1].header("x-api-version"), Some("1.1"));
    assert_eq!(reqs[2].header("x-api-version"), None);
    assert_eq!(reqs[3].method, "POST");
    assert_eq!(reqs[3].body_json().unwrap()["name"], "r");
    assert!(created.body["id"].is_string());
    emu.clear_requests();
    assert_eq!(emu.request_count(), 0);
}

#[tokio::test]
async fn regions_are_isolated_and_urls_are_right() {
    let emu = Emulator::builder().manual_transitions().start().await;
    assert!(emu.url().starts_with("http://127.0.0.1:"));
    assert_eq!(emu.region_url("br-se1"), format!("{}/br-se1", emu.url()));
    assert_eq!(emu.region_url("br-mgl1"), format!("{}/br-se-1", emu.url()));
    let se = Api::new(&emu, "br-se1");
    let ne = Api::new(&emu, "br-ne1");
    let id = se.create_instance("only-here", SMALL, UBUNTU).await;
    ne.get(&format!("/v1/instances/{id}?expand={EXPAND_ALL}"))
        .await
        .expect_error(404, "instance_not_found");
    assert_eq!(
        ne.get("/v1/instances").await.body["meta"]["page"]["total"],
        0
    );
    let ids = emu.seed_instances("br-mgl1", 2, "m-");
    let mgl = Api::new(&emu, "br-mgl1");
    assert_eq!(
        mgl.instance_status(&ids[1]).await,
        ("completed".into(), "running".into())
    );
}

#[tokio::test]
async fn shutdown_and_drop_stop_the_server() {
    let emu = Emulator::start().await;
    let addr = emu.addr();
    emu.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());

    let emu = Emulator::start().await;
    let addr = emu.addr();
    drop(emu);
    // Dropping aborts the task; give the runtime a moment to run the abort.
    let mut closed = false;
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            closed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(closed);
}
