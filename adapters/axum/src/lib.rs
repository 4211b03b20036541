#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

use axum::Router;
use fusionauth_webhooks::Webhook;

/// A `Router` that answers every method at `path` with `webhook`.
///
/// `merge` it into your app, or `nest` it under a prefix; it takes the app's
/// state type `S` and never reads the state. The [crate docs](crate) show it
/// beside the app's own routes and state.
///
/// ```
/// use fusionauth_webhooks::{Event, EventType, Router as Handlers, Webhook};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let handlers = Handlers::new().on_event(EventType::UserDelete, |_: Event| async { Ok(()) });
/// let webhook = Webhook::builder().api_key("a-long-random-key").router(handlers).build()?;
/// let app: axum::Router = axum::Router::new()
///     .route("/health", axum::routing::get(|| async { "ok" }))
///     .merge(fusionauth_webhooks_axum::router("/hooks/fusionauth", webhook));
/// # let _ = app;
/// # Ok(())
/// # }
/// ```
///
/// # Panics
///
/// As [`Router::route_service`](axum::Router::route_service): if `path`
/// does not start with `/` or is not a valid axum path.
pub fn router<S>(path: &str, webhook: Webhook) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    Router::new().route_service(path, webhook)
}
