//! A transport error names its cause, not only reqwest's "error sending request".

use crate::support::{LEAVES, after_one_attempt};
use std::time::Duration;

use mgc::{Error, TransportKind};

use crate::things::GetThing;

/// The region URL of a loopback port nothing listens on: connecting is refused.
pub fn closed_port_url() -> String {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    format!("http://127.0.0.1:{port}/br-se1")
}

#[tokio::test]
async fn a_refused_connection_says_it_was_refused() {
    for &leaf in LEAVES {
        eprintln!("leaf: {leaf:?}");
        let client = mgc::Client::builder()
            .leaf(leaf)
            .api_key("k")
            .base_url(closed_port_url())
            .max_attempts(1)
            .connect_timeout(Duration::from_secs(5))
            .build()
            .unwrap();
        let err = after_one_attempt(client.send(GetThing::new("1")).await.unwrap_err());
        assert!(
            matches!(
                err,
                Error::Transport {
                    kind: TransportKind::Connect,
                    ..
                }
            ),
            "{err:?}"
        );
        let shown = err.to_string();
        assert!(
            shown.to_lowercase().contains("connection refused"),
            "the cause is missing: {shown}"
        );
        assert!(shown.starts_with("transport error (connect): "), "{shown}");
    }
}
