//! A FusionAuth API stand-in for tests, written from FusionAuth's documented
//! API (routes, status codes, `Errors` bodies): the webhook APIs, the webhook
//! event and attempt logs, keys, the JWKS and tenants.
//!
//! It serves real HTTP on a real socket (`127.0.0.1`, a free port) and keeps
//! its objects in memory. Every request is recorded as `"METHOD /path"` so
//! that tests can count what a client fetched.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let standin = fusionauth_standin::StandIn::start().await;
//! assert!(standin.url().starts_with("http://127.0.0.1:"));
//! assert_eq!(standin.hits("GET /api/webhook"), 0);
//! # }
//! ```

pub mod description;
mod routes;
mod state;

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tokio::net::TcpListener;
use uuid::Uuid;

pub use state::State;

use crate::description::{Call, Extreme, description};

/// A webhook event log in FusionAuth's shape with every field of the
/// domain class present (a maximal object), for the request body `body`
/// (`{"event": {...}}`, kept as its exact text), with the members of
/// `overrides` (an object: `id`, `sequence`, `insertInstant`, ...) in place
/// of the generated ones. `eventType` is taken from the body.
///
/// ```
/// let body = r#"{"event":{"type":"user.delete","id":"7d3e0b26-5d4c-4b5f-9b4e-2a1c3d5e7f90","n":1.10}}"#;
/// let log = fusionauth_standin::maximal_event_log(body, serde_json::json!({ "sequence": 3 }));
/// assert!(log.starts_with(&format!(r#"{{"event":{body},"#)));
/// let parsed: serde_json::Value = serde_json::from_str(&log).unwrap();
/// assert_eq!((parsed["sequence"].as_i64(), parsed["eventType"].as_str()), (Some(3), Some("user.delete")));
/// assert!(parsed["attempts"][0]["webhookCallResponse"]["url"].is_string());
/// ```
///
/// # Panics
///
/// If `body` is not JSON or `overrides` not an object.
pub fn maximal_event_log(body: &str, overrides: Value) -> String {
    let event: Value = serde_json::from_str(body).expect("the logged body is JSON");
    let mut log = description().maximal("WebhookEventLog", Extreme::Max);
    let fields = log.as_object_mut().expect("a log is an object");
    fields.remove("event");
    if let Some(event_type) = event["event"]["type"].as_str() {
        fields.insert("eventType".to_owned(), Value::String(event_type.to_owned()));
    }
    for (name, value) in overrides.as_object().expect("overrides are an object") {
        fields.insert(name.clone(), value.clone());
    }
    let rest = log.to_string();
    format!(r#"{{"event":{body},{}"#, &rest[1..])
}

/// The API key the stand-in accepts in `Authorization`.
pub const API_KEY: &str = "standin-api-key-7f3c";

/// A running stand-in; the server stops when this is dropped.
pub struct StandIn {
    url: String,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl StandIn {
    /// Starts a stand-in on a free port of `127.0.0.1`.
    ///
    /// # Panics
    ///
    /// If no port can be bound (the test then fails with that message).
    pub async fn start() -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("the stand-in could not bind a port on 127.0.0.1");
        let address = listener
            .local_addr()
            .expect("a bound socket has an address");
        let state = Arc::new(Mutex::new(State::default()));
        let app = routes::app(state.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .await
                .expect("the stand-in server failed");
        });
        StandIn {
            url: format!("http://{address}"),
            state,
            task,
        }
    }

    /// The base URL, e.g. `http://127.0.0.1:40123` (no trailing slash).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The stand-in's objects, to set up or inspect.
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Logs an event as FusionAuth's webhook event log would: `log` is the
    /// JSON text of a `WebhookEventLog` (its `event` the whole request body,
    /// `{"event": {...}}`), served exactly as given. See [`maximal_event_log`].
    ///
    /// # Panics
    ///
    /// If `log` is not a JSON object.
    pub fn log_event(&self, log: impl Into<String>) {
        let log = log.into();
        let parsed: Value = serde_json::from_str(&log).expect("an event log is JSON");
        assert!(parsed.is_object(), "an event log is a JSON object");
        self.state().event_logs.push(log);
    }

    /// Every request seen so far, whole.
    pub fn calls(&self) -> Vec<Call> {
        self.state().calls.clone()
    }

    /// Stores a webhook as if created earlier; returns its id (given or new).
    pub fn insert_webhook(&self, mut webhook: Value) -> Uuid {
        let id = webhook
            .get("id")
            .and_then(Value::as_str)
            .and_then(|id| id.parse().ok())
            .unwrap_or_else(Uuid::new_v4);
        webhook["id"] = Value::String(id.to_string());
        self.state().webhooks.insert(id, webhook);
        id
    }

    /// The stored webhook with this id.
    pub fn webhook(&self, id: Uuid) -> Option<Value> {
        self.state().webhooks.get(&id).cloned()
    }

    /// How many requests matched `"METHOD /path"` exactly (the path without query).
    pub fn hits(&self, request: &str) -> usize {
        self.state()
            .requests
            .iter()
            .filter(|seen| *seen == request)
            .count()
    }

    /// How many requests changed something (POST other than search, PUT, PATCH, DELETE).
    pub fn writes(&self) -> usize {
        self.state()
            .requests
            .iter()
            .filter(|seen| {
                let write = ["PUT ", "PATCH ", "DELETE "]
                    .iter()
                    .any(|method| seen.starts_with(method));
                write || (seen.starts_with("POST ") && !seen.ends_with("/search"))
            })
            .count()
    }

    /// Makes every `/api/` call answer `status` (with no body), or behave again with `None`.
    pub fn fail_with(&self, status: Option<u16>) {
        self.state().fail_with = status;
    }

    /// Delays every answer by `delay`.
    pub fn delay(&self, delay: Duration) {
        self.state().delay = delay;
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        self.task.abort();
    }
}
