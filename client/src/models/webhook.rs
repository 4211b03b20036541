//! The webhook object.

use std::collections::BTreeMap;
use std::fmt;

use fusionauth_webhooks::Instant;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::EventKey;

/// A FusionAuth webhook, every field of FusionAuth's `Webhook` class, all
/// optional (FusionAuth omits nulls; older versions lack newer fields), and
/// any field this version does not know in [`extra`](Self::extra): reading
/// and writing back loses nothing. (`applicationIds`, which FusionAuth
/// dropped in 1.37, is one of those: kept in `extra` when an older version
/// sends it.)
///
/// `Debug` hides the basic-auth password and every header value (the
/// `Authorization` header holds the receiver's key).
///
/// ```
/// use fusionauth_webhooks::EventType;
/// use fusionauth_webhooks_client::models::Webhook;
///
/// let json = r#"{"url":"https://app.example.com/fusionauth","connectTimeout":1000,
///   "readTimeout":2000,"eventsEnabled":{"user.delete":true,"user.teleport":true},
///   "headers":{"Authorization":"s3cr3t"},"futureField":{"a":1}}"#;
/// let webhook: Webhook = serde_json::from_str(json)?;
/// assert!(webhook.is_enabled(EventType::UserDelete));
/// assert_eq!(webhook.extra["futureField"]["a"], 1);
/// assert!(!format!("{webhook:?}").contains("s3cr3t"));
/// // Unknown fields and event names are written back.
/// let again = serde_json::to_value(&webhook)?;
/// assert_eq!(again, serde_json::from_str::<serde_json::Value>(json)?);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_with::skip_serializing_none]
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct Webhook {
    /// The id.
    pub id: Option<Uuid>,
    /// Where FusionAuth POSTs events (required).
    pub url: Option<String>,
    /// Milliseconds FusionAuth waits to connect (required).
    pub connect_timeout: Option<i32>,
    /// Milliseconds FusionAuth waits for the answer (required); slower counts as failed.
    pub read_timeout: Option<i32>,
    /// A description for people.
    pub description: Option<String>,
    /// Which event types are sent (both here and on the tenant).
    pub events_enabled: Option<BTreeMap<EventKey, bool>>,
    /// Used for all tenants.
    pub global: Option<bool>,
    /// The tenants it is used for (FusionAuth 1.37 and later).
    pub tenant_ids: Option<Vec<Uuid>>,
    /// Headers sent with every request (e.g. `Authorization`).
    pub headers: Option<BTreeMap<String, String>>,
    /// The basic-auth username FusionAuth sends.
    pub http_authentication_username: Option<String>,
    /// The basic-auth password FusionAuth sends.
    pub http_authentication_password: Option<String>,
    /// A PEM certificate to trust for the URL (deprecated by FusionAuth).
    pub ssl_certificate: Option<String>,
    /// The Key Master certificate to trust for the URL.
    pub ssl_certificate_key_id: Option<Uuid>,
    /// Signing of requests (FusionAuth 1.48 and later).
    pub signature_configuration: Option<SignatureConfiguration>,
    /// Free-form data.
    pub data: Option<Map<String, Value>>,
    /// When it was created (read only).
    pub insert_instant: Option<Instant>,
    /// When it last changed (read only).
    pub last_update_instant: Option<Instant>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Webhook {
    /// A webhook for `url` with FusionAuth's documented timeouts (1000 ms to
    /// connect, 2000 ms to answer).
    ///
    /// ```
    /// let webhook = fusionauth_webhooks_client::models::Webhook::new("https://app.example.com/hook");
    /// assert_eq!(webhook.read_timeout, Some(2000));
    /// ```
    pub fn new(url: impl Into<String>) -> Webhook {
        Webhook {
            url: Some(url.into()),
            connect_timeout: Some(1000),
            read_timeout: Some(2000),
            ..Webhook::default()
        }
    }

    /// Whether `eventsEnabled` turns this event type on.
    pub fn is_enabled(&self, event_type: impl Into<EventKey>) -> bool {
        let key = event_type.into();
        self.events_enabled
            .as_ref()
            .and_then(|events| events.get(&key))
            .copied()
            .unwrap_or(false)
    }

    /// The event types `eventsEnabled` turns on, by wire name.
    pub fn enabled_events(&self) -> Vec<EventKey> {
        self.events_enabled
            .iter()
            .flatten()
            .filter(|(_, enabled)| **enabled)
            .map(|(key, _)| key.clone())
            .collect()
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Option<Vec<&String>> = self
            .headers
            .as_ref()
            .map(|headers| headers.keys().collect());
        f.debug_struct("Webhook")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("connect_timeout", &self.connect_timeout)
            .field("read_timeout", &self.read_timeout)
            .field("description", &self.description)
            .field("events_enabled", &self.events_enabled)
            .field("global", &self.global)
            .field("tenant_ids", &self.tenant_ids)
            .field("headers (values hidden)", &header_names)
            .field(
                "http_authentication_username",
                &self.http_authentication_username,
            )
            .field(
                "http_authentication_password",
                &self
                    .http_authentication_password
                    .as_ref()
                    .map(|_| "[REDACTED]"),
            )
            .field("ssl_certificate_key_id", &self.ssl_certificate_key_id)
            .field("signature_configuration", &self.signature_configuration)
            .field("insert_instant", &self.insert_instant)
            .field("last_update_instant", &self.last_update_instant)
            .field("extra (keys)", &self.extra.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// How FusionAuth signs a webhook's requests (`X-FusionAuth-Signature-JWT`).
///
/// ```
/// use fusionauth_webhooks_client::models::SignatureConfiguration;
///
/// let key = uuid::Uuid::nil();
/// let config = SignatureConfiguration::signed_with(key);
/// assert_eq!(serde_json::to_string(&config)?,
///     r#"{"enabled":true,"signingKeyId":"00000000-0000-0000-0000-000000000000"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct SignatureConfiguration {
    /// Whether requests are signed.
    pub enabled: Option<bool>,
    /// The Key Master key id (`/api/key/{id}`) that signs.
    pub signing_key_id: Option<Uuid>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl SignatureConfiguration {
    /// Signing enabled with this key.
    pub fn signed_with(signing_key_id: Uuid) -> SignatureConfiguration {
        SignatureConfiguration {
            enabled: Some(true),
            signing_key_id: Some(signing_key_id),
            extra: Map::new(),
        }
    }
}
