//! Running the handlers of one event and combining their results.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};

use futures_util::FutureExt as _;
use futures_util::future::{BoxFuture, join_all};

use super::Outcome;
use crate::Event;
use crate::handler::HandlerError;
use crate::router::{HandlerResult, Route};

/// Runs every handler to completion and reports the first failure in
/// registration order, or success when all succeeded.
///
/// All payloads are parsed before any handler starts, so a malformed payload
/// (400) never leaves some handlers run and others not. Handlers run
/// concurrently; a panic in one becomes a 500 and the others still finish.
pub(super) async fn run_handlers(routes: &[&Route], event: &Event) -> Outcome {
    let mut calls: Vec<BoxFuture<'static, HandlerResult>> = Vec::with_capacity(routes.len());
    for route in routes {
        match catch_unwind(AssertUnwindSafe(|| route.prepare(event))) {
            Ok(Ok(call)) => calls.push(call),
            Ok(Err(error)) => return Outcome::InvalidBody(error),
            Err(panic) => return Outcome::Handler(panicked(panic)),
        }
    }
    let guarded = calls
        .into_iter()
        .map(|call| AssertUnwindSafe(call).catch_unwind());
    let results = join_all(guarded).await;
    for result in results {
        match result {
            Ok(Ok(())) => {}
            Ok(Err(error)) => return Outcome::Handler(error),
            Err(panic) => return Outcome::Handler(panicked(panic)),
        }
    }
    Outcome::Handled
}

fn panicked(panic: Box<dyn Any + Send>) -> HandlerError {
    let message = panic
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-string panic payload".to_owned());
    HandlerError::panicked(message)
}
