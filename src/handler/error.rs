//! [`HandlerError`]: why a handler did not process an event, as a kind each
//! door translates (the webhook to a status, a worker to retry or dead letter).

use std::any::Any;
use std::error::Error as StdError;
use std::fmt;

use http::StatusCode;

pub(super) type BoxError = Box<dyn StdError + Send + Sync + 'static>;

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
/// `Box<dyn Error + Send + Sync>` (the [`IntoHandlerError`](crate::IntoHandlerError)
/// errors). For any other error (your database's, your own), `?` fails to
/// compile with "`?` couldn't convert the error: `MyError: IntoHandlerError`
/// is not satisfied", and names the fixes. Either say what the error means
/// where it happens, with [`ResultExt`](crate::ResultExt):
///
/// ```
/// use fusionauth_webhooks::{HandlerError, HandlerErrorKind, ResultExt};
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
/// assert_eq!(handler().unwrap_err().kind(), HandlerErrorKind::RetryLater);
/// ```
///
/// or once for the type, with `impl From<MyError> for HandlerError`
/// (`HandlerError::internal(error)`, or a rejection for errors that are a
/// veto). A plain string is deliberately not an error: write
/// `HandlerError::reject("[code]")` for a veto (400 with that code), or
/// `HandlerError::internal("what failed")` for a failure (500).
///
/// ```
/// use fusionauth_webhooks::{HandlerError, HandlerErrorKind};
///
/// fn load() -> Result<String, HandlerError> {
///     let text = std::fs::read_to_string("/no/such/file")?; // io::Error -> 500
///     Ok(text)
/// }
/// assert_eq!(load().unwrap_err().kind(), HandlerErrorKind::Internal);
/// assert_eq!(HandlerError::reject("[emailTaken]").kind(), HandlerErrorKind::Rejected);
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
    pub(super) fn panicked(panic: Box<dyn Any + Send>) -> HandlerError {
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

    /// What kind of failure this is. Each door decides what it means: the
    /// webhook answers with a status (the [status table](crate#status-codes)),
    /// a [`Worker`](crate::Worker) retries the event or dead-letters it.
    ///
    /// ```
    /// use fusionauth_webhooks::{HandlerError, HandlerErrorKind};
    ///
    /// assert_eq!(HandlerError::retry_later().kind(), HandlerErrorKind::RetryLater);
    /// assert_eq!(HandlerError::reject("[blocked]").kind(), HandlerErrorKind::Rejected);
    /// ```
    pub fn kind(&self) -> HandlerErrorKind {
        match self.kind {
            Kind::Reject { .. } => HandlerErrorKind::Rejected,
            Kind::RetryLater => HandlerErrorKind::RetryLater,
            Kind::TimedOut => HandlerErrorKind::TimedOut,
            Kind::Internal => HandlerErrorKind::Internal,
            Kind::Panicked => HandlerErrorKind::Panicked,
        }
    }

    /// The status a rejection asked for (400 unless
    /// [`reject_with_status`](HandlerError::reject_with_status) named
    /// another); `None` for other kinds.
    ///
    /// ```
    /// use fusionauth_webhooks::HandlerError;
    /// use http::StatusCode;
    ///
    /// let taken = HandlerError::reject_with_status(StatusCode::CONFLICT, "[emailTaken]");
    /// assert_eq!(taken.rejection_status(), Some(StatusCode::CONFLICT));
    /// assert_eq!(HandlerError::internal("db down").rejection_status(), None);
    /// ```
    pub fn rejection_status(&self) -> Option<StatusCode> {
        match &self.kind {
            Kind::Reject { status, .. } => Some(*status),
            _ => None,
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
}

/// The kinds of [`HandlerError`], as [`HandlerError::kind`] tells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HandlerErrorKind {
    /// A deliberate rejection: a veto of a transactional event
    /// ([`HandlerError::reject`]).
    Rejected,
    /// Not now: a dependency is down ([`HandlerError::retry_later`]).
    RetryLater,
    /// The handler ran out of time ([`HandlerError::timed_out`]).
    TimedOut,
    /// The handler failed ([`HandlerError::internal`]).
    Internal,
    /// The handler panicked.
    Panicked,
}

impl HandlerErrorKind {
    /// A short name for logs and metrics: `rejected`, `retry_later`,
    /// `timed_out`, `internal` or `panicked`.
    ///
    /// ```
    /// use fusionauth_webhooks::HandlerError;
    ///
    /// assert_eq!(HandlerError::timed_out().kind().as_str(), "timed_out");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            HandlerErrorKind::Rejected => "rejected",
            HandlerErrorKind::RetryLater => "retry_later",
            HandlerErrorKind::TimedOut => "timed_out",
            HandlerErrorKind::Internal => "internal",
            HandlerErrorKind::Panicked => "panicked",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejection_never_carries_a_success_status() {
        for status in [StatusCode::OK, StatusCode::FOUND, StatusCode::CONTINUE] {
            let error = HandlerError::reject_with_status(status, "[nope]");
            assert_eq!(error.rejection_status(), Some(StatusCode::BAD_REQUEST));
        }
        let conflict = HandlerError::reject_with_status(StatusCode::CONFLICT, "[dup]");
        assert_eq!(conflict.rejection_status(), Some(StatusCode::CONFLICT));
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
    fn each_constructor_makes_its_kind() {
        assert_eq!(
            HandlerError::reject("[x]").kind(),
            HandlerErrorKind::Rejected
        );
        assert_eq!(
            HandlerError::retry_later().kind(),
            HandlerErrorKind::RetryLater
        );
        assert_eq!(HandlerError::timed_out().kind(), HandlerErrorKind::TimedOut);
        assert_eq!(
            HandlerError::internal("x").kind(),
            HandlerErrorKind::Internal
        );
        assert_eq!(
            HandlerError::panicked(Box::new("boom")).kind(),
            HandlerErrorKind::Panicked
        );
    }

    #[test]
    fn the_source_chain_is_kept_for_logs() {
        let error: HandlerError = std::io::Error::other("disk full").into();
        assert_eq!(error.to_string(), "handler failed: disk full");
        assert!(error.source().is_some());
    }
}
