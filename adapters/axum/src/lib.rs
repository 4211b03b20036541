#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

use axum::Router;
use fusionauth_webhooks::Webhook;

/// A `Router` that answers every method at `path` with `webhook`.
///
/// `merge` it into your app, or `nest` it under a prefix; it takes the app's
/// state type `S` and never reads the state. See the [crate docs](crate) for
/// an example.
///
/// # Panics
///
/// As [`Router::route_service`]: if `path` does not start with `/` or is
/// not a valid axum path.
pub fn router<S>(path: &str, webhook: Webhook) -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    Router::new().route_service(path, webhook)
}
