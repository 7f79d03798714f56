//! The proxy variables of the environment, on both leaves: `HTTPS_PROXY` carries
//! calls to the API through a `CONNECT` tunnel, and a loopback base URL (the
//! emulator's) never goes through a proxy.
//!
//! Its own binary without the test harness: the variables are set in `main`
//! before any other thread exists, so setting them is sound, and no other test
//! sees them.

use std::process::ExitCode;

#[path = "support/connect_proxy.rs"]
mod connect_proxy;
#[path = "support/tls_server.rs"]
mod tls_server;

use connect_proxy::ConnectProxy;

mgc::endpoint! {
    /// An action on a thing.
    pub struct Poke {
        method: POST,
        path: "/v1/things/{id}/poke",
        response: (),
        required: {
            /// The thing's id.
            id: String => path;
        },
    }
}

/// A host name no resolver knows: only the proxy can reach it.
const HOST: &str = "api.compute.invalid";

const LEAVES: &[Option<mgc::Leaf>] = &[None, Some(mgc::Leaf::Reqwest), Some(mgc::Leaf::Hyper)];

fn main() -> ExitCode {
    let proxy_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("http://{}", proxy_listener.local_addr().unwrap());
    // SAFETY: no other thread exists yet (no runtime, no test harness).
    #[allow(unsafe_code)]
    unsafe {
        for name in [
            "ALL_PROXY",
            "all_proxy",
            "NO_PROXY",
            "no_proxy",
            "http_proxy",
            "https_proxy",
        ] {
            std::env::remove_var(name);
        }
        std::env::set_var("HTTPS_PROXY", &proxy_url);
        std::env::set_var("HTTP_PROXY", &proxy_url);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let upstream = tls_server::tls_server_for(HOST).await;
        let proxy = ConnectProxy::on(proxy_listener, upstream.addr, None);
        let (loopback_url, loopback_pem, loopback_task) = tls_server::tls_server().await;

        for &leaf in LEAVES {
            let with_leaf = |builder: mgc::ClientBuilder| match leaf {
                Some(leaf) => builder.leaf(leaf),
                None => builder,
            };
            // The API host: through the proxy named by HTTPS_PROXY.
            let before = proxy.heads().len();
            let client = with_leaf(mgc::Client::builder())
                .api_key("k")
                .base_url(format!("https://{HOST}/br-se1"))
                .add_root_certificate_pem(upstream.pem.clone())
                .build()
                .unwrap();
            client.send(Poke::new("1")).await.unwrap();
            let heads = proxy.heads();
            assert_eq!(heads.len(), before + 1, "{leaf:?}: {heads:?}");
            assert!(
                heads[before].starts_with(&format!("CONNECT {HOST}:443 HTTP/1.1\r\n")),
                "{leaf:?}: {}",
                heads[before]
            );

            // A loopback base: straight there, the proxy sees nothing.
            let client = with_leaf(mgc::Client::builder())
                .api_key("k")
                .base_url(&loopback_url)
                .add_root_certificate_pem(loopback_pem.clone())
                .build()
                .unwrap();
            client.send(Poke::new("2")).await.unwrap();
            assert_eq!(
                proxy.heads().len(),
                before + 1,
                "{leaf:?}: loopback was proxied"
            );
            eprintln!("{leaf:?}: ok");
        }
        loopback_task.abort();
        upstream.task.abort();
    });
    ExitCode::SUCCESS
}
