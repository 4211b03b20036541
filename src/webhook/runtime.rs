//! What the webhook needs from an async runtime beyond a timer: a task to
//! run handlers detached from the connection (tokio's, with the `tokio`
//! feature).

use std::future::Future;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Runs `run` (the handlers, and the deduplication claim around them) in a
/// task of its own when there is a tokio runtime, so that dropping the request
/// (the sender hung up) does not cancel it half-way; else in place.
/// `cancelled` answers if the task never finished (the runtime shut down).
pub(crate) async fn detached<T: Send + 'static>(
    run: impl Future<Output = T> + Send + 'static,
    cancelled: impl FnOnce(BoxError) -> T,
) -> T {
    #[cfg(feature = "tokio")]
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        return match runtime.spawn(run).await {
            Ok(output) => output,
            // Panics are caught inside the run; this is a runtime shutting down.
            Err(error) => cancelled(Box::new(error)),
        };
    }
    #[cfg(not(feature = "tokio"))]
    let _ = cancelled;
    run.await
}
