//! Proxies: an explicit proxy URL carries every call through a `CONNECT` tunnel
//! on both leaves, with its password in `Proxy-Authorization` and nowhere else;
//! a proxy that refuses the tunnel fails the call with that cause.

use crate::support::LEAVES;
use crate::things::PokeThing;

#[path = "../support/connect_proxy.rs"]
mod connect_proxy;
use connect_proxy::ConnectProxy;

use crate::tls_server;

/// A host name no resolver knows: only the proxy can reach it.
const HOST: &str = "api.compute.invalid";

#[tokio::test]
async fn an_explicit_proxy_carries_every_call_through_a_connect_tunnel() {
    for &leaf in LEAVES {
        let upstream = tls_server::tls_server_for(HOST).await;
        let proxy = ConnectProxy::start(upstream.addr, None).await;
        let builder = mgc::Client::builder()
            .leaf(leaf)
            .api_key("k")
            .base_url(format!("https://{HOST}/br-se1"))
            .add_root_certificate_pem(upstream.pem.clone())
            .proxy(format!("http://user:pa55word@{}", proxy.addr));
        assert!(!format!("{builder:?}").contains("pa55word"));
        let client = builder.build().unwrap();
        assert!(!format!("{client:?}").contains("pa55word"));

        client.send(PokeThing::new("1")).await.unwrap();

        let heads = proxy.heads();
        assert_eq!(heads.len(), 1, "{leaf:?}: one tunnel: {heads:?}");
        let head = heads[0].to_ascii_lowercase();
        assert!(
            head.starts_with(&format!("connect {HOST}:443 http/1.1\r\n")),
            "{leaf:?}: {head}"
        );
        // base64("user:pa55word")
        assert!(
            head.contains("proxy-authorization: basic dxnlcjpwytu1d29yza=="),
            "{leaf:?}: {head}"
        );
        // Inside the tunnel, TLS to the API host, and an origin-form request.
        let served = upstream.heads.lock().unwrap().clone();
        assert_eq!(served.len(), 1, "{leaf:?}: {served:?}");
        assert!(
            served[0].starts_with("POST /br-se1/compute/v1/things/1/poke HTTP/1.1\r\n"),
            "{leaf:?}: {}",
            served[0]
        );
        assert!(
            !served[0]
                .to_ascii_lowercase()
                .contains("proxy-authorization"),
            "{leaf:?}: the proxy's password reached the API: {}",
            served[0]
        );
        upstream.task.abort();
    }
}

#[tokio::test]
async fn a_proxy_that_refuses_the_tunnel_fails_the_call_and_says_so() {
    for &leaf in LEAVES {
        let upstream = tls_server::tls_server_for(HOST).await;
        let proxy = ConnectProxy::start(
            upstream.addr,
            Some(b"HTTP/1.1 407 Proxy Authentication Required\r\ncontent-length: 0\r\n\r\n"),
        )
        .await;
        let client = mgc::Client::builder()
            .leaf(leaf)
            .api_key("k")
            .max_attempts(1)
            .base_url(format!("https://{HOST}/br-se1"))
            .add_root_certificate_pem(upstream.pem.clone())
            .proxy(format!("http://user:pa55word@{}", proxy.addr))
            .build()
            .unwrap();
        let err = client.send(PokeThing::new("1")).await.unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.to_ascii_lowercase().contains("proxy"),
            "{leaf:?}: the cause is named: {shown}"
        );
        assert!(!shown.contains("pa55word"), "{leaf:?}: {shown}");
        assert!(
            !format!("{err:?}").contains("pa55word"),
            "{leaf:?}: {err:?}"
        );
        assert!(upstream.heads.lock().unwrap().is_empty());
        upstream.task.abort();
    }
}

#[test]
fn a_proxy_url_that_is_not_one_fails_the_build_without_repeating_it() {
    for &leaf in LEAVES {
        for bad in [
            "not a url at all s3cret",
            "ftp://user:s3cret@proxy:21",
            "http://",
        ] {
            match mgc::Client::builder()
                .leaf(leaf)
                .api_key("k")
                .proxy(bad)
                .build()
            {
                Err(mgc::Error::Config(why)) => {
                    assert!(why.contains("proxy URL"), "{leaf:?} {bad}: {why}");
                    assert!(!why.contains("s3cret"), "{leaf:?}: {why}");
                }
                other => panic!("{leaf:?} {bad}: {other:?}"),
            }
        }
    }
}

#[test]
fn the_hyper_leaf_refuses_a_proxy_it_cannot_tunnel_through_when_chosen() {
    let https_proxy = || {
        mgc::Client::builder()
            .api_key("k")
            .proxy("https://proxy.invalid:3129")
    };
    match https_proxy().leaf(mgc::Leaf::Hyper).build() {
        Err(mgc::Error::Config(why)) => assert!(why.contains("Leaf::Reqwest"), "{why}"),
        other => panic!("{other:?}"),
    }
    // Not chosen: the reqwest leaf, which speaks to https:// proxies, is used.
    https_proxy().build().unwrap();
    https_proxy().leaf(mgc::Leaf::Reqwest).build().unwrap();
}
