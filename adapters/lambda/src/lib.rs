#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

use std::convert::Infallible;
use std::task::{Context, Poll};

use bytes::Bytes;
use fusionauth_webhooks::Webhook;
use http_body_util::Full;
use lambda_http::request::LambdaRequest;
use lambda_http::{Adapter, LambdaEvent, Service, TransformResponse};

/// What `lambda_http` turns the webhook's answer into, per event shape.
type Answer = http::Response<Full<Bytes>>;

/// Runs `webhook` as the Lambda function: polls the Lambda Runtime API for
/// events and answers each with the webhook, until the execution
/// environment is shut down.
///
/// Call it from `main`, once everything the handlers need is built (that
/// work is the function's cold start).
///
/// ```no_run
/// use fusionauth_webhooks::{Router, WebhookBuilder};
///
/// #[tokio::main]
/// async fn main() -> Result<(), lambda_http::Error> {
///     // FUSIONAUTH_WEBHOOK_API_KEY, ... from the function's configuration.
///     let webhook = WebhookBuilder::from_env()?.allow_no_handlers().build()?;
///     fusionauth_webhooks_lambda::run(webhook).await
/// }
/// ```
///
/// # Errors
///
/// When the Runtime API fails (the runtime gives up and the function
/// exits, as Lambda expects).
///
/// # Panics
///
/// Outside Lambda (or an emulator): without the Runtime API's environment
/// variables (`AWS_LAMBDA_RUNTIME_API`, `AWS_LAMBDA_FUNCTION_NAME`, ...).
pub async fn run(webhook: Webhook) -> Result<(), lambda_http::Error> {
    lambda_http::lambda_runtime::run(WebhookFunction::new(webhook)).await
}

/// The webhook as a Lambda function: a service from the Lambda event of a
/// Function URL, an API Gateway REST API (payload 1.0) or HTTP API
/// (payload 2.0) to the response event of the same shape.
///
/// [`run`] runs it; call it yourself to test a webhook against recorded
/// events. A body that arrives base64-encoded (`isBase64Encoded`) is
/// decoded, and the webhook sees the exact bytes the sender signed.
///
/// ```
/// use fusionauth_webhooks::{Router, Webhook};
/// use fusionauth_webhooks_lambda::WebhookFunction;
/// use lambda_http::{Context, LambdaEvent, Service as _};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let webhook = Webhook::builder().api_key("a-long-random-key").allow_no_handlers().build()?;
/// // An API Gateway REST API event, its body base64-encoded.
/// let event = serde_json::json!({
///     "resource": "/hook",
///     "path": "/hook",
///     "httpMethod": "POST",
///     "headers": {"authorization": "a-long-random-key", "content-type": "application/json"},
///     "multiValueHeaders": {
///         "authorization": ["a-long-random-key"],
///         "content-type": ["application/json"]
///     },
///     "requestContext": {"stage": "prod", "httpMethod": "POST", "resourcePath": "/hook"},
///     // {"event":{"type":"user.delete"}}
///     "body": "eyJldmVudCI6eyJ0eXBlIjoidXNlci5kZWxldGUifX0=",
///     "isBase64Encoded": true
/// });
/// let event = LambdaEvent::new(serde_json::from_value(event)?, Context::default());
/// let answer = WebhookFunction::new(webhook).call(event).await?;
/// assert_eq!(serde_json::to_value(answer)?["statusCode"], 200);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct WebhookFunction {
    webhook: Webhook,
}

impl WebhookFunction {
    /// The function that answers with `webhook`.
    pub fn new(webhook: Webhook) -> WebhookFunction {
        WebhookFunction { webhook }
    }

    /// The webhook this function answers with.
    ///
    /// ```
    /// # use fusionauth_webhooks::{Router, Webhook};
    /// # let webhook = Webhook::builder().api_key("a-long-random-key").allow_no_handlers().build().unwrap();
    /// let function = fusionauth_webhooks_lambda::WebhookFunction::new(webhook);
    /// assert_eq!(function.into_inner().max_body_size(), 8 * 1024 * 1024);
    /// ```
    pub fn into_inner(self) -> Webhook {
        self.webhook
    }
}

impl From<Webhook> for WebhookFunction {
    fn from(webhook: Webhook) -> WebhookFunction {
        WebhookFunction::new(webhook)
    }
}

impl Service<LambdaEvent<LambdaRequest>> for WebhookFunction {
    /// The response event of the request's shape (serialized by the runtime).
    type Response =
        <Adapter<'static, Answer, Webhook> as Service<LambdaEvent<LambdaRequest>>>::Response;
    type Error = Infallible;
    type Future = TransformResponse<'static, Answer, Infallible>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut event: LambdaEvent<LambdaRequest>) -> Self::Future {
        keep_every_header_value(&mut event.payload);
        // `lambda_http` turns the event into an `http::Request` (decoding a
        // base64 body) and the webhook's answer into the response event;
        // the webhook is itself the `tower::Service` in between.
        Adapter::from(self.webhook.clone()).call(event)
    }
}

/// API Gateway REST APIs send each header twice: its last value in
/// `headers`, every value in `multiValueHeaders`. `lambda_http` lets the
/// former replace the latter, which would turn two `Authorization` headers
/// (which the webhook refuses, as on every other adapter) into the last one.
/// Keep `multiValueHeaders` alone for every header it has.
fn keep_every_header_value(request: &mut LambdaRequest) {
    if let LambdaRequest::ApiGatewayV1(request) = request {
        for name in request.multi_value_headers.keys() {
            request.headers.remove(name);
        }
    }
}
