//! mgc next to the clients a user would write instead, on four kinds of request,
//! in one run, against one canned loopback server in another process.
//!
//! Run: `cargo bench --bench compare` (options after `--`: `--reps N`, `--scale F`
//! to make every measured pass longer or shorter, `--kinds get,list,create,start`).
//!
//! The clients, each sending the same requests (same method, path, query, headers
//! and body; the run checks this on the server side before measuring) and decoding
//! into mgc's model types:
//!
//! * `raw hyper`: hyper-util's legacy pooled client over HTTP/1.1, by hand;
//! * `hand reqwest`: reqwest + serde_json, by hand;
//! * `mgc hyper leaf`: `client.send(..)` over [`mgc::Leaf::Hyper`], the default
//!   leaf;
//! * `mgc reqwest leaf`: `client.send(..)` over [`mgc::Leaf::Reqwest`];
//!
//! both mgc clients with retries, both timeouts, request ids, the header layer, the
//! cap on requests in flight and the body cap all on.
//!
//! The requests: GET one instance with `expand=network,image,machine-type` (about
//! 1.3 KB of JSON, two network interfaces), GET a page of 100 instances, POST a
//! create with a full body, POST a start action (`204`).
//!
//! Each runs sequentially (one call at a time) and with 64 calls in flight (64
//! tasks on the client's one-thread runtime). The client process is pinned to CPU
//! 0 and the server process to CPU 1, so neither steals the other's core. Reported
//! per call: the client process's CPU time (user + system, all threads), its
//! allocations (all threads; the server's are in its own process), and requests/s;
//! medians of `--reps` repetitions (default 11), the clients interleaved within
//! each repetition, in an order that rotates from one repetition to the next, so
//! drift on a shared machine, and whatever the client measured just before leaves
//! behind (caches, allocator state), hits them alike. The server's CPU share during the
//! 64-in-flight passes is printed too: near 100% means the server, not the client,
//! set the pace.
//!
//! Why a canned server rather than the emulator: the emulator keeps state (a
//! create adds an instance, a start of a running instance is a 409) and checks
//! every request, so its answers and its cost drift over a run; this one answers
//! every request of a kind with the same bytes, costs the same every time, and
//! cannot become the bottleneck it measures. It is not hyper either: a hyper server
//! costs about what a hyper client does, so on one core it would cap the fastest
//! clients at 64 in flight; this one parses a request head with httparse and writes
//! prebuilt bytes, a few microseconds a request.
//!
//! Other modes, used by `benches/instructions.sh` (callgrind):
//! `compare --serve` (pin to CPU 1, serve, print the address) and
//! `compare --only CLIENT KIND CALLS ADDR [IN_FLIGHT]` (make the calls, measure
//! nothing).

mod support;

use std::collections::BTreeMap;
use std::hash::{Hash as _, Hasher as _};
use std::io::BufRead as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use mgc::compute::{
    CreateInstance, CreateParametersNetwork, CreateParametersNetworkInterface, CreateResponse,
    GetInstance, IdOrName, Instance, ListInstances, ListInstancesResponse, StartInstance,
};

#[global_allocator]
static ALLOC: support::Counting = support::Counting;

const ID: &str = "2ae0b896-855c-456c-b4a5-c8f4e6d2f4f6";
const KEY: &str = "bench-key";
const IN_FLIGHT: usize = 64;

// ---------------------------------------------------------------------------
// The requests
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Get,
    List,
    Create,
    Start,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::Get, Kind::List, Kind::Create, Kind::Start];

    fn name(self) -> &'static str {
        match self {
            Kind::Get => "get",
            Kind::List => "list",
            Kind::Create => "create",
            Kind::Start => "start",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Kind::Get => "GET one instance, expanded (1.3 KB)",
            Kind::List => "GET a page of 100 instances",
            Kind::Create => "POST create, full body",
            Kind::Start => "POST start (204)",
        }
    }

    fn parse(name: &str) -> Kind {
        Kind::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .unwrap_or_else(|| panic!("unknown kind {name:?}"))
    }

    /// Calls per measured pass at `--scale 1`: about a quarter of a second each.
    fn calls(self, in_flight: usize) -> usize {
        match (self, in_flight) {
            (Kind::List, 1) => 150,
            (Kind::List, _) => 400,
            (_, 1) => 4_000,
            _ => 8_000,
        }
    }
}

