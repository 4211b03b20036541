//! Running the handlers of one event, and what came of it.

use std::future::{Future, pending};
use std::pin::pin;

use futures_util::StreamExt as _;
use futures_util::future::{Either, select};
use futures_util::stream::FuturesUnordered;

use super::Router;
use crate::event::AnyPayload;
use crate::event::{Event, ParseError};
use crate::handler::{HandlerError, HandlerResult, catch_panic};

/// What running a [`Router`] on one event came to.
///
/// Over HTTP each outcome is a row of the [status table](crate#status-codes);
/// a [`Worker`](crate::Worker) acknowledges an event whose outcome
/// [`is_success`](RunOutcome::is_success) and retries the others.
#[derive(Debug)]
#[non_exhaustive]
pub enum RunOutcome {
    /// Every handler the event was routed to succeeded.
    Handled,
    /// No handler takes this event type and there is no fallback: nothing ran.
    Unrouted,
    /// The event belongs to a tenant or application the router is not for:
    /// nothing ran.
    FilteredOut(FilterReason),
    /// A typed handler's payload did not parse, or would take more memory
    /// than its budget ([`ParseErrorKind::OverBudget`](crate::ParseErrorKind::OverBudget), 413), so no handler
    /// ran. Retrying the same bytes cannot help.
    InvalidPayload(ParseError),
    /// A handler failed, panicked or ran out of time; the first failure in
    /// registration order. The other handlers ran to completion (or to the
    /// deadline).
    Failed(HandlerError),
}

/// Why an event was acknowledged without running any handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FilterReason {
    /// Another tenant's event ([`Router::only_tenants`]).
    Tenant,
    /// Another application's event ([`Router::only_applications`]).
    Application,
}

impl FilterReason {
    /// `tenant` or `application`, for logs and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            FilterReason::Tenant => "tenant",
            FilterReason::Application => "application",
        }
    }
}

impl RunOutcome {
    /// Whether the event needs no further delivery: handled, unrouted or
    /// filtered out.
    ///
    /// ```
    /// use fusionauth_webhooks::{HandlerError, RunOutcome};
    ///
    /// assert!(RunOutcome::Handled.is_success());
    /// assert!(RunOutcome::Unrouted.is_success());
    /// assert!(!RunOutcome::Failed(HandlerError::retry_later()).is_success());
    /// ```
    pub fn is_success(&self) -> bool {
        matches!(
            self,
            RunOutcome::Handled | RunOutcome::Unrouted | RunOutcome::FilteredOut(_)
        )
    }

    /// A short word for logs and metrics: `handled`, `unrouted`,
    /// `filtered_out`, `invalid_payload`, or the handler error's
    /// [kind](crate::HandlerErrorKind::as_str).
    pub fn name(&self) -> &'static str {
        match self {
            RunOutcome::Handled => "handled",
            RunOutcome::Unrouted => "unrouted",
            RunOutcome::FilteredOut(_) => "filtered_out",
            RunOutcome::InvalidPayload(_) => "invalid_payload",
            RunOutcome::Failed(error) => error.kind().as_str(),
        }
    }
}

impl Router {
    /// Filters, dispatches and runs the handlers of one event, without HTTP:
    /// what a queue worker, a replay from FusionAuth's event log or a test
    /// calls. See [`Router`] for an example.
    ///
    /// Every typed payload is parsed before any handler starts, so a
    /// malformed payload never leaves some handlers run and others not. The
    /// handlers then run concurrently, each to completion; a panic in one is
    /// caught and becomes its failure.
    pub async fn run(&self, event: &Event) -> RunOutcome {
        self.run_until(event, pending()).await
    }

