#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

use bytes::Buf;
use fusionauth_webhooks::Webhook;
use futures_util::{Stream, TryStreamExt as _};
use http::{HeaderMap, Method, Request};
use http_body::Frame;
use http_body_util::StreamBody;
use warp::{Filter, Rejection, Reply};

/// A filter that answers every request it sees with `webhook`.
///
/// It matches any path and any method: put your path filter in front of it
/// (`warp::path!("hooks" / "fusionauth").and(filter(webhook))`), and no
/// method filter, so that a wrong method gets the webhook's own `405` with
/// `Allow: POST`. It rejects only if an earlier filter already took the body.
///
/// The body is streamed into the webhook, which reads it only once the
/// headers have passed its checks and never past its size limit.
///
/// ```
/// use fusionauth_webhooks::{Event, EventType, Router, Webhook};
/// use warp::Filter as _;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let webhook = Webhook::builder().api_key("a-long-random-key").router(Router::new().on_event(EventType::UserDelete, |_: Event| async { Ok(()) })).build()?;
/// let routes = warp::path!("hooks" / "fusionauth").and(fusionauth_webhooks_warp::filter(webhook));
/// let response = warp::test::request().method("GET").path("/hooks/fusionauth").reply(&routes).await;
/// assert_eq!(response.status(), 405);
/// # Ok(())
/// # }
/// ```
pub fn filter(webhook: Webhook) -> impl Filter<Extract = (impl Reply,), Error = Rejection> + Clone {
    warp::method()
        .and(warp::header::headers_cloned())
        .and(warp::body::stream())
        .then(move |method: Method, headers: HeaderMap, body| {
            let webhook = webhook.clone();
            async move {
                let mut request = Request::new(stream_body(body));
                *request.method_mut() = method;
                *request.headers_mut() = headers;
                webhook.handle_body(request).await
            }
        })
}

/// warp's body stream as an `http_body::Body`, frame by frame, no copy.
fn stream_body<S, D, E>(stream: S) -> impl http_body::Body<Data = D, Error = E>
where
    S: Stream<Item = Result<D, E>>,
    D: Buf,
{
    StreamBody::new(stream.map_ok(Frame::data))
}
