use std::sync::{Arc, Mutex};
use std::time::Duration;

use mgc::Error;
use mgc::compute::*;

use crate::{POLL, manual};

async fn create(client: &mgc::Client) -> String {
    client.send(crate::ubuntu("w")).await.unwrap().id
}

#[tokio::test]
async fn a_waiter_returns_when_the_transition_completes_and_reports_each_status() {
    let (emulator, client) = manual().await;
    let id = create(&client).await;
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let log = seen.clone();
    let wait = tokio::spawn({
        let client = client.clone();
        let id = id.clone();
        async move {
            client
                .wait(InstanceRunning::new(&id))
                .interval(POLL, POLL)
                .on_status(move |s| log.lock().unwrap().push(s.status.to_owned()))
                .await
        }
    });
    // Let the waiter observe the pending state (bounded), then complete the transition.
    for _ in 0..500 {
        if !seen.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(!wait.is_finished(), "nothing completes before advance()");
    emulator.advance();
    let instance = wait.await.unwrap().unwrap();
    assert_eq!(instance.state, Some(InstanceState::Running));
    let seen = seen.lock().unwrap();
    assert!(
        seen.first().is_some_and(|s| s.ends_with("/new")),
        "{seen:?}"
    );
    assert_eq!(seen.last().map(String::as_str), Some("done"));
}

#[tokio::test]
async fn a_waiter_fails_fast_on_an_error_status() {
    let (emulator, client) = manual().await;
    let id = create(&client).await;
    assert!(emulator.set_instance_status("br-se1", &id, "creating_error_quota_ram", "error"));
    let started = std::time::Instant::now();
    let err = client
        .wait(InstanceRunning::new(&id))
        .interval(POLL, POLL)
        .timeout(Duration::from_secs(10))
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "it did not wait for the deadline"
    );
    match err {
        Error::ResourceFailed {
            resource, status, ..
        } => {
            assert_eq!(resource, "instance");
            assert_eq!(status, "creating_error_quota_ram");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_unknown_error_status_also_fails_fast() {
    let (emulator, client) = manual().await;
    let id = create(&client).await;
    emulator.set_instance_status("br-se1", &id, "creating_error_capacity", "error");
    let err = client
        .wait(InstanceRunning::new(&id))
        .interval(POLL, POLL)
        .timeout(Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ResourceFailed { ref status, .. } if status == "creating_error_capacity"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_waiters_deadline_fires() {
    let (_emulator, client) = manual().await;
    let id = create(&client).await;
    let err = client
        .wait(InstanceRunning::new(&id))
        .interval(POLL, Duration::from_millis(50))
        .timeout(Duration::from_millis(300))
        .await
        .unwrap_err();
    match &err {
        Error::WaitTimeout {
            target,
            last_status,
            ..
        } => {
            assert_eq!(*target, "running");
            assert!(last_status.ends_with("/new"), "{last_status}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_timeout());
}

#[tokio::test]
async fn snapshot_and_image_waiters_fail_fast_too() {
    let (emulator, client) = manual().await;
    let id = create(&client).await;
    emulator.advance();
    let snap = client
        .send(CreateSnapshot::new("s", IdOrName::id(&id)))
        .await
        .unwrap()
        .id;
    emulator.set_snapshot_status("br-se1", &snap, "creating_error", "new");
    let err = client
        .wait(SnapshotAvailable::new(&snap))
        .interval(POLL, POLL)
        .timeout(Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ResourceFailed {
                resource: "snapshot",
                ..
            }
        ),
        "{err:?}"
    );

    let image = client
        .send(CreateCustomImage::new(
            "img",
            "https://example.invalid/i.qcow2",
            Platform::Linux,
            License::Unlicensed,
            Architecture::X86_64,
        ))
        .await
        .unwrap()
        .id;
    emulator.set_image_status("br-se1", &image, "invalid_image");
    let err = client
        .wait(CustomImageActive::new(&image))
        .interval(POLL, POLL)
        .timeout(Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::ResourceFailed {
                resource: "image",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_failed_instance_can_still_be_waited_on_until_deleted() {
    let (emulator, client) = manual().await;
    let id = create(&client).await;
    emulator.set_instance_status("br-se1", &id, "creating_error", "error");
    client.send(DeleteInstance::new(&id)).await.unwrap();
    let wait = tokio::spawn({
        let client = client.clone();
        let id = id.clone();
        async move {
            client
                .wait(InstanceDeleted::new(&id))
                .interval(POLL, POLL)
                .timeout(Duration::from_secs(10))
                .await
        }
    });
    emulator.advance();
    // The deletion may need a second step in manual mode; advance until it is done.
    for _ in 0..100 {
        if wait.is_finished() {
            break;
        }
        emulator.advance();
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    wait.await.unwrap().unwrap();
}

#[tokio::test]
async fn a_waiters_deadline_covers_a_poll_that_hangs() {
    let (emulator, client) = manual().await;
    let id = create(&client).await;
    // Every answer now takes a minute; the client itself would wait for it.
    emulator.faults().latency(Duration::from_secs(60));
    let client = mgc::Client::builder()
        .api_key("k")
        .base_url(emulator.region_url("br-se1"))
        .total_timeout(None)
        .attempt_timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client
        .wait(InstanceRunning::new(&id))
        .interval(POLL, POLL)
        .timeout(Duration::from_millis(300))
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(err, Error::WaitTimeout { .. }), "{err:?}");
}
