#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

use std::io;

use bytes::Bytes;
use fusionauth_webhooks::Webhook;
use http_body_util::combinators::BoxBody;
use poem::{Endpoint, Request, Response};

/// A poem [`Endpoint`] that answers every request it gets with a
/// [webhook](fusionauth_webhooks::Webhook).
///
/// Mount it with `Route::at` and no method filter, so that a wrong method
/// gets the webhook's own `405` with `Allow: POST`. The body is streamed into
/// the webhook, which reads it only once the headers have passed its checks
/// and never past its size limit.
///
/// ```
/// use fusionauth_webhooks::{Router, Webhook};
/// use fusionauth_webhooks_poem::WebhookEndpoint;
/// use poem::{Endpoint as _, Request, Route, http::Method};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let webhook = Webhook::builder().api_key("a-long-random-key").allow_no_handlers().build()?;
/// let app = Route::new().at("/hooks/fusionauth", WebhookEndpoint::new(webhook));
/// let request = Request::builder().method(Method::GET).uri_str("/hooks/fusionauth").finish();
/// let response = app.get_response(request).await;
/// assert_eq!(response.status(), 405);
/// assert_eq!(response.headers()["allow"], "POST");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct WebhookEndpoint {
    webhook: Webhook,
}

impl WebhookEndpoint {
    /// An endpoint that answers with `webhook`.
    pub fn new(webhook: Webhook) -> WebhookEndpoint {
        WebhookEndpoint { webhook }
    }

    /// The webhook this endpoint answers with.
    ///
    /// ```
    /// # use fusionauth_webhooks::{Router, Webhook};
    /// # let webhook = Webhook::builder().api_key("a-long-random-key").allow_no_handlers().build().unwrap();
    /// let endpoint = fusionauth_webhooks_poem::WebhookEndpoint::new(webhook);
    /// assert_eq!(endpoint.into_inner().max_body_size(), 8 * 1024 * 1024);
    /// ```
    pub fn into_inner(self) -> Webhook {
        self.webhook
    }
}

impl From<Webhook> for WebhookEndpoint {
    fn from(webhook: Webhook) -> WebhookEndpoint {
        WebhookEndpoint::new(webhook)
    }
}

impl Endpoint for WebhookEndpoint {
    type Output = Response;

    /// Never an `Err`: every refusal is the webhook's own response.
    async fn call(&self, request: Request) -> poem::Result<Response> {
        // poem's request is an `http` 1 request around a boxed
        // `http_body::Body`: nothing to convert but the body's type.
        let request: poem::http::Request<BoxBody<Bytes, io::Error>> = request.into();
        let (parts, body) = self.webhook.handle_body(request).await.into_parts();
        let mut response = Response::builder().status(parts.status).body(body);
        *response.headers_mut() = parts.headers;
        Ok(response)
    }
}
