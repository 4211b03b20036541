//! Building webhook requests as FusionAuth sends them.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request};
use serde::Serialize;

use crate::event::EventRequest;

/// A webhook request under construction: `POST /` with
/// `Content-Type: application/json` unless told otherwise.
///
/// ```
/// use fusionauth_webhooks::testing::TestRequest;
///
/// let request = TestRequest::body(r#"{"event":{"type":"user.delete"}}"#)
///     .api_key("a-long-random-key")
///     .header("x-tenant", "acme")
///     .build();
/// assert_eq!(request.method(), http::Method::POST);
/// assert_eq!(request.headers()["authorization"], "a-long-random-key");
/// assert_eq!(request.headers()["content-type"], "application/json");
/// ```
#[derive(Debug, Clone)]
pub struct TestRequest {
    method: Method,
    uri: String,
    headers: HeaderMap,
    body: Bytes,
}

impl TestRequest {
    /// A request carrying `{"event": payload}`, serialized as FusionAuth would.
    pub fn event<P: Serialize>(payload: &P) -> TestRequest {
        // Serializing our own payload types cannot fail: their maps have
        // string keys and their numbers are finite.
        let body = serde_json::to_vec(&EventRequest { event: payload })
            .unwrap_or_else(|error| panic!("the payload does not serialize to JSON: {error}"));
        TestRequest::body(body)
    }

    /// A request carrying exactly these bytes.
    pub fn body(body: impl Into<Bytes>) -> TestRequest {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        TestRequest {
            method: Method::POST,
            uri: "/".to_owned(),
            headers,
            body: body.into(),
        }
    }

    /// Uses another method than `POST`.
    pub fn method(mut self, method: Method) -> TestRequest {
        self.method = method;
        self
    }

    /// Uses another path (and query) than `/`.
    pub fn uri(mut self, uri: impl Into<String>) -> TestRequest {
        self.uri = uri.into();
        self
    }

    /// Adds `Authorization: <api_key>`.
    pub fn api_key(self, api_key: &str) -> TestRequest {
        self.header(AUTHORIZATION.as_str(), api_key)
    }

    /// Adds `Authorization: Basic base64(username:password)`.
    pub fn basic_auth(self, username: &str, password: &str) -> TestRequest {
        let encoded = STANDARD.encode(format!("{username}:{password}"));
        self.header(AUTHORIZATION.as_str(), &format!("Basic {encoded}"))
    }

    /// Adds a header; adding a name twice sends it twice.
    ///
    /// # Panics
    ///
    /// On a name or value HTTP does not allow: a mistake in the test itself.
    pub fn header(mut self, name: &str, value: &str) -> TestRequest {
        let name = HeaderName::try_from(name)
            .unwrap_or_else(|_| panic!("`{name}` is not a valid header name"));
        let value = HeaderValue::try_from(value)
            .unwrap_or_else(|_| panic!("the value for `{name}` is not a valid header value"));
        self.headers.append(name, value);
        self
    }

    /// Replaces the content type.
    pub fn content_type(mut self, value: &str) -> TestRequest {
        self.headers.remove(CONTENT_TYPE);
        self.header(CONTENT_TYPE.as_str(), value)
    }

    /// Removes every value of a header, such as the default content type.
    pub fn without_header(mut self, name: &str) -> TestRequest {
        if let Ok(name) = HeaderName::try_from(name) {
            self.headers.remove(name);
        }
        self
    }

    /// Adds `X-FusionAuth-Signature-JWT`, signed by `signer` over the body as
    /// it stands (set the body first), as FusionAuth does.
    #[cfg(feature = "signature")]
    #[cfg_attr(docsrs, doc(cfg(feature = "signature")))]
    pub fn signed(self, signer: &super::signing::TestSigner) -> TestRequest {
        let token = signer.sign(&self.body);
        self.header(crate::signature::SIGNATURE_HEADER, &token)
    }

    /// Adds a bad `X-FusionAuth-Signature-JWT` of the given kind, made from
    /// `signer` for the body as it stands.
    #[cfg(feature = "signature")]
    #[cfg_attr(docsrs, doc(cfg(feature = "signature")))]
    pub fn badly_signed(
        self,
        bad: super::signing::BadSignature,
        signer: &super::signing::TestSigner,
    ) -> TestRequest {
        let token = bad.token(signer, &self.body);
        self.header(crate::signature::SIGNATURE_HEADER, &token)
    }

    /// The body as it stands.
    pub fn body_bytes(&self) -> &Bytes {
        &self.body
    }

    /// The finished request.
    ///
    /// # Panics
    ///
    /// If the URI set with [`uri`](TestRequest::uri) is not a valid URI.
    pub fn build(self) -> Request<Bytes> {
        let mut request = Request::new(self.body);
        *request.method_mut() = self.method;
        *request.uri_mut() = self
            .uri
            .parse()
            .unwrap_or_else(|_| panic!("`{}` is not a valid URI", self.uri));
        *request.headers_mut() = self.headers;
        request
    }
}
