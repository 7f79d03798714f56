//! The spans of a call, its attempts and back-offs, a wait and a page stream, as a
//! subscriber sees them: names, fields and the parent/child structure.
//!
//! Its own test binary: the capturing subscriber is the process-wide default (a
//! thread-local one could miss callsites whose interest another thread cached), and
//! must not leak into other tests. Each test runs under a root span of its own and
//! looks only at what happened below it.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use mgc::compute::{GetInstance, InstanceRunning, ListInstances};
use mgc_emulator::Emulator;
use tracing::field::{Field, Visit};
use tracing::{Instrument as _, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;

#[derive(Debug, Clone)]
struct SpanRec {
    seq: u64,
    name: &'static str,
    parent: Option<u64>,
    fields: BTreeMap<String, String>,
    closed: bool,
}

impl SpanRec {
    fn field(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }
}

#[derive(Debug, Clone)]
struct EventRec {
    span: Option<u64>,
    level: Level,
    fields: BTreeMap<String, String>,
}

impl EventRec {
    fn message(&self) -> &str {
        self.fields.get("message").map_or("", String::as_str)
    }
}

#[derive(Default)]
struct Store {
    spans: BTreeMap<u64, SpanRec>,
    events: Vec<EventRec>,
}

/// A span's own number: the registry reuses ids of closed spans, this never.
struct Seq(u64);

struct Capture(Arc<Mutex<Store>>);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

static NEXT: AtomicU64 = AtomicU64::new(1);

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: Context<'_, S>,
    ) {
        let span = ctx.span(id).expect("a new span is in the registry");
        let seq = NEXT.fetch_add(1, Ordering::Relaxed);
        let parent = span
            .parent()
            .and_then(|p| p.extensions().get::<Seq>().map(|s| s.0));
        span.extensions_mut().insert(Seq(seq));
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        self.0.lock().unwrap().spans.insert(
            seq,
            SpanRec {
                seq,
                name: attrs.metadata().name(),
                parent,
                fields,
                closed: false,
            },
        );
    }

    fn on_record(
        &self,
        id: &tracing::span::Id,
        values: &tracing::span::Record<'_>,
        ctx: Context<'_, S>,
    ) {
        let Some(seq) = ctx
            .span(id)
            .and_then(|s| s.extensions().get::<Seq>().map(|s| s.0))
        else {
            return;
        };
        let mut store = self.0.lock().unwrap();
        if let Some(span) = store.spans.get_mut(&seq) {
            values.record(&mut Fields(&mut span.fields));
        }
    }

    fn on_event(&self, event: &tracing::Event<'_>, ctx: Context<'_, S>) {
        let span = ctx
            .event_span(event)
            .and_then(|s| s.extensions().get::<Seq>().map(|s| s.0));
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.0.lock().unwrap().events.push(EventRec {
            span,
            level: *event.metadata().level(),
            fields,
        });
    }

    fn on_close(&self, id: tracing::span::Id, ctx: Context<'_, S>) {
        let Some(seq) = ctx
            .span(&id)
            .and_then(|s| s.extensions().get::<Seq>().map(|s| s.0))
        else {
            return;
        };
        if let Some(span) = self.0.lock().unwrap().spans.get_mut(&seq) {
            span.closed = true;
        }
    }
}

fn store() -> Arc<Mutex<Store>> {
    static STORE: OnceLock<Arc<Mutex<Store>>> = OnceLock::new();
    STORE
        .get_or_init(|| {
            let store = Arc::new(Mutex::new(Store::default()));
            tracing::subscriber::set_global_default(
                tracing_subscriber::registry().with(Capture(store.clone())),
            )
            .unwrap();
            store
        })
        .clone()
}

/// What happened below one test's root span.
struct Tree {
    spans: Vec<SpanRec>,
    events: Vec<EventRec>,
}

impl Tree {
    fn children(&self, parent: u64) -> Vec<&SpanRec> {
        self.spans
            .iter()
            .filter(|s| s.parent == Some(parent))
            .collect()
    }

    fn named(&self, name: &str) -> Vec<&SpanRec> {
        self.spans.iter().filter(|s| s.name == name).collect()
    }

    fn events_in(&self, span: u64) -> Vec<&EventRec> {
        self.events
            .iter()
            .filter(|e| e.span == Some(span))
            .collect()
    }

    /// The events of `span` with `message`.
    fn said(&self, span: u64, message: &str) -> Vec<&EventRec> {
        self.events_in(span)
            .into_iter()
            .filter(|e| e.message() == message)
            .collect()
    }

    /// Events at INFO or above (WARN, ERROR).
    fn loud(&self) -> Vec<&EventRec> {
        self.events
            .iter()
            .filter(|e| e.level <= Level::INFO)
            .collect()
    }
}

