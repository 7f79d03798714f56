//! Streaming 10,000 instances from the emulator, next to collecting them into a
//! `Vec`: time, and the peak of live heap bytes allocated by the client thread.
//!
//! Run: `cargo bench --bench paging`. The emulator runs on its own thread and
//! runtime, so its allocations are not counted.

mod support;

use std::time::{Duration, Instant};

use futures_util::{StreamExt as _, TryStreamExt as _};
use mgc::compute::ListInstances;

#[global_allocator]
static ALLOC: support::Counting = support::Counting;

const INSTANCES: usize = 10_000;
const PAGE: u32 = 500;

fn start_emulator() -> String {
    support::spawn_server(|ready| async move {
        let emulator = mgc_emulator::Emulator::start().await;
        emulator.seed_instances("br-se1", INSTANCES, "bench-");
        ready.send(emulator.region_url("br-se1")).unwrap();
        // Serve until the process ends.
        std::future::pending::<()>().await;
    })
}

struct Run {
    took: Duration,
    peak_bytes: usize,
    items: usize,
}

fn main() {
    let region = start_emulator();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let client = mgc::Client::builder().api_key("bench").base_url(region).build().unwrap();
        let list = || ListInstances::new().limit(PAGE);

        // Warm the connection and the allocator.
        let _ = client.send(list()).await.unwrap();

        let mut streamed = Vec::new();
        let mut collected = Vec::new();
        for _ in 0..3 {
            support::track(true);
            let base = support::reset_peak();
            let started = Instant::now();
            let mut items = 0;
            let mut stream = std::pin::pin!(client.paginate(list()));
            while let Some(instance) = stream.next().await {
                std::hint::black_box(instance.unwrap());
                items += 1;
            }
            streamed.push(Run { took: started.elapsed(), peak_bytes: support::peak() - base, items });

            let base = support::reset_peak();
            let started = Instant::now();
            let all: Vec<_> = client.paginate(list()).try_collect().await.unwrap();
            let items = all.len();
            std::hint::black_box(&all);
            drop(all);
            collected.push(Run { took: started.elapsed(), peak_bytes: support::peak() - base, items });
            support::track(false);
        }
        let best = |runs: &[Run]| runs.iter().min_by_key(|r| r.took).map(|r| (r.took, r.items)).unwrap();
        let peak = |runs: &[Run]| runs.iter().map(|r| r.peak_bytes).max().unwrap();
        let (s_took, s_items) = best(&streamed);
        let (c_took, c_items) = best(&collected);
        println!("{INSTANCES} instances from the emulator in pages of {PAGE} (best of 3; peak = most live heap bytes of the client thread):");
        println!("  paginate() as a stream: {:>7.1} ms, peak {:>6.2} MiB, {s_items} items", s_took.as_secs_f64() * 1e3, peak(&streamed) as f64 / 1048576.0);
        println!("  paginate() into a Vec:  {:>7.1} ms, peak {:>6.2} MiB, {c_items} items", c_took.as_secs_f64() * 1e3, peak(&collected) as f64 / 1048576.0);
    });
}
