//! OpenTelemetry spans (feature `otel`) over real sockets: one trace from
//! the HTTP server span through a queue (in memory, SQLite, Redis) to the
//! worker and its retries, read back from the SDK's in-memory exporter.

mod common;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use common::delivery::{event, post_once as post};
use fusionauth_webhooks::delivery::{MemoryQueue, Queue};
use fusionauth_webhooks::otel::TRACE_CONTEXT_MEMBER;
use fusionauth_webhooks::{Event, EventType, HandlerError, Router, Webhook, Worker};
use fusionauth_webhooks_redis::testing::RedisServer;
use fusionauth_webhooks_redis::{RedisConfig, RedisQueue};
use fusionauth_webhooks_sqlx::SqlQueue;
use http::StatusCode;
use http_body_util::Full;
use hyper_util::rt::TokioIo;
use opentelemetry::Value;
use opentelemetry::trace::{SpanId, SpanKind, Status, TracerProvider as _};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use tracing::Instrument as _;
use tracing_subscriber::layer::SubscriberExt as _;
use uuid::Uuid;

/// The spans every test's tracer provider exported. One subscriber for the
/// whole process, as an app installs it: a subscriber set for one thread
/// only would miss the spans that a library enters on threads of its own
/// (SQLite's connection threads), and never see them closed.
fn exporter() -> &'static InMemorySpanExporter {
    static EXPORTER: OnceLock<InMemorySpanExporter> = OnceLock::new();
    EXPORTER.get_or_init(|| {
        let exporter = InMemorySpanExporter::default();
        let provider = SdkTracerProvider::builder()
            .with_simple_exporter(exporter.clone())
            .build();
        let subscriber = tracing_subscriber::registry()
            .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("otel-test")));
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        exporter
    })
}

/// The finished spans of the trace whose root is named `root` (each test
/// names its own), once the root has finished: the server may answer
/// before it drops the request's future, which ends its spans.
async fn trace(root: &str) -> Vec<SpanData> {
    for _ in 0..500 {
        let spans = exporter().get_finished_spans().expect("finished spans");
        if let Some(found) = spans.iter().find(|span| span.name == root) {
            let trace_id = found.span_context.trace_id();
            return spans
                .into_iter()
                .filter(|span| span.span_context.trace_id() == trace_id)
                .collect();
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("no span named {root} finished within 5 s");
}

/// Serves `webhook` on a free loopback port, each request in an HTTP
/// server span named `root`, as a framework's tracing layer would.
async fn serve_traced(webhook: Webhook, root: &'static str) -> SocketAddr {
    exporter();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let webhook = webhook.clone();
            let service = hyper::service::service_fn(move |request| {
                let webhook = webhook.clone();
                let server = tracing::info_span!(
                    "POST /",
                    "otel.name" = root,
                    "otel.kind" = "server",
                    "http.request.method" = "POST",
                );
                async move {
                    let response = webhook.handle_body(request).instrument(server).await;
                    Ok::<_, Infallible>(response.map(Full::new))
                }
            });
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            tokio::spawn(connection);
        }
    });
    address
}

/// A router whose `user.update.complete` handler fails its first attempt and
/// succeeds after, recording the raw body it is given each time.
fn fails_once(bodies: &Arc<Mutex<Vec<Bytes>>>) -> Router {
    let bodies = Arc::clone(bodies);
    Router::new().on_event(EventType::UserUpdateComplete, move |event: Event| {
        let bodies = Arc::clone(&bodies);
        async move {
            let mut bodies = bodies.lock().unwrap();
            bodies.push(event.raw().clone());
            if bodies.len() == 1 {
                return Err(HandlerError::retry_later());
            }
            Ok(())
        }
    })
}

fn attribute(span: &SpanData, key: &str) -> Option<Value> {
    span.attributes
        .iter()
        .find(|attribute| attribute.key.as_str() == key)
        .map(|attribute| attribute.value.clone())
}

fn text(span: &SpanData, key: &str) -> String {
    match attribute(span, key) {
        Some(value) => value.as_str().into_owned(),
        None => panic!("{} has no {key}: {:?}", span.name, span.attributes),
    }
}

fn named<'a>(spans: &'a [SpanData], name: &str) -> Vec<&'a SpanData> {
    spans.iter().filter(|span| span.name == name).collect()
}

fn one<'a>(spans: &'a [SpanData], name: &str) -> &'a SpanData {
    match named(spans, name).as_slice() {
        [span] => span,
        other => panic!(
            "{} spans named {name} in {:?}",
            other.len(),
            spans.iter().map(|span| &span.name).collect::<Vec<_>>()
        ),
    }
}

