#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

use fusionauth_webhooks::Webhook;
use salvo::http::ResBody;
use salvo::{Depot, FlowCtrl, Handler, Request, Response, async_trait};

/// A salvo [`Handler`] that answers every request it gets with a
/// [webhook](fusionauth_webhooks::Webhook).
///
/// Make it the `goal` of a `Router` with no method filter
/// (`Router::with_path("hooks/fusionauth").goal(..)`), so that a wrong
/// method gets the webhook's own `405` with `Allow: POST`. The body is
/// streamed into the webhook, which reads it only once the headers have
/// passed its checks and never past its size limit. The response always has
/// a body (empty when the webhook's has none), so salvo's catcher never
/// replaces an error answer with its own error page.
///
/// ```
/// use fusionauth_webhooks::{Router, Webhook};
/// use fusionauth_webhooks_salvo::WebhookHandler;
/// use salvo::http::Method;
/// use salvo::{Depot, FlowCtrl, Handler as _, Request, Response};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let webhook = Webhook::builder().api_key("a-long-random-key").allow_no_handlers().build()?;
/// let handler = WebhookHandler::new(webhook);
///
/// let mut request = Request::new();
/// *request.method_mut() = Method::GET;
/// let mut response = Response::new();
/// let mut ctrl = FlowCtrl::new(Vec::new());
/// handler.handle(&mut request, &mut Depot::new(), &mut response, &mut ctrl).await;
/// assert_eq!(response.status_code.map(|status| status.as_u16()), Some(405));
/// assert_eq!(response.headers()["allow"], "POST");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct WebhookHandler {
    webhook: Webhook,
}

impl WebhookHandler {
    /// A handler that answers with `webhook`.
    pub fn new(webhook: Webhook) -> WebhookHandler {
        WebhookHandler { webhook }
    }

    /// The webhook this handler answers with.
    ///
    /// ```
    /// # use fusionauth_webhooks::{Router, Webhook};
    /// # let webhook = Webhook::builder().api_key("a-long-random-key").allow_no_handlers().build().unwrap();
    /// let handler = fusionauth_webhooks_salvo::WebhookHandler::new(webhook);
    /// assert_eq!(handler.into_inner().max_body_size(), 8 * 1024 * 1024);
    /// ```
    pub fn into_inner(self) -> Webhook {
        self.webhook
    }
}

impl From<Webhook> for WebhookHandler {
    fn from(webhook: Webhook) -> WebhookHandler {
        WebhookHandler::new(webhook)
    }
}

#[async_trait]
impl Handler for WebhookHandler {
    async fn handle(
        &self,
        request: &mut Request,
        _depot: &mut Depot,
        response: &mut Response,
        _ctrl: &mut FlowCtrl,
    ) {
        // salvo speaks `http` 1: the method and headers carry over as they
        // are (cloned, so that hoops after this one still see them), and the
        // body is taken unread; salvo's `secure_max_size` (64 KiB) applies
        // only to its own parsers, which are not used.
        let mut converted = http::Request::new(request.take_body());
        *converted.method_mut() = request.method().clone();
        *converted.headers_mut() = request.headers().clone();

        let (parts, body) = self.webhook.handle_body(converted).await.into_parts();
        response.status_code(parts.status);
        response.headers_mut().extend(parts.headers);
        response.replace_body(ResBody::Once(body));
    }
}
