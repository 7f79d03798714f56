use std::time::{Duration, Instant};

use mgc::{Error, Timeout};

use crate::support::{LEAVES, Reply, TestServer, after_one_attempt, client_for};
use crate::things::{CreateThing, GetThing};

#[tokio::test]
async fn an_attempt_timeout_fires_against_a_server_that_never_answers() {
    for &leaf in LEAVES {
        eprintln!("leaf: {leaf:?}");
        let server = TestServer::start(vec![Reply::Hang]).await;
        let client = client_for(&server)
            .leaf(leaf)
            .attempt_timeout(Duration::from_millis(200))
            .max_attempts(1)
            .build()
            .unwrap();
        let err = after_one_attempt(client.send(GetThing::new("1")).await.unwrap_err());
        assert!(
            matches!(err, Error::Timeout(Timeout::Attempt(d)) if d == Duration::from_millis(200)),
            "{err:?}"
        );
        assert!(err.is_timeout());
    }
}

#[tokio::test]
async fn a_timed_out_read_is_retried_but_a_timed_out_create_is_not() {
    for &leaf in LEAVES {
        eprintln!("leaf: {leaf:?}");
        let server =
            TestServer::start(vec![Reply::Hang, Reply::Hang, Reply::Hang, Reply::Hang]).await;
        let client = client_for(&server)
            .leaf(leaf)
            .attempt_timeout(Duration::from_millis(100))
            .build()
            .unwrap();
        let err = client.send(GetThing::new("1")).await.unwrap_err();
        assert!(
            matches!(err, Error::RetriesExhausted { attempts: 3, .. }),
            "{err:?}"
        );
        assert!(err.is_timeout());
        assert_eq!(server.count(), 3);

        let err = client.send(CreateThing::new("web")).await.unwrap_err();
        assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
        assert!(err.is_timeout());
        assert_eq!(server.count(), 4, "the create was sent once");
    }
}

#[tokio::test]
async fn the_total_timeout_bounds_the_whole_call() {
    let server = TestServer::start(vec![Reply::Hang]).await;
    let client = client_for(&server)
        .attempt_timeout(Duration::from_secs(30))
        .total_timeout(Some(Duration::from_millis(300)))
        .build()
        .unwrap();
    let err = client.send(GetThing::new("1")).await.unwrap_err();
    assert!(matches!(err, Error::Timeout(Timeout::Total(_))), "{err:?}");
}

#[tokio::test]
async fn back_off_never_sleeps_past_the_deadline() {
    let server = TestServer::start(vec![
        Reply::json(503, r#"{"slug":"busy","message":"later"}"#).with_header("retry-after", "20"),
    ])
    .await;
    let client = client_for(&server)
        .retry(mgc::RetryConfig::new().max_interval(Duration::from_secs(60)))
        .total_timeout(Some(Duration::from_secs(2)))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.send(GetThing::new("1")).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "it slept toward the deadline"
    );
    // The caller learns what the server said, not just that time ran out.
    assert!(!err.is_timeout(), "{err:?}");
    assert_eq!(err.slug(), Some("busy"));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn the_connect_timeout_bounds_a_connect_that_hangs() {
    for &leaf in LEAVES {
        eprintln!("leaf: {leaf:?}");
        use socket2::{Domain, Socket, Type};
        // A loopback listener whose accept queue is full: the kernel drops further
        // SYNs, so a new connect hangs instead of being refused.
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        socket
            .bind(
                &"127.0.0.1:0"
                    .parse::<std::net::SocketAddr>()
                    .unwrap()
                    .into(),
            )
            .unwrap();
        socket.listen(0).unwrap();
        let addr = socket.local_addr().unwrap().as_socket().unwrap();
        let mut fillers = Vec::new();
        for _ in 0..4 {
            let filler = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
            filler.set_nonblocking(true).unwrap();
            let _ = filler.connect(&addr.into());
            fillers.push(filler);
        }

        let client = mgc::Client::builder()
            .leaf(leaf)
            .api_key("k")
            .base_url(format!("http://{addr}/br-se1"))
            .connect_timeout(Duration::from_millis(300))
            .attempt_timeout(Duration::from_secs(20))
            .max_attempts(1)
            .build()
            .unwrap();
        let started = Instant::now();
        let err = after_one_attempt(client.send(GetThing::new("1")).await.unwrap_err());
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "took {:?}",
            started.elapsed()
        );
        assert!(
            matches!(
                err,
                Error::Transport {
                    kind: mgc::TransportKind::Connect,
                    ..
                }
            ),
            "{err:?}"
        );
        // The cause, not only "error sending request".
        assert!(err.to_string().contains("timed out"), "{err}");
        drop(fillers);
    }
}

