//! One conformance suite, run by every adapter: the status table as cases.
//!
//! A [`Conformance`] builds the webhook under test (its credentials and
//! handlers are part of the suite), and [`Conformance::run`] sends every case
//! through a [`Transport`]: a real HTTP client talking to the adapter's server,
//! or one of the in-process transports here. Every adapter that passes answers
//! exactly like [`Webhook::handle`] does.
//!
//! ```
//! use fusionauth_webhooks::testing::conformance::{Conformance, InProcess};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let suite = Conformance::new();
//! let report = suite.run(&InProcess::service(suite.webhook())).await;
//! report.assert_passed();
//! # }
//! ```

use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Poll, Waker};
use std::time::Duration;

use bytes::Bytes;
use futures_util::stream;
use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::{Method, Request, StatusCode};
use http_body::Frame;
use http_body_util::{BodyExt, StreamBody};
use serde_json::json;
use uuid::Uuid;

use super::{TestRequest, TestResponse};
use crate::payload::UserCreate;
use crate::{DEFAULT_MAX_BODY_SIZE, Event, EventType, HandlerError, Router, Webhook};

/// The API key the suite's webhook requires.
pub const API_KEY: &str = "conformance-api-key-0123456789";
/// The only tenant whose events the suite's webhook handles.
pub const TENANT_ID: Uuid = Uuid::from_u128(0x7e1a_0000_0000_4000_8000_0000_0000_0001);
/// A tenant whose events are filtered out (acknowledged, not handled).
pub const OTHER_TENANT_ID: Uuid = Uuid::from_u128(0x7e1a_0000_0000_4000_8000_0000_0000_0002);
/// A detail an internal handler error carries, which must never reach a response.
pub const INTERNAL_DETAIL: &str = "connection string postgres://admin:hunter2@db";

/// The key the suite's webhook requires signatures from (with the
/// `signature` feature): RS256, like FusionAuth's default Key Master keys.
#[cfg(feature = "signature")]
pub fn signer() -> super::signing::TestSigner {
    super::signing::TestSigner::new(crate::signature::Algorithm::RS256)
}

/// How a transport sends the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// With a `Content-Length` header.
    ContentLength,
    /// Without one: chunked transfer encoding on HTTP/1.1, a body without a
    /// size hint in process.
    Chunked,
}

/// Sends one request to the webhook under test and reads the whole response.
///
/// The request's URI is `/`: send it to wherever the webhook is mounted. Keep
/// every header as given (including repeated ones) and add `Content-Length`
/// or chunked framing as [`Framing`] says. An `Err` (connection refused,
/// reset, ...) fails the case with its message.
pub trait Transport: Sync {
    /// Sends `request`.
    fn send(
        &self,
        request: Request<Bytes>,
        framing: Framing,
    ) -> impl Future<Output = Result<TestResponse, String>> + Send;
}

/// The suite: the webhook under test, and the cases to send to it.
#[derive(Debug, Clone, Default)]
pub struct Conformance {
    state: Arc<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Handlers finished per event id.
    finished: Mutex<HashMap<Uuid, usize>>,
    /// Makes event ids unique across runs against one webhook.
    run: AtomicU64,
}

impl State {
    fn record(&self, id: Option<Uuid>) {
        if let Some(id) = id {
            let mut finished = self.finished.lock().unwrap_or_else(PoisonError::into_inner);
            *finished.entry(id).or_default() += 1;
        }
    }

    fn finished(&self, id: Uuid) -> usize {
        let finished = self.finished.lock().unwrap_or_else(PoisonError::into_inner);
        finished.get(&id).copied().unwrap_or(0)
    }
}

/// What a case expects back.
#[derive(Debug, Clone)]
struct Expect {
    status: StatusCode,
    body: ExpectBody,
    header: Option<(&'static str, &'static str)>,
    handlers_finished: Option<(Uuid, usize)>,
}