fn child_of(child: &SpanData, parent: &SpanData) -> bool {
    child.parent_span_id == parent.span_context.span_id()
        && child.span_context.trace_id() == parent.span_context.trace_id()
}

/// Posts a `user.update.complete` to a webhook that enqueues it on `queue`, runs a
/// worker until the handler has succeeded (one failure, one retry), and
/// checks the one trace this makes.
async fn one_trace_through(queue: Arc<dyn Queue>, root: &'static str) {
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let router = fails_once(&bodies);
    let webhook = Webhook::builder()
        .api_key(common::delivery::API_KEY)
        .router(router.clone())
        .enqueue([EventType::UserUpdateComplete], Arc::clone(&queue))
        .build()
        .expect("webhook");
    let address = serve_traced(webhook, root).await;
    let id = Uuid::new_v4();
    let body = event("user.update.complete", id);
    assert_eq!(post(address, body.clone()).await, StatusCode::ACCEPTED);

    let worker =
        Worker::new(router, Arc::clone(&queue)).retry_backoff(Duration::ZERO, Duration::ZERO);
    for _ in 0..20 {
        if bodies.lock().unwrap().len() == 2 {
            break;
        }
        worker
            .run_once(Duration::from_millis(200))
            .await
            .expect("receive");
    }
    let handled = bodies.lock().unwrap().clone();
    assert_eq!(
        handled,
        [body.clone(), body],
        "each attempt's handler sees the body exactly as FusionAuth sent it"
    );

    let spans = trace(root).await;
    let server = one(&spans, root);
    let receive = one(&spans, "receive user.update.complete");
    let send = one(&spans, "send user.update.complete");
    let processes = named(&spans, "process user.update.complete");
    let retry = one(&spans, "retry");
    let ack = one(&spans, "ack");
    assert_eq!(server.parent_span_id, SpanId::INVALID, "the root");
    assert!(
        child_of(receive, server),
        "receive under the HTTP server span"
    );
    assert!(child_of(send, receive), "the hand-off under receive");
    assert_eq!(processes.len(), 2, "one process span per attempt");
    for process in &processes {
        assert!(
            child_of(process, send),
            "the worker continues the queued message's trace"
        );
        assert!(
            process.parent_span_is_remote,
            "a context read from the queue"
        );
    }
    let (first, second) = if text(processes[0], "messaging.fusionauth.delivery_attempt") == "1" {
        (processes[0], processes[1])
    } else {
        (processes[1], processes[0])
    };
    assert_eq!(
        text(second, "messaging.fusionauth.delivery_attempt"),
        "2",
        "the retry is the second attempt"
    );
    assert!(child_of(retry, first), "the failed attempt is retried");
    assert!(child_of(ack, second), "the second attempt is acknowledged");

    assert_eq!(receive.span_kind, SpanKind::Consumer);
    assert_eq!(send.span_kind, SpanKind::Producer);
    assert_eq!(first.span_kind, SpanKind::Consumer);
    assert_eq!(
        (retry.span_kind.clone(), ack.span_kind.clone()),
        (SpanKind::Client, SpanKind::Client)
    );
    for (span, operation) in [
        (receive, "receive"),
        (send, "send"),
        (first, "process"),
        (second, "process"),
    ] {
        assert_eq!(text(span, "messaging.system"), "fusionauth");
        assert_eq!(text(span, "messaging.operation.type"), operation);
        assert_eq!(
            text(span, "messaging.destination.name"),
            "user.update.complete"
        );
        assert_eq!(text(span, "messaging.message.id"), id.to_string());
    }
    for (span, name) in [(retry, "retry"), (ack, "ack")] {
        assert_eq!(text(span, "messaging.operation.type"), "settle");
        assert_eq!(text(span, "messaging.operation.name"), name);
    }
    assert!(
        matches!(first.status, Status::Error { .. }),
        "{:?}",
        first.status
    );
    assert_eq!(text(first, "error.type"), "retry_later");
    assert!(!matches!(second.status, Status::Error { .. }));
    assert_eq!(
        attribute(first, "messaging.consumer.group.name"),
        queue
            .consumer_group()
            .map(|group| Value::from(group.to_owned())),
    );
}

#[tokio::test]
async fn one_trace_runs_from_the_request_through_a_memory_queue_to_each_attempt_of_the_worker() {
    one_trace_through(Arc::new(MemoryQueue::new()), "POST / (memory queue)").await;
}

