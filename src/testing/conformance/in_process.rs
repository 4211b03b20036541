//! The in-process transports: the suite without a server.

use std::convert::Infallible;

use bytes::Bytes;
use futures_util::stream;
use http::Request;
use http::header::CONTENT_LENGTH;
use http_body::Frame;
use http_body_util::{BodyExt, StreamBody};

use super::{Framing, Transport};
use crate::testing::TestResponse;
use crate::webhook::Webhook;

/// Runs the suite without a server: through [`Webhook::handle`] or through
/// the webhook's `tower::Service`.
#[derive(Debug, Clone)]
pub struct InProcess {
    webhook: Webhook,
    through_service: bool,
}

impl InProcess {
    /// Sends each case to [`Webhook::handle`] (chunked framing only drops
    /// `Content-Length`).
    pub fn handle(webhook: Webhook) -> InProcess {
        InProcess {
            webhook,
            through_service: false,
        }
    }

    /// Sends each case through the `tower::Service`, with chunked bodies
    /// streamed in 64 KiB frames without a size hint.
    pub fn service(webhook: Webhook) -> InProcess {
        InProcess {
            webhook,
            through_service: true,
        }
    }
}

impl Transport for InProcess {
    async fn send(
        &self,
        request: Request<Bytes>,
        framing: Framing,
    ) -> Result<TestResponse, String> {
        let (mut parts, body) = request.into_parts();
        match framing {
            Framing::ContentLength => {
                parts.headers.insert(CONTENT_LENGTH, body.len().into());
            }
            Framing::Chunked => {
                parts.headers.remove(CONTENT_LENGTH);
            }
        }
        if !self.through_service {
            return Ok(self
                .webhook
                .handle(Request::from_parts(parts, body))
                .await
                .into());
        }
        let frames: Vec<Result<Frame<Bytes>, Infallible>> = (0..body.len())
            .step_by(64 * 1024)
            .map(|start| {
                Ok(Frame::data(
                    body.slice(start..body.len().min(start + 64 * 1024)),
                ))
            })
            .collect();
        let request = Request::from_parts(parts, StreamBody::new(stream::iter(frames)));
        let mut service = self.webhook.clone();
        let Ok(response) = tower_service::Service::call(&mut service, request).await;
        let (parts, body) = response.into_parts();
        let Ok(collected) = body.collect().await;
        let body = collected.to_bytes();
        Ok(TestResponse {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }
}
