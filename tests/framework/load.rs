//! Many calls at once through clones of one client; connection reuse.

use std::collections::HashSet;

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
