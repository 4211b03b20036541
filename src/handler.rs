//! What a handler is, and how it says an event was not handled.

use std::any::Any;
use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use async_trait::async_trait;
use futures_util::FutureExt as _;
use futures_util::future::BoxFuture;
use http::StatusCode;

use crate::Event;

/// Handles one event; `Ok` means it is processed and FusionAuth may forget it.
///
/// Implemented for every `Fn(Event) -> impl Future<Output = Result<(), HandlerError>>`
/// that is `Send + Sync + 'static`, so an async closure is a handler. Implement
/// it yourself for a handler with state of its own; register it with
/// [`Router::on_event`](crate::Router::on_event) and friends.
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

type BoxError = Box<dyn StdError + Send + Sync + 'static>;

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

/// Why a handler did not process an event, which decides the HTTP status:
/// [`reject`](HandlerError::reject) is a deliberate veto (400, or the status
/// [`reject_with_status`](HandlerError::reject_with_status) names),
/// [`retry_later`](HandlerError::retry_later) and
/// [`timed_out`](HandlerError::timed_out) a 503,
/// [`internal`](HandlerError::internal) a 500. The status table of the
/// [crate docs](crate#status-codes) says what FusionAuth makes of each.
///
/// Internal errors are logged with their source chain; the response carries
/// none of it.
///
/// # `?` in a handler
///
/// `?` converts these errors into a 500 ([`internal`](HandlerError::internal)):
/// [`std::io::Error`], [`serde_json::Error`], [`http::Error`], [`uuid::Error`],
/// [`std::fmt::Error`], [`std::num::ParseIntError`], [`std::str::Utf8Error`],
/// [`std::string::FromUtf8Error`], [`ParseError`](crate::ParseError) (a 413
/// rejection for one over its memory budget) and
/// `Box<dyn Error + Send + Sync>`. For any other error (your database's, your
/// own), `?` fails to compile with "the trait `From<MyError>` is not
/// implemented for `HandlerError`". Either say what the error means where it
/// happens, with [`ResultExt`]:
///
/// ```
/// use fusionauth_webhooks::{HandlerError, ResultExt};
///
/// #[derive(Debug, thiserror::Error)]
/// #[error("the database is down")]
/// struct DbError;
///
/// fn delete_rows() -> Result<(), DbError> { Err(DbError) }
///
/// fn handler() -> Result<(), HandlerError> {
///     delete_rows().or_retry_later()?; // 503: FusionAuth retries
///     Ok(())
/// }
/// assert_eq!(handler().unwrap_err().status(), 503);
/// ```
///
/// or once for the type, with `impl From<MyError> for HandlerError`
/// (`HandlerError::internal(error)`, or a rejection for errors that are a
/// veto). A plain string is deliberately not an error: write
/// `HandlerError::reject("[code]")` for a veto (400 with that code), or
/// `HandlerError::internal("what failed")` for a failure (500).
///
/// ```
/// use fusionauth_webhooks::HandlerError;
/// use http::StatusCode;
///
/// fn load() -> Result<String, HandlerError> {
///     let text = std::fs::read_to_string("/no/such/file")?; // io::Error -> 500
///     Ok(text)
/// }
/// assert_eq!(load().unwrap_err().status(), StatusCode::INTERNAL_SERVER_ERROR);
/// assert_eq!(HandlerError::reject("[emailTaken]").status(), StatusCode::BAD_REQUEST);
/// ```
pub struct HandlerError {
    kind: Kind,
    source: Option<BoxError>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    Reject {
        status: StatusCode,
        code: String,
        message: Option<String>,
    },
    RetryLater,
    TimedOut,
    Internal,
    Panicked,
}

impl HandlerError {
    /// A deliberate rejection (400) with a FusionAuth-style error code such as
    /// `"[emailTaken]"`, sent back in the error body. For a transactional
    /// event this vetoes the operation in FusionAuth.
    pub fn reject(code: impl Into<String>) -> HandlerError {
        HandlerError::reject_with_status(StatusCode::BAD_REQUEST, code)
    }

