//! Behaviour of `Webhook` and `Router` beyond the status table.

mod configuration;
mod routing;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use fusionauth_webhooks::payload::{UserDelete, UserUpdate};
use fusionauth_webhooks::testing::{TestClient, TestRequest, TestResponse};
use fusionauth_webhooks::{ConfigError, Event, EventType, HandlerError, Router, Webhook};
use http::StatusCode;
use serde_json::json;
use uuid::Uuid;

const KEY: &str = "test-api-key";

fn webhook(router: Router) -> Webhook {
    Webhook::builder()
        .api_key(KEY)
        .router(router)
        .build()
        .unwrap()
}

async fn send(webhook: &Webhook, event: serde_json::Value) -> TestResponse {
    let request = TestRequest::body(json!({ "event": event }).to_string())
        .api_key(KEY)
        .build();
    TestClient::new(webhook.clone()).send(request).await
}

fn counter() -> (
    Arc<AtomicUsize>,
    impl Fn(Event) -> std::future::Ready<Result<(), HandlerError>> + Clone,
) {
    let count = Arc::new(AtomicUsize::new(0));
    let handler_count = Arc::clone(&count);
    let handler = move |_: Event| {
        handler_count.fetch_add(1, Ordering::SeqCst);
        std::future::ready(Ok(()))
    };
    (count, handler)
}
