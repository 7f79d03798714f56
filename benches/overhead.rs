//! Per-call overhead of `client.send(GetInstance)` against a hand-written reqwest +
//! serde_json call of the same request, on a loopback server.
//!
//! Run: `cargo bench --bench overhead`. Both clients run on one current-thread
//! runtime on the main thread; the server runs on another thread, so the thread CPU
//! time and the allocation counts below are the client's alone.
//!
//! This is the light, single-process view (and the one that measures tracing);
//! `benches/compare.rs` is the full picture: four request kinds, both leaves, raw
//! hyper, 64 calls in flight, the server in another process. CPU time on a shared
//! virtual machine is noisy (±5% from run to run), so `benches/instructions.sh`
//! counts instructions under callgrind for that one. This bench keeps two modes
//! for counting its own calls the same way by hand: `overhead --serve` (serve and
//! print the address) and `overhead --only ours|ours-warn|hand CALLS ADDR` (make
//! the calls, measure nothing; `ours-warn` under a global subscriber at WARN).
//!
//! Tracing: the comparison above runs with no subscriber at all, as most programs
//! do; then `client.send` is measured again under a subscriber that listens at
//! WARN (mgc's INFO spans are off: the usual production filter) and one at INFO
//! that records every span in a registry. With no subscriber, or one that filters
//! the spans out, a span is `Span::none()` and nothing is allocated for it: the
//! allocation count matches the figure without spans.

mod support;

use std::time::Duration;

use mgc::compute::{GetInstance, Instance};
use tracing::instrument::WithSubscriber as _;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::SubscriberExt as _;

#[global_allocator]
static ALLOC: support::Counting = support::Counting;

const INSTANCE: &str = r#"{"id":"2ae0b896-855c-456c-b4a5-c8f4e6d2f4f6","name":"web-1",
"machine_type":{"id":"c78b759d-af80-4489-acf1-04c48851f273","name":"BV1-1-40","vcpus":1,"ram":1024,"disk":40},
"image":{"id":"c47e974f-8002-46e9-8a63-d66505be2aa1","name":"cloud-ubuntu-24.04 LTS","platform":"linux"},
"status":"completed","state":"running","created_at":"2026-11-27T16:02:22Z","updated_at":"2026-11-27T16:05:00Z",
"ssh_key_name":"deploy","availability_zone":"br-se1-a","labels":["web","prod"],
"network":{"vpc":{"id":"9f1c","name":"default"},"interfaces":[{"id":"p-1","name":"eth0","security_groups":["sg-1"],
"primary":true,"associated_public_ipv4":"201.23.4.5","ip_addresses":{"private_ipv4":"10.0.0.5","public_ipv6":"2804::5"}}]}}"#;

const ID: &str = "2ae0b896-855c-456c-b4a5-c8f4e6d2f4f6";
const CALLS: u32 = 4_000;
const ROUNDS: usize = 15;

fn start_server() -> std::net::SocketAddr {
    support::spawn_server(|ready| async move {
        let app = axum::Router::new()
            .fallback(|| async { ([("content-type", "application/json")], INSTANCE) });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        ready.send(listener.local_addr().unwrap()).unwrap();
        axum::serve(listener, app).await.unwrap();
    })
}

struct Sample {
    cpu_per_call: Duration,
    allocs_per_call: f64,
}

async fn measure<F, Fut>(mut call: F) -> Sample
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Instance>,
{
    for _ in 0..200 {
        std::hint::black_box(call().await);
    }
    support::track(true);
    let allocs = support::allocations();
    let cpu = support::thread_cpu();
    for _ in 0..CALLS {
        std::hint::black_box(call().await);
    }
    let cpu = support::thread_cpu() - cpu;
    let allocs = support::allocations() - allocs;
    support::track(false);
    Sample {
        cpu_per_call: cpu / CALLS,
        allocs_per_call: allocs as f64 / f64::from(CALLS),
    }
}

