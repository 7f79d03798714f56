//! Bad responses: each is a typed error or a tolerated value, never a panic and
//! never `Ok` with missing data.

use std::time::Duration;

use mgc::{Error, Leaf, Timeout, TransportKind};

use crate::support::{LEAVES, Reply, TestServer, after_one_attempt, client_for, raw_server};
use crate::things::{GetThing, PokeThing};

async fn get_with(reply: Reply) -> Result<crate::things::Thing, Error> {
    get_on(Leaf::default(), reply).await
}

async fn get_on(leaf: Leaf, reply: Reply) -> Result<crate::things::Thing, Error> {
    let server = TestServer::start(vec![reply]).await;
    let client = client_for(&server)
        .leaf(leaf)
        .max_attempts(1)
        .build()
        .unwrap();
    client.send(GetThing::new("1")).await
}

#[tokio::test]
async fn an_html_error_page_keeps_a_short_snippet() {
    let page = format!(
        "<html><body>Bad gateway{}</body></html>",
        " ".repeat(50_000)
    );
    let reply = Reply::Answer(502, vec![("content-type", "text/html".into())], page);
    let err = get_with(reply).await.unwrap_err();
    let api = err.api().expect("an API error");
    assert_eq!(api.status, 502);
    assert!(api.slug.is_none());
    assert!(api.body.starts_with("<html><body>Bad gateway"));
    assert!(
        api.body.len() <= mgc::BODY_SNIPPET_LIMIT + 3,
        "bounded snippet"
    );
}

#[tokio::test]
async fn success_bodies_that_are_not_the_data_are_decode_errors() {
    for body in [
        "<html>ok</html>",
        "null",
        "",
        "{\"id\":\"1\"}",
        "[]",
        "{\"id\":\"1\",\"name\":\"x\"} trailing",
    ] {
        let reply = Reply::Answer(200, vec![], body.to_owned());
        match get_with(reply).await {
            Err(Error::Decode { operation, .. }) => assert_eq!(operation, "get_thing"),
            other => panic!("body {body:?}: expected a decode error, got {other:?}"),
        }
    }
    // A 204 where data is expected is not `Ok` either.
    assert!(matches!(
        get_with(Reply::status(204)).await,
        Err(Error::Decode { .. })
    ));
}