const MACHINE_TYPE: &str = "BV1-1-40";
const IMAGE: &str = "cloud-ubuntu-24.04 LTS";
const USER_DATA: &str = "I2Nsb3VkLWNvbmZpZwpwYWNrYWdlczoKICAtIG5naW54CnJ1bmNtZDoKICAtIHN5c3RlbWN0bCBlbmFibGUgLS1ub3cgbmdpbngK";

fn network() -> CreateParametersNetwork {
    CreateParametersNetwork {
        associate_public_ip: Some(true),
        interface: Some(
            CreateParametersNetworkInterface::with_security_groups(["sg-web", "sg-ssh"])
                .subnet("subnet-br-se1-a"),
        ),
        vpc: Some(IdOrName::name("vpc_default")),
    }
}

fn labels() -> Vec<String> {
    vec![
        "env:prod".to_owned(),
        "team:web".to_owned(),
        "web".to_owned(),
    ]
}

/// The create body a hand-written client would declare: the fields of the API's
/// `CreateParameters` that this benchmark sets, in mgc's order.
#[derive(serde::Serialize)]
struct CreateBody {
    name: String,
    machine_type: IdOrName,
    image: IdOrName,
    ssh_key_name: String,
    availability_zone: String,
    network: CreateParametersNetwork,
    user_data: String,
    labels: Vec<String>,
}

fn create_body() -> Vec<u8> {
    let body = CreateBody {
        name: "web-1".to_owned(),
        machine_type: IdOrName::name(MACHINE_TYPE),
        image: IdOrName::name(IMAGE),
        ssh_key_name: "deploy".to_owned(),
        availability_zone: "br-se1-a".to_owned(),
        network: network(),
        user_data: USER_DATA.to_owned(),
        labels: labels(),
    };
    serde_json::to_vec(&body).unwrap()
}

/// A UUID-v4-shaped request id, as a hand-written client would make one.
fn request_id() -> String {
    let n = fastrand::u128(..);
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        (n >> 96) as u32,
        (n >> 80) as u16,
        (n >> 64) as u16 & 0x0fff,
        ((n >> 48) as u16 & 0x3fff) | 0x8000,
        n as u64 & 0xffff_ffff_ffff
    )
}

// ---------------------------------------------------------------------------
// The clients
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    RawHyper,
    HandReqwest,
    MgcHyper,
    MgcReqwest,
}

impl Who {
    const ALL: [Who; 4] = [
        Who::RawHyper,
        Who::HandReqwest,
        Who::MgcHyper,
        Who::MgcReqwest,
    ];

    fn name(self) -> &'static str {
        match self {
            Who::RawHyper => "raw-hyper",
            Who::HandReqwest => "hand-reqwest",
            Who::MgcHyper => "mgc-hyper",
            Who::MgcReqwest => "mgc-reqwest",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Who::RawHyper => "raw hyper",
            Who::HandReqwest => "hand reqwest",
            Who::MgcHyper => "mgc hyper leaf",
            Who::MgcReqwest => "mgc reqwest leaf",
        }
    }

    fn parse(name: &str) -> Who {
        Who::ALL
            .into_iter()
            .find(|w| w.name() == name)
            .unwrap_or_else(|| panic!("unknown client {name:?}"))
    }
}

type RawClient = hyper_util::client::legacy::Client<
    hyper_util::client::legacy::connect::HttpConnector,
    Full<Bytes>,
>;

// One per client, built once: boxing the big variant would only add a pointer
// chase to the raw client's calls.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
enum Target {
    Mgc(mgc::Client),
    Hand {
        http: reqwest::Client,
        base: Arc<str>,
    },
    Raw {
        http: RawClient,
        base: Arc<str>,
    },
}

