//! Every operation of the table ([`OPERATIONS`]), once, through the client,
//! against the emulator: each call must succeed, and a row added to the table
//! fails this test until it is called here.

use std::collections::BTreeSet;

use mgc::compute::*;

use crate::{POLL, instant};

#[tokio::test]
async fn every_spec_operation_is_callable_and_answered() {
    let (emulator, client) = instant().await;
    let ok = |what: &str, r: Result<(), mgc::Error>| r.unwrap_or_else(|e| panic!("{what}: {e}"));
    let running = |id: &str| client.wait(InstanceRunning::new(id)).interval(POLL, POLL);
    let stopped = |id: &str| client.wait(InstanceStopped::new(id)).interval(POLL, POLL);

    let images = client.send(ListImages::new()).await.unwrap().images;
    let windows = images
        .iter()
        .find(|i| i.platform.as_deref() == Some("windows"))
        .unwrap()
        .id
        .clone();
    client.send(ListMachineTypes::new()).await.unwrap();
    client.send(ListInstanceTypes::new()).await.unwrap();

    let id = client
        .send(CreateInstance::new(
            "all",
            IdOrName::name("BV4-8-100"),
            IdOrName::id(&windows),
        ))
        .await
        .unwrap()
        .id;
    running(&id).await.unwrap();
    client
        .send(ListInstances::new().expand(vec![Expand::Image]))
        .await
        .unwrap();
    client
        .send(GetFirstWindowsPassword::new(&id))
        .await
        .unwrap();
    client.send(GetInstanceInitLogs::new(&id)).await.unwrap();
    ok(
        "rename",
        client.send(RenameInstance::new(&id, "all-2")).await,
    );
    ok("reboot", client.send(RebootInstance::new(&id)).await);
    running(&id).await.unwrap();
    ok("suspend", client.send(SuspendInstance::new(&id)).await);
    crate::reach(&client, InstanceSuspended::new(&id)).await;
    ok("start", client.send(StartInstance::new(&id)).await);
    running(&id).await.unwrap();
    let nic = NicRequest::new(IdOrName::id(&id), IdOrName::id("extra-nic"));
    ok(
        "attach",
        client.send(AttachNetworkInterface::new(nic.clone())).await,
    );
    ok(
        "detach",
        client.send(DetachNetworkInterface::new(nic)).await,
    );
    ok("stop", client.send(StopInstance::new(&id)).await);
    stopped(&id).await.unwrap();
    ok(
        "retype",
        client
            .send(RetypeInstance::new(&id, IdOrName::name("BV4-8-100")))
            .await,
    );
    stopped(&id).await.unwrap();

    let snap = client
        .send(CreateSnapshot::new("s", IdOrName::id(&id)))
        .await
        .unwrap()
        .id;
    crate::reach(&client, SnapshotAvailable::new(&snap)).await;
    client.send(ListSnapshots::new()).await.unwrap();
    ok(
        "rename snapshot",
        client.send(RenameSnapshot::new(&snap, "s2")).await,
    );
    ok(
        "copy",
        client
            .send(CopySnapshot::new(&snap, mgc::Region::BrMgl1))
            .await,
    );
    let restored = client
        .send(RestoreSnapshot::new(
            &snap,
            "r",
            IdOrName::name("BV4-8-100"),
        ))
        .await
        .unwrap()
        .id;
    running(&restored).await.unwrap();
    ok(
        "delete snapshot",
        client.send(DeleteSnapshot::new(&snap)).await,
    );

    let image = client
        .send(CreateCustomImage::new(
            "c",
            "https://example.invalid/c.qcow2",
            Platform::Linux,
            License::Licensed,
            Architecture::X86_64,
        ))
        .await
        .unwrap()
        .id;
    client.send(ListCustomImages::new()).await.unwrap();
    crate::reach(&client, CustomImageActive::new(&image)).await;
    ok(
        "update image",
        client
            .send(UpdateCustomImage::new(&image).version("2"))
            .await,
    );
    ok(
        "delete image",
        client.send(DeleteCustomImage::new(&image)).await,
    );
    ok(
        "delete instance",
        client.send(DeleteInstance::new(&id)).await,
    );
    ok(
        "delete restored",
        client.send(DeleteInstance::new(&restored)).await,
    );

    // What the emulator saw, with ids folded back into the template.
    let ids = [
        id.as_str(),
        restored.as_str(),
        snap.as_str(),
        image.as_str(),
    ];
    let seen: BTreeSet<(String, String)> = emulator
        .requests()
        .iter()
        .map(|r| {
            let path = r
                .path
                .split('?')
                .next()
                .unwrap()
                .trim_start_matches("/br-se1/compute");
            let template = path
                .split('/')
                .map(|seg| if ids.contains(&seg) { "{id}" } else { seg })
                .collect::<Vec<_>>()
                .join("/");
            (r.method.clone(), template)
        })
        .collect();
    // Every row of the table (a row added later included) must be called above.
    let expected: BTreeSet<(String, String)> = OPERATIONS
        .iter()
        .map(|op| (op.method.to_owned(), op.path.to_owned()))
        .collect();
    let missing: Vec<_> = expected.difference(&seen).collect();
    assert!(missing.is_empty(), "operations never sent: {missing:?}");
    let answered: BTreeSet<&str> = emulator
        .requests()
        .iter()
        .filter_map(|r| r.operation())
        .collect();
    let unrouted: Vec<_> = OPERATIONS
        .iter()
        .filter(|op| !answered.contains(op.name))
        .map(|op| op.type_name)
        .collect();
    assert!(
        unrouted.is_empty(),
        "rows the emulator never matched: {unrouted:?}"
    );
}
