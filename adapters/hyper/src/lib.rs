#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

use std::convert::Infallible;
use std::error::Error as StdError;
use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use fusionauth_webhooks::Webhook;
use fusionauth_webhooks::service::ResponseFuture;
use http::{Request, Response, StatusCode};
use http_body::Body;
use http_body_util::Full;
use tokio::net::TcpListener;

mod server;

pub use server::{
    DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_SHUTDOWN_TIMEOUT, Server,
};

/// A hyper `Service` that answers with a [webhook](fusionauth_webhooks::Webhook), at every path or at
/// one path only (see [`at`](WebhookService::at)).
///
/// Give it to `hyper::server::conn::http1::Builder::serve_connection`, or
/// to [`serve`]. See the [crate docs](crate) for an example.
#[derive(Debug, Clone)]
pub struct WebhookService {
    webhook: Webhook,
    path: Option<Arc<str>>,
}

impl WebhookService {
    /// A service that answers every request with `webhook`.
    pub fn new(webhook: Webhook) -> WebhookService {
        WebhookService {
            webhook,
            path: None,
        }
    }

    /// Answers with the webhook only at this exact path (the query is
    /// ignored), and with an empty `404` elsewhere.
    pub fn at(mut self, path: impl Into<Arc<str>>) -> WebhookService {
        self.path = Some(path.into());
        self
    }

    /// The webhook this service answers with.
    pub fn into_inner(self) -> Webhook {
        self.webhook
    }
}

impl From<Webhook> for WebhookService {
    fn from(webhook: Webhook) -> WebhookService {
        WebhookService::new(webhook)
    }
}

impl<B> hyper::service::Service<Request<B>> for WebhookService
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn call(&self, request: Request<B>) -> ResponseFuture {
        let elsewhere = self
            .path
            .as_deref()
            .is_some_and(|path| request.uri().path() != path);
        if elsewhere {
            let mut response = Response::new(Full::default());
            *response.status_mut() = StatusCode::NOT_FOUND;
            return Box::pin(std::future::ready(Ok(response)));
        }
        tower_service::Service::call(&mut self.webhook.clone(), request)
    }
}

/// Serves `service` over HTTP/1.1 on every connection `listener` accepts,
/// with the default [`Server`] settings, until the returned future is dropped.
///
/// Each connection runs in its own task. Dropping the future (or aborting
/// the task that runs it) stops accepting and closes every open connection.
/// To let them finish, use [`serve_with_shutdown`].
pub async fn serve(listener: TcpListener, service: impl Into<WebhookService>) {
    Server::new().serve(listener, service).await;
}

/// Like [`serve`], until `signal` completes; then stops accepting, lets every
/// open connection finish its request in flight for up to
/// [`DEFAULT_SHUTDOWN_TIMEOUT`], closes those still open, and returns. See
/// [`Server`] to change the limits.
///
/// A failed `accept` (out of file descriptors, say) is logged and retried
/// after a short pause; it does not stop the server.
pub async fn serve_with_shutdown(
    listener: TcpListener,
    service: impl Into<WebhookService>,
    signal: impl Future<Output = ()>,
) {
    Server::new()
        .serve_with_shutdown(listener, service, signal)
        .await;
}
