//! What the webhook needs from an async runtime: a timer for its timeouts,
//! and a task to run handlers detached from the connection. tokio's with the
//! `tokio` feature; a timer of the user's otherwise.

use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::{BoxFuture, Either, select};

use crate::router::RunOutcome;

/// Sleeps for a duration: the one thing a timeout needs.
#[derive(Clone)]
pub(crate) struct Timer(Arc<dyn Fn(Duration) -> BoxFuture<'static, ()> + Send + Sync>);

impl Timer {
    pub(crate) fn new<F>(sleep: impl Fn(Duration) -> F + Send + Sync + 'static) -> Timer
    where
        F: Future<Output = ()> + Send + 'static,
    {
        Timer(Arc::new(move |duration| Box::pin(sleep(duration))))
    }

    /// tokio's timer, with the `tokio` feature.
    pub(crate) fn tokio() -> Option<Timer> {
        #[cfg(feature = "tokio")]
        return Some(Timer::new(tokio::time::sleep));
        #[cfg(not(feature = "tokio"))]
        return None;
    }

    pub(crate) fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        (self.0)(duration)
    }

    /// `future`'s output, or `None` if `duration` passed first.
    pub(crate) async fn timeout<T>(
        &self,
        duration: Duration,
        future: impl Future<Output = T>,
    ) -> Option<T> {
        match select(pin!(future), self.sleep(duration)).await {
            Either::Left((output, _)) => Some(output),
            Either::Right(((), _)) => None,
        }
    }
}

impl fmt::Debug for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Timer")
    }
}

/// Runs the handlers in a task of their own when there is a tokio runtime,
/// so that dropping the request (the sender hung up) does not cancel them
/// half-way; else in place.
pub(crate) async fn detached(run: impl Future<Output = RunOutcome> + Send + 'static) -> RunOutcome {
    #[cfg(feature = "tokio")]
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        return match runtime.spawn(run).await {
            Ok(outcome) => outcome,
            // Panics are caught inside the run; this is a runtime shutting down.
            Err(error) => RunOutcome::Failed(crate::HandlerError::retry_later().with_source(error)),
        };
    }
    run.await
}
