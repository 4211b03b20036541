//! What a handler is, and how it says an event was not handled.

mod error;
mod into_error;
mod result_ext;

use std::future::Future;
use std::panic::AssertUnwindSafe;

use async_trait::async_trait;
use futures_util::FutureExt as _;
use futures_util::future::BoxFuture;

use crate::event::Event;
pub use error::{HandlerError, HandlerErrorKind};
pub use into_error::IntoHandlerError;
pub use result_ext::ResultExt;

/// Handles one event; `Ok` means it is processed and FusionAuth may forget it.
///
/// Implemented for every `Fn(Event) -> impl Future<Output = Result<(), HandlerError>>`
/// that is `Send + Sync + 'static`, so an async closure is a handler. Implement
/// it yourself for a handler with state of its own; register it with
/// [`Router::on_event`](crate::Router::on_event) and friends.
///
/// A closure of a typed payload (`|deleted: UserDelete| ..`) is not one:
/// register it with [`Router::on`](crate::Router::on). Given to `on_event`,
/// it fails with "type mismatch in closure arguments ... expected closure
/// signature `fn(Event) -> _`, found `fn(UserDelete) -> _`".
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use fusionauth_webhooks::{Event, EventHandler, EventType, HandlerError, Router};
///
/// /// Counts the events of each tenant it sees (a stand-in for a database pool).
/// struct AuditTrail {
///     seen: Arc<AtomicUsize>,
/// }
///
/// #[async_trait::async_trait]
/// impl EventHandler for AuditTrail {
///     async fn handle(&self, event: Event) -> Result<(), HandlerError> {
///         // A deliberate veto: FusionAuth fails a transactional operation.
///         if event.tenant_id().is_none() {
///             return Err(HandlerError::reject("[missingTenant]"));
///         }
///         self.seen.fetch_add(1, Ordering::SeqCst);
///         Ok(())
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let seen = Arc::new(AtomicUsize::new(0));
/// let router = Router::new().on_event(EventType::UserCreate, AuditTrail { seen: seen.clone() });
/// let event = Event::parse(
///     r#"{"event":{"type":"user.create","tenantId":"3c219e58-ed0e-4b18-ad48-f4f92793ae32"}}"#.into(),
/// )?;
/// assert!(router.run(&event).await.is_success());
/// assert_eq!(seen.load(Ordering::SeqCst), 1);
/// # Ok(())
/// # }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a handler of the untyped `Event`",
    label = "expected `|event: Event| async move {{ ..; Ok(()) }}` or a type that implements `EventHandler`",
    note = "for a typed payload, register the closure with `.on(|created: UserCreate| async move {{ .. }})`: \
            the payload's type names the event type"
)]
#[async_trait]
pub trait EventHandler: Send + Sync + 'static {
    /// Processes the event. The webhook answers 2xx only after this returns
    /// `Ok` (and every other handler for the event has too).
    async fn handle(&self, event: Event) -> Result<(), HandlerError>;
}

#[async_trait]
impl<F, Fut> EventHandler for F
where
    F: Fn(Event) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), HandlerError>> + Send + 'static,
{
    async fn handle(&self, event: Event) -> Result<(), HandlerError> {
        self(event).await
    }
}

/// What a handler's call comes to.
pub(crate) type HandlerResult = Result<(), HandlerError>;

/// Awaits a handler's call, turning a panic into that handler's failure
/// (500 for this event only): one panicking handler never takes the process,
/// or the other handlers of the event, down with it.
pub(crate) async fn catch_panic(call: BoxFuture<'static, HandlerResult>) -> HandlerResult {
    AssertUnwindSafe(call)
        .catch_unwind()
        .await
        .unwrap_or_else(|panic| Err(HandlerError::panicked(panic)))
}