/// Runs `body` under a root span of its own and returns what happened below it.
async fn traced<F: std::future::Future<Output = ()>>(name: &'static str, body: F) -> Tree {
    let store = store();
    let root = tracing::info_span!("test", case = name);
    let root_seq = {
        // The root's number: the span whose `case` is ours.
        let store = store.lock().unwrap();
        store
            .spans
            .values()
            .rev()
            .find(|s| s.name == "test" && s.field("case") == Some(name))
            .map(|s| s.seq)
            .expect("the root span was captured")
    };
    body.instrument(root.clone()).await;
    drop(root);
    let store = store.lock().unwrap();
    let mut below = vec![root_seq];
    let mut spans = Vec::new();
    for span in store.spans.values() {
        if span.parent.is_some_and(|p| below.contains(&p)) {
            below.push(span.seq);
            spans.push(span.clone());
        }
    }
    let events = store
        .events
        .iter()
        .filter(|e| e.span.is_some_and(|s| below.contains(&s)))
        .cloned()
        .collect();
    Tree { spans, events }
}

fn client(emulator: &Emulator, attempts: u32) -> mgc::Client {
    mgc::Client::builder()
        .api_key("spans-key")
        .base_url(emulator.region_url("br-se1"))
        .retry(
            mgc::RetryConfig::new()
                .max_attempts(attempts)
                .initial_interval(Duration::from_millis(1))
                .max_interval(Duration::from_millis(5)),
        )
        .build()
        .unwrap()
}

async fn emulator() -> Emulator {
    Emulator::builder()
        .transition_delay(Duration::ZERO)
        .start()
        .await
}

/// A create request for a small instance of the emulator's catalogue.
fn create() -> mgc::compute::CreateInstance {
    use mgc::compute::{CreateInstance, IdOrName};
    CreateInstance::new(
        "w",
        IdOrName::name("BV1-1-10"),
        IdOrName::name("cloud-ubuntu-24.04 LTS"),
    )
}

fn is_trace_id(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

#[tokio::test]
async fn a_call_retried_once_is_one_call_span_over_two_attempts_and_a_backoff() {
    let emulator = emulator().await;
    let id = emulator.seed_instances("br-se1", 1, "vm-").remove(0);
    let client = client(&emulator, 3);
    emulator.clear_requests();
    emulator.faults().fail_next_without_retry_after(1, 503);

    let tree = traced("retried once", async {
        client.send(GetInstance::new(&id)).await.unwrap();
    })
    .await;

    let sent = emulator.requests();
    assert_eq!(sent.len(), 2, "one failed attempt, one retry");
    let request_id = sent[0].header("x-request-id").unwrap().to_owned();
    assert_eq!(sent[1].header("x-request-id"), Some(request_id.as_str()));
    let url = format!("{}{}", emulator.url(), sent[0].path);

    let calls = tree.named("mgc.call");
    assert_eq!(calls.len(), 1, "{:#?}", tree.spans);
    let call = calls[0];
    assert_eq!(call.field("mgc.operation"), Some("get_instance"));
    assert_eq!(call.field("otel.name"), Some("get_instance"));
    assert_eq!(call.field("mgc.request_id"), Some(request_id.as_str()));
    assert_eq!(call.field("http.response.status_code"), Some("200"));
    assert_eq!(call.field("error.type"), None);

    // Below the call, in order: the attempt, the back-off, the retry.
    let children = tree.children(call.seq);
    let names: Vec<&str> = children.iter().map(|s| s.name).collect();
    assert_eq!(names, ["mgc.attempt", "mgc.backoff", "mgc.attempt"]);
    let (first, backoff, second) = (children[0], children[1], children[2]);

    for attempt in [first, second] {
        assert_eq!(attempt.field("http.request.method"), Some("GET"));
        assert_eq!(attempt.field("otel.kind"), Some("client"));
        assert_eq!(attempt.field("url.full"), Some(url.as_str()));
        assert_eq!(attempt.field("server.address"), Some("127.0.0.1"));
        let port = emulator.addr().port().to_string();
        assert_eq!(attempt.field("server.port"), Some(port.as_str()));
        assert!(
            attempt.field("mgc.trace_id").is_some_and(is_trace_id),
            "{attempt:?}"
        );
        assert!(tree.children(attempt.seq).is_empty());
    }
    assert_eq!(first.field("http.response.status_code"), Some("503"));
    assert_eq!(first.field("error.type"), Some("503"));
    assert_eq!(first.field("otel.status_code"), Some("ERROR"));
    assert_eq!(first.field("mgc.retry"), Some("retry"));
    assert_eq!(first.field("http.request.resend_count"), None);

    assert_eq!(second.field("http.response.status_code"), Some("200"));
    assert_eq!(second.field("http.request.resend_count"), Some("1"));
    assert_eq!(second.field("error.type"), None);
    assert_eq!(second.field("mgc.retry"), None);
    assert_ne!(first.field("mgc.trace_id"), second.field("mgc.trace_id"));
    assert_eq!(call.field("mgc.trace_id"), second.field("mgc.trace_id"));

    // The back-off: which attempt it follows, what it slept (at most 1 ms here),
    // and one INFO event inside it.
    assert_eq!(backoff.field("mgc.attempt"), Some("1"));
    let slept: u64 = backoff.field("mgc.backoff_ms").unwrap().parse().unwrap();
    assert!(slept <= 1, "{backoff:?}");
    let events = tree.events_in(backoff.seq);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].level, Level::INFO);
    assert_eq!(events[0].message(), "retrying");
    assert_eq!(
        events[0].fields.get("error.type").map(String::as_str),
        Some("503")
    );

    // At INFO, the retry is all there is to read; every span was closed.
    let loud: Vec<&str> = tree.loud().iter().map(|e| e.message()).collect();
    assert_eq!(loud, ["retrying"]);
    assert!(tree.spans.iter().all(|s| s.closed), "{:#?}", tree.spans);
}

