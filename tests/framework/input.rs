use mgc::{CallOptions, Error};

use crate::support::{TestServer, client_for};
use crate::things::{GetThing, PokeThing};

#[tokio::test]
async fn bad_ids_are_rejected_before_anything_is_sent() {
    let server = TestServer::start(vec![]).await;
    let client = client_for(&server).build().unwrap();
    for id in ["", ".", ".."] {
        match client.send(GetThing::new(id)).await {
            Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "id"),
            other => panic!("id {id:?}: expected InvalidInput, got {other:?}"),
        }
    }
    // A per-call header is checked like every other, and the error names it.
    for (name, value, wording) in [
        (
            "x-bad",
            "line\nbreak",
            r#"invalid input: `header "x-bad"` has a value that is not a valid header value"#,
        ),
        (
            "bad name",
            "v",
            r#"invalid input: `header "bad name"` is not a valid header name"#,
        ),
    ] {
        let bad_header = client
            .send_with(PokeThing::new("1"), CallOptions::new().header(name, value))
            .await;
        match bad_header {
            Err(err @ Error::InvalidInput { .. }) => assert_eq!(err.to_string(), wording),
            other => panic!("header {name:?}: expected InvalidInput, got {other:?}"),
        }
    }
    assert_eq!(server.count(), 0, "nothing may reach the server");
}

#[tokio::test]
async fn odd_ids_stay_one_segment() {
    let server = TestServer::start(vec![]).await;
    let client = client_for(&server).build().unwrap();
    for id in ["../../admin", "a?b#c", "100%", "ção", "tab\there", "..."] {
        client.send(PokeThing::new(id)).await.unwrap();
    }
    let uris: Vec<String> = server.seen().into_iter().map(|s| s.uri).collect();
    assert_eq!(
        uris,
        [
            "/br-se1/compute/v1/things/..%2F..%2Fadmin/poke",
            "/br-se1/compute/v1/things/a%3Fb%23c/poke",
            "/br-se1/compute/v1/things/100%25/poke",
            "/br-se1/compute/v1/things/%C3%A7%C3%A3o/poke",
            "/br-se1/compute/v1/things/tab%09here/poke",
            "/br-se1/compute/v1/things/.../poke",
        ]
    );
}

#[test]
fn bad_configuration_is_an_error_from_build() {
    let build = |b: mgc::ClientBuilder| b.build().map(|_| ()).unwrap_err();
    assert!(
        matches!(build(mgc::Client::builder()), Error::Config(_)),
        "no credentials"
    );
    let key = || mgc::Client::builder().api_key("k");
    assert!(matches!(
        build(key().header("bad name", "v")),
        Error::Config(_)
    ));
    assert!(matches!(
        build(key().header("x-ok", "bad\u{7f}value")),
        Error::Config(_)
    ));
    assert!(matches!(
        build(key().base_url("not a url")),
        Error::Config(_)
    ));
    assert!(matches!(
        build(key().base_url("http://example.com/br-se1")),
        Error::Config(_)
    ));
    assert!(matches!(
        build(mgc::Client::builder().api_key("")),
        Error::Config(_)
    ));
    assert!(matches!(
        build(mgc::Client::builder().api_key("a\nb")),
        Error::Config(_)
    ));
    assert!(matches!(
        build(key().add_root_certificate_pem("junk")),
        Error::Config(_)
    ));
    assert!(
        key()
            .base_url("http://example.com/br-se1")
            .allow_insecure_http(true)
            .build()
            .is_ok()
    );
}

/// Keys and tokens as they go wrong in practice: a newline from a file or a
/// variable, stray spaces, pasted non-ASCII, control characters. Refused at build
/// (never trimmed and sent), with an error that does not show them.
const BAD_SECRETS: &[&str] = &[
    "",
    "canary-key\n",
    "canary-key\r\n",
    " canary-key",
    "canary-key ",
    "\tcanary-key",
    "canary key",
    "canary-kéy",
    "canary-\u{1b}[2J",
    "canary-\u{7f}",
    "canary\u{202e}",
];

#[test]
fn credentials_that_are_not_visible_ascii_are_refused_at_build() {
    for secret in BAD_SECRETS {
        for (how, builder) in [
            ("API key", mgc::Client::builder().api_key(*secret)),
            ("JWT", mgc::Client::builder().jwt(*secret)),
            (
                "JWT with scheme",
                mgc::Client::builder().jwt(format!("Bearer {secret}")),
            ),
        ] {
            let err = builder.build().map(|_| ()).unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{how} {secret:?}: {err:?}");
            let shown = format!("{err} {err:?}");
            assert!(
                !shown.contains("canary"),
                "{how} {secret:?} echoed: {shown}"
            );
        }
    }
    // What is fine stays fine.
    for good in ["k", "a1B2-c3_d4.e5~f6!", "eyJhbGciOi.eyJzdWIi.sig-_"] {
        mgc::Client::builder().api_key(good).build().unwrap();
        mgc::Client::builder().jwt(good).build().unwrap();
        mgc::Client::builder()
            .jwt(format!("Bearer {good}"))
            .build()
            .unwrap();
    }
}

#[tokio::test]
async fn the_key_goes_out_exactly_as_given() {
    let server = TestServer::start(vec![]).await;
    let client = client_for(&server).api_key("k-1~x").build().unwrap();
    client.send(PokeThing::new("1")).await.unwrap();
    assert_eq!(server.seen()[0].header("x-api-key"), Some("k-1~x"));
}

#[tokio::test]
async fn bad_request_ids_are_refused_before_anything_is_sent() {
    let server = TestServer::start(vec![]).await;
    let client = client_for(&server).build().unwrap();
    for id in BAD_SECRETS {
        let options = CallOptions::new().request_id(*id);
        let sent = client.send_with(PokeThing::new("1"), options.clone()).await;
        let previewed = client.preview_with(&PokeThing::new("1"), &options);
        for result in [sent, previewed.map(|_| ())] {
            match result {
                Err(err @ Error::InvalidInput { .. }) => {
                    let shown = format!("{err} {err:?}");
                    assert!(shown.contains("request_id"), "{shown}");
                    assert!(!shown.contains("canary"), "{id:?} echoed: {shown}");
                }
                other => panic!("request id {id:?}: expected InvalidInput, got {other:?}"),
            }
        }
    }
    assert_eq!(server.count(), 0, "nothing may reach the server");
    let options = CallOptions::new().request_id("ticket-42/a.b");
    client
        .send_with(PokeThing::new("1"), options)
        .await
        .unwrap();
    assert_eq!(
        server.seen()[0].header("x-request-id"),
        Some("ticket-42/a.b")
    );
}
