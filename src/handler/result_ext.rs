//! [`ResultExt`]: choosing what an error means where it happens.

use super::HandlerError;

type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Turns any `Result` into a handler result, choosing what its error means.
///
/// ```
/// use fusionauth_webhooks::{HandlerError, HandlerErrorKind, ResultExt};
///
/// fn charge() -> Result<(), std::io::Error> {
///     Err(std::io::Error::other("payment service unreachable"))
/// }
/// let outcome: Result<(), HandlerError> = charge().or_retry_later();
/// assert_eq!(outcome.unwrap_err().kind(), HandlerErrorKind::RetryLater);
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
