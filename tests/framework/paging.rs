//! Paging a user-declared list against scripted servers, including broken ones.

use futures_util::StreamExt as _;

use crate::support::{Reply, TestServer, client_for};
use crate::widgets::ListWidgets;

fn page(items: &[&str], offset: u32, total: u32) -> Reply {
    let widgets: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    Reply::json(
        200,
        &format!(
            r#"{{"widgets":[{}],"meta":{{"page":{{"limit":2,"offset":{offset},"count":{},"total":{total}}}}}}}"#,
            widgets.join(","),
            items.len()
        ),
    )
}

#[tokio::test]
async fn a_user_declared_list_streams_page_by_page() {
    let server = TestServer::start(vec![
        page(&["a", "b"], 0, 5),
        page(&["c", "d"], 2, 5),
        page(&["e"], 4, 5),
    ])
    .await;
    let client = client_for(&server).build().unwrap();
    let items: Vec<String> = client
        .paginate(ListWidgets::new())
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(items, ["a", "b", "c", "d", "e"]);
    let uris: Vec<String> = server.seen().into_iter().map(|s| s.uri).collect();
    assert_eq!(
        uris,
        [
            "/br-se1/compute/v1/widgets?_limit=2&_offset=0",
            "/br-se1/compute/v1/widgets?_limit=2&_offset=2",
            "/br-se1/compute/v1/widgets?_limit=2&_offset=4",
        ]
    );
}

#[tokio::test]
async fn a_server_that_ignores_the_offset_cannot_make_a_stream_loop_forever() {
    // Always the same full page at offset 0, and a total that never ends.
    let script = (0..50).map(|_| page(&["a", "b"], 0, 1_000_000)).collect();
    let server = TestServer::start(script).await;
    let client = client_for(&server).build().unwrap();
    let outcomes: Vec<_> = client.paginate(ListWidgets::new()).collect().await;
    assert_eq!(outcomes.len(), 3, "two items, then the error, then the end");
    // The page at offset 2 came back as offset 0: a protocol error, and the
    // error says where the walk stood.
    match &outcomes[2] {
        Err(mgc::Error::PageFailed {
            offset: 2,
            yielded: 2,
            source,
            ..
        }) => assert!(
            matches!(**source, mgc::Error::Protocol { .. }),
            "{source:?}"
        ),
        other => panic!("{other:?}"),
    }
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn an_empty_page_ends_the_stream_even_if_the_total_says_otherwise() {
    let server = TestServer::start(vec![page(&["a", "b"], 0, 10), page(&[], 2, 10)]).await;
    let client = client_for(&server).build().unwrap();
    let items: Vec<_> = client.paginate(ListWidgets::new()).collect().await;
    assert_eq!(items.len(), 2);
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn an_invalid_list_fails_the_stream_before_any_request() {
    let server = TestServer::start(vec![]).await;
    let client = client_for(&server).build().unwrap();
    let outcomes: Vec<_> = client
        .paginate(mgc::compute::ListInstances::new().limit(0u32))
        .collect()
        .await;
    assert_eq!(outcomes.len(), 1);
    assert!(
        matches!(outcomes[0], Err(mgc::Error::InvalidInput { .. })),
        "{:?}",
        outcomes[0]
    );
    assert_eq!(server.count(), 0);
}
