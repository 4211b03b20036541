//! Search criteria and result pages: webhooks and the webhook event log.

use fusionauth_webhooks::Instant;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{EventKey, EventResult, Webhook, WebhookEventLog};

/// Criteria of a webhook search (FusionAuth's `WebhookSearchCriteria`); every one optional.
///
/// ```
/// let search = fusionauth_webhooks_client::models::WebhookSearch::by_url("https://app.example.com/hook");
/// assert_eq!(search.url.as_deref(), Some("https://app.example.com/hook"));
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct WebhookSearch {
    /// Text in the description (`*` wildcards).
    pub description: Option<String>,
    /// Text in the URL (`*` wildcards).
    pub url: Option<String>,
    /// Webhooks used for this tenant.
    pub tenant_id: Option<Uuid>,
    /// The page size (FusionAuth's default: 25).
    pub number_of_results: Option<i32>,
    /// e.g. `url ASC`.
    pub order_by: Option<String>,
    /// The first row (0-based) of the page.
    pub start_row: Option<i32>,
}

impl WebhookSearch {
    /// Webhooks whose URL matches `url`.
    pub fn by_url(url: impl Into<String>) -> WebhookSearch {
        WebhookSearch {
            url: Some(url.into()),
            ..WebhookSearch::default()
        }
    }
}

/// One page of webhooks (FusionAuth's `WebhookSearchResponse`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct WebhookSearchResult {
    /// The page.
    #[serde(default)]
    pub webhooks: Vec<Webhook>,
    /// How many match in all.
    pub total: Option<i64>,
}

/// Criteria of an event log search (FusionAuth's
/// `WebhookEventLogSearchCriteria`); every one optional.
///
/// ```
/// use fusionauth_webhooks_client::models::{EventLogSearch, EventResult};
///
/// let mut search = EventLogSearch::default();
/// search.event_result = Some(EventResult::Failed);
/// assert_eq!(serde_json::to_string(&search)?, r#"{"eventResult":"Failed"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventLogSearch {
    /// Logged at or after.
    pub start: Option<Instant>,
    /// Logged at or before.
    pub end: Option<Instant>,
    /// Text in the event body (`*` wildcards).
    pub event: Option<String>,
    /// Exactly this result.
    pub event_result: Option<EventResult>,
    /// Exactly this type.
    pub event_type: Option<EventKey>,
    /// The page size (FusionAuth's default: 25).
    pub number_of_results: Option<i32>,
    /// e.g. `insertInstant ASC`.
    pub order_by: Option<String>,
    /// The first row (0-based) of the page.
    pub start_row: Option<i32>,
}

/// One page of event logs (FusionAuth's `WebhookEventLogSearchResponse`).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct EventLogSearchResult {
    /// The page.
    #[serde(default)]
    pub webhook_event_logs: Vec<WebhookEventLog>,
    /// How many match in all.
    pub total: Option<i64>,
}