#[tokio::test]
async fn a_healthy_call_is_one_attempt_and_silent_at_info() {
    let emulator = emulator().await;
    let client = client(&emulator, 3);
    let tree = traced("healthy", async {
        client
            .send(mgc::compute::ListMachineTypes::new())
            .await
            .unwrap();
    })
    .await;
    let names: Vec<&str> = tree.spans.iter().map(|s| s.name).collect();
    assert_eq!(names, ["mgc.call", "mgc.attempt"]);
    assert_eq!(tree.spans[1].parent, Some(tree.spans[0].seq));
    assert!(tree.loud().is_empty(), "{:?}", tree.loud());
}

#[tokio::test]
async fn failures_carry_their_type_and_why_they_were_not_retried() {
    let emulator = emulator().await;
    let client = client(&emulator, 2);

    // Retries used up on a GET: WARN, with the last status.
    emulator.faults().fail_next(2, 503);
    let tree = traced("exhausted", async {
        let error = client
            .send(mgc::compute::ListMachineTypes::new())
            .await
            .unwrap_err();
        assert!(matches!(error, mgc::Error::RetriesExhausted { .. }));
    })
    .await;
    let call = tree.named("mgc.call")[0];
    assert_eq!(call.field("error.type"), Some("503"));
    assert_eq!(call.field("http.response.status_code"), Some("503"));
    let attempts = tree.named("mgc.attempt");
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[1].field("mgc.retry"), Some("attempts_exhausted"));
    // (reqwest's own DEBUG and TRACE events land in the call span too)
    let warned: Vec<&EventRec> = tree
        .events_in(call.seq)
        .into_iter()
        .filter(|e| e.level <= Level::INFO)
        .collect();
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert_eq!(warned[0].level, Level::WARN);
    assert_eq!(warned[0].message(), "call failed");

    // A create answered 503 is not re-sent: the attempt says why.
    emulator.faults().fail_next(1, 503);
    let tree = traced("unsafe", async {
        client.send(create()).await.unwrap_err();
    })
    .await;
    let call = tree.named("mgc.call")[0];
    assert_eq!(call.field("mgc.operation"), Some("create_instance"));
    assert_eq!(call.field("error.type"), Some("outcome_unknown"));
    let attempts = tree.named("mgc.attempt");
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].field("http.request.method"), Some("POST"));
    assert_eq!(attempts[0].field("mgc.retry"), Some("unsafe_to_repeat"));

    // A 404 is the caller's business: typed, not retried, and quiet at INFO.
    let tree = traced("not found", async {
        let error = client.send(GetInstance::new("missing")).await.unwrap_err();
        assert!(error.is_not_found());
    })
    .await;
    let call = tree.named("mgc.call")[0];
    assert_eq!(call.field("error.type"), Some("404"));
    assert_eq!(call.field("otel.status_code"), Some("ERROR"));
    assert_eq!(
        tree.named("mgc.attempt")[0].field("mgc.retry"),
        Some("not_retryable")
    );
    assert!(tree.loud().is_empty(), "{:?}", tree.loud());
    let quiet: Vec<&EventRec> = tree.said(call.seq, "call failed");
    assert_eq!(quiet.len(), 1);
    assert_eq!(quiet[0].level, Level::DEBUG);
}

