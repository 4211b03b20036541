//! Configuring a [`Webhook`]: credentials, limits, policies; checked at build.

use http::StatusCode;
use http::header::{AUTHORIZATION, HeaderName, HeaderValue};

use super::{Inner, Webhook};
use crate::Router;
use crate::auth::Credentials;

/// The body limit unless configured otherwise: 8 MiB, room for a
/// `user.bulk.create` of several thousand users.
pub const DEFAULT_MAX_BODY_SIZE: usize = 8 * 1024 * 1024;

/// Builds a [`Webhook`]. See [`Webhook::builder`] for an example.
///
/// Configuration mistakes are reported by [`build`](WebhookBuilder::build),
/// never at request time.
#[derive(Debug)]
pub struct WebhookBuilder {
    router: Router,
    credentials: Credentials,
    max_body_size: usize,
    unrouted_status: StatusCode,
    allow_unauthenticated: bool,
    #[cfg(feature = "signature")]
    signature: Option<crate::signature::SignatureVerifier>,
    #[cfg(feature = "delivery")]
    dedup: Option<crate::delivery::Deduplicator>,
    // The first mistake made while configuring, reported by `build`.
    error: Option<ConfigError>,
}

/// A mistake in a webhook's configuration.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No header, basic auth or signature is required, and
    /// [`insecure_allow_unauthenticated`](WebhookBuilder::insecure_allow_unauthenticated)
    /// was not called.
    #[error(
        "no credential is configured: require a header, basic auth or a signature, \
         or call `insecure_allow_unauthenticated()` to accept anyone"
    )]
    NoCredentials,
    /// An `Authorization` header value and basic auth both need the one
    /// `Authorization` header.
    #[error(
        "an `Authorization` header value and basic auth cannot both be required: \
         FusionAuth sends basic auth in the `Authorization` header"
    )]
    AuthorizationConflict,
    /// A header name that HTTP does not allow.
    #[error("invalid header name `{0}`")]
    InvalidHeaderName(String),
    /// A header value that HTTP does not allow (control characters, non-ASCII).
    #[error("invalid value for header `{0}`")]
    InvalidHeaderValue(String),
    /// An empty secret, which anyone could present.
    #[error("{0} must not be empty")]
    EmptySecret(&'static str),
    /// RFC 7617 forbids a colon in a basic-auth username.
    #[error("a basic-auth username must not contain `:`")]
    ColonInUsername,
    /// A body limit of zero would refuse every event.
    #[error("the body size limit must be at least 1 byte")]
    ZeroBodyLimit,
    /// The unrouted status is not a success: FusionAuth would retry, and for a
    /// transactional event fail the operation, for every event without handler.
    #[error("the unrouted status must be a 2xx success, not {0}")]
    UnroutedStatusNotSuccess(u16),
    /// An environment variable has a value that cannot be used.
    #[error("environment variable {name}: {reason}")]
    Environment {
        /// The variable's name.
        name: &'static str,
        /// What is wrong with its value.
        reason: String,
    },
    /// The signature verifier could not be configured.
    #[cfg(feature = "signature")]
    #[error("signature: {0}")]
    Signature(#[from] crate::signature::SignatureConfigError),
    /// A transactional event type was given to
    /// [`Router::enqueue`](crate::Router::enqueue).
    #[cfg(feature = "delivery")]
    #[error(
        "`{}` is transactional and cannot be enqueued: FusionAuth waits for the webhook's \
         answer to commit the operation (a handler may veto it), but an enqueued event is \
         answered before any handler runs; handle it in the request, or use \
         `Router::enqueue_transactional` to give up the veto",
        .0.as_str()
    )]
    TransactionalEnqueued(crate::EventType),
}

impl WebhookBuilder {
    pub(super) fn new() -> WebhookBuilder {
        WebhookBuilder {
            router: Router::new(),
            credentials: Credentials::default(),
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            unrouted_status: StatusCode::OK,
            allow_unauthenticated: false,
            #[cfg(feature = "signature")]
            signature: None,
            #[cfg(feature = "delivery")]
            dedup: None,
            error: None,
        }
    }

    fn fail(mut self, error: ConfigError) -> WebhookBuilder {
        self.error.get_or_insert(error);
        self
    }

    /// The handlers.
    pub fn router(mut self, router: Router) -> WebhookBuilder {
        self.router = router;
        self
    }

    /// Requires header `name` to have the value `value`, as configured under
    /// Headers on the FusionAuth webhook. Call again with the same name to
    /// accept several values (while rotating a secret); call with other names
    /// to require several headers. Names are case-insensitive.
    pub fn require_header(self, name: &str, value: &str) -> WebhookBuilder {
        let Ok(header) = HeaderName::try_from(name) else {
            return self.fail(ConfigError::InvalidHeaderName(name.to_owned()));
        };
        if value.is_empty() {
            return self.fail(ConfigError::EmptySecret("a required header value"));
        }
        if HeaderValue::try_from(value).is_err() {
            return self.fail(ConfigError::InvalidHeaderValue(name.to_owned()));
        }
        let mut builder = self;
        builder.credentials.add_header(header, value.as_bytes());
        builder
    }

    /// Requires `Authorization: <api_key>`, the usual FusionAuth setup (a
    /// header named `Authorization` under the webhook's Headers tab). Call
    /// again to accept several keys.
    pub fn api_key(self, api_key: &str) -> WebhookBuilder {
        self.require_header(AUTHORIZATION.as_str(), api_key)
    }

