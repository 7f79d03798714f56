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
    let bad_header = client
        .send_with(
            PokeThing::new("1"),
            CallOptions::new().header("x-bad", "line\nbreak"),
        )
        .await;
    assert!(
        matches!(bad_header, Err(Error::InvalidInput { .. })),
        "{bad_header:?}"
    );
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
