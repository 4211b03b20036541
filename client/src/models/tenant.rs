//! A tenant, as far as webhooks need it: its event configuration.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::EventKey;
use super::lenient::lenient_enum;

/// A tenant: its id, name and event configuration typed, every other field
/// kept in [`extra`](Self::extra).
///
/// ```
/// use fusionauth_webhooks::EventType;
/// use fusionauth_webhooks_client::models::{Tenant, TransactionType};
///
/// let tenant: Tenant = serde_json::from_str(r#"{"id":"1f3a5c7e-9b2d-4f6a-8c0e-2d4f6a8c0e1b",
///   "eventConfiguration":{"events":{"user.delete":{"enabled":true,"transactionType":"Any"}}},
///   "issuer":"acme.com"}"#)?;
/// assert!(tenant.is_enabled(EventType::UserDelete));
/// assert!(!tenant.is_enabled(EventType::UserCreate));
/// assert_eq!(tenant.transaction_type(EventType::UserDelete), Some(TransactionType::Any));
/// assert_eq!(tenant.extra["issuer"], "acme.com");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct Tenant {
    /// The id.
    pub id: Option<Uuid>,
    /// The name.
    pub name: Option<String>,
    /// Which events the tenant fires, and how.
    pub event_configuration: Option<EventConfiguration>,
    /// Every other field of the tenant.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Tenant {
    fn event(&self, event_type: impl Into<EventKey>) -> Option<&EventConfigurationData> {
        self.event_configuration
            .as_ref()?
            .events
            .as_ref()?
            .get(&event_type.into())
    }

    /// Whether the tenant fires this event type.
    pub fn is_enabled(&self, event_type: impl Into<EventKey>) -> bool {
        self.event(event_type).and_then(|data| data.enabled) == Some(true)
    }

    /// The tenant's transaction type for this event type.
    pub fn transaction_type(&self, event_type: impl Into<EventKey>) -> Option<TransactionType> {
        self.event(event_type)?.transaction_type.clone()
    }
}

/// A tenant's `eventConfiguration`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventConfiguration {
    /// Per event type: enabled, and the transaction type.
    pub events: Option<BTreeMap<EventKey, EventConfigurationData>>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One event type's configuration on a tenant.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventConfigurationData {
    /// Whether the tenant fires it.
    pub enabled: Option<bool>,
    /// How many webhooks must succeed for the operation to commit.
    pub transaction_type: Option<TransactionType>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl EventConfigurationData {
    /// Enabled, with this transaction type.
    pub fn enabled(transaction_type: Option<TransactionType>) -> EventConfigurationData {
        EventConfigurationData {
            enabled: Some(true),
            transaction_type,
            extra: Map::new(),
        }
    }
}

lenient_enum! {
    /// How many of the webhooks must succeed for a transactional event's
    /// operation to commit.
    ///
    /// ```
    /// use fusionauth_webhooks_client::models::TransactionType;
    /// assert_eq!(TransactionType::from("SimpleMajority"), TransactionType::SimpleMajority);
    /// ```
    TransactionType {
        /// The operation never waits; failed deliveries are not retried.
        None = "None",
        /// At least one.
        Any = "Any",
        /// More than half.
        SimpleMajority = "SimpleMajority",
        /// Two thirds.
        SuperMajority = "SuperMajority",
        /// All of them.
        AbsoluteMajority = "AbsoluteMajority",
    }
}