    /// Requires HTTP basic auth with this username and password, as
    /// configured under Security on the FusionAuth webhook. Call again to
    /// accept several pairs.
    pub fn basic_auth(mut self, username: &str, password: &str) -> WebhookBuilder {
        if username.is_empty() {
            return self.fail(ConfigError::EmptySecret("the basic-auth username"));
        }
        if password.is_empty() {
            return self.fail(ConfigError::EmptySecret("the basic-auth password"));
        }
        if username.contains(':') {
            return self.fail(ConfigError::ColonInUsername);
        }
        self.credentials.add_basic(username, password);
        self
    }

    /// Requires a valid `X-FusionAuth-Signature-JWT` over the exact body.
    #[cfg(feature = "signature")]
    #[cfg_attr(docsrs, doc(cfg(feature = "signature")))]
    pub fn signature(mut self, verifier: crate::signature::SignatureVerifier) -> WebhookBuilder {
        self.signature = Some(verifier);
        self
    }

    /// Runs the handlers at most once per event id, across FusionAuth's
    /// retries and, with a shared store, across replicas: a store
    /// ([`MemoryStore`](crate::delivery::MemoryStore) for one process,
    /// `RedisStore` from `fusionauth-webhooks-redis` for several), or a
    /// [`Deduplicator`](crate::delivery::Deduplicator) with its lease,
    /// retention and wait set.
    ///
    /// | delivery | answer |
    /// |---|---|
    /// | first of an id | handlers run; 2xx on success (id done), else their status (claim released, FusionAuth's retry runs them again) |
    /// | duplicate of a done id | 200, nothing runs |
    /// | duplicate while the first runs | waits for it up to the bound: done → 200; released → runs here; still running → 503 |
    /// | store unreachable | 503, nothing runs |
    /// | event without an id | handlers run, no deduplication |
    ///
    /// # Example
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// use fusionauth_webhooks::delivery::MemoryStore;
    /// use fusionauth_webhooks::{EventType, Router, Webhook};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let emails = Arc::new(AtomicUsize::new(0));
    /// let counter = Arc::clone(&emails);
    /// let webhook = Webhook::builder()
    ///     .api_key("k")
    ///     .deduplicate(MemoryStore::new())
    ///     .router(Router::new().on_event(EventType::UserCreateComplete, move |_event| {
    ///         let counter = Arc::clone(&counter);
    ///         async move {
    ///             counter.fetch_add(1, Ordering::SeqCst);
    ///             Ok(())
    ///         }
    ///     }))
    ///     .build()?;
    /// let body = r#"{"event":{"type":"user.create.complete","id":"b0f3c5e2-4c1a-4f8e-9d2b-6a7e8f9a0b1c"}}"#;
    /// for _ in 0..3 {
    ///     let request = http::Request::post("/")
    ///         .header("authorization", "k")
    ///         .header("content-type", "application/json")
    ///         .body(bytes::Bytes::from_static(body.as_bytes()))?;
    ///     assert_eq!(webhook.handle(request).await.status(), 200);
    /// }
    /// assert_eq!(emails.load(Ordering::SeqCst), 1);
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "delivery")]
    #[cfg_attr(docsrs, doc(cfg(feature = "delivery")))]
    pub fn deduplicate(
        mut self,
        dedup: impl Into<crate::delivery::Deduplicator>,
    ) -> WebhookBuilder {
        self.dedup = Some(dedup.into());
        self
    }

    /// The largest body accepted, in bytes (default [`DEFAULT_MAX_BODY_SIZE`],
    /// 8 MiB); larger ones get 413 without being read past the limit.
    pub fn max_body_size(mut self, bytes: usize) -> WebhookBuilder {
        if bytes == 0 {
            return self.fail(ConfigError::ZeroBodyLimit);
        }
        self.max_body_size = bytes;
        self
    }

    /// The status for an event no handler takes (default 200, so FusionAuth
    /// neither retries nor vetoes). Must be a 2xx, such as 202 or 204.
    pub fn unrouted_status(mut self, status: StatusCode) -> WebhookBuilder {
        if !status.is_success() {
            return self.fail(ConfigError::UnroutedStatusNotSuccess(status.as_u16()));
        }
        self.unrouted_status = status;
        self
    }

    /// Accepts requests without any credential. Anyone who can reach the URL
    /// can then forge events: only for local development, or behind a proxy
    /// that authenticates FusionAuth itself.
    pub fn insecure_allow_unauthenticated(mut self) -> WebhookBuilder {
        self.allow_unauthenticated = true;
        self
    }

    fn has_signature(&self) -> bool {
        #[cfg(feature = "signature")]
        return self.signature.is_some();
        #[cfg(not(feature = "signature"))]
        return false;
    }

    /// Checks the configuration and builds the webhook.
    pub fn build(self) -> Result<Webhook, ConfigError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if self.credentials.requires_header(&AUTHORIZATION) && self.credentials.uses_basic() {
            return Err(ConfigError::AuthorizationConflict);
        }
        if self.credentials.is_empty() && !self.has_signature() && !self.allow_unauthenticated {
            return Err(ConfigError::NoCredentials);
        }
        #[cfg(feature = "delivery")]
        if let Some(event_type) = self.router.refused_transactional() {
            return Err(ConfigError::TransactionalEnqueued(event_type));
        }
        Ok(Webhook::from_inner(Inner {
            router: self.router,
            credentials: self.credentials,
            max_body_size: self.max_body_size,
            unrouted_status: self.unrouted_status,
            #[cfg(feature = "signature")]
            signature: self.signature,
            #[cfg(feature = "delivery")]
            dedup: self.dedup,
        }))
    }
}
