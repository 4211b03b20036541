#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

use std::io::Cursor;

use fusionauth_webhooks::Webhook;
use futures_util::TryStreamExt as _;
use http::{HeaderName, HeaderValue, Method as HttpMethod};
use http_body::Frame;
use http_body_util::StreamBody;
use rocket::data::{ByteUnit, Data};
use rocket::http::{Method, Status};
use rocket::route::{Handler, Outcome, Route};
use rocket::{Request, Response};
use tokio_util::io::ReaderStream;

/// The methods the webhook's routes answer: every one Rocket routes (but
/// `CONNECT` and `TRACE`), so that a wrong one gets the webhook's own `405`.
const METHODS: [Method; 7] = [
    Method::Get,
    Method::Put,
    Method::Post,
    Method::Delete,
    Method::Options,
    Method::Head,
    Method::Patch,
];

/// How much of the body one read takes from Rocket's stream.
const READ_CHUNK: usize = 64 * 1024;

/// The routes that answer every method at their mount point with `webhook`:
/// mount them at the webhook's path with `Rocket::mount`.
///
/// The body is streamed into the webhook, which reads it only once the
/// headers have passed its checks and never past its size limit: Rocket's
/// `limits` (which bind data guards) play no part.
///
/// ```
/// use fusionauth_webhooks::{Router, Webhook};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let webhook = Webhook::builder().api_key("a-long-random-key").allow_no_handlers().build()?;
/// let routes = fusionauth_webhooks_rocket::routes(webhook);
/// assert!(routes.iter().any(|route| route.method == rocket::http::Method::Get));
/// let app = rocket::build().mount("/hooks/fusionauth", routes);
/// # let _ = app;
/// # Ok(())
/// # }
/// ```
pub fn routes(webhook: Webhook) -> Vec<Route> {
    let handler = WebhookHandler { webhook };
    METHODS
        .into_iter()
        .map(|method| Route::new(method, "/", handler.clone()))
        .collect()
}

/// The handler of every route [`routes`] makes: the webhook, answering every
/// request it gets. (Not public: its page would list the blanket
/// implementations of Rocket's dependencies, such as yansi's `Paint`.)
#[derive(Debug, Clone)]
struct WebhookHandler {
    webhook: Webhook,
}

#[rocket::async_trait]
impl Handler for WebhookHandler {
    async fn handle<'r>(&self, request: &'r Request<'_>, data: Data<'r>) -> Outcome<'r> {
        // No limit of Rocket's: the webhook reads no body past its own
        // limit, and drains a declared-too-long one only so far that the
        // sender reads its 413 (a cap here would cut that short).
        let body = ReaderStream::with_capacity(data.open(ByteUnit::max_value()), READ_CHUNK);
        let mut converted = http::Request::new(StreamBody::new(body.map_ok(Frame::data)));
        // Rocket speaks `http` 0.2 with string header values; both accept
        // the same method names and header bytes, so these conversions do
        // not fail in practice. A header that did is left out, which can
        // only make the request fail a check. The webhook reads neither the
        // URI nor the version.
        *converted.method_mut() =
            HttpMethod::from_bytes(request.method().as_str().as_bytes()).unwrap_or_default();
        for header in request.headers().iter() {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(header.name().as_str().as_bytes()),
                HeaderValue::from_str(header.value()),
            ) {
                converted.headers_mut().append(name, value);
            }
        }

        let (parts, body) = self.webhook.handle_body(converted).await.into_parts();
        let mut response = Response::build();
        response.status(Status::new(parts.status.as_u16()));
        for (name, value) in &parts.headers {
            // The webhook's headers (`allow`, `content-type`,
            // `www-authenticate`) are ASCII.
            if let Ok(value) = value.to_str() {
                response.raw_header_adjoin(name.as_str().to_owned(), value.to_owned());
            }
        }
        response.sized_body(body.len(), Cursor::new(body));
        Outcome::Success(response.finalize())
    }
}
