//! Many calls at once through clones of one client; connection reuse.

use std::collections::HashSet;
use std::time::Duration;

use crate::support::{TestServer, client_for};
use crate::things::PokeThing;

const fn assert_shareable<T: Clone + Send + Sync + 'static>() {}
const _: () = assert_shareable::<mgc::Client>();

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundreds_of_concurrent_calls_all_succeed_with_distinct_request_ids() {
    let server = TestServer::start(vec![]).await;
    let client = client_for(&server).build().unwrap();
    let calls: Vec<_> = (0..300)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.send(PokeThing::new(format!("vm-{i}"))).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    let seen = server.seen();
    assert_eq!(seen.len(), 300);
    let ids: HashSet<_> = seen
        .iter()
        .map(|s| s.header("x-request-id").unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 300, "every call has its own request id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_2000_calls_waits_for_slots_instead_of_opening_2000_connections() {
    let server = TestServer::start(vec![]).await;
    let client = client_for(&server).build().unwrap();
    let calls: Vec<_> = (0..2000)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.send(PokeThing::new(format!("vm-{i}"))).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(server.count(), 2000, "every call succeeds");
    assert!(
        server.connections() <= mgc::DEFAULT_MAX_CONCURRENT_REQUESTS,
        "{} connections for a cap of {}",
        server.connections(),
        mgc::DEFAULT_MAX_CONCURRENT_REQUESTS
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cap_on_requests_in_flight_is_configurable() {
    let server = TestServer::start(vec![]).await;
    let client = client_for(&server)
        .max_concurrent_requests(3)
        .build()
        .unwrap();
    let calls: Vec<_> = (0..200)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.send(PokeThing::new(format!("vm-{i}"))).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(server.count(), 200);
    assert!(server.connections() <= 3, "{}", server.connections());
    assert!(matches!(
        client_for(&server).max_concurrent_requests(0).build(),
        Err(mgc::Error::Config(_))
    ));
}

#[tokio::test]
async fn an_idle_connection_is_closed_after_the_pool_idle_timeout() {
    // Margins of 10x either way: a pooled connection idle for 500 ms is gone
    // with a 50 ms idle timeout, and kept with the 30 s default.
    let server = TestServer::start(vec![]).await;
    let short = client_for(&server)
        .pool_idle_timeout(Duration::from_millis(50))
        .build()
        .unwrap();
    short.send(PokeThing::new("1")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    short.send(PokeThing::new("2")).await.unwrap();
    assert_eq!(
        server.connections(),
        2,
        "the idle connection was not reused"
    );

    let server = TestServer::start(vec![]).await;
    let default = client_for(&server).build().unwrap();
    default.send(PokeThing::new("1")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    default.send(PokeThing::new("2")).await.unwrap();
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn sequential_calls_reuse_one_connection() {
    let server = TestServer::start(vec![]).await;
    let client = client_for(&server).build().unwrap();
    for i in 0..20 {
        client.send(PokeThing::new(i.to_string())).await.unwrap();
    }
    assert_eq!(server.count(), 20);
    assert_eq!(server.connections(), 1);
}
