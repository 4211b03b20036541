//! The client: one connection pool, the API key, timeouts and TLS roots.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::{ApiErrors, ClientConfigError, Error};

/// The header naming the tenant for an API key that is not bound to one.
pub const TENANT_ID_HEADER: &str = "X-FusionAuth-TenantId";

/// The largest answer a client reads by default, in bytes (16 MiB): a page
/// of 100 event logs of 160 KiB each. Larger answers are refused unread
/// ([`Error::ResponseTooLarge`]); see [`ClientBuilder::max_response_size`].
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 16 * 1024 * 1024;

/// A FusionAuth API client: cheap to clone (all clones share one connection pool).
///
/// `Debug` never shows the API key. Against a broken or hostile server: an
/// answer larger than [`max_response_size`](ClientBuilder::max_response_size)
/// is refused unread, and a redirect is followed only within the origin of
/// the base URL (one elsewhere would re-send the API key and the body):
/// [`Error::Redirected`] names where it led.
///
/// ```
/// use std::time::Duration;
/// use fusionauth_webhooks_client::FusionAuthClient;
///
/// let client = FusionAuthClient::builder("https://auth.example.com")
///     .api_key("the API key")
///     .timeout(Duration::from_secs(10))
///     .build()?;
/// assert_eq!(client.base_url(), "https://auth.example.com/");
/// assert!(!format!("{client:?}").contains("the API key"));
/// # Ok::<(), fusionauth_webhooks_client::ClientConfigError>(())
/// ```
#[derive(Clone)]
pub struct FusionAuthClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: reqwest::Url,
    api_key: Option<HeaderValue>,
    tenant_id: Option<Uuid>,
    max_response_size: usize,
}

/// Builds a [`FusionAuthClient`]; see [`FusionAuthClient::builder`].
pub struct ClientBuilder {
    url: String,
    api_key: Option<String>,
    tenant_id: Option<Uuid>,
    ca_pem: Vec<Vec<u8>>,
    only_given_ca: bool,
    connect_timeout: Duration,
    timeout: Duration,
    max_response_size: usize,
}

impl FusionAuthClient {
    /// A builder for the instance at `url` (e.g. `https://auth.example.com`).
    pub fn builder(url: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            url: url.into(),
            api_key: None,
            tenant_id: None,
            ca_pem: Vec::new(),
            only_given_ca: false,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
        }
    }

    /// A client for `url` with `api_key` and the default timeouts and roots.
    pub fn new(
        url: impl Into<String>,
        api_key: &str,
    ) -> Result<FusionAuthClient, ClientConfigError> {
        FusionAuthClient::builder(url).api_key(api_key).build()
    }

    /// The base URL, with a trailing slash.
    pub fn base_url(&self) -> &str {
        self.inner.base.as_str()
    }

    /// The tenant sent in `X-FusionAuth-TenantId`, if any.
    pub fn tenant_id(&self) -> Option<Uuid> {
        self.inner.tenant_id
    }

    /// Calls the API: `path` relative to the base URL (`api/webhook`), JSON in
    /// and out, the API key sent when `authenticated`. `None` for a 2xx with
    /// no body.
    pub(crate) async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&serde_json::Value>,
        authenticated: bool,
    ) -> Result<Option<T>, Error> {
        let url = self.inner.base.join(path).map_err(|error| {
            Error::Connection(format!(
                "{}{path}: not a valid url: {error}",
                self.inner.base
            ))
        })?;
        let mut request = self.inner.http.request(method, url);
        if !query.is_empty() {
            request = request.query(query);
        }
        if authenticated {
            if let Some(key) = &self.inner.api_key {
                request = request.header(AUTHORIZATION, key.clone());
            }
            if let Some(tenant) = self.inner.tenant_id {
                request = request.header(TENANT_ID_HEADER, tenant.to_string());
            }
        }
        if let Some(body) = body {
            let bytes = serde_json::to_vec(body).map_err(|error| Error::UnexpectedBody {
                path: String::new(),
                reason: format!("the request could not be written: {error}"),
            })?;
            request = request.header(CONTENT_TYPE, "application/json").body(bytes);
        }
        let response = request
            .send()
            .await
            .map_err(|error| Error::from_reqwest(&error))?;
        crate::http::refuse_redirect(&response)?;
        let status = response.status();
        let bytes = crate::http::read_limited(response, self.inner.max_response_size).await?;
        match status {
            status if status.is_success() => {
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    return Ok(None);
                }
                let deserializer = &mut serde_json::Deserializer::from_slice(&bytes);
                serde_path_to_error::deserialize(deserializer)
                    .map(Some)
                    .map_err(Error::unexpected_body)
            }
            StatusCode::BAD_REQUEST => Err(Error::Validation(
                serde_json::from_slice::<ApiErrors>(&bytes).unwrap_or_default(),
            )),
            StatusCode::UNAUTHORIZED => Err(Error::Unauthorized),
            StatusCode::NOT_FOUND => Err(Error::NotFound),
            status if status.is_server_error() => Err(Error::Server {
                status: status.as_u16(),
            }),
            status => Err(Error::UnexpectedStatus {
                status: status.as_u16(),
            }),
        }
    }

    /// [`call`](Self::call) where the answer must have a body.
    pub(crate) async fn fetch<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        body: Option<&serde_json::Value>,
    ) -> Result<T, Error> {
        self.call(method, path, query, body, true)
            .await?
            .ok_or_else(|| Error::UnexpectedBody {
                path: String::new(),
                reason: "the answer has no body".to_owned(),
            })
    }
}

