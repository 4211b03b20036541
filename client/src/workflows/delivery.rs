//! POSTing events to a receiver as FusionAuth does: its credentials, headers
//! and signature.

use std::fmt;
use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};

use fusionauth_webhooks::signature::Signer;

use crate::receiver::Credentials;
use crate::{ClientConfigError, Error};

/// The largest answer of a receiver read, in bytes: receivers answer with an
/// empty body or a short error; more is refused unread.
const MAX_ANSWER_SIZE: usize = 1024 * 1024;

/// A receiver to POST events to, with the credentials and signature
/// FusionAuth would send.
///
/// A redirect is followed only within the receiver's origin: one elsewhere
/// would re-send the event (with personal data), its signature and the
/// credentials there, so it is an [`Error::Redirected`] instead.
///
/// ```no_run
/// use fusionauth_webhooks::signature::Signer;
/// use fusionauth_webhooks_client::receiver::Credentials;
/// use fusionauth_webhooks_client::workflows::DeliveryTarget;
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let target = DeliveryTarget::new("http://localhost:3000/fusionauth")?
///     .credentials(Credentials::from_env()?)?
///     .signer(Signer::hmac("key-id", "the secret"));
/// let answer = target.send(br#"{"event":{"type":"test"}}"#.to_vec()).await?;
/// println!("{}", answer.status);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct DeliveryTarget {
    url: reqwest::Url,
    http: reqwest::Client,
    credentials: Credentials,
    /// The credentials as headers, checked once.
    headers: HeaderMap,
    signer: Option<Signer>,
}

/// A receiver's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The body.
    pub body: Bytes,
}

impl DeliveryTarget {
    /// A target at `url`, with FusionAuth's documented timeouts (1 s to
    /// connect, 2 s to answer) made generous: 5 s and 30 s. A URL with
    /// credentials in it (`user:password@`) is refused, without showing
    /// them: give basic auth with [`credentials`](Self::credentials).
    pub fn new(url: &str) -> Result<DeliveryTarget, ClientConfigError> {
        let url = crate::http::parse_url(url)?;
        let http = crate::http::client(Duration::from_secs(5), Duration::from_secs(30))
            .build()
            .map_err(|error| ClientConfigError::Http(error.to_string()))?;
        Ok(DeliveryTarget {
            url,
            http,
            credentials: Credentials::default(),
            headers: HeaderMap::new(),
            signer: None,
        })
    }

    /// The credentials to send; a header name or value that HTTP cannot
    /// carry is [`ClientConfigError::InvalidHeader`] (its value not shown).
    pub fn credentials(
        mut self,
        credentials: Credentials,
    ) -> Result<DeliveryTarget, ClientConfigError> {
        let mut headers = HeaderMap::new();
        for (name, value) in credentials.webhook_headers() {
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                ClientConfigError::InvalidHeader {
                    name: name.clone(),
                    reason: "not a valid header name",
                }
            })?;
            headers.append(header, sensitive(&name, &value)?);
        }
        if let Some((user, password)) = &credentials.basic_auth {
            let encoded =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            headers.append(
                AUTHORIZATION,
                sensitive("Authorization", &format!("Basic {encoded}"))?,
            );
        }
        self.credentials = credentials;
        self.headers = headers;
        Ok(self)
    }

    /// Signs every body with `signer`.
    pub fn signer(mut self, signer: Signer) -> DeliveryTarget {
        self.signer = Some(signer);
        self
    }

    /// POSTs one body, as FusionAuth does.
    pub async fn send(&self, body: impl Into<Bytes>) -> Result<Answer, Error> {
        let body = body.into();
        let mut request = self
            .http
            .post(self.url.clone())
            .header(CONTENT_TYPE, "application/json")
            .headers(self.headers.clone());
        if let Some(signer) = &self.signer {
            let token = signer
                .sign(&body)
                .map_err(|error| Error::Connection(error.to_string()))?;
            request = request.header(fusionauth_webhooks::SIGNATURE_HEADER, token);
        }
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|error| Error::from_receiver(&error, &self.url))?;
        crate::http::refuse_redirect(&response)?;
        let status = response.status().as_u16();
        let body = crate::http::read_limited(response, MAX_ANSWER_SIZE)
            .await
            .map_err(|error| match error {
                // The answer broke off: still the receiver's doing.
                Error::Connection(reason) => Error::ReceiverUnreachable {
                    url: self.url.to_string(),
                    reason,
                },
                Error::Timeout => Error::ReceiverUnreachable {
                    url: self.url.to_string(),
                    reason: "no answer in time".to_owned(),
                },
                other => other,
            })?;
        Ok(Answer { status, body })
    }
}

/// A header value kept out of `Debug` output and HTTP/2 header compression.
fn sensitive(name: &str, value: &str) -> Result<HeaderValue, ClientConfigError> {
    let mut value = HeaderValue::from_str(value).map_err(|_| ClientConfigError::InvalidHeader {
        name: name.to_owned(),
        reason: "its value holds characters a header cannot carry (control characters, line breaks)",
    })?;
    value.set_sensitive(true);
    Ok(value)
}

impl fmt::Debug for DeliveryTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeliveryTarget")
            .field("url", &self.url.as_str())
            .field("credentials", &self.credentials)
            .field("signer", &self.signer)
            .finish()
    }
}
