//! Lifecycles: instances, snapshots, custom images, interfaces.

mod common;

use std::time::Duration;

use common::{Api, EXPAND_ALL, MISSING, SMALL, UBUNTU, WINDOWS};
use mgc_emulator::Emulator;
use serde_json::json;

async fn manual() -> (Emulator, Api) {
    let emu = Emulator::builder()
        .manual_transitions()
        .seed(1)
        .start()
        .await;
    let api = Api::new(&emu, "br-se1");
    (emu, api)
}

fn s(a: &str, b: &str) -> (String, String) {
    (a.to_string(), b.to_string())
}

#[tokio::test]
async fn instance_goes_through_every_action() {
    let (emu, api) = manual().await;
    let id = api.create_instance("vm-1", SMALL, UBUNTU).await;
    assert_eq!(api.instance_status(&id).await, s("provisioning", "new"));
    // Nothing completes on its own in manual mode.
    assert_eq!(api.instance_status(&id).await, s("provisioning", "new"));
    emu.advance();
    assert_eq!(api.instance_status(&id).await, s("completed", "running"));

    let path = |action: &str| format!("/v1/instances/{id}/{action}");
    api.post_empty(&path("stop")).await.expect(204);
    assert_eq!(
        api.instance_status(&id).await,
        s("stopping_pending", "running")
    );
    emu.advance();
    assert_eq!(api.instance_status(&id).await, s("completed", "stopped"));

    api.post_empty(&path("start")).await.expect(204);
    assert_eq!(
        api.instance_status(&id).await,
        s("starting_pending", "stopped")
    );
    emu.advance();
    assert_eq!(api.instance_status(&id).await, s("completed", "running"));

    api.post_empty(&path("suspend")).await.expect(204);
    emu.advance();
    assert_eq!(api.instance_status(&id).await, s("completed", "suspended"));
    api.post_empty(&path("start")).await.expect(204);
    emu.advance();

    api.post_empty(&path("reboot")).await.expect(204);
    assert_eq!(
        api.instance_status(&id).await,
        s("rebooting_pending", "running")
    );
    emu.advance();
    assert_eq!(api.instance_status(&id).await, s("completed", "running"));

    api.patch(&path("rename"), json!({ "name": "vm-renamed" }))
        .await
        .expect(204);
    assert_eq!(api.instance(&id).await["name"], "vm-renamed");

    api.delete(&format!("/v1/instances/{id}?delete_public_ip=true"))
        .await
        .expect(204);
    assert_eq!(
        api.instance_status(&id).await,
        s("deleting_pending", "running")
    );
    emu.advance();
    api.get(&format!("/v1/instances/{id}?expand={EXPAND_ALL}"))
        .await
        .expect_error(404, "instance_not_found");
}

#[tokio::test]
async fn wrong_state_actions_are_409_and_change_nothing() {
    let (emu, api) = manual().await;
    let id = api.create_instance("vm-1", SMALL, UBUNTU).await;
    let path = |action: &str| format!("/v1/instances/{id}/{action}");

    // While creating: busy.
    api.post_empty(&path("stop"))
        .await
        .expect_error(409, "instance_busy");
    assert_eq!(api.instance_status(&id).await, s("provisioning", "new"));
    emu.advance();

    // Running.
    api.post_empty(&path("start"))
        .await
        .expect_error(409, "instance_not_stopped");
    api.post(
        &path("retype"),
        json!({ "machine_type": { "name": "BV2-4-40" } }),
    )
    .await
    .expect_error(409, "instance_not_stopped");
    assert_eq!(api.instance_status(&id).await, s("completed", "running"));
    let mt = api.instance(&id).await["machine_type"]["id"].clone();
    assert_eq!(mt, "2d5a9c3e-1f00-4a10-8b00-000000000001");

    // Stopped.
    api.post_empty(&path("stop")).await.expect(204);
    api.post_empty(&path("stop"))
        .await
        .expect_error(409, "instance_busy");
    emu.advance();
    api.post_empty(&path("stop"))
        .await
        .expect_error(409, "instance_not_running");
    api.post_empty(&path("suspend"))
        .await
        .expect_error(409, "instance_not_running");
    api.post_empty(&path("reboot"))
        .await
        .expect_error(409, "instance_not_running");
    assert_eq!(api.instance_status(&id).await, s("completed", "stopped"));

    // Deleting twice.
    api.delete(&format!("/v1/instances/{id}")).await.expect(204);
    api.delete(&format!("/v1/instances/{id}"))
        .await
        .expect_error(409, "instance_deleting");
    api.patch(&path("rename"), json!({ "name": "x" }))
        .await
        .expect_error(409, "instance_deleting");
}

