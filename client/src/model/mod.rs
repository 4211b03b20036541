//! Typed, lossless models of FusionAuth's objects.

mod event_key;
mod event_log;
mod key;
mod tenant;
mod webhook;

pub use event_key::EventKey;
pub use event_log::{
    AttemptResult, EventLogSearch, EventLogSearchResult, EventResult, WebhookAttemptLog,
    WebhookCallResponse, WebhookEventLog,
};
pub use key::Key;
pub use tenant::{EventConfiguration, EventConfigurationData, Tenant, TransactionType};
pub use webhook::{SignatureConfiguration, Webhook, WebhookSearch, WebhookSearchResult};
