//! Many calls at once through clones of one client; connection reuse.

use std::collections::HashSet;
use std::time::Duration;

use crate::support::{LEAVES, TestServer, client_for};
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

/// Sends `calls` concurrent calls through clones of `client`; all must succeed.
async fn burst(client: &mgc::Client, calls: usize) {
    let calls: Vec<_> = (0..calls)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.send(PokeThing::new(format!("vm-{i}"))).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_2000_calls_waits_for_slots_instead_of_opening_2000_connections() {
    let cap = mgc::DEFAULT_MAX_CONCURRENT_REQUESTS;
    // `None`: the leaf a client gets when it chooses none.
    for leaf in [None, Some(mgc::Leaf::Hyper), Some(mgc::Leaf::Reqwest)] {
        let server = TestServer::start(vec![]).await;
        server.hold_each_request(Duration::from_millis(20));
        let builder = client_for(&server);
        let client = match leaf {
            Some(leaf) => builder.leaf(leaf),
            None => builder,
        }
        .build()
        .unwrap();
        burst(&client, 2000).await;
        assert_eq!(server.count(), 2000, "{leaf:?}: every call succeeds");
        assert!(
            server.max_in_flight() <= cap,
            "{leaf:?}: {} requests at once for a cap of {cap}",
            server.max_in_flight()
        );
        // The hyper leaf (the default) holds a slot per open connection: a hard
        // cap on every connection the server ever saw. reqwest's connections
        // follow the requests in flight, but not exactly: when a request finds no
        // idle connection because the one just freed is still on its way back to
        // the pool, hyper starts a connect and finishes it in the background even
        // after the pool hands over the freed one, and reqwest has no setting to
        // stop it. Without the cap: ~1,500.
        let most = match leaf {
            Some(mgc::Leaf::Reqwest) => 2 * cap,
            _ => cap,
        };
        assert!(
            server.connections() <= most,
            "{leaf:?}: {} connections for a cap of {cap}",
            server.connections()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cap_on_requests_in_flight_is_configurable() {
    for &leaf in LEAVES {
        eprintln!("leaf: {leaf:?}");
        let server = TestServer::start(vec![]).await;
        server.hold_each_request(Duration::from_millis(5));
        let client = client_for(&server)
            .leaf(leaf)
            .max_concurrent_requests(3)
            .build()
            .unwrap();
        burst(&client, 300).await;
        assert_eq!(server.count(), 300);
        assert!(server.max_in_flight() <= 3, "{}", server.max_in_flight());
        if leaf == mgc::Leaf::Hyper {
            assert!(server.connections() <= 3, "{}", server.connections());
        }
        assert_eq!(
            mgc::Leaf::default(),
            mgc::Leaf::Hyper,
            "the default is capped"
        );
        assert!(matches!(
            client_for(&server)
                .leaf(leaf)
                .max_concurrent_requests(0)
                .build(),
            Err(mgc::Error::Config(_))
        ));
    }
}

#[tokio::test]
async fn an_idle_connection_is_closed_after_the_pool_idle_timeout() {
    for &leaf in LEAVES {
        eprintln!("leaf: {leaf:?}");
        // Margins of 10x either way: a pooled connection idle for 500 ms is gone
        // with a 50 ms idle timeout, and kept with the 30 s default.
        let server = TestServer::start(vec![]).await;
        let short = client_for(&server)
            .leaf(leaf)
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
        let default = client_for(&server).leaf(leaf).build().unwrap();
        default.send(PokeThing::new("1")).await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        default.send(PokeThing::new("2")).await.unwrap();
        assert_eq!(server.connections(), 1);
    }
}

#[tokio::test]
async fn sequential_calls_reuse_one_connection() {
    for &leaf in LEAVES {
        eprintln!("leaf: {leaf:?}");
        let server = TestServer::start(vec![]).await;
        let client = client_for(&server).leaf(leaf).build().unwrap();
        for i in 0..20 {
            client.send(PokeThing::new(i.to_string())).await.unwrap();
        }
        assert_eq!(server.count(), 20);
        assert_eq!(server.connections(), 1);
    }
}