    /// Like [`run`](Router::run), but when `deadline` completes first the
    /// handlers still running are dropped (cancelled at their next `.await`)
    /// and the outcome is [`HandlerError::timed_out`] (503), whose source
    /// names the handlers that were still running.
    ///
    /// ```
    /// use std::time::Duration;
    /// use fusionauth_webhooks::{Event, EventType, Router, RunOutcome};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let router = Router::new().on_event(EventType::UserDelete, |_: Event| async {
    ///     tokio::time::sleep(Duration::from_secs(60)).await;
    ///     Ok(())
    /// });
    /// let event = Event::parse(r#"{"event":{"type":"user.delete"}}"#.into())?;
    /// let outcome = router.run_until(&event, tokio::time::sleep(Duration::from_millis(10))).await;
    /// let RunOutcome::Failed(error) = outcome else { panic!("expected a time-out") };
    /// assert_eq!(error.kind(), fusionauth_webhooks::HandlerErrorKind::TimedOut);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn run_until(&self, event: &Event, deadline: impl Future<Output = ()>) -> RunOutcome {
        self.run_read(event, None, deadline).await
    }

    /// [`run_until`](Router::run_until), with the payload read in the same
    /// pass as the event (see [`Router::parse`]) when there is one.
    pub(crate) async fn run_read(
        &self,
        event: &Event,
        mut payload: Option<AnyPayload>,
        deadline: impl Future<Output = ()>,
    ) -> RunOutcome {
        let routes = match self.routes_for(event) {
            Ok(routes) => routes,
            Err(outcome) => return outcome,
        };
        let mut calls = Vec::with_capacity(routes.len());
        for route in &routes {
            match route.prepare(event, &mut payload) {
                Ok(call) => calls.push(call),
                Err(error) => return RunOutcome::InvalidPayload(error),
            }
        }
        let mut running: FuturesUnordered<_> = calls
            .into_iter()
            .enumerate()
            .map(|(index, call)| async move { (index, catch_panic(call).await) })
            .collect();
        let mut results: Vec<Option<HandlerResult>> =
            std::iter::repeat_with(|| None).take(routes.len()).collect();
        let mut deadline = pin!(deadline);
        loop {
            match select(running.next(), deadline.as_mut()).await {
                Either::Left((Some((index, result)), _)) => results[index] = Some(result),
                Either::Left((None, _)) => break,
                Either::Right(((), _)) => {
                    let still_running: Vec<&str> = routes
                        .iter()
                        .zip(&results)
                        .filter(|(_, result)| result.is_none())
                        .map(|(route, _)| route.name)
                        .collect();
                    let source = format!("still running: {}", still_running.join(", "));
                    return RunOutcome::Failed(HandlerError::timed_out().with_source(source));
                }
            }
        }
        // The first failure in registration order decides.
        match results.into_iter().flatten().find_map(Result::err) {
            Some(error) => RunOutcome::Failed(error),
            None => RunOutcome::Handled,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventType;
    use futures_util::FutureExt as _;

    fn event(body: &'static str) -> Event {
        Event::parse(body.into()).unwrap()
    }

    #[test]
    fn the_first_failure_in_registration_order_decides() {
        let router = Router::new()
            .on_event(EventType::UserDelete, |_: Event| async { Ok(()) })
            .on_event(EventType::UserDelete, |_: Event| async {
                Err(HandlerError::reject("[first]"))
            })
            .on_event(EventType::UserDelete, |_: Event| async {
                Err(HandlerError::reject("[second]"))
            });
        let outcome = router
            .run(&event(r#"{"event":{"type":"user.delete"}}"#))
            .now_or_never()
            .unwrap();
        let RunOutcome::Failed(error) = outcome else {
            panic!("{outcome:?}")
        };
        assert_eq!(error.code(), Some("[first]"));
    }

    #[test]
    fn a_panic_in_a_closure_before_its_future_is_caught() {
        let router = Router::new().on(
            |_: crate::event::payload::UserDelete| -> std::future::Ready<_> {
                panic!("sync part of the handler")
            },
        );
        let outcome = router
            .run(&event(r#"{"event":{"type":"user.delete"}}"#))
            .now_or_never()
            .unwrap();
        let RunOutcome::Failed(error) = outcome else {
            panic!("{outcome:?}")
        };
        assert_eq!(error.kind(), crate::handler::HandlerErrorKind::Panicked);
    }

    #[test]
    fn a_deadline_names_the_handlers_still_running() {
        async fn never(_: Event) -> HandlerResult {
            pending::<()>().await;
            Ok(())
        }
        let router = Router::new()
            .on_event(EventType::UserDelete, |_: Event| async { Ok(()) })
            .on_event(EventType::UserDelete, never);
        let outcome = router
            .run_until(
                &event(r#"{"event":{"type":"user.delete"}}"#),
                std::future::ready(()),
            )
            .now_or_never()
            .unwrap();
        let RunOutcome::Failed(error) = outcome else {
            panic!("{outcome:?}")
        };
        assert_eq!(error.kind(), crate::handler::HandlerErrorKind::TimedOut);
        let source = std::error::Error::source(&error).unwrap().to_string();
        assert!(source.contains("never"), "{source}");
    }

    #[test]
    fn a_handler_on_the_event_and_its_payload_gets_both_and_a_bad_payload_runs_nothing() {
        use std::sync::{Arc, Mutex};
        let ran = Arc::new(Mutex::new(Vec::new()));
        let (typed, plain) = (Arc::clone(&ran), Arc::clone(&ran));
        let router = Router::new()
            .on_with_event(
                move |event: Event, deleted: crate::event::payload::UserDelete| {
                    let email = deleted.user.and_then(|user| user.email);
                    typed
                        .lock()
                        .unwrap()
                        .push(format!("{:?} {email:?}", event.id()));
                    async { Ok(()) }
                },
            )
            .on_event(EventType::UserDelete, move |_: Event| {
                plain.lock().unwrap().push("plain".to_owned());
                async { Ok(()) }
            });
        let good = event(
            r#"{"event":{"type":"user.delete","id":"00000000-0000-0000-0000-000000000007","user":{"email":"a@b.c"}}}"#,
        );
        assert!(router.run(&good).now_or_never().unwrap().is_success());
        ran.lock().unwrap().sort();
        assert_eq!(
            *ran.lock().unwrap(),
            [
                "Some(00000000-0000-0000-0000-000000000007) Some(\"a@b.c\")",
                "plain"
            ]
        );
        ran.lock().unwrap().clear();
        let bad = event(r#"{"event":{"type":"user.delete","user":{"email":7}}}"#);
        let outcome = router.run(&bad).now_or_never().unwrap();
        assert!(
            matches!(outcome, RunOutcome::InvalidPayload(_)),
            "{outcome:?}"
        );
        assert!(ran.lock().unwrap().is_empty(), "no handler ran");
    }

    #[test]
    fn filtered_and_unrouted_events_run_nothing() {
        let tenant = "3c219e58-ed0e-4b18-ad48-f4f92793ae32".parse().unwrap();
        let router = Router::new()
            .only_tenants([tenant])
            .on_event(EventType::UserDelete, |_: Event| async {
                Err(HandlerError::internal("must not run"))
            });
        let other_tenant = event(
            r#"{"event":{"type":"user.delete","tenantId":"00000000-0000-0000-0000-000000000001"}}"#,
        );
        assert!(matches!(
            router.run(&other_tenant).now_or_never().unwrap(),
            RunOutcome::FilteredOut(FilterReason::Tenant)
        ));
        assert!(matches!(
            router
                .run(&event(r#"{"event":{"type":"user.create"}}"#))
                .now_or_never()
                .unwrap(),
            RunOutcome::Unrouted
        ));
    }
}
