use mgc::CallOptions;

use crate::support::{Reply, TestServer, client_for};
use crate::things::{CreateThing, GetThing, Thing};

#[tokio::test]
async fn every_call_carries_auth_agent_request_id_custom_and_api_version() {
    let server = TestServer::start(vec![Reply::json(200, r#"{"id":"a/b c","name":"x"}"#)]).await;
    let client = client_for(&server)
        .user_agent_suffix("my-tool/2.0")
        .header("x-tenant", "acme")
        .build()
        .unwrap();

    let thing = client
        .send(GetThing::new("a/b c").expand(vec!["image".into(), "network".into()]))
        .await
        .unwrap();
    assert_eq!(
        thing,
        Thing {
            id: "a/b c".into(),
            name: "x".into()
        }
    );

    let seen = &server.seen()[0];
    assert_eq!(seen.method, "GET");
    assert_eq!(
        seen.uri,
        "/br-se1/compute/v1/things/a%2Fb%20c?expand=image,network"
    );
    assert_eq!(seen.header("x-api-key"), Some("test-key"));
    assert_eq!(seen.header("authorization"), None);
    assert_eq!(
        seen.header("user-agent"),
        Some(format!("mgc-rust/{} my-tool/2.0", env!("CARGO_PKG_VERSION")).as_str())
    );
    assert_eq!(seen.header("x-tenant"), Some("acme"));
    assert_eq!(seen.header("x-api-version"), Some("1.1"));
    let id = seen.header("x-request-id").expect("a generated request id");
    assert_eq!(id.len(), 36, "uuid-shaped: {id}");
}

#[tokio::test]
async fn request_ids_are_fresh_per_call_or_the_callers() {
    let server = TestServer::start(vec![]).await;
    let client = client_for(&server).build().unwrap();
    client
        .send(crate::things::PokeThing::new("1"))
        .await
        .unwrap();
    client
        .send(crate::things::PokeThing::new("1"))
        .await
        .unwrap();
    client
        .send_with(
            crate::things::PokeThing::new("1"),
            CallOptions::new()
                .request_id("trace-me-42")
                .header("x-extra", "1"),
        )
        .await
        .unwrap();
    let seen = server.seen();
    assert_ne!(
        seen[0].header("x-request-id"),
        seen[1].header("x-request-id")
    );
    assert_eq!(seen[2].header("x-request-id"), Some("trace-me-42"));
    assert_eq!(seen[2].header("x-extra"), Some("1"));
}

#[tokio::test]
async fn a_jwt_travels_as_a_bearer_token_and_bodies_as_json() {
    let server = TestServer::start(vec![Reply::json(201, r#"{"id":"new-1"}"#)]).await;
    let client = mgc::Client::builder()
        .jwt("eyJhbGciOi.payload.sig")
        .base_url(server.url())
        .build()
        .unwrap();
    let created = client.send(CreateThing::new("web")).await.unwrap();
    assert_eq!(created.id, "new-1");
    let seen = &server.seen()[0];
    assert_eq!(
        seen.header("authorization"),
        Some("Bearer eyJhbGciOi.payload.sig")
    );
    assert_eq!(seen.header("x-api-key"), None);
    assert_eq!(seen.header("content-type"), Some("application/json"));
    assert_eq!(&seen.body[..], br#"{"name":"web"}"#);
}

#[tokio::test]
async fn the_region_picks_the_url_segment() {
    let server = TestServer::start(vec![]).await;
    let client = mgc::Client::builder()
        .api_key("k")
        .api_host(format!("http://{}", server.addr))
        .region(mgc::Region::BrMgl1)
        .build()
        .unwrap();
    assert_eq!(
        client.base_url(),
        format!("http://{}/br-se-1/compute", server.addr)
    );
    client
        .send(crate::things::PokeThing::new("1"))
        .await
        .unwrap();
    assert_eq!(server.seen()[0].uri, "/br-se-1/compute/v1/things/1/poke");
}

#[tokio::test]
async fn errors_carry_the_request_id_sent_even_when_the_server_does_not_echo_it() {
    let server = TestServer::start(vec![Reply::json(
        404,
        r#"{"slug":"not_found","message":"gone"}"#,
    )])
    .await;
    let client = client_for(&server).build().unwrap();
    let err = client.send(GetThing::new("1")).await.unwrap_err();
    let sent = server.seen()[0].header("x-request-id").unwrap().to_owned();
    assert_eq!(err.request_id(), Some(sent.as_str()));
}
