use mgc::compute::*;

use crate::instant;

#[tokio::test]
async fn the_full_instance_lifecycle() {
    let (_emulator, client) = instant().await;

    let id = client
        .send(
            crate::ubuntu("web-1")
                .ssh_key_name("deploy")
                .labels(vec!["web".to_owned()]),
        )
        .await
        .unwrap()
        .id;
    let running = crate::reach(&client, InstanceRunning::new(&id)).await;
    assert_eq!(running.state, Some(InstanceState::Running));
    assert_eq!(running.status, Some(InstanceStatus::Completed));
    assert_eq!(running.name.as_deref(), Some("web-1"));
    assert_eq!(
        running
            .machine_type
            .as_ref()
            .and_then(|m| m.name.as_deref()),
        Some("BV1-1-10")
    );

    client
        .send(RenameInstance::new(&id, "web-renamed"))
        .await
        .unwrap();
    client.send(StopInstance::new(&id)).await.unwrap();
    crate::reach(&client, InstanceStopped::new(&id)).await;

    client
        .send(RetypeInstance::new(&id, IdOrName::name("BV2-4-40")))
        .await
        .unwrap();
    let retyped = crate::reach(&client, InstanceStopped::new(&id)).await;
    assert_eq!(
        retyped.machine_type.and_then(|m| m.name).as_deref(),
        Some("BV2-4-40")
    );
    assert_eq!(retyped.name.as_deref(), Some("web-renamed"));

    client.send(StartInstance::new(&id)).await.unwrap();
    crate::reach(&client, InstanceRunning::new(&id)).await;
    client.send(SuspendInstance::new(&id)).await.unwrap();
    crate::reach(&client, InstanceSuspended::new(&id)).await;
    client.send(StartInstance::new(&id)).await.unwrap();
    crate::reach(&client, InstanceRunning::new(&id)).await;
    client.send(RebootInstance::new(&id)).await.unwrap();
    crate::reach(&client, InstanceRunning::new(&id)).await;

    let logs = client
        .send(GetInstanceInitLogs::new(&id).max_lines_count(2u32))
        .await
        .unwrap();
    assert!(!logs.logs.is_empty() && logs.logs.len() <= 2);

    client
        .send(DeleteInstance::new(&id).delete_public_ip(true))
        .await
        .unwrap();
    crate::reach(&client, InstanceDeleted::new(&id)).await;
    let gone = client.send(GetInstance::new(&id)).await.unwrap_err();
    assert!(gone.is_not_found(), "{gone:?}");
}

#[tokio::test]
async fn retyping_a_running_instance_is_the_apis_error() {
    let (_emulator, client) = instant().await;
    let id = crate::launch(&client, "web").await;
    let err = client
        .send(RetypeInstance::new(&id, IdOrName::name("BV2-4-40")))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::CONFLICT));
    assert_eq!(err.slug(), Some("instance_not_stopped"));
    assert!(
        err.request_id().is_some(),
        "the request id comes back with the error"
    );
}

#[tokio::test]
async fn snapshots_restore_copy_rename_delete() {
    let (emulator, client) = instant().await;
    let id = crate::launch(&client, "db").await;

    let snap = client
        .send(CreateSnapshot::new("db-snap", IdOrName::id(&id)))
        .await
        .unwrap()
        .id;
    let ready = crate::reach(&client, SnapshotAvailable::new(&snap)).await;
    assert_eq!(ready.instance.map(|i| i.id).as_deref(), Some(id.as_str()));

    client
        .send(RenameSnapshot::new(&snap, "db-snap-2"))
        .await
        .unwrap();
    let renamed = client.send(GetSnapshot::new(&snap)).await.unwrap();
    assert_eq!(renamed.name.as_deref(), Some("db-snap-2"));

    let restored = client
        .send(RestoreSnapshot::new(
            &snap,
            "db-restored",
            IdOrName::name("BV1-1-10"),
        ))
        .await
        .unwrap()
        .id;
    let instance = crate::reach(&client, InstanceRunning::new(&restored)).await;
    assert_eq!(instance.name.as_deref(), Some("db-restored"));

    client
        .send(CopySnapshot::new(&snap, mgc::Region::BrNe1))
        .await
        .unwrap();
    let ne1 = crate::client_for(&emulator, "br-ne1");
    let copies = ne1.send(ListSnapshots::new()).await.unwrap();
    assert_eq!(copies.snapshots.len(), 1, "the copy lives in br-ne1");

    client.send(DeleteSnapshot::new(&snap)).await.unwrap();
    crate::reach(&client, SnapshotDeleted::new(&snap)).await;
}

#[tokio::test]
async fn custom_images_and_nics() {
    let (_emulator, client) = instant().await;
    let image = client
        .send(CreateCustomImage::new(
            "my-image",
            "https://example.invalid/image.qcow2",
            Platform::Linux,
            License::Unlicensed,
            Architecture::X86_64,
        ))
        .await
        .unwrap()
        .id;
    let active = crate::reach(&client, CustomImageActive::new(&image)).await;
    assert_eq!(active.name.as_deref(), Some("my-image"));
    client
        .send(UpdateCustomImage::new(&image).description("updated"))
        .await
        .unwrap();
    assert_eq!(
        client
            .send(GetCustomImage::new(&image))
            .await
            .unwrap()
            .description
            .as_deref(),
        Some("updated")
    );
    assert_eq!(
        client
            .send(ListCustomImages::new())
            .await
            .unwrap()
            .images
            .len(),
        1
    );
    client.send(DeleteCustomImage::new(&image)).await.unwrap();
    crate::reach(&client, CustomImageDeleted::new(&image)).await;

    let id = crate::launch(&client, "nic").await;
    let nic = NicRequest::new(IdOrName::id(&id), IdOrName::id("port-extra-1"));
    client
        .send(AttachNetworkInterface::new(nic.clone()))
        .await
        .unwrap();
    crate::reach(&client, InstanceRunning::new(&id)).await;
    let with_nic = client
        .send(GetInstance::new(&id).expand(vec![Expand::Network]))
        .await
        .unwrap();
    let interfaces = with_nic
        .network
        .and_then(|n| n.interfaces)
        .unwrap_or_default();
    assert!(
        interfaces.iter().any(|i| i.id == "port-extra-1"),
        "{interfaces:?}"
    );
    client.send(DetachNetworkInterface::new(nic)).await.unwrap();
}

#[tokio::test]
async fn windows_passwords_only_for_windows_images() {
    let (_emulator, client) = instant().await;
    let windows = client
        .send(ListImages::new())
        .await
        .unwrap()
        .images
        .into_iter()
        .find(|i| i.platform.as_deref() == Some("windows"))
        .expect("the catalogue has a Windows image");
    let id = client
        .send(CreateInstance::new(
            "win",
            IdOrName::name("BV4-8-100"),
            IdOrName::id(&windows.id),
        ))
        .await
        .unwrap()
        .id;
    crate::reach(&client, InstanceRunning::new(&id)).await;
    let access = client
        .send(GetFirstWindowsPassword::new(&id))
        .await
        .unwrap();
    let password = access.instance.password.as_ref().unwrap();
    assert!(!password.expose().is_empty());
    assert!(
        !format!("{access:?}").contains(password.expose()),
        "the password never prints"
    );
}