#[derive(Debug, Clone)]
enum ExpectBody {
    Empty,
    ErrorCode(&'static str),
}

/// One row of the status table, as a request and what must come back.
#[derive(Debug, Clone)]
pub struct Case {
    /// What the case checks, as a statement.
    pub name: &'static str,
    request: TestRequest,
    framing: Framing,
    expect: Expect,
    /// Whether to sign the request when the suite requires signatures.
    #[cfg_attr(not(feature = "signature"), allow(dead_code))]
    signed: bool,
}

/// The result of a run: one entry per case.
#[derive(Debug, Clone)]
pub struct Report {
    /// Each case's name and its failure, if it failed.
    pub results: Vec<(&'static str, Result<(), String>)>,
}

impl Conformance {
    /// A fresh suite.
    pub fn new() -> Conformance {
        Conformance::default()
    }

    /// The webhook under test: requires [`API_KEY`] (and, with the
    /// `signature` feature, a signature by [`signer`]), handles [`TENANT_ID`]
    /// only, with the default body limit and one handler per behaviour.
    pub fn webhook(&self) -> Webhook {
        let state = Arc::clone(&self.state);
        let recorded = move |state: Arc<State>| {
            move |event: Event| {
                let state = Arc::clone(&state);
                async move {
                    // Finish well after the request arrived, so a response
                    // sent before the handlers finished is caught.
                    sleep(Duration::from_millis(30)).await;
                    state.record(event.id());
                    Ok(())
                }
            }
        };
        let created_state = Arc::clone(&state);
        let router = Router::new()
            .only_tenants([TENANT_ID])
            // Typed: its payload is parsed in full before any handler runs.
            .on(move |created: UserCreate| {
                let state = Arc::clone(&created_state);
                async move {
                    sleep(Duration::from_millis(30)).await;
                    state.record(created.envelope.id);
                    Ok(())
                }
            })
            .on_event(EventType::UserDelete, recorded(Arc::clone(&state)))
            .on_event(EventType::UserDelete, recorded(Arc::clone(&state)))
            .on_event(EventType::UserUpdate, |_: Event| async {
                Err(HandlerError::reject("[conformanceVeto]").with_message("vetoed by the suite"))
            })
            .on_event(EventType::UserRegistrationCreate, |_: Event| async {
                Err(HandlerError::reject_with_status(
                    StatusCode::CONFLICT,
                    "[duplicate]",
                ))
            })
            .on_event(EventType::UserDeactivate, |_: Event| async {
                Err(HandlerError::retry_later())
            })
            .on_event(EventType::GroupCreate, |_: Event| async {
                Err(HandlerError::internal(INTERNAL_DETAIL))
            })
            .on_event(EventType::GroupDelete, |_: Event| async {
                panic!("the conformance suite's handler panics on purpose");
            });
        let builder = Webhook::builder().api_key(API_KEY).router(router);
        #[cfg(feature = "signature")]
        let builder = builder.signature(signer().verifier());
        #[allow(clippy::expect_used)] // fixed, valid configuration
        builder.build().expect("the suite's configuration is valid")
    }

    /// Every case, with fresh event ids.
    pub fn cases(&self) -> Vec<Case> {
        let run = self.state.run.fetch_add(1, Ordering::Relaxed);
        let cases = cases(|n| Uuid::from_u64_pair(0xc0f0_0000_0000_0000 | run, n));
        #[cfg(feature = "signature")]
        let cases = cases
            .into_iter()
            .chain(signature_cases(|n| {
                Uuid::from_u64_pair(0xc0f0_0000_0000_0000 | run, n)
            }))
            .map(|mut case| {
                if case.signed {
                    case.request = case.request.signed(&signer());
                }
                case
            })
            .collect();
        cases
    }

    /// Sends every case and reports each result.
    pub async fn run<T: Transport>(&self, transport: &T) -> Report {
        let mut results = Vec::new();
        for case in self.cases() {
            let outcome = match transport.send(case.request.build(), case.framing).await {
                Ok(response) => self.check(&case.expect, &response),
                Err(error) => Err(format!("transport failed: {error}")),
            };
            results.push((case.name, outcome));
        }
        Report { results }
    }

