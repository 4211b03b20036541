//! [`IntoHandlerError`]: the errors `?` and `.into()` turn into a
//! [`HandlerError`], and what the compiler says for any other.

use http::StatusCode;

use super::HandlerError;
use super::error::BoxError;

/// An error that `?` (and `.into()`) in a handler turn into a
/// [`HandlerError`]: a 500 ([`HandlerError::internal`]) for each, except a
/// [`ParseError`](crate::ParseError) over its memory budget, a 413.
///
/// Implemented for [`std::io::Error`], [`serde_json::Error`],
/// [`http::Error`],
/// [`uuid::Error`], [`std::fmt::Error`], [`std::num::ParseIntError`],
/// [`std::str::Utf8Error`], [`std::string::FromUtf8Error`],
/// [`ParseError`](crate::ParseError) and `Box<dyn Error + Send + Sync>`;
/// sealed. For any other type, the compiler says that this trait is not
/// implemented for it: say what the error means where it happens
/// ([`ResultExt`](crate::ResultExt): `.or_internal()`, `.or_retry_later()`,
/// `.or_reject("[code]")`), or implement `From<YourError> for HandlerError`.
///
/// A string is deliberately none of these: `Err("blocked".into())` would
/// read as a veto but answer 500. Write `HandlerError::reject("[blocked]")`
/// for a veto (400 with that code), `HandlerError::internal("what failed")`
/// for a failure (500).
///
/// ```
/// use fusionauth_webhooks::{HandlerError, HandlerErrorKind};
///
/// fn read() -> Result<Vec<u8>, HandlerError> {
///     Ok(std::fs::read("/no/such/file")?) // io::Error: IntoHandlerError, a 500
/// }
/// assert_eq!(read().unwrap_err().kind(), HandlerErrorKind::Internal);
///
/// fn veto() -> Result<(), HandlerError> {
///     Err(HandlerError::reject("[blocked]")) // not `Err("blocked".into())`
/// }
/// assert_eq!(veto().unwrap_err().code(), Some("[blocked]"));
/// ```
#[diagnostic::on_unimplemented(
    message = "`?` makes a `HandlerError` only of the errors listed in `IntoHandlerError`'s docs, not of `{Self}`",
    label = "for a veto write `Err(HandlerError::reject(\"[code]\"))`, for a failure `.or_internal()` or `HandlerError::internal(..)`",
    note = "say what the error means where it happens with `ResultExt` (`.or_internal()`, `.or_retry_later()`, \
            `.or_reject(\"[code]\")`), or implement `From<{Self}> for HandlerError`"
)]
pub trait IntoHandlerError: sealed::Sealed {
    /// The handler error this error makes.
    fn into_handler_error(self) -> HandlerError;
}

/// `?` and `.into()` on an [`IntoHandlerError`].
impl<E: IntoHandlerError> From<E> for HandlerError {
    fn from(error: E) -> HandlerError {
        error.into_handler_error()
    }
}

mod sealed {
    /// Only this crate says which errors make a handler error by themselves.
    pub trait Sealed {}
}

/// These errors make a 500.
macro_rules! internal {
    ($($error:ty),* $(,)?) => {$(
        impl sealed::Sealed for $error {}
        impl IntoHandlerError for $error {
            fn into_handler_error(self) -> HandlerError {
                HandlerError::internal(self)
            }
        }
    )*};
}

internal!(
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

impl sealed::Sealed for crate::event::ParseError {}

/// A [`ParseError`](crate::ParseError) makes a 500, or a 413 rejection
/// (`[tooLarge]`, the error as message and source) for a payload over its
/// memory budget: the same body would be over it again.
impl IntoHandlerError for crate::event::ParseError {
    fn into_handler_error(self) -> HandlerError {
        if self.kind() == crate::event::ParseErrorKind::OverBudget {
            let message = self.to_string();
            return HandlerError::reject_with_status(StatusCode::PAYLOAD_TOO_LARGE, self.code())
                .with_message(message)
                .with_source(self);
        }
        HandlerError::internal(self)
    }
}
