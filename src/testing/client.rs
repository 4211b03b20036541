//! Driving a [`Webhook`] in process, without a server.

use bytes::Bytes;
use http::{HeaderMap, Request, StatusCode};

use crate::webhook::Webhook;

/// Sends requests straight to a [`Webhook`], as a server would.
///
/// ```
/// use fusionauth_webhooks::testing::{TestClient, TestRequest};
/// use fusionauth_webhooks::{Event, EventType, Router, Webhook};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let handlers = Router::new().on_event(EventType::UserDelete, |_: Event| async { Ok(()) });
/// let webhook = Webhook::builder().api_key("key").router(handlers).build().unwrap();
/// let client = TestClient::new(webhook);
/// let response = client.send(TestRequest::body("{").api_key("key").build()).await;
/// assert_eq!(response.status, http::StatusCode::BAD_REQUEST);
/// assert_eq!(response.error_code().as_deref(), Some("[invalidJson]"));
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct TestClient {
    webhook: Webhook,
}

impl TestClient {
    /// A client for this webhook.
    pub fn new(webhook: Webhook) -> TestClient {
        TestClient { webhook }
    }

    /// Sends one request and returns the whole response.
    pub async fn send(&self, request: Request<Bytes>) -> TestResponse {
        TestResponse::from(self.webhook.handle(request).await)
    }
}

/// A response, read whole.
#[derive(Debug, Clone, PartialEq)]
pub struct TestResponse {
    /// The status code.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl TestResponse {
    /// The body as JSON, or `None` if it is empty or not JSON.
    pub fn json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// The `code` of the first entry of an `{"errors":[...]}` body.
    pub fn error_code(&self) -> Option<String> {
        let json = self.json()?;
        json.get("errors")?
            .get(0)?
            .get("code")?
            .as_str()
            .map(str::to_owned)
    }
}

impl From<http::Response<Bytes>> for TestResponse {
    fn from(response: http::Response<Bytes>) -> Self {
        let (parts, body) = response.into_parts();
        TestResponse {
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }
}