#[tokio::test]
async fn decode_errors_name_the_field() {
    let reply = Reply::json(200, r#"{"id":"1","name":42}"#);
    match get_with(reply).await {
        Err(Error::Decode { path, .. }) => assert_eq!(path, "name"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn extra_fields_are_tolerated() {
    let reply = Reply::json(
        200,
        r#"{"id":"1","name":"x","brand_new_field":{"a":[1,2]}}"#,
    );
    assert_eq!(get_with(reply).await.unwrap().name, "x");
}

#[tokio::test]
async fn redirects_are_reported_not_followed() {
    for &leaf in LEAVES {
        eprintln!("leaf: {leaf:?}");
        let elsewhere = TestServer::start(vec![]).await;
        let to = format!("http://{}/steal", elsewhere.addr);
        let err = get_on(leaf, Reply::status(302).with_header("location", &to))
            .await
            .unwrap_err();
        match err {
            Error::Redirect { status, location } => {
                assert_eq!(status, 302);
                assert_eq!(location.as_deref(), Some(to.as_str()));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            elsewhere.count(),
            0,
            "no request (and no key) went to the other host"
        );
    }
}

#[tokio::test]
async fn bodies_over_the_cap_are_refused() {
    for &leaf in LEAVES {
        eprintln!("leaf: {leaf:?}");
        // Announced by Content-Length...
        let server = TestServer::start(vec![Reply::json(200, &"x".repeat(64 * 1024))]).await;
        let client = client_for(&server)
            .leaf(leaf)
            .max_attempts(1)
            .body_limit(16 * 1024)
            .build()
            .unwrap();
        let err = client.send(GetThing::new("1")).await.unwrap_err();
        assert!(
            matches!(err, Error::BodyTooLarge { limit: 16384 }),
            "{err:?}"
        );

        // ...or only noticed while reading a chunked body.
        const CHUNKED: &[u8] = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n\
        4000\r\n";
        let mut reply = CHUNKED.to_vec();
        reply.extend(std::iter::repeat_n(b'x', 0x4000));
        reply.extend(b"\r\n4000\r\n");
        reply.extend(std::iter::repeat_n(b'x', 0x4000));
        reply.extend(b"\r\n0\r\n\r\n");
        let raw = raw_server(Box::leak(reply.into_boxed_slice()), None).await;
        let client = mgc::Client::builder()
            .leaf(leaf)
            .api_key("k")
            .base_url(&raw.url)
            .max_attempts(1)
            .body_limit(20_000)
            .build()
            .unwrap();
        let err = client.send(GetThing::new("1")).await.unwrap_err();
        assert!(matches!(err, Error::BodyTooLarge { .. }), "{err:?}");
    }
}

#[tokio::test]
async fn a_truncated_body_is_a_transport_error() {
    for &leaf in LEAVES {
        eprintln!("leaf: {leaf:?}");
        const HALF: &[u8] =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"id\":\"1\",";
        let raw = raw_server(HALF, None).await;
        let client = mgc::Client::builder()
            .leaf(leaf)
            .api_key("k")
            .base_url(&raw.url)
            .max_attempts(1)
            .build()
            .unwrap();
        let err = after_one_attempt(client.send(GetThing::new("1")).await.unwrap_err());
        assert!(
            matches!(
                err,
                Error::Transport {
                    kind: TransportKind::Io,
                    ..
                }
            ),
            "{err:?}"
        );
    }
}

#[tokio::test]
async fn a_server_that_drips_its_body_hits_the_attempt_timeout() {
    for &leaf in LEAVES {
        eprintln!("leaf: {leaf:?}");
        const SLOW: &[u8] =
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 24\r\n\r\n{\"id\":\"1\",\"name\":\"slow\"}";
        let raw = raw_server(SLOW, Some(Duration::from_millis(100))).await;
        let client = mgc::Client::builder()
            .leaf(leaf)
            .api_key("k")
            .base_url(&raw.url)
            .max_attempts(1)
            .attempt_timeout(Duration::from_millis(1000))
            .build()
            .unwrap();
        let err = after_one_attempt(client.send(GetThing::new("1")).await.unwrap_err());
        assert!(
            matches!(err, Error::Timeout(Timeout::Attempt(_))),
            "{err:?}"
        );
    }
}

#[tokio::test]
async fn an_action_tolerates_a_body_it_did_not_expect() {
    // A row written `response: ()` has no body to read: the success status is the
    // answer, and whatever comes with it is ignored, JSON or not.
    let bodies = [
        "",
        "{}",
        r#"{"accepted":true}"#,
        "null",
        "<html>ok</html>",
        "not json at all",
    ];
    let mut replies: Vec<Reply> = bodies
        .iter()
        .map(|body| Reply::Answer(200, vec![], (*body).to_owned()))
        .collect();
    replies.push(Reply::status(204));
    let server = TestServer::start(replies).await;
    let client = client_for(&server).max_attempts(1).build().unwrap();
    for body in bodies.iter().chain(&["(204)"]) {
        let answer: () = client
            .send(PokeThing::new("1"))
            .await
            .unwrap_or_else(|e| panic!("body {body:?}: {e:?}"));
        let () = answer;
    }
    assert_eq!(server.count(), bodies.len() + 1, "one attempt each");
}

/// A response type that carries no data is not special: only a row written
/// `response: ()` says its answer has no body.
#[derive(Debug, serde::Deserialize, PartialEq)]
pub struct Ack;

mgc::endpoint! {
    /// An action whose answer is a unit struct: decoded as JSON, like any type.
    pub struct AckThing {
        method: POST,
        path: "/v1/things/{id}/ack",
        response: Ack,
        required: {
            /// The thing's id.
            id: String => path;
        },
    }
}

#[tokio::test]
async fn a_unit_struct_response_is_decoded_not_waved_through() {
    let server = TestServer::start(vec![
        Reply::status(204),
        Reply::json(200, "{}"),
        Reply::Answer(200, vec![], "<html>ok</html>".to_owned()),
    ])
    .await;
    let client = client_for(&server).max_attempts(1).build().unwrap();
    // An empty body reads as `null`, which serde takes for a unit struct.
    assert_eq!(client.send(AckThing::new("1")).await.unwrap(), Ack);
    for body in ["{}", "<html>ok</html>"] {
        match client.send(AckThing::new("1")).await {
            // The server may have acted: a POST that is not idempotent.
            Err(Error::OutcomeUnknown { source, .. }) => assert!(
                matches!(
                    *source,
                    Error::Decode {
                        operation: "ack_thing",
                        ..
                    }
                ),
                "body {body:?}: {source:?}"
            ),
            other => panic!("body {body:?}: expected a decode error, got {other:?}"),
        }
    }
}