impl Target {
    fn new(who: Who, addr: SocketAddr) -> Target {
        let region = format!("http://{addr}/br-se1");
        let mgc = |leaf| {
            mgc::Client::builder()
                .api_key(KEY)
                .base_url(&region)
                .leaf(leaf)
                .max_concurrent_requests(IN_FLIGHT)
                .build()
                .unwrap()
        };
        let base: Arc<str> = format!("{region}/compute/v1/instances").into();
        match who {
            Who::MgcReqwest => Target::Mgc(mgc(mgc::Leaf::Reqwest)),
            Who::MgcHyper => Target::Mgc(mgc(mgc::Leaf::Hyper)),
            Who::HandReqwest => Target::Hand {
                http: reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .unwrap(),
                base,
            },
            Who::RawHyper => {
                let mut connector = hyper_util::client::legacy::connect::HttpConnector::new();
                connector.set_nodelay(true);
                Target::Raw {
                    http: hyper_util::client::legacy::Client::builder(
                        hyper_util::rt::TokioExecutor::new(),
                    )
                    .build(connector),
                    base,
                }
            }
        }
    }

    async fn call(&self, kind: Kind) {
        match self {
            Target::Mgc(client) => match kind {
                Kind::Get => drop(std::hint::black_box(
                    client.send(GetInstance::new(ID)).await.unwrap(),
                )),
                Kind::List => drop(std::hint::black_box(
                    client
                        .send(ListInstances::new().limit(100u32))
                        .await
                        .unwrap(),
                )),
                Kind::Create => drop(std::hint::black_box(
                    client
                        .send(
                            CreateInstance::new(
                                "web-1",
                                IdOrName::name(MACHINE_TYPE),
                                IdOrName::name(IMAGE),
                            )
                            .ssh_key_name("deploy")
                            .availability_zone("br-se1-a")
                            .network(network())
                            .user_data(USER_DATA)
                            .labels(labels()),
                        )
                        .await
                        .unwrap(),
                )),
                Kind::Start => client.send(StartInstance::new(ID)).await.unwrap(),
            },
            Target::Hand { http, base } => {
                let request = match kind {
                    Kind::Get => http
                        .get(format!("{base}/{ID}?expand=network,image,machine-type"))
                        .header("x-api-version", "1.1"),
                    Kind::List => http
                        .get(format!("{base}?_limit=100"))
                        .header("x-api-version", "1.1"),
                    Kind::Create => http
                        .post(&**base)
                        .header("content-type", "application/json")
                        .body(create_body()),
                    Kind::Start => http
                        .post(format!("{base}/{ID}/start"))
                        .header("content-length", "0"),
                };
                let response = request
                    .header("x-api-key", KEY)
                    .header("user-agent", mgc::USER_AGENT_PREFIX)
                    .header("accept", "application/json")
                    .header("x-request-id", request_id())
                    .send()
                    .await
                    .unwrap();
                assert!(response.status().is_success());
                let body = response.bytes().await.unwrap();
                decode(kind, &body);
            }
            Target::Raw { http, base } => {
                let (method, uri, body) = match kind {
                    Kind::Get => (
                        http::Method::GET,
                        format!("{base}/{ID}?expand=network,image,machine-type"),
                        Bytes::new(),
                    ),
                    Kind::List => (
                        http::Method::GET,
                        format!("{base}?_limit=100"),
                        Bytes::new(),
                    ),
                    Kind::Create => (http::Method::POST, base.to_string(), create_body().into()),
                    Kind::Start => (
                        http::Method::POST,
                        format!("{base}/{ID}/start"),
                        Bytes::new(),
                    ),
                };
                let mut request = http::Request::builder()
                    .method(method)
                    .uri(uri)
                    .header("x-api-key", KEY)
                    .header("user-agent", mgc::USER_AGENT_PREFIX)
                    .header("accept", "application/json")
                    .header("x-request-id", request_id());
                request = match kind {
                    Kind::Get | Kind::List => request.header("x-api-version", "1.1"),
                    Kind::Create => request.header("content-type", "application/json"),
                    Kind::Start => request.header("content-length", "0"),
                };
                let response = http
                    .request(request.body(Full::new(body)).unwrap())
                    .await
                    .unwrap();
                assert!(response.status().is_success());
                let body = response.into_body().collect().await.unwrap().to_bytes();
                decode(kind, &body);
            }
        }
    }
}

