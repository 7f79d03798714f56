//! TLS: rustls only; an untrusted certificate fails with a TLS error; a configured
//! root makes the same server trusted.

use crate::support::LEAVES;
use mgc::{Error, TransportKind};

use crate::things::PokeThing;

use crate::tls_server::tls_server;

#[tokio::test]
async fn an_untrusted_certificate_is_a_tls_error_and_a_custom_root_trusts_it() {
    for &leaf in LEAVES {
        eprintln!("leaf: {leaf:?}");
        let (url, pem, task) = tls_server().await;

        let strict = mgc::Client::builder()
            .leaf(leaf)
            .api_key("k")
            .base_url(&url)
            .build()
            .unwrap();
        match strict.send(PokeThing::new("1")).await {
            Err(Error::RetriesExhausted { last, .. }) => {
                panic!("a TLS failure must not be retried: {last:?}")
            }
            Err(err @ Error::Transport { .. }) => {
                assert!(matches!(
                    err,
                    Error::Transport {
                        kind: TransportKind::Tls,
                        ..
                    }
                ));
                // The cause, not only "error sending request".
                assert!(err.to_string().contains("certificate"), "{err}");
            }
            other => panic!("expected a TLS error, got {other:?}"),
        }

        let trusting = mgc::Client::builder()
            .leaf(leaf)
            .api_key("k")
            .base_url(&url)
            .add_root_certificate_pem(pem)
            .build()
            .unwrap();
        trusting.send(PokeThing::new("1")).await.unwrap();
        task.abort();
    }
}

#[test]
fn openssl_is_nowhere_in_the_dependency_graph() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
    for banned in [
        "name = \"openssl\"",
        "name = \"openssl-sys\"",
        "name = \"native-tls\"",
    ] {
        assert!(!lock.contains(banned), "Cargo.lock has {banned}");
    }
}
