//! What the webhook needs from an async runtime beyond a timer: a task to
//! finish the handlers on when the connection goes away (tokio's, with the
//! `tokio` feature).

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
#[cfg(feature = "tokio")]
use std::pin::Pin;
#[cfg(feature = "tokio")]
use std::task::{Context, Poll, ready};

use futures_util::FutureExt as _;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Runs `run` (the handlers, and the deduplication claim around them) so
/// that dropping the request (the sender hung up) does not cancel it
/// half-way.
///
/// `run` is polled in place, in the request's own task, so a request pays
/// no task hop. Only if the request is dropped before `run` has finished is
/// the rest of `run` moved onto a task of its own (with the `tokio` feature,
/// on the runtime it started on) to finish there; without a tokio runtime,
/// dropping the request drops `run`. `cancelled` answers if `run` panicked
/// (outside the handlers, which catch their own panics).
pub(crate) async fn detached<T: Send + 'static>(
    run: impl Future<Output = T> + Send + 'static,
    cancelled: impl FnOnce(BoxError) -> T,
) -> T {
    let run = AssertUnwindSafe(run).catch_unwind();
    #[cfg(feature = "tokio")]
    let finished = match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            DetachOnDrop {
                run: Some(Box::pin(run)),
                runtime,
            }
            .await
        }
        Err(_) => run.await,
    };
    #[cfg(not(feature = "tokio"))]
    let finished = run.await;
    finished.unwrap_or_else(|panic| cancelled(panicked(&*panic).into()))
}

/// The message of a panic, for the error `detached` answers with.
fn panicked(panic: &(dyn Any + Send)) -> String {
    let message = panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a non-string panic payload");
    format!("the delivery panicked: {message}")
}

/// A future polled in place until it is dropped unfinished, and then moved
/// onto a task of `runtime` to run to its end. Boxed, so that it can move
/// after it has been polled.
#[cfg(feature = "tokio")]
struct DetachOnDrop<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    /// `None` once it has finished.
    run: Option<Pin<Box<F>>>,
    runtime: tokio::runtime::Handle,
}

#[cfg(feature = "tokio")]
impl<F> Future for DetachOnDrop<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let Some(run) = self.run.as_mut() else {
            panic!("DetachOnDrop polled after it finished");
        };
        let output = ready!(run.as_mut().poll(cx));
        self.run = None;
        Poll::Ready(output)
    }
}

#[cfg(feature = "tokio")]
impl<F> Drop for DetachOnDrop<F>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn drop(&mut self) {
        // Unfinished: the request was dropped. (A runtime that is shutting
        // down drops the task unpolled, as it drops the request.)
        if let Some(run) = self.run.take() {
            drop(self.runtime.spawn(run));
        }
    }
}

#[cfg(all(test, feature = "tokio"))]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;

    #[tokio::test]
    async fn runs_in_the_callers_task() {
        let caller = tokio::spawn(async {
            let caller = tokio::task::id();
            let ran_in = detached(async { tokio::task::try_id() }, |_| None).await;
            (caller, ran_in)
        });
        let (caller, ran_in) = caller.await.unwrap();
        assert_eq!(ran_in, Some(caller));
    }

    #[tokio::test]
    async fn finishes_on_a_task_of_its_own_when_dropped_unfinished() {
        let finished = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&finished);
        let (started_tx, started) = tokio::sync::oneshot::channel();
        let (release, released) = tokio::sync::oneshot::channel::<()>();
        let run = async move {
            started_tx.send(()).unwrap();
            released.await.unwrap();
            flag.store(true, Ordering::SeqCst);
        };
        let request = tokio::spawn(detached(run, |_| ()));
        started.await.unwrap();
        request.abort();
        assert!(request.await.unwrap_err().is_cancelled());
        release.send(()).unwrap();
        for _ in 0..100 {
            if finished.load(Ordering::SeqCst) {
                return;
            }
            tokio::task::yield_now().await;
        }
        panic!("the dropped run did not finish");
    }

    #[tokio::test]
    async fn a_panic_is_answered_by_cancelled() {
        let answer = detached(async { panic!("in the claim") }, |error| error.to_string()).await;
        assert_eq!(answer, "the delivery panicked: in the claim");
    }

    #[test]
    fn without_a_runtime_it_runs_in_place() {
        let answer = futures_util::FutureExt::now_or_never(detached(async { 7 }, |_| 0));
        assert_eq!(answer, Some(7));
    }
}