/// What the hand-written clients do with a body: decode it into mgc's types.
fn decode(kind: Kind, body: &[u8]) {
    match kind {
        Kind::Get => drop(std::hint::black_box(
            serde_json::from_slice::<Instance>(body).unwrap(),
        )),
        Kind::List => drop(std::hint::black_box(
            serde_json::from_slice::<ListInstancesResponse>(body).unwrap(),
        )),
        Kind::Create => drop(std::hint::black_box(
            serde_json::from_slice::<CreateResponse>(body).unwrap(),
        )),
        Kind::Start => assert!(body.is_empty()),
    }
}

// ---------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------

/// A network interface as an expanded read returns it.
fn interface(n: u32, primary: bool) -> String {
    format!(
        r#"{{"id":"7d3e52a1-0c4b-4f8e-9a61-3b2f5c8d{n:04}","name":"eth{n}","primary":{primary},"security_groups":["4b9a1c2e-5d6f-4a7b-8c9d-0e1f2a3b4c5d","8f7e6d5c-4b3a-4291-8e7f-6a5b4c3d2e1f"],"associated_public_ipv4":"201.23.4.{n}","ip_addresses":{{"private_ipv4":"10.0.{n}.5","public_ipv6":"2804:7f4:3000::{n}"}}}}"#
    )
}

/// One instance, expanded (`expand=network,image,machine-type`).
fn expanded_instance() -> String {
    format!(
        r#"{{"id":"{ID}","name":"web-1","machine_type":{{"id":"c78b759d-af80-4489-acf1-04c48851f273","name":"BV1-1-40","vcpus":1,"ram":1024,"disk":40}},"image":{{"id":"c47e974f-8002-46e9-8a63-d66505be2aa1","name":"cloud-ubuntu-24.04 LTS","platform":"linux"}},"status":"completed","state":"running","created_at":"2026-11-27T16:02:22.123456Z","updated_at":"2026-11-27T16:05:00.654321Z","ssh_key_name":"deploy","availability_zone":"br-se1-a","labels":["env:prod","team:web","web"],"user_data":"{USER_DATA}","network":{{"vpc":{{"id":"9f1c3a5e-7b2d-4c6e-8a0f-1d3b5c7e9a2f","name":"vpc_default"}},"interfaces":[{},{}]}}}}"#,
        interface(1, true),
        interface(2, false)
    )
}

/// A page of 100 instances as a list returns them (API version 1.1, unexpanded:
/// ids for the machine type, image and interfaces).
fn page() -> String {
    let items: Vec<String> = (0..100)
        .map(|i| {
            format!(
                r#"{{"id":"2ae0b896-855c-456c-b4a5-c8f4e6d2{i:04}","name":"web-{i}","machine_type":{{"id":"c78b759d-af80-4489-acf1-04c48851f273"}},"image":{{"id":"c47e974f-8002-46e9-8a63-d66505be2aa1"}},"status":"completed","state":"running","created_at":"2026-11-27T16:02:22Z","updated_at":"2026-11-27T16:05:00Z","ssh_key_name":"deploy","availability_zone":"br-se1-a","labels":["env:prod"],"network":{{"interfaces":[{{"id":"7d3e52a1-0c4b-4f8e-9a61-3b2f5c8d{i:04}"}}]}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"instances":[{}],"meta":{{"page":{{"limit":100,"offset":0,"count":100,"total":1000}}}}}}"#,
        items.join(",")
    )
}

/// Whole responses, head and body, written as they are.
struct Canned {
    instance: Bytes,
    page: Bytes,
    created: Bytes,
    started: Bytes,
    not_found: Bytes,
    /// While on, the server notes what each request looked like (see [`signature`]).
    recording: AtomicBool,
    /// The client being recorded, and the requests of each client recorded so far.
    seen: Mutex<(String, BTreeMap<String, Vec<String>>)>,
}

fn response(status: &str, body: &str) -> Bytes {
    let head = if status.starts_with("204") {
        format!("HTTP/1.1 {status}\r\n\r\n")
    } else {
        format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        )
    };
    format!("{head}{body}").into()
}

/// What must match between clients: method, target, the values of the headers
/// that carry meaning (the request id's shape, not its value) and the body.
fn signature(request: &httparse::Request<'_, '_>, body: &[u8]) -> String {
    let mut headers: Vec<String> = request
        .headers
        .iter()
        .map(|h| {
            let name = h.name.to_ascii_lowercase();
            match name.as_str() {
                "x-request-id" => format!("x-request-id: <{} chars>", h.value.len()),
                "host" => "host: <addr>".to_owned(),
                _ => format!("{name}: {}", String::from_utf8_lossy(h.value)),
            }
        })
        .collect();
    headers.sort();
    let mut hash = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut hash);
    format!(
        "{} {} [{}] body {} bytes #{:016x}",
        request.method.unwrap_or("?"),
        request.path.unwrap_or("?"),
        headers.join(", "),
        body.len(),
        hash.finish()
    )
}

