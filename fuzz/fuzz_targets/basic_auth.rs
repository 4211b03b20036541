//! Basic-auth parsing: any `Authorization` value. The webhook must answer
//! 2xx exactly when the value carries the right pair (decoded here
//! independently), and never 5xx.
#![no_main]

use bytes::Bytes;
use fusionauth_webhooks::EventType;
use fusionauth_webhooks::samples;
use fusionauth_webhooks_fuzz::{Config, RUNTIME, WEBHOOKS, is_right_basic};
use http::{HeaderValue, Request, header};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|value: &[u8]| {
    let Ok(value) = HeaderValue::from_bytes(value) else {
        return;
    };
    let body: Bytes = samples::body(EventType::UserCreate);
    let request = Request::post("/")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::AUTHORIZATION, value.clone())
        .body(body)
        .expect("valid request");
    let webhook = &WEBHOOKS[Config::ALL
        .iter()
        .position(|c| *c == Config::Basic)
        .unwrap_or(0)];
    let status = RUNTIME.block_on(webhook.handle(request)).status();
    assert!(!status.is_server_error(), "5xx: {status}");
    assert_eq!(
        status.is_success(),
        is_right_basic(value.as_bytes()),
        "status {status} for {value:?}"
    );
});
