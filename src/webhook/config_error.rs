//! What `build` says when a webhook's configuration cannot work.

/// A mistake in a webhook's configuration, returned by
/// [`WebhookBuilder::build`](crate::WebhookBuilder::build) (and the `from_env` constructors).
///
/// Its `Display` and its `Debug` both say what to do, so that a `main` that
/// returns `Result<(), Box<dyn Error>>` prints the fix, not just a name.
///
/// ```
/// use fusionauth_webhooks::{ConfigError, Webhook};
///
/// let error = Webhook::builder().allow_no_handlers().build().unwrap_err();
/// assert_eq!(error, ConfigError::NoCredentials);
/// // What `main` prints: the variant's name and the fix.
/// let shown = format!("{error:?}");
/// assert!(shown.starts_with("NoCredentials: no credential is configured"), "{shown}");
/// assert!(shown.contains("FUSIONAUTH_WEBHOOK_API_KEY"), "{shown}");
/// ```
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// No header, basic auth or signature is required, and
    /// [`insecure_allow_unauthenticated`](crate::WebhookBuilder::insecure_allow_unauthenticated)
    /// was not called.
    #[error(
        "no credential is configured: require a header (`api_key`, `require_header`), \
         basic auth (`basic_auth`) or a signature (`signature`); from the environment, \
         set FUSIONAUTH_WEBHOOK_API_KEY, FUSIONAUTH_WEBHOOK_BASIC_USER and \
         FUSIONAUTH_WEBHOOK_BASIC_PASSWORD, FUSIONAUTH_WEBHOOK_HMAC_SECRET or \
         FUSIONAUTH_WEBHOOK_JWKS; or call `insecure_allow_unauthenticated()` to accept anyone"
    )]
    NoCredentials,
    /// The webhook has no handler (no [`router`](crate::WebhookBuilder::router),
    /// or one with no handler, and no queue), and
    /// [`allow_no_handlers`](crate::WebhookBuilder::allow_no_handlers) was not called: it
    /// would acknowledge every event, approving every transactional one.
    #[error(
        "the webhook has no handler, so it would answer 200 to every event and approve every \
         transactional one (user.create, ...) unhandled: give handlers with \
         `.router(Router::new().on(|deleted: UserDelete| async move {{ .. }}))`, \
         or call `allow_no_handlers()` to acknowledge every event on purpose"
    )]
    NoHandlers,
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
    /// A secret that starts or ends with white space. HTTP strips such white
    /// space from the header values it receives, so a header secret could
    /// never match; and in any secret it is most likely a copy-paste slip
    /// or a file's final newline.
    #[error(
        "{0} starts or ends with white space, which HTTP strips from received header \
         values (or a copy-paste slip): remove it"
    )]
    SecretWhitespace(&'static str),
    /// A timeout of zero would refuse every request.
    #[error("the {0} must be longer than zero")]
    ZeroTimeout(&'static str),
    /// A timeout is configured but there is no timer to measure it.
    #[error(
        "the {0} needs a timer: enable the `tokio` feature of fusionauth-webhooks, \
         or give one with `WebhookBuilder::timer`"
    )]
    NoTimer(&'static str),
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
    #[error(transparent)]
    Environment(#[from] crate::env::EnvError),
    /// The signature verifier could not be configured.
    #[cfg(feature = "signature")]
    #[error("signature: {0}")]
    Signature(#[from] crate::signature::SignatureConfigError),
    /// A transactional event type was given to
    /// [`WebhookBuilder::enqueue`](crate::WebhookBuilder::enqueue).
    #[cfg(feature = "delivery")]
    #[error(
        "`{}` is transactional and cannot be enqueued: FusionAuth waits for the webhook's \
         answer to commit the operation (a handler may veto it), but an enqueued event is \
         answered before any handler runs; handle it in the request, or use \
         `WebhookBuilder::enqueue_transactional` to give up the veto",
        .0.as_str()
    )]
    TransactionalEnqueued(crate::event::EventType),
}

impl std::fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The variant's name (as derived Debug would start), then the message.
        let name = match self {
            ConfigError::NoCredentials => "NoCredentials",
            ConfigError::NoHandlers => "NoHandlers",
            ConfigError::AuthorizationConflict => "AuthorizationConflict",
            ConfigError::InvalidHeaderName(_) => "InvalidHeaderName",
            ConfigError::InvalidHeaderValue(_) => "InvalidHeaderValue",
            ConfigError::EmptySecret(_) => "EmptySecret",
            ConfigError::SecretWhitespace(_) => "SecretWhitespace",
            ConfigError::ZeroTimeout(_) => "ZeroTimeout",
            ConfigError::NoTimer(_) => "NoTimer",
            ConfigError::ColonInUsername => "ColonInUsername",
            ConfigError::ZeroBodyLimit => "ZeroBodyLimit",
            ConfigError::UnroutedStatusNotSuccess(_) => "UnroutedStatusNotSuccess",
            ConfigError::Environment { .. } => "Environment",
            #[cfg(feature = "signature")]
            ConfigError::Signature(_) => "Signature",
            #[cfg(feature = "delivery")]
            ConfigError::TransactionalEnqueued(_) => "TransactionalEnqueued",
        };
        write!(f, "{name}: {self}")
    }
}