/// The answer to one request, and whether the connection stays open.
fn answer(canned: &Canned, request: &httparse::Request<'_, '_>, body: &[u8]) -> Bytes {
    let path = request.path.unwrap_or("");
    if path == "/__signatures" {
        canned.recording.store(false, Ordering::SeqCst);
        let seen = std::mem::take(&mut canned.seen.lock().unwrap().1);
        let mut out = String::new();
        for (client, lines) in seen {
            for line in lines {
                out.push_str(&format!("{client}\t{line}\n"));
            }
        }
        return response("200 OK", &out);
    }
    if let Some(client) = path.strip_prefix("/__record/") {
        let mut seen = canned.seen.lock().unwrap();
        seen.0 = client.to_owned();
        seen.1.insert(client.to_owned(), Vec::new());
        canned.recording.store(true, Ordering::SeqCst);
        return response("200 OK", "");
    }
    if canned.recording.load(Ordering::Relaxed) {
        let line = signature(request, body);
        let (current, seen) = &mut *canned.seen.lock().unwrap();
        seen.entry(current.clone()).or_default().push(line);
    }
    let Some(rest) = path.strip_prefix("/br-se1/compute/v1/instances") else {
        return canned.not_found.clone();
    };
    match (request.method.unwrap_or(""), rest) {
        ("GET", r) if r.is_empty() || r.starts_with('?') => canned.page.clone(),
        ("POST", "") if !body.is_empty() => canned.created.clone(),
        ("POST", r) if r.ends_with("/start") && body.is_empty() => canned.started.clone(),
        ("GET", r) if r.starts_with('/') => canned.instance.clone(),
        _ => canned.not_found.clone(),
    }
}

/// One keep-alive HTTP/1.1 connection: parse a request head with httparse, read
/// its `content-length` body, write the canned response; no chunked bodies (none
/// of the clients sends one), no pipelining needed.
async fn connection(mut stream: tokio::net::TcpStream, canned: Arc<Canned>) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut buf = bytes::BytesMut::with_capacity(16 * 1024);
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut request = httparse::Request::new(&mut headers);
        let reply = match request.parse(&buf) {
            Ok(httparse::Status::Complete(head)) => {
                let length = request
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                    .and_then(|h| std::str::from_utf8(h.value).ok()?.parse::<usize>().ok())
                    .unwrap_or(0);
                if buf.len() >= head + length {
                    let reply = answer(&canned, &request, &buf[head..head + length]);
                    Some((reply, head + length))
                } else {
                    None
                }
            }
            Ok(httparse::Status::Partial) => None,
            Err(_) => return,
        };
        match reply {
            Some((reply, used)) => {
                bytes::Buf::advance(&mut buf, used);
                if stream.write_all(&reply).await.is_err() {
                    return;
                }
            }
            None => match stream.read_buf(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            },
        }
    }
}

