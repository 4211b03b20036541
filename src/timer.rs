//! The one thing the timeouts need from an async runtime: a sleep. tokio's
//! with the `tokio` feature; a timer of the user's otherwise
//! ([`WebhookBuilder::timer`](crate::WebhookBuilder::timer)).

use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use futures_util::future::BoxFuture;

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
    ///
    /// The sleep starts only once `future` has had to wait: a body already
    /// in memory (the common case, and every [`Webhook::handle`]) is read
    /// without touching the timer.
    ///
    /// [`Webhook::handle`]: crate::Webhook::handle
    pub(crate) async fn timeout<T>(
        &self,
        duration: Duration,
        future: impl Future<Output = T>,
    ) -> Option<T> {
        let mut future = pin!(future);
        let mut sleep: Option<BoxFuture<'static, ()>> = None;
        poll_fn(|cx| {
            if let Poll::Ready(output) = future.as_mut().poll(cx) {
                return Poll::Ready(Some(output));
            }
            let sleep = sleep.get_or_insert_with(|| self.sleep(duration));
            sleep.as_mut().poll(cx).map(|()| None)
        })
        .await
    }
}

impl fmt::Debug for Timer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Timer")
    }
}