#[tokio::test]
async fn a_wait_is_one_span_over_its_polls() {
    let emulator = Emulator::builder().manual_transitions().start().await;
    let client = client(&emulator, 3);
    let id = client.send(create()).await.unwrap().id;
    let tree = traced("wait", async {
        client
            .wait(InstanceRunning::new(&id))
            .interval(Duration::from_millis(1), Duration::from_millis(1))
            // The first poll sees the pending state; then the transition completes.
            .on_status(|seen| {
                if seen.polls == 1 {
                    emulator.advance();
                }
            })
            .await
            .unwrap();
    })
    .await;
    let waits = tree.named("mgc.wait");
    assert_eq!(waits.len(), 1);
    let wait = waits[0];
    assert_eq!(wait.field("mgc.resource"), Some("instance"));
    assert_eq!(wait.field("mgc.resource_id"), Some(id.as_str()));
    assert_eq!(wait.field("mgc.target"), Some("running"));
    assert_eq!(wait.field("mgc.wait.polls"), Some("2"));
    assert_eq!(wait.field("mgc.wait.last_status"), Some("done"));
    let polls = tree.children(wait.seq);
    assert_eq!(polls.len(), 2);
    for poll in &polls {
        assert_eq!(poll.name, "mgc.call");
        assert_eq!(poll.field("mgc.operation"), Some("get_instance"));
        assert_eq!(tree.children(poll.seq).len(), 1, "one attempt per poll");
    }
    let seen: Vec<&str> = tree
        .said(wait.seq, "poll")
        .iter()
        .map(|e| e.fields["status"].as_str())
        .collect();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1], "done");
    assert!(tree.loud().is_empty(), "{:?}", tree.loud());
}

#[tokio::test]
async fn a_page_stream_is_one_span_over_a_call_per_page_and_says_where_it_failed() {
    use futures_util::StreamExt as _;

    let emulator = emulator().await;
    emulator.seed_instances("br-se1", 5, "vm-");
    let client = client(&emulator, 1);
    let tree = traced("pages", async {
        let mut stream = std::pin::pin!(client.paginate(ListInstances::new().limit(2u32)));
        for _ in 0..2 {
            stream.next().await.unwrap().unwrap();
        }
        emulator.faults().fail_next(1, 503);
        stream.next().await.unwrap().unwrap_err();
    })
    .await;
    let walks = tree.named("mgc.paginate");
    assert_eq!(walks.len(), 1);
    let walk = walks[0];
    assert_eq!(walk.field("mgc.operation"), Some("list_instances"));
    assert_eq!(walk.field("mgc.page_size"), Some("2"));
    assert_eq!(walk.field("mgc.start_offset"), Some("0"));
    assert_eq!(walk.field("mgc.pages"), Some("2"));
    assert_eq!(walk.field("mgc.failed_offset"), Some("2"));
    assert_eq!(walk.field("mgc.yielded"), Some("2"));
    assert_eq!(walk.field("error.type"), Some("503"));
    let pages = tree.children(walk.seq);
    assert_eq!(pages.len(), 2);
    assert!(pages.iter().all(|p| p.name == "mgc.call"));
    assert_eq!(pages[1].field("error.type"), Some("503"));
    let failed: Vec<&EventRec> = tree.said(walk.seq, "page failed");
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].level, Level::WARN);
    assert!(walk.closed);
}

#[tokio::test]
async fn a_hostile_trace_id_is_recorded_inert_and_bounded() {
    // A loopback server whose trace id carries a bidi override, a C1 control and
    // 400 bytes: header values may hold any byte from 0x80 up.
    let mut hostile = b"trace\xe2\x80\xaeevil\xc2\x9b31m".to_vec();
    hostile.extend(std::iter::repeat_n(b'x', 400));
    let value = http::HeaderValue::from_bytes(&hostile).unwrap();
    let app = axum::Router::new().fallback(move || {
        let value = value.clone();
        async move {
            let mut response = axum::response::IntoResponse::into_response((
                http::StatusCode::NOT_FOUND,
                r#"{"slug":"not_found","message":"no"}"#,
            ));
            response.headers_mut().insert("x-mgc-trace-id", value);
            response
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let client = mgc::Client::builder()
        .api_key("spans-key")
        .base_url(format!("http://{addr}/br-se1"))
        .build()
        .unwrap();

    let tree = traced("hostile", async {
        client.send(GetInstance::new("x")).await.unwrap_err();
    })
    .await;
    server.abort();
    let recorded = [
        tree.named("mgc.call")[0].field("mgc.trace_id"),
        tree.named("mgc.attempt")[0].field("mgc.trace_id"),
    ];
    for trace in recorded {
        let trace = trace.expect("the trace id is recorded");
        assert!(trace.starts_with("trace\\u{202e}evil\\u{9b}31m"), "{trace}");
        assert!(!trace.chars().any(char::is_control), "{trace:?}");
        assert!(!trace.contains('\u{202e}'), "{trace:?}");
        assert!(trace.len() < 250, "bounded: {} bytes", trace.len());
    }
}
