//! [`Webhook`] as a `tower::Service`, for axum, hyper and any tower stack.
//!
//! The service accepts any [`http_body::Body`]: it checks the method and the
//! credentials before reading the body, and stops reading at the size limit.
//!
//! # Example
//!
//! ```
//! use fusionauth_webhooks::{Event, EventType, Router, Webhook};
//! use http::{Request, StatusCode};
//! use bytes::Bytes;
//! use http_body_util::Full;
//! use tower::ServiceExt as _;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let webhook = Webhook::builder()
//!     .api_key("a-long-random-key")
//!     .max_body_size(1024)
//!     .router(Router::new().on_event(EventType::UserDelete, |_: Event| async { Ok(()) }))
//!     .build()?;
//!
//! let too_large = Request::post("/")
//!     .header("authorization", "a-long-random-key")
//!     .header("content-type", "application/json")
//!     .body(Full::new(Bytes::from(vec![b' '; 2048])))?;
//! let response = webhook.oneshot(too_large).await?;
//! assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
//! # Ok(())
//! # }
//! ```

use std::convert::Infallible;
use std::error::Error as StdError;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http::{Request, Response};
use http_body::Body;
use http_body_util::Full;
use tower_service::Service;

use crate::webhook::Webhook;

/// The future of [`Webhook`]'s `Service::call`.
pub type ResponseFuture =
    Pin<Box<dyn Future<Output = Result<Response<Full<Bytes>>, Infallible>> + Send + 'static>>;

impl<B> Service<Request<B>> for Webhook
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        let webhook = self.clone();
        Box::pin(async move {
            let response = webhook.handle_body(request).await;
            Ok(response.map(Full::new))
        })
    }
}
