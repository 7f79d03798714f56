//! A listing that fails on a page resumes from that page: every item once, in order.

use futures_util::{StreamExt as _, TryStreamExt as _};
use mgc::compute::*;
use mgc::paging::Position;

use crate::instant;

/// A client that does not retry, so one injected fault fails one page.
fn no_retries(emulator: &mgc_emulator::Emulator) -> mgc::Client {
    mgc::Client::builder()
        .api_key("e2e-key")
        .base_url(emulator.region_url("br-se1"))
        .max_attempts(1)
        .build()
        .unwrap()
}

fn offsets(emulator: &mgc_emulator::Emulator) -> Vec<u32> {
    emulator
        .requests()
        .iter()
        .map(|r| {
            let (_, rest) = r
                .path
                .split_once("_offset=")
                .expect("an offset on every page");
            rest.split('&').next().unwrap().parse().unwrap()
        })
        .collect()
}

#[tokio::test]
async fn a_page_that_fails_once_is_resumed_and_every_item_is_seen_once_in_order() {
    let (emulator, _) = instant().await;
    let ids = emulator.seed_instances("br-se1", 95, "vm-");
    let client = no_retries(&emulator);
    emulator.clear_requests();
    let list = ListInstances::new().limit(10u32).sort("created_at:asc");

    let mut seen = Vec::new();
    let mut stream = Box::pin(client.paginate(list.clone()));
    for _ in 0..40 {
        seen.push(stream.try_next().await.unwrap().unwrap().id);
    }
    // Page 5 (offset 40) fails once.
    emulator.faults().fail_next(1, 503);
    let error = stream.next().await.unwrap().unwrap_err();
    assert_eq!(error.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    // The error itself says where the walk stood, and so does the stream.
    assert!(
        matches!(
            error,
            mgc::Error::PageFailed {
                offset: 40,
                yielded: 40,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.resume_offset(), Some(40));
    assert!(
        error.to_string().contains("resume from offset 40"),
        "{error}"
    );
    let at = stream.position();
    assert_eq!((at.offset, at.yielded, at.limit), (40, 40, 10));
    assert!(stream.next().await.is_none(), "the error ends this stream");

    // The resumed walk keeps the filters and the page size, and starts at 40.
    let resumed = stream.resume();
    assert_eq!(resumed.offset, Some(40));
    assert_eq!(resumed.limit, Some(10));
    assert_eq!(resumed.sort.as_deref(), Some("created_at:asc"));
    let rest: Vec<Instance> = client.paginate(resumed).try_collect().await.unwrap();
    seen.extend(rest.into_iter().map(|i| i.id));

    assert_eq!(seen, ids, "every item once, in order");
    // On the wire: pages 0..30, the failed page, then 40 again and on.
    assert_eq!(
        offsets(&emulator),
        [0, 10, 20, 30, 40, 40, 50, 60, 70, 80, 90]
    );
}

#[tokio::test]
async fn a_page_stream_resumes_at_the_failed_page_too() {
    let (emulator, _) = instant().await;
    let ids = emulator.seed_instances("br-se1", 25, "vm-");
    let client = no_retries(&emulator);
    let list = ListInstances::new().limit(8u32).sort("created_at:asc");

    let mut pages = Box::pin(client.pages(list));
    let first = pages.try_next().await.unwrap().unwrap();
    emulator.faults().fail_next(1, 500);
    pages.next().await.unwrap().unwrap_err();
    let at = pages.position();
    assert_eq!((at.offset, at.yielded), (8, 8));

    let rest: Vec<ListInstancesResponse> =
        client.pages(pages.resume()).try_collect().await.unwrap();
    let got: Vec<String> = std::iter::once(first)
        .chain(rest)
        .flat_map(|p| p.instances)
        .map(|i| i.id)
        .collect();
    assert_eq!(got, ids);
}

#[tokio::test]
async fn a_stream_stopped_mid_page_resumes_at_the_first_item_not_yet_seen() {
    let (emulator, client) = instant().await;
    let ids = emulator.seed_instances("br-se1", 12, "vm-");
    let list = ListInstances::new()
        .limit(5u32)
        .offset(2u32)
        .sort("created_at:asc");
    let mut stream = Box::pin(client.paginate(list));
    let mut seen = Vec::new();
    for _ in 0..4 {
        seen.push(stream.try_next().await.unwrap().unwrap().id);
    }
    let at: Position = stream.position();
    assert_eq!((at.offset, at.yielded), (6, 4));
    let resumed = stream.resume();
    drop(stream);
    let rest: Vec<Instance> = client.paginate(resumed).try_collect().await.unwrap();
    seen.extend(rest.into_iter().map(|i| i.id));
    assert_eq!(seen, ids[2..]);
}
