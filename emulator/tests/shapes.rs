//! Every operation answers with the shape of its spec. (Every response of
//! every test is shape-checked by `common::Api::send`; this test makes sure
//! all 29 operations are exercised at least once with success.)

mod common;

use std::collections::BTreeSet;

use common::schema::{self, OPERATIONS};
use common::{Api, Resp, SMALL, UBUNTU, WINDOWS};
use mgc_emulator::Emulator;
use serde_json::json;

struct Tracker {
    hit: BTreeSet<(&'static str, &'static str)>,
}

impl Tracker {
    fn see(&mut self, method: &str, path: &str, resp: &Resp) {
        let bare = path.split('?').next().unwrap();
        let op = schema::operation(method, bare).expect("known operation");
        assert_eq!(resp.status, op.2, "{method} {path}: {}", resp.text);
        self.hit.insert((op.0, op.1));
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
    call!(GET format!("/v1/instances/{vm}"));
    call!(GET format!("/v1/instances/{vm}?expand=network,image,machine-type"));
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
    call!(GET format!("/v1/instances/{restored}"));
    call!(DELETE format!("/v1/snapshots/{snap}"));

    // Forced error status carries the error object.
    emu.set_instance_status("br-se1", &restored, "creating_error_quota_ram", "error");
    call!(GET format!("/v1/instances/{restored}"));

    call!(DELETE format!("/v1/instances/{vm}"));
    call!(DELETE format!("/v1/images/custom/{img}"));

    let all: BTreeSet<(&str, &str)> = OPERATIONS.iter().map(|(m, p, _, _)| (*m, *p)).collect();
    let missing: Vec<_> = all.difference(&t.hit).collect();
    assert!(
        missing.is_empty(),
        "operations never exercised: {missing:?}"
    );
    assert_eq!(all.len(), 29);
}

#[test]
fn the_checker_catches_mismatches() {
    let ok = |ty: &str, v: serde_json::Value| schema::check_str(ty, &v);
    assert!(
        ok(
            "{id: uuid}",
            json!({ "id": "9ec75090-2872-4f51-8111-53d05d96d2c6" })
        )
        .is_ok()
    );
    assert!(ok("{id: uuid}", json!({ "id": "nope" })).is_err());
    assert!(ok("{id: string}", json!({})).is_err(), "missing required");
    assert!(ok("{id?: string}", json!({})).is_ok());
    assert!(
        ok("{id: string}", json!({ "id": "a", "x": 1 })).is_err(),
        "closed object"
    );
    assert!(ok("{id: string, ...}", json!({ "id": "a", "x": 1 })).is_ok());
    assert!(ok("[integer]", json!([1, 2.5])).is_err());
    assert!(ok("string | null", json!(null)).is_ok());
    assert!(ok("'a' | 'b'", json!("c")).is_err());
    assert!(ok("datetime", json!("2026-11-27T16:02:22Z")).is_ok());
    assert!(ok("datetime", json!("2026-11-27T16:02:22.5+00:00")).is_err());
    assert!(ok("Instance", json!({ "id": "x" })).is_err());
    assert!(
        ok(
            "Meta",
            json!({ "page": { "limit": 1, "offset": 0, "count": 0, "total": 0 } })
        )
        .is_ok()
    );
}