/// A request body as JSON.
pub(crate) fn json_body<T: Serialize>(
    wrapper: &str,
    value: &T,
) -> Result<serde_json::Value, Error> {
    let value = serde_json::to_value(value).map_err(|error| Error::UnexpectedBody {
        path: wrapper.to_owned(),
        reason: format!("the request could not be written: {error}"),
    })?;
    Ok(serde_json::json!({ wrapper: value }))
}

impl fmt::Debug for FusionAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FusionAuthClient")
            .field("base_url", &self.inner.base.as_str())
            .field(
                "api_key",
                &self.inner.api_key.as_ref().map(|_| "[REDACTED]"),
            )
            .field("tenant_id", &self.inner.tenant_id)
            .finish()
    }
}

impl ClientBuilder {
    /// The API key, sent as `Authorization: <key>`.
    pub fn api_key(mut self, api_key: impl Into<String>) -> ClientBuilder {
        self.api_key = Some(api_key.into());
        self
    }

    /// Sends `X-FusionAuth-TenantId` (for a key not bound to a tenant).
    pub fn tenant_id(mut self, tenant_id: Uuid) -> ClientBuilder {
        self.tenant_id = Some(tenant_id);
        self
    }

    /// Trusts this CA (PEM, one or more certificates) besides the system's roots:
    /// self-hosted FusionAuth often has a private CA.
    pub fn ca_pem(mut self, pem: impl Into<Vec<u8>>) -> ClientBuilder {
        self.ca_pem.push(pem.into());
        self
    }

    /// Trusts only the CAs given with [`ca_pem`](Self::ca_pem), not the system's roots.
    pub fn only_given_ca(mut self) -> ClientBuilder {
        self.only_given_ca = true;
        self
    }

    /// How long to wait for a connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.connect_timeout = timeout;
        self
    }

    /// How long a whole call may take (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> ClientBuilder {
        self.timeout = timeout;
        self
    }

    /// The largest answer read, in bytes (default
    /// [`DEFAULT_MAX_RESPONSE_SIZE`]); a larger one is refused unread with
    /// [`Error::ResponseTooLarge`]. Raise it for event logs with very large
    /// events, or lower the page size of the search.
    pub fn max_response_size(mut self, bytes: usize) -> ClientBuilder {
        self.max_response_size = bytes;
        self
    }

    /// Builds the client and its connection pool.
    pub fn build(self) -> Result<FusionAuthClient, ClientConfigError> {
        let mut base = crate::http::parse_url(&self.url)?;
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        let api_key = self
            .api_key
            .map(|key| {
                let mut value =
                    HeaderValue::from_str(&key).map_err(|_| ClientConfigError::InvalidApiKey)?;
                value.set_sensitive(true);
                Ok::<_, ClientConfigError>(value)
            })
            .transpose()?;
        let mut certificates = Vec::new();
        for pem in &self.ca_pem {
            let bundle = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|error| ClientConfigError::InvalidCa(error.to_string()))?;
            if bundle.is_empty() {
                return Err(ClientConfigError::InvalidCa(
                    "no certificate in it".to_owned(),
                ));
            }
            certificates.extend(bundle);
        }
        let mut http = crate::http::client(self.connect_timeout, self.timeout).user_agent(concat!(
            "fusionauth-webhooks-client/",
            env!("CARGO_PKG_VERSION")
        ));
        http = if self.only_given_ca {
            http.tls_certs_only(certificates)
        } else {
            http.tls_certs_merge(certificates)
        };
        let http = http
            .build()
            .map_err(|error| ClientConfigError::Http(error.to_string()))?;
        Ok(FusionAuthClient {
            inner: Arc::new(Inner {
                http,
                base,
                api_key,
                tenant_id: self.tenant_id,
                max_response_size: self.max_response_size,
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("url", &crate::http::without_credentials(&self.url))
            .field("api_key", &self.api_key.as_ref().map(|_| "[REDACTED]"))
            .field("tenant_id", &self.tenant_id)
            .field("ca_certificates", &self.ca_pem.len())
            .field("only_given_ca", &self.only_given_ca)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("max_response_size", &self.max_response_size)
            .finish()
    }
}