#[tokio::test]
async fn huge_durations_and_retry_after_values_never_panic() {
    // No deadline arithmetic may overflow: a total timeout of Duration::MAX works.
    let server = TestServer::start(vec![Reply::json(200, r#"{"id":"1","name":"x"}"#)]).await;
    let client = client_for(&server)
        .total_timeout(Some(Duration::MAX))
        .build()
        .unwrap();
    assert_eq!(client.send(GetThing::new("1")).await.unwrap().name, "x");

    // A server asking to wait longer than any clock can count, an uncapped back-off
    // and an absurd factor: the call gives up at once with the server's answer.
    let server = TestServer::start(vec![
        Reply::status(503).with_header("retry-after", "18446744073709551615"),
    ])
    .await;
    let client = client_for(&server)
        .total_timeout(Some(Duration::from_secs(30)))
        .retry(
            mgc::RetryConfig::new()
                .max_interval(Duration::MAX)
                .factor(1e300),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.send(GetThing::new("1")).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        err.status(),
        Some(http::StatusCode::SERVICE_UNAVAILABLE),
        "{err:?}"
    );
    assert_eq!(server.count(), 1);

    let nan = mgc::Client::builder()
        .api_key("k")
        .retry(mgc::RetryConfig::new().budget_ratio(f32::NAN))
        .build();
    assert!(matches!(nan, Err(Error::Config(_))), "{nan:?}");
}

#[tokio::test]
async fn a_call_waiting_for_a_slot_gives_up_at_its_deadline_and_is_never_sent() {
    for &leaf in LEAVES {
        eprintln!("leaf: {leaf:?}");
        let server = TestServer::start(vec![Reply::Hang]).await;
        // One slot, no whole-call timeout: the first call holds the slot for as
        // long as the server hangs.
        let client = client_for(&server)
            .leaf(leaf)
            .max_concurrent_requests(1)
            .attempt_timeout(Duration::from_secs(30))
            .total_timeout(None)
            .build()
            .unwrap();
        let holder = tokio::spawn({
            let client = client.clone();
            async move { client.send(GetThing::new("1")).await }
        });
        while server.count() == 0 {
            tokio::task::yield_now().await;
        }

        // A create with a deadline of its own waits for the slot, and gives up
        // when its deadline passes: a timeout, not an unknown outcome, since
        // nothing was sent.
        let request = http::Request::post(format!("{}/v1/things", client.base_url()))
            .header("content-type", "application/json")
            .body(bytes::Bytes::from_static(br#"{"name":"web"}"#))
            .unwrap();
        let context = mgc::stack::CallContext {
            operation: "create_thing",
            safe_to_repeat: false,
            deadline: Some(Instant::now() + Duration::from_millis(300)),
        };
        let started = Instant::now();
        let err = client.execute(request, context).await.unwrap_err();
        assert!(matches!(err, Error::Timeout(Timeout::Total(_))), "{err:?}");
        assert!(started.elapsed() < Duration::from_secs(5));
        assert_eq!(server.count(), 1, "the create never left");
        assert!(!holder.is_finished(), "the first call still holds the slot");
        holder.abort();
    }
}

#[tokio::test]
async fn a_retried_attempt_still_ends_at_the_calls_deadline() {
    for &leaf in LEAVES {
        eprintln!("leaf: {leaf:?}");
        let server = TestServer::start(vec![Reply::Hang, Reply::Hang, Reply::Hang]).await;
        // The first attempt times out at 300 ms and is retried; the second must
        // end at the call's deadline (500 ms), not run its own full 300 ms.
        let client = client_for(&server)
            .leaf(leaf)
            .attempt_timeout(Duration::from_millis(300))
            .total_timeout(Some(Duration::from_millis(500)))
            .build()
            .unwrap();
        let err = client.send(GetThing::new("1")).await.unwrap_err();
        assert!(matches!(err, Error::Timeout(Timeout::Total(_))), "{err:?}");
        assert_eq!(server.count(), 2, "one retry, cut short by the deadline");
    }
}
