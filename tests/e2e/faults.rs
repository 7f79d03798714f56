use mgc::Error;
use mgc::compute::*;

use crate::instant;

#[tokio::test]
async fn a_503_then_success_is_retried_through_the_client() {
    let (emulator, client) = instant().await;
    emulator.faults().fail_next(1, 503);
    let page = client.send(ListMachineTypes::new()).await.unwrap();
    assert!(!page.machine_types.is_empty());
    let requests = emulator.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[0].header("x-request-id"),
        requests[1].header("x-request-id")
    );
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_and_a_create_is_not_duplicated() {
    let (emulator, client) = instant().await;
    emulator.faults().fail_next_with_retry_after(1, 429, 0);
    let id = client.send(crate::ubuntu("once")).await.unwrap().id;
    let all = client.send(ListInstances::new()).await.unwrap().instances;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].id, id);
}

#[tokio::test]
async fn a_create_whose_connection_drops_is_reported_as_unknown_not_resent() {
    let (emulator, client) = instant().await;
    emulator.faults().truncate_next(1);
    let err = client.send(crate::ubuntu("maybe")).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::OutcomeUnknown {
                operation: "create_instance",
                ..
            }
        ),
        "{err:?}"
    );
    // The server did act (a truncated answer is sent after handling): exactly one instance.
    let all = client.send(ListInstances::new()).await.unwrap().instances;
    assert_eq!(all.len(), 1);
    assert_eq!(
        emulator
            .requests()
            .iter()
            .filter(|r| r.method == "POST")
            .count(),
        1
    );
}

#[tokio::test]
async fn the_api_key_is_required() {
    let emulator = mgc_emulator::Emulator::builder()
        .api_key("right")
        .start()
        .await;
    let client = mgc::Client::builder()
        .api_key("wrong")
        .base_url(emulator.region_url("br-se1"))
        .build()
        .unwrap();
    let err = client.send(ListImages::new()).await.unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::UNAUTHORIZED));
    assert_eq!(err.slug(), Some("unauthorized"));
}
