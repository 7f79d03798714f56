use futures_util::{StreamExt as _, TryStreamExt as _};
use mgc::compute::*;

use crate::instant;

#[tokio::test]
async fn a_stream_over_2500_instances_in_pages_of_100_yields_each_once_in_order() {
    let (emulator, client) = instant().await;
    let ids = emulator.seed_instances("br-se1", 2_500, "vm-");
    emulator.clear_requests();

    let streamed: Vec<Instance> = client
        .paginate(ListInstances::new().limit(100u32).sort("created_at:asc"))
        .try_collect()
        .await
        .unwrap();
    let got: Vec<&str> = streamed.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(got, ids.iter().map(String::as_str).collect::<Vec<_>>());

    let requests = emulator.requests();
    assert_eq!(
        requests.len(),
        25,
        "25 pages, and no request after the last one"
    );
    assert!(
        requests[24].path.contains("_offset=2400"),
        "{}",
        requests[24].path
    );
}

#[tokio::test]
async fn pages_carry_their_metadata_and_filters_apply() {
    let (emulator, client) = instant().await;
    emulator.seed_instances("br-se1", 30, "web-");
    emulator.seed_instances("br-se1", 5, "db-");
    let pages: Vec<ListInstancesResponse> = client
        .pages(ListInstances::new().limit(8u32))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 5);
    let metas: Vec<(u32, u32, u32)> = pages
        .iter()
        .map(|p| p.meta.unwrap().page)
        .map(|m| (m.offset, m.count, m.total))
        .collect();
    assert_eq!(
        metas,
        [
            (0, 8, 35),
            (8, 8, 35),
            (16, 8, 35),
            (24, 8, 35),
            (32, 3, 35)
        ]
    );

    let named: Vec<Instance> = client
        .paginate(ListInstances::new().name("db-00003"))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(named.len(), 1);
}

#[tokio::test]
async fn every_list_operation_streams() {
    let (_emulator, client) = instant().await;
    let images: Vec<_> = client
        .paginate(ListImages::new().limit(2u32))
        .try_collect()
        .await
        .unwrap();
    assert!(images.len() > 2);
    let types: Vec<_> = client
        .paginate(ListMachineTypes::new().limit(2u32))
        .try_collect()
        .await
        .unwrap();
    let cli_types: Vec<_> = client
        .paginate(ListInstanceTypes::new().limit(3u32))
        .try_collect()
        .await
        .unwrap();
    assert!(types.len() > 2);
    assert_eq!(types.len(), cli_types.len());
    let snapshots: Vec<_> = client
        .paginate(ListSnapshots::new())
        .try_collect()
        .await
        .unwrap();
    assert!(snapshots.is_empty());
    let custom: Vec<_> = client
        .paginate(ListCustomImages::new())
        .try_collect()
        .await
        .unwrap();
    assert!(custom.is_empty());
}

#[tokio::test]
async fn a_stream_stops_on_a_page_error() {
    let (emulator, client) = instant().await;
    emulator.seed_instances("br-se1", 50, "vm-");
    let mut stream = std::pin::pin!(client.paginate(ListInstances::new().limit(10u32)));
    for _ in 0..10 {
        stream.next().await.unwrap().unwrap();
    }
    // The next page fails with a non-retryable error.
    emulator.faults().fail_next(1, 400);
    let err = stream.next().await.unwrap().unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::BAD_REQUEST));
    assert!(
        stream.next().await.is_none(),
        "the stream ends after the error"
    );
}

#[tokio::test]
async fn pages_are_retried_through_the_stack() {
    let (emulator, client) = instant().await;
    emulator.seed_instances("br-se1", 30, "vm-");
    let mut stream = std::pin::pin!(client.paginate(ListInstances::new().limit(10u32)));
    stream.next().await.unwrap().unwrap();
    emulator.faults().fail_next(1, 503);
    let rest: Vec<_> = stream.try_collect().await.unwrap();
    assert_eq!(rest.len(), 29);
}
