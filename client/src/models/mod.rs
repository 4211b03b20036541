//! Typed, lossless models of FusionAuth's objects.

mod attempt_log;
#[cfg(test)]
mod conformance;
mod event_key;
mod event_log;
mod event_request;
mod jwks;
mod key;
mod lenient;
mod search;
mod tenant;
mod webhook;

pub use attempt_log::{AttemptResult, WebhookAttemptLog, WebhookCallResponse};
pub use event_key::EventKey;
pub use event_log::{EventResult, WebhookEventLog};
pub use event_request::EventRequest;
pub use jwks::{JsonWebKey, JsonWebKeySet};
pub use key::{CertificateInformation, Key, KeyAlgorithm, KeyType};
pub use search::{EventLogSearch, EventLogSearchResult, WebhookSearch, WebhookSearchResult};
pub use tenant::{EventConfiguration, EventConfigurationData, Tenant, TransactionType};
pub use webhook::{SignatureConfiguration, Webhook};