    fn check(&self, expect: &Expect, response: &TestResponse) -> Result<(), String> {
        if response.status != expect.status {
            return Err(format!(
                "expected status {}, got {} with body {:?}",
                expect.status,
                response.status,
                String::from_utf8_lossy(&response.body)
            ));
        }
        match expect.body {
            ExpectBody::Empty if !response.body.is_empty() => {
                return Err(format!(
                    "expected an empty body, got {:?}",
                    String::from_utf8_lossy(&response.body)
                ));
            }
            ExpectBody::ErrorCode(code) if response.error_code().as_deref() != Some(code) => {
                return Err(format!(
                    "expected error code {code}, got body {:?}",
                    String::from_utf8_lossy(&response.body)
                ));
            }
            _ => {}
        }
        if !matches!(expect.body, ExpectBody::Empty) {
            let content_type = response
                .headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            if matches!(expect.body, ExpectBody::ErrorCode(_))
                && content_type != Some("application/json")
            {
                return Err(format!(
                    "expected a JSON error body, got content type {content_type:?}"
                ));
            }
        }
        if let Some((name, value)) = expect.header {
            let got = response.headers.get(name).and_then(|v| v.to_str().ok());
            if !got.is_some_and(|got| got.eq_ignore_ascii_case(value)) {
                return Err(format!("expected header {name}: {value}, got {got:?}"));
            }
        }
        if String::from_utf8_lossy(&response.body).contains(INTERNAL_DETAIL) {
            return Err("the response leaks an internal error".to_owned());
        }
        if let Some((id, expected)) = expect.handlers_finished {
            let finished = self.state.finished(id);
            if finished != expected {
                return Err(format!(
                    "answered {} when {finished} of {expected} handlers had finished",
                    response.status
                ));
            }
        }
        Ok(())
    }
}

impl Report {
    /// The cases that failed, with why.
    pub fn failures(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.results
            .iter()
            .filter_map(|(name, result)| result.as_ref().err().map(|why| (*name, why.as_str())))
    }

    /// Panics, listing every failed case, unless all passed.
    #[track_caller]
    pub fn assert_passed(&self) {
        if self.failures().next().is_some() {
            panic!("conformance failures:\n{self}");
        }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, result) in &self.results {
            match result {
                Ok(()) => writeln!(f, "ok     {name}")?,
                Err(why) => writeln!(f, "FAILED {name}: {why}")?,
            }
        }
        let failed = self.failures().count();
        write!(f, "{} passed, {failed} failed", self.results.len() - failed)
    }
}

/// A body of exactly `size` bytes that is a valid `user.create` event.
fn padded_event(id: Uuid, size: usize) -> Bytes {
    let head = format!(
        r#"{{"event":{{"type":"user.create","id":"{id}","tenantId":"{TENANT_ID}","padding":""#
    );
    let tail = r#""}}"#;
    let padding = size.saturating_sub(head.len() + tail.len());
    let mut body = Vec::with_capacity(size);
    body.extend_from_slice(head.as_bytes());
    body.resize(body.len() + padding, b'x');
    body.extend_from_slice(tail.as_bytes());
    Bytes::from(body)
}

/// A `user.create` whose user has `count` empty registrations: three bytes
/// of body each, a whole struct each in the typed payload.
fn empty_registrations(id: Uuid, count: usize) -> Bytes {
    let registrations = vec!["{}"; count].join(",");
    Bytes::from(format!(
        r#"{{"event":{{"type":"user.create","id":"{id}","tenantId":"{TENANT_ID}","user":{{"registrations":[{registrations}]}}}}}}"#
    ))
}

fn event_body(event_type: &str, id: Uuid) -> Bytes {
    Bytes::from(
        json!({"event": {
            "type": event_type,
            "id": id,
            "createInstant": 1_700_000_000_000_i64,
            "tenantId": TENANT_ID,
            "user": {"id": "9f6c4b2e-1d3a-4c5b-8e7f-0a1b2c3d4e5f", "email": "ada@example.com"},
        }})
        .to_string(),
    )
}

fn authorized(body: Bytes) -> TestRequest {
    TestRequest::body(body).api_key(API_KEY)
}

fn case(name: &'static str, request: TestRequest, status: StatusCode, body: ExpectBody) -> Case {
    Case {
        name,
        request,
        signed: true,
        framing: Framing::ContentLength,
        expect: Expect {
            status,
            body,
            header: None,
            handlers_finished: None,
        },
    }
}

impl Case {
    #[cfg(feature = "signature")]
    fn unsigned(mut self) -> Case {
        self.signed = false;
        self
    }

    fn chunked(mut self) -> Case {
        self.framing = Framing::Chunked;
        self
    }