#[tokio::test]
async fn the_trace_context_travels_in_a_sqlite_queue() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}/queue.db", dir.path().display());
    let pool = fusionauth_webhooks_sqlx::connect_sqlite(&url)
        .await
        .expect("SQLite");
    fusionauth_webhooks_sqlx::migrate(&pool)
        .await
        .expect("migrations");
    one_trace_through(Arc::new(SqlQueue::new(pool)), "POST / (SQLite queue)").await;
}

#[tokio::test]
async fn the_trace_context_travels_in_a_redis_stream_with_its_consumer_group() {
    let redis = RedisServer::start()
        .unwrap_or_else(|error| panic!("this test needs redis-server: {error}"));
    let config = RedisConfig::new(redis.url(), "otel-test").expect("config");
    let queue = RedisQueue::connect(&config, "worker-1")
        .await
        .expect("queue");
    assert!(queue.consumer_group().is_some());
    one_trace_through(Arc::new(queue), "POST / (Redis queue)").await;
}

#[tokio::test]
async fn the_queued_body_carries_the_send_spans_context_as_its_first_member() {
    let queue = Arc::new(MemoryQueue::new());
    let webhook = Webhook::builder()
        .api_key(common::delivery::API_KEY)
        .router(Router::new())
        .enqueue([EventType::UserUpdateComplete], Arc::clone(&queue))
        .build()
        .expect("webhook");
    let address = serve_traced(webhook, "POST / (carrier)").await;
    let body = event("user.update.complete", Uuid::new_v4());
    assert_eq!(post(address, body.clone()).await, StatusCode::ACCEPTED);

    let queued = queue
        .receive(1, Duration::from_secs(1))
        .await
        .expect("receive");
    let payload: serde_json::Value = serde_json::from_slice(&queued[0].payload).expect("JSON");
    let send = one(
        &trace("POST / (carrier)").await,
        "send user.update.complete",
    )
    .span_context
    .clone();
    let traceparent = format!("00-{}-{}-01", send.trace_id(), send.span_id());
    assert_eq!(
        payload[TRACE_CONTEXT_MEMBER]["traceparent"],
        traceparent.as_str()
    );
    let original: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(payload["event"], original["event"]);
}

#[tokio::test]
async fn handlers_run_in_the_request_have_a_process_span_and_a_failure_marks_it_and_receive() {
    let webhook = Webhook::builder()
        .api_key(common::delivery::API_KEY)
        .router(
            Router::new().on_event(EventType::UserDelete, |_event| async {
                tracing::info_span!("the handler's own work").in_scope(|| ());
                Err(HandlerError::retry_later())
            }),
        )
        .build()
        .expect("webhook");
    let address = serve_traced(webhook, "POST / (in the request)").await;
    let id = Uuid::new_v4();
    let status = post(address, event("user.delete", id)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);

    let spans = trace("POST / (in the request)").await;
    let server = one(&spans, "POST / (in the request)");
    let receive = one(&spans, "receive user.delete");
    let process = one(&spans, "process user.delete");
    let handler = one(&spans, "the handler's own work");
    assert!(child_of(receive, server));
    assert!(child_of(process, receive));
    assert!(
        child_of(handler, process),
        "the handlers run in the process span"
    );
    assert_eq!(text(process, "messaging.message.id"), id.to_string());
    assert_eq!(text(process, "error.type"), "retry_later");
    assert!(matches!(process.status, Status::Error { .. }));
    assert_eq!(text(receive, "error.type"), "503");
    assert!(matches!(receive.status, Status::Error { .. }));
}

#[tokio::test]
async fn a_refused_request_has_a_receive_span_without_an_event() {
    exporter();
    let webhook = Webhook::builder()
        .api_key(common::delivery::API_KEY)
        .allow_no_handlers()
        .build()
        .expect("webhook");
    let root = tracing::info_span!("refused", "otel.name" = "POST / (refused)");
    let response = webhook
        .handle(
            http::Request::post("/")
                .header("content-type", "application/json")
                .body(Bytes::from_static(br#"{"event":{"type":"user.delete"}}"#))
                .expect("request"),
        )
        .instrument(root)
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let spans = trace("POST / (refused)").await;
    let receive = one(&spans, "receive");
    assert_eq!(attribute(receive, "messaging.destination.name"), None);
    assert!(
        !matches!(receive.status, Status::Error { .. }),
        "a 4xx is the sender's error, not the receiver's"
    );
    assert!(named(&spans, "process").is_empty(), "nothing ran");
}