    /// A deliberate rejection with a status of your choosing. A status that is
    /// not a client or server error (say 200 or 302) is replaced by 400: a
    /// rejection must never read as success to FusionAuth.
    pub fn reject_with_status(status: StatusCode, code: impl Into<String>) -> HandlerError {
        let status = if status.is_client_error() || status.is_server_error() {
            status
        } else {
            StatusCode::BAD_REQUEST
        };
        HandlerError::from_kind(Kind::Reject {
            status,
            code: code.into(),
            message: None,
        })
    }

    /// Adds a human-readable message to a rejection's error body. Ignored on
    /// other kinds of error, whose details never leave the process.
    pub fn with_message(mut self, message: impl Into<String>) -> HandlerError {
        if let Kind::Reject { message: slot, .. } = &mut self.kind {
            *slot = Some(message.into());
        }
        self
    }

    /// Not now (503): a dependency is down, try again later.
    pub fn retry_later() -> HandlerError {
        HandlerError::from_kind(Kind::RetryLater)
    }

    /// The handler ran out of time (503).
    pub fn timed_out() -> HandlerError {
        HandlerError::from_kind(Kind::TimedOut)
    }

    /// The handler failed (500); `error` is logged, never sent.
    pub fn internal(error: impl Into<BoxError>) -> HandlerError {
        HandlerError {
            kind: Kind::Internal,
            source: Some(error.into()),
        }
    }

    /// Attaches the underlying error to any kind, for the log.
    pub fn with_source(mut self, error: impl Into<BoxError>) -> HandlerError {
        self.source = Some(error.into());
        self
    }

    /// A handler panicked (500); the panic's message is kept for the log.
    fn panicked(panic: Box<dyn Any + Send>) -> HandlerError {
        let message = panic
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a non-string panic payload".to_owned());
        HandlerError {
            kind: Kind::Panicked,
            source: Some(message.into()),
        }
    }

    fn from_kind(kind: Kind) -> HandlerError {
        HandlerError { kind, source: None }
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        match &self.kind {
            Kind::Reject { status, .. } => *status,
            Kind::RetryLater | Kind::TimedOut => StatusCode::SERVICE_UNAVAILABLE,
            Kind::Internal | Kind::Panicked => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The error code of a rejection; `None` for other kinds.
    pub fn code(&self) -> Option<&str> {
        match &self.kind {
            Kind::Reject { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The message of a rejection, if one was set.
    pub fn message(&self) -> Option<&str> {
        match &self.kind {
            Kind::Reject { message, .. } => message.as_deref(),
            _ => None,
        }
    }

    /// Whether this is a deliberate rejection (as opposed to a failure).
    pub fn is_rejection(&self) -> bool {
        matches!(self.kind, Kind::Reject { .. })
    }

    /// A short name of the kind, for logs: `rejected`, `retry_later`,
    /// `timed_out`, `internal` or `panicked`.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Reject { .. } => "rejected",
            Kind::RetryLater => "retry_later",
            Kind::TimedOut => "timed_out",
            Kind::Internal => "internal",
            Kind::Panicked => "panicked",
        }
    }
}

impl fmt::Debug for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HandlerError")
            .field("kind", &self.kind)
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Display for HandlerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Reject { status, code, .. } => {
                write!(f, "handler rejected the event with {code} ({status})")
            }
            Kind::RetryLater => f.write_str("handler asked to retry later"),
            Kind::TimedOut => f.write_str("handler timed out"),
            Kind::Internal => f.write_str("handler failed"),
            Kind::Panicked => f.write_str("handler panicked"),
        }?;
        if let Some(source) = &self.source {
            write!(f, ": {source}")?;
        }
        Ok(())
    }
}

impl StdError for HandlerError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|source| source as &(dyn StdError + 'static))
    }
}