/// Serves the canned answers on one thread, pinned to CPU 1, and prints the address.
fn serve() {
    let pinned = support::pin_to_cpu(1);
    let instance = expanded_instance();
    let page = page();
    let canned = Arc::new(Canned {
        instance: response("200 OK", &instance),
        page: response("200 OK", &page),
        created: response("201 Created", &format!(r#"{{"id":"{ID}"}}"#)),
        started: response("204 No Content", ""),
        not_found: response("404 Not Found", r#"{"message":"no such route"}"#),
        recording: AtomicBool::new(false),
        seen: Mutex::new((String::new(), BTreeMap::new())),
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        println!("{}", listener.local_addr().unwrap());
        eprintln!(
            "server: pinned to CPU 1: {pinned}; GET instance {} bytes, page {} bytes",
            instance.len(),
            page.len()
        );
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            stream.set_nodelay(true).unwrap();
            tokio::spawn(connection(stream, canned.clone()));
        }
    });
}

// ---------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------

#[derive(Clone, Copy)]
struct Sample {
    cpu_us: f64,
    allocs: f64,
    rps: f64,
    server_busy: f64,
}

/// CPU time of another process so far, from /proc (user + system).
fn cpu_of(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields
        .get(11..13)
        .map(|f| f.iter().filter_map(|v| v.parse::<u64>().ok()).sum())
        .unwrap_or(0);
    let hz = support::clock_ticks_per_second();
    Duration::from_nanos(ticks * 1_000_000_000 / hz)
}

/// Makes `calls` calls, `in_flight` at a time, on this thread's runtime.
async fn drive(target: &Target, kind: Kind, in_flight: usize, calls: usize) {
    if in_flight == 1 {
        for _ in 0..calls {
            target.call(kind).await;
        }
        return;
    }
    let next = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..in_flight)
        .map(|_| {
            let target = target.clone();
            let next = next.clone();
            tokio::spawn(async move {
                while next.fetch_add(1, Ordering::Relaxed) < calls {
                    target.call(kind).await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}

async fn measure(
    target: &Target,
    kind: Kind,
    in_flight: usize,
    calls: usize,
    server: u32,
) -> Sample {
    drive(target, kind, in_flight, (calls / 10).max(in_flight * 2)).await;
    let server_cpu = cpu_of(server);
    support::track_all(true);
    let allocs = support::allocations();
    let cpu = support::process_cpu();
    let started = Instant::now();
    drive(target, kind, in_flight, calls).await;
    let took = started.elapsed();
    let cpu = support::process_cpu() - cpu;
    let allocs = support::allocations() - allocs;
    support::track_all(false);
    let server_cpu = cpu_of(server) - server_cpu;
    Sample {
        cpu_us: cpu.as_secs_f64() * 1e6 / calls as f64,
        allocs: allocs as f64 / calls as f64,
        rps: calls as f64 / took.as_secs_f64(),
        server_busy: server_cpu.as_secs_f64() / took.as_secs_f64(),
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Sends one request of each kind from each client and checks, on the server's
/// side, that all clients sent the same thing.
async fn check_same_requests(targets: &[(Who, Target)], kinds: &[Kind], admin: &str) {
    let http = reqwest::Client::new();
    for (who, target) in targets {
        http.get(format!("{admin}/__record/{}", who.name()))
            .send()
            .await
            .unwrap();
        for &kind in kinds {
            target.call(kind).await;
        }
    }
    let seen = http
        .get(format!("{admin}/__signatures"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut by_client: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for line in seen.lines() {
        let (client, signature) = line.split_once('\t').unwrap();
        by_client.entry(client).or_default().push(signature);
    }
    let reference = by_client
        .get(Who::MgcReqwest.name())
        .cloned()
        .unwrap_or_default();
    let mut same = true;
    for (client, signatures) in &by_client {
        if *signatures != reference {
            same = false;
            eprintln!("requests of {client} differ from mgc-reqwest's:");
            for (theirs, ours) in signatures.iter().zip(&reference) {
                if theirs != ours {
                    eprintln!("  {client}: {theirs}\n  mgc-reqwest: {ours}");
                }
            }
        }
    }
    if same {
        println!("All four clients sent the same requests (method, target, headers, body):");
        for line in &reference {
            println!("    {line}");
        }
    } else {
        panic!("the clients do not send the same requests; fix the benchmark first");
    }
}

fn arg<T: std::str::FromStr>(args: &[String], name: &str, default: T) -> T {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse().unwrap_or_else(|_| panic!("bad value for {name}")))
        .unwrap_or(default)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// `--only CLIENT KIND CALLS ADDR`: the calls alone, for callgrind.
fn only(args: &[String], at: usize) {
    let who = Who::parse(&args[at + 1]);
    let kind = Kind::parse(&args[at + 2]);
    let calls: usize = args[at + 3].parse().expect("a number of calls");
    let addr: SocketAddr = args[at + 4].parse().expect("a server address");
    let in_flight: usize = args
        .get(at + 5)
        .map_or(1, |n| n.parse().expect("calls in flight"));
    support::pin_to_cpu(0);
    runtime().block_on(async move {
        let target = Target::new(who, addr);
        // The same warm-up in every count (opening the connections too), so that
        // it cancels out of the difference between a count with CALLS calls and
        // one with none.
        drive(&target, kind, in_flight, 50.max(in_flight)).await;
        drive(&target, kind, in_flight, calls).await;
    });
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".to_owned())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--serve") {
        serve();
        return;
    }
    if let Some(at) = args.iter().position(|a| a == "--only") {
        only(&args, at);
        return;
    }
    let reps: usize = arg(&args, "--reps", 11);
    let scale: f64 = arg(&args, "--scale", 1.0);
    let kinds: Vec<Kind> = arg(&args, "--kinds", "get,list,create,start".to_owned())
        .split(',')
        .map(Kind::parse)
        .collect();

    let mut server = std::process::Command::new(std::env::current_exe().unwrap())
        .arg("--serve")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the server process starts");
    let mut line = String::new();
    std::io::BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr: SocketAddr = line.trim().parse().expect("the server prints its address");
    let server_pid = server.id();
    // Counted before pinning: a pinned thread sees one CPU.
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let pinned = support::pin_to_cpu(0);
    let load_before = load_average();

    let rt = runtime();
    let results = rt.block_on(async {
        let targets: Vec<(Who, Target)> = Who::ALL
            .into_iter()
            .map(|w| (w, Target::new(w, addr)))
            .collect();
        check_same_requests(&targets, &kinds, &format!("http://{addr}")).await;
        // What each call moves around before it runs: the future `send` returns,
        // created and dropped here without being polled.
        if let Target::Mgc(client) = &targets[2].1 {
            eprintln!(
                "size of the future client.send(..) returns: GetInstance {} B, StartInstance {} B",
                std::mem::size_of_val(&client.send(GetInstance::new(ID))),
                std::mem::size_of_val(&client.send(StartInstance::new(ID))),
            );
        }
        // results[kind][in_flight][who] = samples
        let mut results: BTreeMap<(usize, usize, usize), Vec<Sample>> = BTreeMap::new();
        for rep in 0..reps {
            eprintln!("repetition {}/{reps} (load {})", rep + 1, load_average());
            for (k, &kind) in kinds.iter().enumerate() {
                for (m, in_flight) in [1, IN_FLIGHT].into_iter().enumerate() {
                    let calls = ((kind.calls(in_flight) as f64 * scale) as usize).max(in_flight);
                    for turn in 0..targets.len() {
                        let w = (turn + rep) % targets.len();
                        let target = &targets[w].1;
                        let sample = measure(target, kind, in_flight, calls, server_pid).await;
                        results.entry((k, m, w)).or_default().push(sample);
                    }
                }
            }
        }
        results
    });
    let load_after = load_average();
    let _ = server.kill();
    let _ = server.wait();

    let cell = |k: usize, m: usize, w: usize, f: fn(&Sample) -> f64| -> f64 {
        median(results[&(k, m, w)].iter().map(f).collect())
    };
    let cpu_model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_owned())
        })
        .unwrap_or_else(|| "?".to_owned());
    println!();
    println!(
        "Machine: {cpus} CPUs, {cpu_model}; client pinned to CPU 0: {pinned}, server to CPU 1; \
         load average before {load_before}, after {load_after}. Medians of {reps} repetitions."
    );
    println!();
    println!(
        "| request | client | CPU/call, sequential | allocs/call | CPU/call, 64 in flight | requests/s, 64 in flight | client / server busy |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");
    for (k, kind) in kinds.iter().enumerate() {
        for (w, who) in Who::ALL.iter().enumerate() {
            println!(
                "| {} | {} | {:.1} us | {:.1} | {:.1} us | {:.0} | {:.0}% / {:.0}% |",
                kind.title(),
                who.title(),
                cell(k, 0, w, |s| s.cpu_us),
                cell(k, 0, w, |s| s.allocs),
                cell(k, 1, w, |s| s.cpu_us),
                cell(k, 1, w, |s| s.rps),
                cell(k, 1, w, |s| s.cpu_us * s.rps / 1e4),
                cell(k, 1, w, |s| s.server_busy) * 100.0,
            );
        }
    }
    println!();
    println!(
        "Client busy below 100% with the server below 100% too: something else (another \
         process on a pinned core) set the pace, and requests/s reads low; the CPU per call \
         at 64 in flight bounds what one core can do (req/s <= 1 / CPU per call), shown \
         as \"ceiling\" below."
    );
    println!();
    println!(
        "Against the targets: the default leaf (hyper) vs hand reqwest and vs raw hyper; \
         the reqwest leaf vs hand reqwest:"
    );
    println!();
    println!(
        "| request | default leaf CPU, seq. (<= 1.10x hand reqwest) | allocs (<= +10) | req/s @64 (>= 0.95x) | CPU, seq. (<= 1.15x raw hyper) | req/s @64 (>= 0.90x raw hyper) | reqwest leaf CPU, seq. | allocs | req/s @64 |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    let (raw, hand, leaf_h, leaf_r) = (0, 1, 2, 3);
    let mark = |ok: bool| if ok { "" } else { " MISS" };
    let vs = |k: usize, a: usize, b: usize| {
        (
            cell(k, 0, a, |s| s.cpu_us) / cell(k, 0, b, |s| s.cpu_us),
            cell(k, 0, a, |s| s.allocs) - cell(k, 0, b, |s| s.allocs),
            cell(k, 1, a, |s| s.rps) / cell(k, 1, b, |s| s.rps),
        )
    };
    for (k, kind) in kinds.iter().enumerate() {
        let (cpu_d, allocs_d, rps_d) = vs(k, leaf_h, hand);
        let (cpu_h, _, rps_h) = vs(k, leaf_h, raw);
        let (cpu_r, allocs_r, rps_r) = vs(k, leaf_r, hand);
        println!(
            "| {} | {cpu_d:.2}x{} | {allocs_d:+.1}{} | {rps_d:.2}x{} | {cpu_h:.2}x{} | {rps_h:.2}x{} | {cpu_r:.2}x | {allocs_r:+.1} | {rps_r:.2}x |",
            kind.title(),
            mark(cpu_d <= 1.10),
            mark(allocs_d <= 10.0),
            mark(rps_d >= 0.95),
            mark(cpu_h <= 1.15),
            mark(rps_h >= 0.90),
        );
    }
    println!();
    let ceilings = |reference: usize, ours: usize| {
        kinds
            .iter()
            .enumerate()
            .map(|(k, kind)| {
                let ratio = cell(k, 1, reference, |s| s.cpu_us) / cell(k, 1, ours, |s| s.cpu_us);
                format!("{} {ratio:.2}x", kind.name())
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    println!(
        "The ceiling at 64 in flight (client CPU per call of the reference over ours): \
         reqwest leaf vs hand reqwest {}; hyper leaf vs raw hyper {}.",
        ceilings(hand, leaf_r),
        ceilings(raw, leaf_h),
    );
}