    fn header(mut self, name: &'static str, value: &'static str) -> Case {
        self.expect.header = Some((name, value));
        self
    }

    fn finished(mut self, id: Uuid, handlers: usize) -> Case {
        self.expect.handlers_finished = Some((id, handlers));
        self
    }
}

fn cases(id: impl Fn(u64) -> Uuid) -> Vec<Case> {
    use crate::codes::{INVALID_EVENT, INVALID_JSON, NOT_AUTHORIZED, TOO_LARGE};
    use ExpectBody::{Empty, ErrorCode};
    let ok = StatusCode::OK;
    let bad = StatusCode::BAD_REQUEST;
    let unauthorized = StatusCode::UNAUTHORIZED;
    let too_large = StatusCode::PAYLOAD_TOO_LARGE;
    let limit = DEFAULT_MAX_BODY_SIZE;
    let deep = format!(
        r#"{{"event":{{"type":"user.create","id":"{}","tenantId":"{TENANT_ID}","user":{{"data":{{"nested":{}{}}}}}}}}}"#,
        id(90),
        "[".repeat(4096),
        "]".repeat(4096)
    );
    let mut invalid_utf8 = br#"{"event":{"type":"user.create","tenantId":""#.to_vec();
    invalid_utf8.extend_from_slice(&[0xc3, 0x28]);
    invalid_utf8.extend_from_slice(br#""}}"#);

    vec![
        case(
            "a handled event is answered 200 with an empty body",
            authorized(event_body("user.create", id(1))),
            ok,
            Empty,
        )
        .finished(id(1), 1),
        case(
            "200 comes only after every handler for the event finished",
            authorized(event_body("user.delete", id(2))),
            ok,
            Empty,
        )
        .finished(id(2), 2),
        case(
            "an unknown event type is acknowledged with 200",
            authorized(event_body("user.teleport", id(3))),
            ok,
            Empty,
        ),
        case(
            "a known event type without handler is acknowledged with 200",
            authorized(event_body("group.member.add", id(4))),
            ok,
            Empty,
        ),
        case(
            "another tenant's event is acknowledged without running handlers",
            authorized(Bytes::from(
                json!({"event": {"type": "user.create", "id": id(5), "tenantId": OTHER_TENANT_ID}})
                    .to_string(),
            )),
            ok,
            Empty,
        )
        .finished(id(5), 0),
        case(
            "a missing API key is 401 notAuthorized",
            TestRequest::body(event_body("user.create", id(6))),
            unauthorized,
            ErrorCode(NOT_AUTHORIZED),
        )
        .finished(id(6), 0),
        case(
            "a wrong API key is 401 notAuthorized",
            TestRequest::body(event_body("user.create", id(7)))
                .api_key("conformance-api-key-0123456780"),
            unauthorized,
            ErrorCode(NOT_AUTHORIZED),
        ),
        case(
            "a shorter API key with the right prefix is 401",
            TestRequest::body(event_body("user.create", id(8)))
                .api_key(&API_KEY[..API_KEY.len() - 1]),
            unauthorized,
            ErrorCode(NOT_AUTHORIZED),
        ),
        case(
            "a repeated Authorization header is 401 even with the right key",
            authorized(event_body("user.create", id(9))).api_key(API_KEY),
            unauthorized,
            ErrorCode(NOT_AUTHORIZED),
        ),
        case(
            "a lower-case header name is the same header",
            TestRequest::body(event_body("user.create", id(10))).header("authorization", API_KEY),
            ok,
            Empty,
        ),
        case(
            "GET is 405 with Allow: POST",
            authorized(Bytes::new())
                .method(Method::GET)
                .without_header("content-type"),
            StatusCode::METHOD_NOT_ALLOWED,
            Empty,
        )
        .header("allow", "POST"),
        case(
            "PUT is 405 with Allow: POST",
            authorized(event_body("user.create", id(11))).method(Method::PUT),
            StatusCode::METHOD_NOT_ALLOWED,
            Empty,
        )
        .header("allow", "POST"),
        case(
            "the method is checked before the credentials",
            TestRequest::body(Bytes::new()).method(Method::GET),
            StatusCode::METHOD_NOT_ALLOWED,
            Empty,
        ),
        case(
            "a body exactly at the default 8 MiB limit is accepted",
            authorized(padded_event(id(12), limit)),
            ok,
            Empty,
        )
        .finished(id(12), 1),
        case(
            "a body one byte over the limit is 413",
            authorized(padded_event(id(13), limit + 1)),
            too_large,
            Empty,
        )
        .finished(id(13), 0),
        case(
            "a chunked body over the limit is 413",
            authorized(padded_event(id(14), limit + 1)),
            too_large,
            Empty,
        )
        .chunked()
        .finished(id(14), 0),
        case(
            "a payload that would take more memory than its budget is 413 tooLarge",
            authorized(empty_registrations(id(91), 200_000)),
            too_large,
            ErrorCode(TOO_LARGE),
        )
        .finished(id(91), 0),
        case(
            "a chunked body within the limit is accepted",
            authorized(event_body("user.create", id(15))),
            ok,
            Empty,
        )
        .chunked()
        .finished(id(15), 1),
        case(
            "an unauthenticated over-limit body is 401, not 413",
            TestRequest::body(padded_event(id(16), limit + 1)),
            unauthorized,
            ErrorCode(NOT_AUTHORIZED),
        ),
        case(
            "a text/plain body is 415",
            authorized(event_body("user.create", id(17))).content_type("text/plain"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Empty,
        ),
        case(
            "a body without content type is 415",
            authorized(event_body("user.create", id(18))).without_header("content-type"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Empty,
        ),
        case(
            "a JSON content type with a UTF-8 charset is accepted",
            authorized(event_body("user.create", id(19)))
                .content_type("application/json; charset=UTF-8"),
            ok,
            Empty,
        ),
        case(
            "malformed JSON is 400 invalidJson",
            authorized(Bytes::from_static(b"{\"event\": {")),
            bad,
            ErrorCode(INVALID_JSON),
        ),
        case(
            "an empty body is 400 invalidJson",
            authorized(Bytes::new()),
            bad,
            ErrorCode(INVALID_JSON),
        ),
        case(
            "a body without `event` is 400 invalidEvent",
            authorized(Bytes::from_static(b"{\"evnt\":{}}")),
            bad,
            ErrorCode(INVALID_EVENT),
        ),
        case(
            "a wrongly typed envelope field is 400 invalidEvent",
            authorized(Bytes::from(
                json!({"event": {"type": "user.create", "id": 42}}).to_string(),
            )),
            bad,
            ErrorCode(INVALID_EVENT),
        ),
        case(
            "invalid UTF-8 is 400 invalidJson",
            authorized(Bytes::from(invalid_utf8)),
            bad,
            ErrorCode(INVALID_JSON),
        ),
        case(
            "deep JSON nesting in a handled event is 400, not a crash",
            authorized(Bytes::from(deep)),
            bad,
            ErrorCode(INVALID_JSON),
        )
        .finished(id(90), 0),
        case(
            "a handler's veto is 400 with its code",
            authorized(event_body("user.update", id(20))),
            bad,
            ErrorCode("[conformanceVeto]"),
        ),
        case(
            "a handler's veto with a status is answered with it",
            authorized(event_body("user.registration.create", id(21))),
            StatusCode::CONFLICT,
            ErrorCode("[duplicate]"),
        ),
        case(
            "a handler's retry-later is 503",
            authorized(event_body("user.deactivate", id(22))),
            StatusCode::SERVICE_UNAVAILABLE,
            Empty,
        ),
        case(
            "a handler's failure is 500 without internals",
            authorized(event_body("group.create", id(23))),
            StatusCode::INTERNAL_SERVER_ERROR,
            Empty,
        ),
        case(
            "a handler's panic is 500",
            authorized(event_body("group.delete", id(24))),
            StatusCode::INTERNAL_SERVER_ERROR,
            Empty,
        ),
        case(
            "the webhook keeps serving after a panic",
            authorized(event_body("user.create", id(25))),
            ok,
            Empty,
        )
        .finished(id(25), 1),
    ]
}

/// The signature rows of the status table: a missing, repeated or bad
/// signature is 401, even with the right API key.
#[cfg(feature = "signature")]
fn signature_cases(id: impl Fn(u64) -> Uuid) -> Vec<Case> {
    use super::signing::BadSignature;
    use crate::codes::NOT_AUTHORIZED;
    let unauthorized = StatusCode::UNAUTHORIZED;
    let bad = |name, kind: BadSignature, n| {
        case(
            name,
            authorized(event_body("user.create", id(n))).badly_signed(kind, &signer()),
            unauthorized,
            ExpectBody::ErrorCode(NOT_AUTHORIZED),
        )
        .unsigned()
        .finished(id(n), 0)
    };
    vec![
        case(
            "a missing signature is 401",
            authorized(event_body("user.create", id(100))),
            unauthorized,
            ExpectBody::ErrorCode(NOT_AUTHORIZED),
        )
        .unsigned()
        .finished(id(100), 0),
        case(
            "a repeated signature header is 401",
            authorized(event_body("user.create", id(101))).signed(&signer()),
            unauthorized,
            ExpectBody::ErrorCode(NOT_AUTHORIZED),
        )
        .finished(id(101), 0),
        bad(
            "a signature over other bytes is 401",
            BadSignature::HashOfOtherBody,
            102,
        ),
        bad(
            "a signature by another key is 401",
            BadSignature::WrongKey,
            103,
        ),
        bad(
            "a signature of an unknown key is 401",
            BadSignature::UnknownKid,
            104,
        ),
        bad(
            "an unsigned token (alg none) is 401",
            BadSignature::AlgNone,
            105,
        ),
        bad(
            "an HS256 token made with the public key is 401",
            BadSignature::AlgConfusion,
            106,
        ),
        bad("a malformed signature is 401", BadSignature::Malformed, 107),
    ]
}

/// Waits on a helper thread, so that the suite needs no async runtime.
async fn sleep(duration: Duration) {
    let shared: Arc<Mutex<(bool, Option<Waker>)>> = Arc::default();
    let thread_shared = Arc::clone(&shared);
    std::thread::spawn(move || {
        std::thread::sleep(duration);
        let mut state = thread_shared.lock().unwrap_or_else(PoisonError::into_inner);
        state.0 = true;
        if let Some(waker) = state.1.take() {
            waker.wake();
        }
    });
    std::future::poll_fn(|cx| {
        let mut state = shared.lock().unwrap_or_else(PoisonError::into_inner);
        if state.0 {
            Poll::Ready(())
        } else {
            state.1 = Some(cx.waker().clone());
            Poll::Pending
        }
    })
    .await;
}

/// Runs the suite without a server: through [`Webhook::handle`] or through
/// the webhook's `tower::Service`.
#[derive(Debug, Clone)]
pub struct InProcess {
    webhook: Webhook,
    through_service: bool,
}

impl InProcess {
    /// Sends each case to [`Webhook::handle`] (chunked framing only drops
    /// `Content-Length`).
    pub fn handle(webhook: Webhook) -> InProcess {
        InProcess {
            webhook,
            through_service: false,
        }
    }

    /// Sends each case through the `tower::Service`, with chunked bodies
    /// streamed in 64 KiB frames without a size hint.
    pub fn service(webhook: Webhook) -> InProcess {
        InProcess {
            webhook,
            through_service: true,
        }
    }
}

impl Transport for InProcess {
    async fn send(
        &self,
        request: Request<Bytes>,
        framing: Framing,
    ) -> Result<TestResponse, String> {
        let (mut parts, body) = request.into_parts();
        match framing {
            Framing::ContentLength => {
                parts.headers.insert(CONTENT_LENGTH, body.len().into());
            }
            Framing::Chunked => {
                parts.headers.remove(CONTENT_LENGTH);
            }
        }
        if !self.through_service {
            return Ok(self
                .webhook
                .handle(Request::from_parts(parts, body))
                .await
                .into());
        }
        let frames: Vec<Result<Frame<Bytes>, Infallible>> = (0..body.len())
            .step_by(64 * 1024)
            .map(|start| {
                Ok(Frame::data(
                    body.slice(start..body.len().min(start + 64 * 1024)),
                ))
            })
            .collect();
        let request = Request::from_parts(parts, StreamBody::new(stream::iter(frames)));
        let mut service = self.webhook.clone();
        let Ok(response) = tower_service::Service::call(&mut service, request).await;
        let (parts, body) = response.into_parts();
        let Ok(collected) = body.collect().await;
        let body = collected.to_bytes();
        Ok(TestResponse {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }
}
