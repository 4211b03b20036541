//! A description of the local receiver: what FusionAuth's webhook must match.

use std::time::Duration;

use fusionauth_webhooks::env::{
    Env, FUSIONAUTH_WEBHOOK_HANDLER_TIMEOUT, FUSIONAUTH_WEBHOOK_SIGNING_KEY_ID,
    FUSIONAUTH_WEBHOOK_URL,
};
use fusionauth_webhooks::{EventType, Router};
use uuid::Uuid;

use crate::ClientConfigError;
use crate::receiver::Credentials;

/// The receiver as it is configured locally: the input of [`sync`](crate::workflows::sync())
/// and [`doctor`](crate::workflows::doctor()).
///
/// ```
/// use fusionauth_webhooks::{Event, EventType, Router};
/// use fusionauth_webhooks_client::receiver::ReceiverConfig;
///
/// let router = Router::new().on_event(EventType::UserDelete, |_: Event| async { Ok(()) });
/// let receiver = ReceiverConfig::new("https://app.example.com/fusionauth", &router);
/// assert_eq!(receiver.event_types, vec![EventType::UserDelete]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceiverConfig {
    /// The URL FusionAuth must POST to.
    pub url: String,
    /// The webhook's id, when known (else it is found by URL).
    pub webhook_id: Option<Uuid>,
    /// The credentials the receiver requires.
    pub credentials: Credentials,
    /// The event types the receiver handles ([`Router::event_types`]).
    pub event_types: Vec<EventType>,
    /// The Key Master key FusionAuth must sign with, when the receiver verifies signatures.
    pub signing_key_id: Option<Uuid>,
    /// The receiver's handler timeout: FusionAuth's `readTimeout` must be longer.
    pub handler_timeout: Option<Duration>,
    /// `connectTimeout` to set, in ms (else kept, or 1000).
    pub connect_timeout: Option<i32>,
    /// `readTimeout` to set, in ms (else kept when long enough, or derived).
    pub read_timeout: Option<i32>,
    /// The tenants to use the webhook for; `None` keeps an existing webhook's
    /// scope and makes a new one global.
    pub tenant_ids: Option<Vec<Uuid>>,
    /// A description for a new webhook.
    pub description: Option<String>,
}

impl ReceiverConfig {
    /// A receiver at `url` handling what `router` handles, with no credentials yet.
    pub fn new(url: impl Into<String>, router: &Router) -> ReceiverConfig {
        ReceiverConfig::with_event_types(url, router.event_types())
    }

    /// A receiver at `url` handling `event_types`.
    pub fn with_event_types(url: impl Into<String>, event_types: Vec<EventType>) -> ReceiverConfig {
        let mut event_types = event_types;
        event_types.sort();
        event_types.dedup();
        ReceiverConfig {
            url: url.into(),
            webhook_id: None,
            credentials: Credentials::default(),
            event_types,
            signing_key_id: None,
            handler_timeout: None,
            connect_timeout: None,
            read_timeout: None,
            tenant_ids: None,
            description: None,
        }
    }

    /// From the process environment; see [`from_env_with`](Self::from_env_with).
    pub fn from_env(router: &Router) -> Result<ReceiverConfig, ClientConfigError> {
        ReceiverConfig::from_env_with(router.event_types(), Env::process())
    }

    /// From the receiver's variables: [`FUSIONAUTH_WEBHOOK_URL`] (required),
    /// the core's credential variables (see [`Credentials::from_env_with`]),
    /// [`FUSIONAUTH_WEBHOOK_SIGNING_KEY_ID`] and the core's handler timeout
    /// ([`FUSIONAUTH_WEBHOOK_HANDLER_TIMEOUT`], e.g. `5s`): FusionAuth's
    /// `readTimeout` must be longer.
    ///
    /// ```
    /// use fusionauth_webhooks::EventType;
    /// use fusionauth_webhooks::env::Env;
    /// use fusionauth_webhooks_client::receiver::ReceiverConfig;
    ///
    /// let vars = |name: &str| match name {
    ///     "FUSIONAUTH_WEBHOOK_URL" => Some("https://app.example.com/hook".to_owned()),
    ///     "FUSIONAUTH_WEBHOOK_API_KEY" => Some("k3y".to_owned()),
    ///     "FUSIONAUTH_WEBHOOK_HANDLER_TIMEOUT" => Some("5s".to_owned()),
    ///     _ => None,
    /// };
    /// let receiver = ReceiverConfig::from_env_with(vec![EventType::UserDelete], Env::from_fn(&vars))?;
    /// assert_eq!(receiver.handler_timeout, Some(std::time::Duration::from_secs(5)));
    /// # Ok::<(), fusionauth_webhooks_client::ClientConfigError>(())
    /// ```
    pub fn from_env_with(
        event_types: Vec<EventType>,
        env: Env<'_>,
    ) -> Result<ReceiverConfig, ClientConfigError> {
        let url = env.required(FUSIONAUTH_WEBHOOK_URL)?;
        let mut receiver = ReceiverConfig::with_event_types(url, event_types);
        receiver.credentials = Credentials::from_env_with(env)?;
        receiver.signing_key_id =
            env.parse(FUSIONAUTH_WEBHOOK_SIGNING_KEY_ID, "a key id (a UUID)")?;
        receiver.handler_timeout = env.duration(FUSIONAUTH_WEBHOOK_HANDLER_TIMEOUT)?;
        Ok(receiver)
    }

    /// Whether it takes every event type (an `on_any` handler or a fallback).
    pub fn takes_all_events(&self) -> bool {
        EventType::ALL
            .iter()
            .all(|ty| self.event_types.contains(ty))
    }

    /// The event types a tenant must enable: all but the system events
    /// (which are not tenant-scoped) and the admin UI's `test`.
    pub fn tenant_event_types(&self) -> impl Iterator<Item = EventType> + '_ {
        self.event_types
            .iter()
            .copied()
            .filter(|ty| !is_system_event(*ty))
    }
}

/// Events that cannot be scoped to a tenant, and the test event.
fn is_system_event(event_type: EventType) -> bool {
    matches!(
        event_type,
        EventType::AuditLogCreate
            | EventType::EventLogCreate
            | EventType::KickstartSuccess
            | EventType::Test
    )
}
