use std::time::Duration;

use mgc::{Error, TransportKind};

use crate::support::{Reply, TestServer, client_for};
use crate::things::{CreateThing, GetThing, PokeThing};

const THING: &str = r#"{"id":"1","name":"x"}"#;

#[tokio::test]
async fn a_503_then_200_is_retried_with_one_request_id() {
    let server = TestServer::start(vec![Reply::status(503), Reply::json(200, THING)]).await;
    let client = client_for(&server).build().unwrap();
    let thing = client.send(GetThing::new("1")).await.unwrap();
    assert_eq!(thing.name, "x");
    let seen = server.seen();
    assert_eq!(seen.len(), 2, "one retry");
    assert_eq!(
        seen[0].header("x-request-id"),
        seen[1].header("x-request-id")
    );
}

#[tokio::test]
async fn retries_stop_after_max_attempts_with_the_last_error() {
    let busy = || Reply::json(503, r#"{"slug":"busy","message":"try later"}"#);
    let server = TestServer::start(vec![busy(), busy(), busy(), busy()]).await;
    let client = client_for(&server).build().unwrap();
    match client.send(GetThing::new("1")).await {
        Err(Error::RetriesExhausted { attempts, last }) => {
            assert_eq!(attempts, 3);
            assert_eq!(last.slug(), Some("busy"));
        }
        other => panic!("expected RetriesExhausted, got {other:?}"),
    }
    assert_eq!(server.count(), 3);
}

/// A create answered `status` (with an API error body): reported as an unknown
/// outcome carrying that answer, and sent once.
async fn assert_a_create_answered_is_not_sent_again(status: u16) {
    let server = TestServer::start(vec![
        Reply::json(status, r#"{"slug":"failed","message":"boom"}"#),
        Reply::json(201, r#"{"id":"dup"}"#),
    ])
    .await;
    let client = client_for(&server).build().unwrap();
    let err = client.send(CreateThing::new("web")).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::OutcomeUnknown {
                operation: "create_thing",
                ..
            }
        ),
        "{status}: {err:?}"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
    assert_eq!(err.slug(), Some("failed"));
    assert_eq!(
        server.count(),
        1,
        "a create must not be re-sent after a {status}"
    );
}

#[tokio::test]
async fn a_create_answered_500_is_not_sent_again() {
    assert_a_create_answered_is_not_sent_again(500).await;
}

#[tokio::test]
async fn a_create_answered_503_is_not_sent_again() {
    // No idempotency key: a proxy's 503 can follow a backend that created the thing.
    assert_a_create_answered_is_not_sent_again(503).await;

    // A read answered 503 is still retried.
    let server = TestServer::start(vec![Reply::status(503), Reply::json(200, THING)]).await;
    let client = client_for(&server).build().unwrap();
    client.send(GetThing::new("1")).await.unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_create_answered_429_is_retried_because_the_server_did_not_act() {
    let server =
        TestServer::start(vec![Reply::status(429), Reply::json(201, r#"{"id":"n"}"#)]).await;
    let client = client_for(&server).build().unwrap();
    assert_eq!(client.send(CreateThing::new("web")).await.unwrap().id, "n");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn an_idempotent_action_answered_500_is_retried() {
    let server = TestServer::start(vec![Reply::status(500), Reply::status(204)]).await;
    let client = client_for(&server).build().unwrap();
    client.send(PokeThing::new("1")).await.unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = TestServer::start(vec![Reply::json(
        404,
        r#"{"slug":"not_found","message":"gone"}"#,
    )])
    .await;
    let client = client_for(&server).build().unwrap();
    let err = client.send(GetThing::new("1")).await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.slug(), Some("not_found"));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let server = TestServer::start(vec![
        Reply::status(503).with_header("retry-after", "2"),
        Reply::json(200, THING),
    ])
    .await;
    let client = client_for(&server)
        .retry(
            mgc::RetryConfig::new()
                .max_attempts(2)
                .initial_interval(Duration::from_millis(1))
                .max_interval(Duration::from_secs(5))
                .factor(2.0)
                .jitter(true),
        )
        .build()
        .unwrap();
    client.send(GetThing::new("1")).await.unwrap();
    let seen = server.seen();
    let gap = seen[1].at - seen[0].at;
    assert!(
        gap >= Duration::from_secs(2),
        "the retry came after {gap:?}"
    );
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_create() {
    // A port nothing listens on: the request never left, so re-sending is harmless.
    let client = mgc::Client::builder()
        .api_key("k")
        .base_url(crate::causes::closed_port_url())
        .retry(
            mgc::RetryConfig::new()
                .initial_interval(Duration::from_millis(1))
                .jitter(false),
        )
        .build()
        .unwrap();
    match client.send(CreateThing::new("web")).await {
        Err(Error::RetriesExhausted { attempts: 3, last }) => {
            assert!(
                matches!(
                    *last,
                    Error::Transport {
                        kind: TransportKind::Connect,
                        ..
                    }
                ),
                "{last:?}"
            );
        }
        other => panic!("expected three refused attempts, got {other:?}"),
    }
}

#[tokio::test]
async fn a_caller_can_opt_in_to_retrying_a_create() {
    let server =
        TestServer::start(vec![Reply::status(500), Reply::json(201, r#"{"id":"n"}"#)]).await;
    let client = client_for(&server).build().unwrap();
    let options = mgc::CallOptions::new().retry_unsafe(true);
    assert_eq!(
        client
            .send_with(CreateThing::new("web"), options)
            .await
            .unwrap()
            .id,
        "n"
    );
    assert_eq!(server.count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_against_a_failing_server_is_held_to_the_retry_budget() {
    let server = TestServer::start((0..400).map(|_| Reply::status(503)).collect()).await;
    let client = client_for(&server)
        // 10 retries per 10 s window, for the whole client.
        .retry(
            mgc::RetryConfig::new()
                .initial_interval(Duration::from_millis(1))
                .jitter(false)
                .budget_per_second(1),
        )
        .build()
        .unwrap();
    let calls: Vec<_> = (0..100)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.send(GetThing::new(i.to_string())).await })
        })
        .collect();
    for call in calls {
        assert!(call.await.unwrap().is_err());
    }
    // Without a budget: 100 calls x 3 attempts = 300 requests.
    assert_eq!(server.count(), 100 + 10);
}

#[tokio::test]
async fn dropping_the_call_stops_further_attempts() {
    let server = TestServer::start(vec![Reply::status(503), Reply::status(503)]).await;
    let client = client_for(&server)
        .retry(
            mgc::RetryConfig::new()
                .initial_interval(Duration::from_millis(300))
                .jitter(false),
        )
        .build()
        .unwrap();
    let call = tokio::spawn({
        let client = client.clone();
        async move { client.send(GetThing::new("1")).await }
    });
    // Wait (bounded) until the first attempt has reached the server, then drop the call.
    for _ in 0..200 {
        if server.count() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(server.count(), 1);
    call.abort();
    // The retry was due 300 ms after the first answer; give it well over that.
    tokio::time::sleep(Duration::from_millis(900)).await;
    assert_eq!(server.count(), 1, "no attempt after the call was dropped");
}

#[tokio::test]
async fn a_create_answered_502_or_504_is_not_sent_again() {
    // A gateway error may hide a create that happened.
    for status in [502, 504] {
        assert_a_create_answered_is_not_sent_again(status).await;
    }
    // A read answered 504 is retried.
    let server = TestServer::start(vec![Reply::status(504), Reply::json(200, THING)]).await;
    let client = client_for(&server).build().unwrap();
    client.send(GetThing::new("1")).await.unwrap();
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn with_retries_off_an_unsafe_failure_still_says_the_outcome_is_unknown() {
    let server = TestServer::start(vec![Reply::status(500), Reply::status(503)]).await;
    let client = client_for(&server)
        .retry(mgc::RetryConfig::disabled())
        .build()
        .unwrap();
    let err = client.send(CreateThing::new("web")).await.unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    // A retryable failure not retried to success is `RetriesExhausted`, with
    // retries off too (one attempt of one): the same outcome, the same error.
    let err = client.send(GetThing::new("1")).await.unwrap_err();
    match &err {
        Error::RetriesExhausted { attempts: 1, last } => {
            assert!(matches!(**last, Error::Api(_)), "{last:?}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        err.to_string().split(':').next(),
        Some("gave up after 1 attempt")
    );
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_create_cut_by_the_total_timeout_or_unreadable_is_unknown() {
    let server = TestServer::start(vec![Reply::Hang, Reply::json(201, "not json")]).await;
    let client = client_for(&server)
        .total_timeout(Some(Duration::from_millis(300)))
        .build()
        .unwrap();
    let err = client.send(CreateThing::new("web")).await.unwrap_err();
    assert!(
        matches!(err, Error::OutcomeUnknown { .. }) && err.is_timeout(),
        "{err:?}"
    );
    let err = client.send(CreateThing::new("web")).await.unwrap_err();
    match err {
        Error::OutcomeUnknown { source, .. } => assert!(matches!(*source, Error::Decode { .. })),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_repeat_refused_after_an_attempt_that_may_have_worked_is_not_a_plain_failure() {
    // The first attempt may have acted (500); the repeat is refused (409).
    let server = TestServer::start(vec![
        Reply::status(500),
        Reply::json(
            409,
            r#"{"slug":"instance_not_running","message":"already stopped"}"#,
        ),
    ])
    .await;
    let client = client_for(&server).build().unwrap();
    let err = client.send(PokeThing::new("1")).await.unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    assert_eq!(err.slug(), Some("instance_not_running"));

    // A read that ends in 404 after a 500 is just a 404.
    let server = TestServer::start(vec![Reply::status(500), Reply::status(404)]).await;
    let client = client_for(&server).build().unwrap();
    let err = client.send(GetThing::new("1")).await.unwrap_err();
    assert!(
        matches!(err, Error::Api(_)) && err.is_not_found(),
        "{err:?}"
    );
}
