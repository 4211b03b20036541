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

mod cases;
mod expect;
mod in_process;
mod report;
mod sleep;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, StatusCode};
use uuid::Uuid;

use super::TestResponse;
use crate::event::payload::UserCreate;
use crate::event::{Event, EventType};
use crate::handler::HandlerError;
use crate::router::Router;
use crate::webhook::Webhook;
pub use cases::Case;
pub use in_process::InProcess;
pub use report::Report;
use sleep::sleep;

/// The API key the suite's webhook requires.
pub const API_KEY: &str = "conformance-api-key-0123456789";
/// The only tenant whose events the suite's webhook handles.
pub const HANDLED_TENANT_ID: Uuid = Uuid::from_u128(0x7e1a_0000_0000_4000_8000_0000_0000_0001);
/// A tenant whose events are filtered out (acknowledged, not handled).
pub const FILTERED_TENANT_ID: Uuid = Uuid::from_u128(0x7e1a_0000_0000_4000_8000_0000_0000_0002);
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

impl Conformance {
    /// A fresh suite.
    pub fn new() -> Conformance {
        Conformance::default()
    }

    /// The webhook under test: requires [`API_KEY`] (and, with the
    /// `signature` feature, a signature by [`signer`]), handles [`HANDLED_TENANT_ID`]
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
            .only_tenants([HANDLED_TENANT_ID])
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
        let cases = cases::cases(|n| Uuid::from_u64_pair(0xc0f0_0000_0000_0000 | run, n));
        #[cfg(feature = "signature")]
        let cases = cases
            .into_iter()
            .chain(cases::signature_cases(|n| {
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
                Ok(response) => case.expect.check(&response, |id| self.state.finished(id)),
                Err(error) => Err(format!("transport failed: {error}")),
            };
            results.push((case.name, outcome));
        }
        Report { results }
    }
}