#[tokio::test]
async fn retype_only_when_stopped_and_compatible() {
    let (emu, api) = manual().await;
    let id = api.create_instance("vm-1", SMALL, UBUNTU).await;
    emu.advance();
    let retype = format!("/v1/instances/{id}/retype");
    api.post_empty(&format!("/v1/instances/{id}/stop"))
        .await
        .expect(204);
    emu.advance();
    api.post(&retype, json!({ "machine_type": { "name": "BV9-nope" } }))
        .await
        .expect_error(400, "machine_type_not_found");
    api.post(&retype, json!({ "machine_type": {} }))
        .await
        .expect_error(422, "validation_error");
    api.post(&retype, json!({ "machine_type": { "name": "BV2-4-40" } }))
        .await
        .expect(204);
    assert_eq!(
        api.instance_status(&id).await,
        s("retyping_pending", "stopped")
    );
    emu.advance();
    assert_eq!(api.instance_status(&id).await, s("completed", "stopped"));
    let inst = api
        .get(&format!("/v1/instances/{id}?expand=machine-type"))
        .await
        .expect(200)
        .body;
    assert_eq!(inst["machine_type"]["name"], "BV2-4-40");
    assert_eq!(inst["machine_type"]["vcpus"], 2);

    // A Windows instance cannot shrink below its image's requirements.
    let win = api.create_instance("win", "BV2-4-40", WINDOWS).await;
    emu.advance();
    api.post_empty(&format!("/v1/instances/{win}/stop"))
        .await
        .expect(204);
    emu.advance();
    api.post(
        &format!("/v1/instances/{win}/retype"),
        json!({ "machine_type": { "name": SMALL } }),
    )
    .await
    .expect_error(400, "machine_type_incompatible");
}

