#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, Resource, web};
use fusionauth_webhooks::Webhook;
use futures_util::TryStreamExt as _;
use http::{HeaderName, HeaderValue, Method};
use http_body::Frame;
use http_body_util::StreamBody;

/// A resource that answers every method at `path` with `webhook`, for
/// `App::service` or `ServiceConfig::service`.
///
/// The body is streamed into the webhook, which reads it only once the
/// headers have passed its checks and never past its size limit: actix's
/// `PayloadConfig` (256 KiB for the `Bytes` extractor) plays no part.
///
/// ```
/// use actix_web::App;
/// use fusionauth_webhooks::{Event, EventType, Router, Webhook};
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let webhook = Webhook::builder().api_key("a-long-random-key").router(Router::new().on_event(EventType::UserDelete, |_: Event| async { Ok(()) })).build()?;
/// // In `HttpServer::new(move || ...)`, pass `webhook.clone()`.
/// let app = App::new().service(fusionauth_webhooks_actix_web::resource("/hooks/fusionauth", webhook));
/// # let _ = app;
/// # Ok(())
/// # }
/// ```
pub fn resource(path: &str, webhook: Webhook) -> Resource {
    web::resource(path).to(move |request: HttpRequest, payload: web::Payload| {
        let webhook = webhook.clone();
        async move { handle(&webhook, &request, payload).await }
    })
}

/// Answers one request with `webhook`: the handler behind [`resource`], for
/// routes you build yourself (with your own guards, say).
///
/// Do not add a method guard in front of it: the webhook answers a wrong
/// method with its own `405` and `Allow: POST`.
pub async fn handle(
    webhook: &Webhook,
    request: &HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let body = StreamBody::new(payload.map_ok(Frame::data));
    let mut converted = http::Request::new(body);
    // actix-web speaks `http` 0.2; both versions accept the same methods and
    // header bytes, so these conversions do not fail in practice. A method
    // that did would be refused as not POST, and a header that did is left
    // out, which can only make the request fail a check. The webhook reads
    // neither the URI nor the version.
    *converted.method_mut() =
        Method::from_bytes(request.method().as_str().as_bytes()).unwrap_or_default();
    for (name, value) in request.headers() {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_str().as_bytes()),
            HeaderValue::from_bytes(value.as_bytes()),
        ) {
            converted.headers_mut().append(name, value);
        }
    }

    let (parts, body) = webhook.handle_body(converted).await.into_parts();
    // Every `http` 1 status is within 100..=999, which `http` 0.2 accepts.
    let status =
        StatusCode::from_u16(parts.status.as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = HttpResponse::build(status);
    for (name, value) in &parts.headers {
        response.append_header((name.as_str(), value.as_bytes()));
    }
    response.body(body)
}