/// `?` on these errors in a handler makes a 500.
macro_rules! internal_from {
    ($($error:ty),* $(,)?) => {$(
        impl From<$error> for HandlerError {
            fn from(error: $error) -> Self {
                HandlerError::internal(error)
            }
        }
    )*};
}

internal_from!(
    std::io::Error,
    serde_json::Error,
    http::Error,
    uuid::Error,
    std::fmt::Error,
    std::num::ParseIntError,
    std::str::Utf8Error,
    std::string::FromUtf8Error,
    BoxError,
);

/// `?` on a [`ParseError`](crate::ParseError) in a handler makes a 500, or
/// a 413 rejection (`[tooLarge]`, the error as message and source) for a
/// payload over its memory budget: the same body would be over it again.
impl From<crate::ParseError> for HandlerError {
    fn from(error: crate::ParseError) -> Self {
        if error.kind() == crate::ParseErrorKind::OverBudget {
            let message = error.to_string();
            return HandlerError::reject_with_status(StatusCode::PAYLOAD_TOO_LARGE, error.code())
                .with_message(message)
                .with_source(error);
        }
        HandlerError::internal(error)
    }
}

/// Turns any `Result` into a handler result, choosing what its error means.
///
/// ```
/// use fusionauth_webhooks::{HandlerError, ResultExt};
///
/// fn charge() -> Result<(), std::io::Error> {
///     Err(std::io::Error::other("payment service unreachable"))
/// }
/// let outcome: Result<(), HandlerError> = charge().or_retry_later();
/// assert_eq!(outcome.unwrap_err().status(), http::StatusCode::SERVICE_UNAVAILABLE);
/// ```
pub trait ResultExt<T> {
    /// On error, a 500 with the error as source.
    fn or_internal(self) -> Result<T, HandlerError>;
    /// On error, a 503 with the error as source.
    fn or_retry_later(self) -> Result<T, HandlerError>;
    /// On error, a 400 rejection with `code`, with the error as source.
    fn or_reject(self, code: &str) -> Result<T, HandlerError>;
}

impl<T, E> ResultExt<T> for Result<T, E>
where
    E: Into<BoxError>,
{
    fn or_internal(self) -> Result<T, HandlerError> {
        self.map_err(HandlerError::internal)
    }

    fn or_retry_later(self) -> Result<T, HandlerError> {
        self.map_err(|error| HandlerError::retry_later().with_source(error))
    }

    fn or_reject(self, code: &str) -> Result<T, HandlerError> {
        self.map_err(|error| HandlerError::reject(code).with_source(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejection_never_carries_a_success_status() {
        for status in [StatusCode::OK, StatusCode::FOUND, StatusCode::CONTINUE] {
            let error = HandlerError::reject_with_status(status, "[nope]");
            assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        }
        let conflict = HandlerError::reject_with_status(StatusCode::CONFLICT, "[dup]");
        assert_eq!(conflict.status(), StatusCode::CONFLICT);
        assert_eq!(conflict.code(), Some("[dup]"));
    }

    #[test]
    fn messages_attach_only_to_rejections() {
        let rejected = HandlerError::reject("[x]").with_message("email already taken");
        assert_eq!(rejected.message(), Some("email already taken"));
        let internal = HandlerError::internal("db down").with_message("leak me");
        assert_eq!(internal.message(), None);
    }

    #[test]
    fn each_kind_maps_to_its_status() {
        assert_eq!(
            HandlerError::retry_later().status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            HandlerError::timed_out().status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
        assert_eq!(
            HandlerError::internal("x").status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
        assert_eq!(
            HandlerError::panicked(Box::new("boom")).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    #[test]
    fn the_source_chain_is_kept_for_logs() {
        let error: HandlerError = std::io::Error::other("disk full").into();
        assert_eq!(error.to_string(), "handler failed: disk full");
        assert!(error.source().is_some());
    }
}