#[tokio::test]
async fn transitions_complete_on_their_own_after_the_delay() {
    let emu = Emulator::builder()
        .transition_delay(Duration::from_millis(200))
        .start()
        .await;
    let api = Api::new(&emu, "br-se1");
    let id = api.create_instance("timed", SMALL, UBUNTU).await;
    let mut seen = Vec::new();
    for _ in 0..300 {
        let (status, _) = api.instance_status(&id).await;
        if seen.last() != Some(&status) {
            seen.push(status.clone());
        }
        if status == "completed" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(seen.first().map(String::as_str), Some("provisioning"));
    assert_eq!(
        seen.last().map(String::as_str),
        Some("completed"),
        "{seen:?}"
    );
    let order = ["provisioning", "creating", "completed"];
    let positions: Vec<usize> = seen
        .iter()
        .map(|st| order.iter().position(|o| o == st).expect("known status"))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
    assert_eq!(api.instance_status(&id).await.1, "running");
}

#[tokio::test]
async fn zero_delay_is_instant_and_advance_is_harmless() {
    let emu = Emulator::builder()
        .transition_delay(Duration::ZERO)
        .start()
        .await;
    let api = Api::new(&emu, "br-se1");
    let id = api.create_instance("fast", SMALL, UBUNTU).await;
    assert_eq!(api.instance_status(&id).await, s("completed", "running"));
    emu.advance();
    api.post_empty(&format!("/v1/instances/{id}/stop"))
        .await
        .expect(204);
    assert_eq!(api.instance_status(&id).await, s("completed", "stopped"));
}

#[tokio::test]
async fn create_validates_references_and_requirements() {
    let (_emu, api) = manual().await;
    let body = |mt: serde_json::Value, image: serde_json::Value| json!({ "name": "x", "machine_type": mt, "image": image });
    api.post(
        "/v1/instances",
        body(json!({ "name": "nope" }), json!({ "name": UBUNTU })),
    )
    .await
    .expect_error(400, "machine_type_not_found");
    api.post(
        "/v1/instances",
        body(json!({ "name": SMALL }), json!({ "id": "nope" })),
    )
    .await
    .expect_error(400, "image_not_found");
    api.post(
        "/v1/instances",
        body(json!({ "name": SMALL }), json!({ "name": WINDOWS })),
    )
    .await
    .expect_error(400, "machine_type_incompatible");
    // By id works as well as by name.
    api.post(
        "/v1/instances",
        body(
            json!({ "id": "2d5a9c3e-1f00-4a10-8b00-000000000005" }),
            json!({ "id": "8c4f7e21-3b00-4c20-9a00-000000000005" }),
        ),
    )
    .await
    .expect(201);
    let long = "u".repeat(65001);
    let resp = api
        .post(
            "/v1/instances",
            json!({ "name": "x", "machine_type": { "name": SMALL }, "image": { "name": UBUNTU }, "user_data": long }),
        )
        .await
        .expect_error(422, "validation_error");
    assert!(resp.text.contains("user_data"), "{}", resp.text);
}

#[tokio::test]
async fn forced_error_status_shows_the_error_object() {
    let (emu, api) = manual().await;
    let id = api.create_instance("doomed", SMALL, UBUNTU).await;
    assert!(emu.set_instance_status("br-se1", &id, "creating_error", "error"));
    emu.advance(); // the cancelled creation must not come back
    let inst = api.instance(&id).await;
    assert_eq!(inst["status"], "creating_error");
    assert_eq!(inst["state"], "error");
    assert_eq!(inst["error"]["slug"], "creating_error");
    api.post_empty(&format!("/v1/instances/{id}/stop"))
        .await
        .expect_error(409, "instance_not_running");
    assert!(!emu.set_instance_status("br-se1", "missing", "completed", "running"));
    assert!(emu.set_instance_status("br-se1", &id, "completed", "running"));
    assert!(api.instance(&id).await.get("error").is_none());
}

#[tokio::test]
async fn snapshots_create_restore_copy_rename_delete() {
    let (emu, api) = manual().await;
    let vm = api.create_instance("source", "BV2-4-40", UBUNTU).await;

    api.post(
        "/v1/snapshots",
        json!({ "name": "snap", "instance": { "id": vm } }),
    )
    .await
    .expect_error(409, "instance_not_ready");
    emu.advance();
    let snap = api
        .post(
            "/v1/snapshots",
            json!({ "name": "snap", "instance": { "name": "source" } }),
        )
        .await
        .expect(202)
        .id();
    api.post(
        "/v1/snapshots",
        json!({ "name": "snap", "instance": { "id": vm } }),
    )
    .await
    .expect_error(409, "snapshot_name_already_exists");
    let got = api
        .get(&format!("/v1/snapshots/{snap}"))
        .await
        .expect(200)
        .body;
    assert_eq!(
        (got["status"].as_str(), got["state"].as_str()),
        (Some("creating"), Some("new"))
    );
    assert_eq!(got["size"], 40);
    assert_eq!(got["instance"]["id"], vm.as_str());
    assert_eq!(
        got["instance"]["machine_type"],
        json!({ "id": "2d5a9c3e-1f00-4a10-8b00-000000000005" })
    );

    let restore = json!({ "name": "restored", "machine_type": { "name": "BV2-4-40" } });
    api.post(&format!("/v1/snapshots/{snap}"), restore.clone())
        .await
        .expect_error(409, "snapshot_not_available");
    emu.advance();
    let got = api
        .get(&format!("/v1/snapshots/{snap}?expand=image,machine-type"))
        .await
        .expect(200)
        .body;
    assert_eq!(
        (got["status"].as_str(), got["state"].as_str()),
        (Some("completed"), Some("available"))
    );
    assert_eq!(got["instance"]["image"]["name"], UBUNTU);
    assert_eq!(got["instance"]["machine_type"]["name"], "BV2-4-40");

    // Restore onto a smaller disk fails; onto a big enough one creates an instance.
    api.post(
        &format!("/v1/snapshots/{snap}"),
        json!({ "name": "small", "machine_type": { "name": "BV1-2-20" } }),
    )
    .await
    .expect_error(400, "machine_type_incompatible");
    let restored = api
        .post(&format!("/v1/snapshots/{snap}"), restore)
        .await
        .expect(202)
        .id();
    assert_eq!(
        api.instance_status(&restored).await,
        s("provisioning", "new")
    );
    emu.advance();
    assert_eq!(
        api.instance_status(&restored).await,
        s("completed", "running")
    );
    assert_eq!(
        api.instance(&restored).await["image"]["id"],
        "8c4f7e21-3b00-4c20-9a00-000000000002"
    );

    // Copy to another region.
    api.post(
        &format!("/v1/snapshots/{snap}/copy"),
        json!({ "destination_region": "br-se1" }),
    )
    .await
    .expect_error(400, "snapshot_copy_same_region");
    api.post(
        &format!("/v1/snapshots/{snap}/copy"),
        json!({ "destination_region": "mars-1" }),
    )
    .await
    .expect_error(422, "validation_error");
    api.post(
        &format!("/v1/snapshots/{snap}/copy"),
        json!({ "destination_region": "br-mgl1" }),
    )
    .await
    .expect(204);
    let mgl = Api::new(&emu, "br-mgl1");
    let copies = mgl.get("/v1/snapshots?name=snap").await.expect(200).body;
    assert_eq!(copies["meta"]["page"]["total"], 1);
    assert_ne!(copies["snapshots"][0]["id"], snap.as_str());
    assert_eq!(
        Api::new(&emu, "br-ne1").get("/v1/snapshots").await.body["meta"]["page"]["total"],
        0
    );

    // Rename and delete.
    api.patch(
        &format!("/v1/snapshots/{snap}/rename"),
        json!({ "name": "renamed" }),
    )
    .await
    .expect(204);
    assert_eq!(
        api.get(&format!("/v1/snapshots/{snap}")).await.body["name"],
        "renamed"
    );
    api.patch(
        &format!("/v1/snapshots/{snap}/rename"),
        json!({ "name": "" }),
    )
    .await
    .expect_error(422, "validation_error");
    api.delete(&format!("/v1/snapshots/{snap}"))
        .await
        .expect(204);
    api.get(&format!("/v1/snapshots/{snap}"))
        .await
        .expect_error(404, "snapshot_not_found");
    api.delete(&format!("/v1/snapshots/{snap}"))
        .await
        .expect_error(404, "snapshot_not_found");

    // A forced status sticks.
    let copy_id = copies["snapshots"][0]["id"].as_str().unwrap().to_string();
    assert!(emu.set_snapshot_status("br-mgl1", &copy_id, "creating_error", "new"));
    assert_eq!(
        mgl.get(&format!("/v1/snapshots/{copy_id}")).await.body["status"],
        "creating_error"
    );
}

#[tokio::test]
async fn custom_images_lifecycle() {
    let (emu, api) = manual().await;
    let create = json!({
        "name": "my-image",
        "url": "https://example.invalid/image.qcow2",
        "platform": "linux",
        "license": "unlicensed",
        "architecture": "x86/64",
        "requirements": { "disk": 20, "ram": 2, "vcpu": 1 },
        "version": "1.0",
    });
    let id = api
        .post("/v1/images/custom", create.clone())
        .await
        .expect(202)
        .id();
    api.post("/v1/images/custom", create.clone())
        .await
        .expect_error(409, "image_name_already_exists");
    let mut bad = create.clone();
    bad["platform"] = json!("plan9");
    api.post("/v1/images/custom", bad)
        .await
        .expect_error(422, "validation_error");

    let got = api
        .get(&format!("/v1/images/custom/{id}"))
        .await
        .expect(200)
        .body;
    assert_eq!(got["status"], "creating");
    // Not usable while creating.
    api.post(
        "/v1/instances",
        json!({ "name": "x", "machine_type": { "name": "BV1-2-20" }, "image": { "id": id } }),
    )
    .await
    .expect_error(409, "image_not_available");
    emu.advance();
    assert_eq!(
        api.get(&format!("/v1/images/custom/{id}")).await.body["status"],
        "active"
    );

    api.patch(
        &format!("/v1/images/custom/{id}"),
        json!({ "description": "patched", "requirements": { "disk": 40, "ram": 4, "vcpu": 2 } }),
    )
    .await
    .expect(204);
    let got = api.get(&format!("/v1/images/custom/{id}")).await.body;
    assert_eq!(got["description"], "patched");
    assert_eq!(
        got["requirements"],
        json!({ "disk": 40, "ram": 4, "vcpu": 2 })
    );
    assert_eq!(got["version"], "1.0");

    // Requirements are enforced for instances made from it.
    api.post(
        "/v1/instances",
        json!({ "name": "x", "machine_type": { "name": "BV1-2-20" }, "image": { "name": "my-image" } }),
    )
    .await
    .expect_error(400, "machine_type_incompatible");
    api.post(
        "/v1/instances",
        json!({ "name": "x", "machine_type": { "name": "BV2-4-40" }, "image": { "name": "my-image" } }),
    )
    .await
    .expect(201);

    let list = api.get("/v1/images/custom").await.expect(200).body;
    assert_eq!(list["meta"]["page"]["total"], 1);
    assert_eq!(list["images"][0]["id"], id.as_str());

    assert!(emu.set_image_status("br-se1", &id, "error"));
    assert_eq!(
        api.get(&format!("/v1/images/custom/{id}")).await.body["status"],
        "error"
    );
    api.delete(&format!("/v1/images/custom/{id}"))
        .await
        .expect(204);
    api.get(&format!("/v1/images/custom/{id}"))
        .await
        .expect_error(404, "image_not_found");
    api.patch(&format!("/v1/images/custom/{id}"), json!({}))
        .await
        .expect_error(404, "image_not_found");
}

#[tokio::test]
async fn public_image_status_can_be_forced() {
    let (emu, api) = manual().await;
    assert!(emu.set_image_status("br-se1", "8c4f7e21-3b00-4c20-9a00-000000000001", "error"));
    let img = api
        .get("/v1/images?name=cloud-ubuntu-22.04%20LTS")
        .await
        .expect(200)
        .body;
    assert_eq!(img["images"][0]["status"], "error");
    api.post(
        "/v1/instances",
        json!({ "name": "x", "machine_type": { "name": SMALL }, "image": { "name": "cloud-ubuntu-22.04 LTS" } }),
    )
    .await
    .expect_error(409, "image_not_available");
    // Other regions keep their own catalogue state.
    let ne = Api::new(&emu, "br-ne1");
    let img = ne
        .get("/v1/images?name=cloud-ubuntu-22.04%20LTS")
        .await
        .expect(200)
        .body;
    assert_eq!(img["images"][0]["status"], "active");
}

#[tokio::test]
async fn network_interfaces_attach_and_detach() {
    let (emu, api) = manual().await;
    let id = api.create_instance("vm-nic", SMALL, UBUNTU).await;
    let attach =
        json!({ "instance": { "id": id }, "network": { "interface": { "id": "nic-extra-1" } } });
    api.post("/v1/instances/network-interface/attach", attach.clone())
        .await
        .expect_error(409, "instance_busy");
    emu.advance();
    api.post("/v1/instances/network-interface/attach", attach.clone())
        .await
        .expect(204);
    api.post("/v1/instances/network-interface/attach", attach.clone())
        .await
        .expect_error(409, "interface_already_attached");
    let inst = api
        .get(&format!("/v1/instances/{id}?expand=network"))
        .await
        .body;
    let ifaces = inst["network"]["interfaces"].as_array().unwrap();
    assert_eq!(ifaces.len(), 2);
    assert_eq!(ifaces[1]["id"], "nic-extra-1");
    assert_eq!(ifaces[1]["primary"], false);
    let primary = ifaces[0]["id"].as_str().unwrap().to_string();

    api.post(
        "/v1/instances/network-interface/detach",
        json!({ "instance": { "name": "vm-nic" }, "network": { "interface": { "id": primary } } }),
    )
    .await
    .expect_error(409, "primary_interface");
    api.post(
        "/v1/instances/network-interface/detach",
        json!({ "instance": { "id": id }, "network": { "interface": { "id": "nic-unknown" } } }),
    )
    .await
    .expect_error(400, "interface_not_found");
    api.post("/v1/instances/network-interface/detach", attach)
        .await
        .expect(204);
    let inst = api
        .get(&format!("/v1/instances/{id}?expand={EXPAND_ALL}"))
        .await
        .body;
    assert_eq!(inst["network"]["interfaces"].as_array().unwrap().len(), 1);
    // The spec's interface here is `{id}` only: by name is refused.
    let r = api
        .post(
            "/v1/instances/network-interface/attach",
            json!({ "instance": { "id": id }, "network": { "interface": { "name": "interface-ção" } } }),
        )
        .await
        .expect_error(422, "validation_error");
    assert_eq!(r.body["details"]["field"], "body.network.interface.name");
    api.post(
        "/v1/instances/network-interface/attach",
        json!({ "instance": { "id": "missing" }, "network": { "interface": { "id": "x" } } }),
    )
    .await
    .expect_error(400, "instance_not_found");
    api.post(
        "/v1/instances/network-interface/attach",
        json!({ "instance": { "id": id }, "network": {} }),
    )
    .await
    .expect_error(422, "validation_error");
}

#[tokio::test]
async fn windows_password_and_init_logs() {
    let (emu, api) = manual().await;
    let win = api.create_instance("win", "BV2-4-40", WINDOWS).await;
    let linux = api.create_instance("lin", SMALL, UBUNTU).await;
    emu.advance();
    let pw = api
        .get(&format!(
            "/v1/instances/config/{win}/first-windows-password"
        ))
        .await
        .expect(200)
        .body;
    assert_eq!(pw["instance"]["id"], win.as_str());
    assert_eq!(pw["instance"]["user"], "admin");
    assert!(pw["instance"]["password"].as_str().unwrap().len() >= 12);
    api.get(&format!(
        "/v1/instances/config/{linux}/first-windows-password"
    ))
    .await
    .expect_error(400, "instance_not_windows");
    api.get(&format!(
        "/v1/instances/config/{MISSING}/first-windows-password"
    ))
    .await
    .expect_error(404, "instance_not_found");
    // The spec gives this id the format uuid.
    let r = api
        .get("/v1/instances/config/missing/first-windows-password")
        .await
        .expect_error(422, "validation_error");
    assert_eq!(r.body["details"]["rule"], "format_uuid");

    let logs = api
        .get(&format!("/v1/instances/{linux}/init-logs"))
        .await
        .expect(200)
        .body;
    let all = logs["logs"].as_array().unwrap().len();
    assert!(all >= 5, "{logs}");
    let two = api
        .get(&format!(
            "/v1/instances/{linux}/init-logs?max-lines-count=2"
        ))
        .await
        .expect(200)
        .body;
    assert_eq!(two["logs"].as_array().unwrap().len(), 2);
    assert_eq!(
        two["logs"][1],
        logs["logs"][all - 1],
        "the newest lines are kept"
    );
    for bad in ["0", "5001", "x", "-1"] {
        api.get(&format!(
            "/v1/instances/{linux}/init-logs?max-lines-count={bad}"
        ))
        .await
        .expect_error(422, "validation_error");
    }
}
