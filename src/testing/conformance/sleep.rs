//! A sleep without an async runtime, for the suite's slow handlers.

use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Poll, Waker};
use std::time::Duration;

/// Waits on a helper thread, so that the suite needs no async runtime.
pub(super) async fn sleep(duration: Duration) {
    let shared: Arc<Mutex<(bool, Option<Waker>)>> = Arc::default();
    let thread_shared = Arc::clone(&shared);
    std::thread::spawn(move || {
        std::thread::sleep(duration);
        let mut state = thread_shared.lock().unwrap_or_else(PoisonError::into_inner);
        state.0 = true;
        if let Some(waker) = state.1.take() {
            waker.wake();
        }
    });
    std::future::poll_fn(|cx| {
        let mut state = shared.lock().unwrap_or_else(PoisonError::into_inner);
        if state.0 {
            Poll::Ready(())
        } else {
            state.1 = Some(cx.waker().clone());
            Poll::Pending
        }
    })
    .await;
}
