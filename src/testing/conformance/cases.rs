//! The status table as cases: one request each, and what must come back.

use bytes::Bytes;
use http::{Method, StatusCode};
use serde_json::json;
use uuid::Uuid;

use super::expect::{Expect, ExpectBody};
use super::{API_KEY, FILTERED_TENANT_ID, Framing, HANDLED_TENANT_ID};
use crate::testing::TestRequest;
use crate::webhook::DEFAULT_MAX_BODY_SIZE;

/// One row of the status table, as a request and what must come back.
#[derive(Debug, Clone)]
pub struct Case {
    /// What the case checks, as a statement.
    pub name: &'static str,
    pub(super) request: TestRequest,
    pub(super) framing: Framing,
    pub(super) expect: Expect,
    /// Whether to sign the request when the suite requires signatures.
    #[cfg_attr(not(feature = "signature"), allow(dead_code))]
    pub(super) signed: bool,
}

/// A body of exactly `size` bytes that is a valid `user.create` event.
fn padded_event(id: Uuid, size: usize) -> Bytes {
    let head = format!(
        r#"{{"event":{{"type":"user.create","id":"{id}","tenantId":"{HANDLED_TENANT_ID}","padding":""#
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
        r#"{{"event":{{"type":"user.create","id":"{id}","tenantId":"{HANDLED_TENANT_ID}","user":{{"registrations":[{registrations}]}}}}}}"#
    ))
}

fn event_body(event_type: &str, id: Uuid) -> Bytes {
    Bytes::from(
        json!({"event": {
            "type": event_type,
            "id": id,
            "createInstant": 1_700_000_000_000_i64,
            "tenantId": HANDLED_TENANT_ID,
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

pub(super) fn cases(id: impl Fn(u64) -> Uuid) -> Vec<Case> {
    use crate::codes::{INVALID_EVENT, INVALID_JSON, NOT_AUTHORIZED, TOO_LARGE};
    use ExpectBody::{Empty, ErrorCode};
    let ok = StatusCode::OK;
    let bad = StatusCode::BAD_REQUEST;
    let unauthorized = StatusCode::UNAUTHORIZED;
    let too_large = StatusCode::PAYLOAD_TOO_LARGE;
    let limit = DEFAULT_MAX_BODY_SIZE;
    let deep = format!(
        r#"{{"event":{{"type":"user.create","id":"{}","tenantId":"{HANDLED_TENANT_ID}","user":{{"data":{{"nested":{}{}}}}}}}}}"#,
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
                json!({"event": {"type": "user.create", "id": id(5), "tenantId": FILTERED_TENANT_ID}})
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
pub(super) fn signature_cases(id: impl Fn(u64) -> Uuid) -> Vec<Case> {
    use super::signer;
    use crate::codes::NOT_AUTHORIZED;
    use crate::testing::signing::BadSignature;
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
