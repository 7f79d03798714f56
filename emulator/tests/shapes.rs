//! Every operation answers with the shape of its spec. (Every response of
//! every test is checked against the spec by `common::Api::send`; this test
//! makes sure all 29 operations are exercised at least once with success.)

mod common;

use std::collections::BTreeSet;

use common::{Api, EXPAND_ALL, Resp, SMALL, UBUNTU, WINDOWS};
use mgc_emulator::Emulator;
use serde_json::json;

struct Tracker {
    hit: BTreeSet<(&'static str, &'static str)>,
}

impl Tracker {
    fn see(&mut self, method: &str, path: &str, resp: &Resp) {
        let bare = path.split('?').next().unwrap();
        let op = mgc_emulator::find_operation(method, bare).expect("known operation");
        assert_eq!(resp.status, op.success, "{method} {path}: {}", resp.text);
        self.hit.insert((op.method, op.path));
    }
}

#[tokio::test]
async fn all_operations_answer_with_their_shapes() {
    let emu = Emulator::builder().manual_transitions().start().await;
    let api = Api::new(&emu, "br-se1");
    let mut t = Tracker {
        hit: BTreeSet::new(),
    };
    macro_rules! call {
        (GET $p:expr) => {{
            let p = $p;
            let r = api.get(&p).await;
            t.see("GET", &p, &r);
            r
        }};
        (DELETE $p:expr) => {{
            let p = $p;
            let r = api.delete(&p).await;
            t.see("DELETE", &p, &r);
            r
        }};
        (POST $p:expr) => {{
            let p = $p;
            let r = api.post_empty(&p).await;
            t.see("POST", &p, &r);
            r
        }};
        (POST $p:expr, $b:expr) => {{
            let p = $p;
            let r = api.post(&p, $b).await;
            t.see("POST", &p, &r);
            r
        }};
        (PATCH $p:expr, $b:expr) => {{
            let p = $p;
            let r = api.patch(&p, $b).await;
            t.see("PATCH", &p, &r);
            r
        }};
    }

    call!(GET "/v1/images".to_string());
    call!(GET "/v1/machine-types".to_string());
    call!(GET "/v1/instance-types".to_string());

    let img = call!(POST "/v1/images/custom".to_string(), json!({
        "name": "img", "url": "https://example.invalid/i.qcow2", "platform": "windows",
        "license": "licensed", "architecture": "x86/64", "uefi": true,
    }))
    .id();
    call!(GET "/v1/images/custom".to_string());
    call!(GET format!("/v1/images/custom/{img}"));
    call!(PATCH format!("/v1/images/custom/{img}"), json!({ "version": "2" }));

    let vm = call!(POST "/v1/instances".to_string(), json!({
        "name": "vm", "machine_type": { "name": SMALL }, "image": { "name": UBUNTU },
    }))
    .id();
    let win = call!(POST "/v1/instances".to_string(), json!({
        "name": "win", "machine_type": { "name": "BV2-4-40" }, "image": { "name": WINDOWS },
    }))
    .id();
    // In-flight states are valid shapes too.
    call!(GET "/v1/instances?expand=image,machine-type,network".to_string());
    emu.advance();
    call!(GET "/v1/instances".to_string());
    call!(GET format!("/v1/instances/{vm}?expand={EXPAND_ALL}"));
    call!(GET format!("/v1/instances/{vm}?expand=labels"));
    call!(GET format!("/v1/instances/{vm}/init-logs"));
    call!(GET format!("/v1/instances/config/{win}/first-windows-password"));
    call!(PATCH format!("/v1/instances/{vm}/rename"), json!({ "name": "vm2" }));
    call!(POST "/v1/instances/network-interface/attach".to_string(),
        json!({ "instance": { "id": vm }, "network": { "interface": { "id": "nic-2" } } }));
    call!(GET format!("/v1/instances/{vm}?expand=network"));
    call!(POST "/v1/instances/network-interface/detach".to_string(),
        json!({ "instance": { "name": "vm2" }, "network": { "interface": { "id": "nic-2" } } }));
    call!(POST format!("/v1/instances/{vm}/reboot"));
    emu.advance();
    call!(POST format!("/v1/instances/{vm}/suspend"));
    emu.advance();
    call!(POST format!("/v1/instances/{vm}/start"));
    emu.advance();
    call!(POST format!("/v1/instances/{vm}/stop"));
    emu.advance();
    call!(POST format!("/v1/instances/{vm}/retype"), json!({ "machine_type": { "name": "BV1-2-20" } }));
    emu.advance();

    let snap =
        call!(POST "/v1/snapshots".to_string(), json!({ "name": "s", "instance": { "id": vm } }))
            .id();
    call!(GET format!("/v1/snapshots/{snap}"));
    emu.advance();
    call!(GET "/v1/snapshots".to_string());
    call!(GET format!("/v1/snapshots?expand=image,machine-type"));
    call!(GET format!("/v1/snapshots/{snap}?expand=image,machine-type"));
    call!(PATCH format!("/v1/snapshots/{snap}/rename"), json!({ "name": "s2" }));
    call!(POST format!("/v1/snapshots/{snap}/copy"), json!({ "destination_region": "br-ne1" }));
    let restored = call!(POST format!("/v1/snapshots/{snap}"), json!({
        "name": "restored", "machine_type": { "name": "BV1-2-20" }, "ssh_key_name": "k",
    }))
    .id();
    call!(GET format!("/v1/instances/{restored}?expand={EXPAND_ALL}"));
    call!(DELETE format!("/v1/snapshots/{snap}"));

    // Forced error status carries the error object.
    emu.set_instance_status("br-se1", &restored, "creating_error_quota_ram", "error");
    call!(GET format!("/v1/instances/{restored}?expand={EXPAND_ALL}"));

    call!(DELETE format!("/v1/instances/{vm}"));
    call!(DELETE format!("/v1/images/custom/{img}"));

    let all: BTreeSet<(&str, &str)> = mgc_emulator::operations()
        .iter()
        .map(|o| (o.method, o.path))
        .collect();
    let missing: Vec<_> = all.difference(&t.hit).collect();
    assert!(
        missing.is_empty(),
        "operations never exercised: {missing:?}"
    );
    assert_eq!(all.len(), 29);
}