/// One line of the report: a label, CPU per call, allocations per call.
fn row(label: &str, cpu: Duration, allocs: f64) {
    println!(
        "  {label:<34} {:>7.1} us CPU, {allocs:>6.1} allocations",
        cpu.as_secs_f64() * 1e6
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--serve") {
        let addr = start_server();
        println!("{addr}");
        std::thread::park();
        return;
    }
    let only = args.iter().position(|a| a == "--only").map(|i| {
        let kind = args[i + 1].clone();
        let calls: u32 = args[i + 2].parse().expect("a number of calls");
        let addr: std::net::SocketAddr = args[i + 3].parse().expect("a server address");
        (kind, calls, addr)
    });
    let addr = match &only {
        Some((_, _, addr)) => *addr,
        None => start_server(),
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let region = format!("http://{addr}/br-se1");
        let client = mgc::Client::builder()
            .api_key("bench-key")
            .base_url(&region)
            .build()
            .unwrap();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let url = format!("{region}/compute/v1/instances/{ID}");

        let ours = || async { client.send(GetInstance::new(ID)).await.unwrap() };
        let by_hand = || async {
            let response = http
                .get(&url)
                .header("x-api-key", "bench-key")
                .header("x-api-version", "1.1")
                .header("user-agent", mgc::USER_AGENT_PREFIX)
                .header("x-request-id", format!("{:032x}", fastrand::u128(..)))
                .send()
                .await
                .unwrap();
            assert!(response.status().is_success());
            let body = response.bytes().await.unwrap();
            serde_json::from_slice::<Instance>(&body).unwrap()
        };

        if let Some((kind, calls, _)) = only {
            if kind == "ours-warn" {
                tracing::subscriber::set_global_default(
                    tracing_subscriber::registry().with(LevelFilter::WARN),
                )
                .expect("no subscriber yet");
            }
            for _ in 0..200 + calls {
                match kind.as_str() {
                    "ours" | "ours-warn" => drop(std::hint::black_box(ours().await)),
                    _ => drop(std::hint::black_box(by_hand().await)),
                }
            }
            return;
        }

        // Short rounds, alternating, so drift (frequency, noisy neighbours) hits
        // both sides alike; the medians are compared.
        let mut ours_runs = Vec::with_capacity(ROUNDS);
        let mut hand_runs = Vec::with_capacity(ROUNDS);
        for _ in 0..ROUNDS {
            hand_runs.push(measure(by_hand).await);
            ours_runs.push(measure(ours).await);
        }
        let median = |runs: &mut Vec<Sample>| {
            runs.sort_by_key(|s| s.cpu_per_call);
            let m = &runs[runs.len() / 2];
            (m.cpu_per_call, m.allocs_per_call)
        };
        let (h_cpu, h_allocs) = median(&mut hand_runs);
        let (o_cpu, o_allocs) = median(&mut ours_runs);
        let ratio = o_cpu.as_secs_f64() / h_cpu.as_secs_f64();
        let extra = o_allocs - h_allocs;
        println!(
            "per call, median of {ROUNDS} alternating rounds of {CALLS} calls (client thread only):"
        );
        row("hand-written reqwest + serde_json:", h_cpu, h_allocs);
        row("mgc client.send(GetInstance):", o_cpu, o_allocs);
        println!("  ratio {ratio:.3}x CPU (budget 1.10x), {extra:+.1} allocations (budget +15)");
        let verdict = if ratio <= 1.10 && extra <= 15.0 {
            "within budget"
        } else {
            "OVER BUDGET"
        };
        println!("  {verdict}");

        // Only now is any subscriber set (scoped to these calls), so the figures
        // above ran with none at all.
        let quiet = tracing::Dispatch::new(tracing_subscriber::registry().with(LevelFilter::WARN));
        let listening =
            tracing::Dispatch::new(tracing_subscriber::registry().with(LevelFilter::INFO));
        let mut quiet_runs = Vec::with_capacity(ROUNDS / 3);
        let mut listening_runs = Vec::with_capacity(ROUNDS / 3);
        for _ in 0..ROUNDS / 3 {
            quiet_runs.push(measure(ours).with_subscriber(quiet.clone()).await);
            listening_runs.push(measure(ours).with_subscriber(listening.clone()).await);
        }
        let (q_cpu, q_allocs) = median(&mut quiet_runs);
        let (l_cpu, l_allocs) = median(&mut listening_runs);
        println!(
            "mgc client.send(GetInstance) and tracing, median of {} rounds:",
            ROUNDS / 3
        );
        row("no subscriber:", o_cpu, o_allocs);
        row("subscriber at WARN (spans off):", q_cpu, q_allocs);
        row("subscriber at INFO (spans kept):", l_cpu, l_allocs);
    });
}