/// The spec's validators refuse what the spec does not allow: a wrong enum
/// value, a missing required field, a field the spec lacks, a wrong format.
#[test]
fn the_spec_validators_catch_mismatches() {
    let Some(spec) = common::spec::spec() else {
        return;
    };
    let get = |body: serde_json::Value| spec.check("GET", "/v1/snapshots/{id}", 200, &body);
    let good = json!({
        "id": "9ec75090-2872-4f51-8111-53d05d96d2c6", "name": "s", "status": "completed",
        "state": "available", "created_at": "2026-11-27T16:02:22Z", "size": 10,
        "instance": { "id": "x", "image": { "id": "i" }, "machine_type": { "id": "m" } },
    });
    assert_eq!(get(good.clone()), Ok(()));
    let mut missing = good.clone();
    missing.as_object_mut().unwrap().remove("size");
    assert!(get(missing).is_err(), "a required field is missing");
    let mut extra = good.clone();
    extra["surprise"] = json!(1);
    assert!(get(extra).is_err(), "a field the spec lacks");
    let mut bad_type = good;
    bad_type["size"] = json!("ten");
    assert!(get(bad_type).is_err(), "not an integer");
    let instance = |status: &str| {
        spec.check("GET", "/v1/instances/{id}", 200, &json!({
            "id": "9ec75090-2872-4f51-8111-53d05d96d2c6", "status": status, "state": "running",
            "created_at": "2026-11-27T16:02:22Z", "machine_type": { "id": "m" }, "image": { "id": "i" },
        }))
    };
    assert_eq!(instance("completed"), Ok(()));
    assert!(instance("napping").is_err(), "not one of the statuses");
    assert!(
        spec.check("POST", "/v1/instances/{id}/start", 204, &json!({}))
            .is_err()
    );
    assert!(
        spec.check(
            "GET",
            "/v1/images",
            404,
            &json!({ "slug": "x", "message": "m" })
        )
        .is_err(),
        "an error without details"
    );
}
