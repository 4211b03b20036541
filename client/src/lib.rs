//! A FusionAuth API client for webhook receivers built with
//! [`fusionauth_webhooks`]: manage the webhook itself, read the tenant's event
//! configuration, fetch signing keys and recover missed events from the
//! webhook event log.
//!
//! # Example
//!
//! ```
//! use fusionauth_webhooks::EventType;
//! use fusionauth_webhooks_client::{FusionAuthClient, Webhook, WebhookSearch};
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let standin = fusionauth_standin::StandIn::start().await;
//! # let (url, api_key) = (standin.url(), fusionauth_standin::API_KEY);
//! let client = FusionAuthClient::new(url, api_key)?;
//!
//! let mut webhook = Webhook::new("https://app.example.com/fusionauth");
//! webhook.events_enabled = Some([(EventType::UserDelete.into(), true)].into());
//! let created = client.create_webhook(None, &webhook).await?;
//!
//! let found = client.search_webhooks(&WebhookSearch::by_url("https://app.example.com/fusionauth")).await?;
//! assert_eq!(found.webhooks[0].id, created.id);
//! assert!(found.webhooks[0].is_enabled(EventType::UserDelete));
//! # Ok(())
//! # }
//! ```
//!
//! Every call returns [`Error`] on failure: validation errors (400) with
//! FusionAuth's field errors, 401, 404, server errors, timeouts and
//! connection failures each have their own variant.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod api;
mod client;
mod credentials;
mod doctor;
mod env;
mod error;
mod keys;
mod model;
mod plan;
mod receiver;
mod replay;
mod sign;
mod sync;

pub use client::{ClientBuilder, ConfigError, FusionAuthClient, TENANT_ID_HEADER};
pub use credentials::Credentials;
pub use doctor::{DoctorReport, Finding, Severity, doctor};
pub use env::{
    ENV_API_KEY, ENV_CA_CERT, ENV_TENANT_ID, ENV_URL, ENV_WEBHOOK_ID, EnvError, webhook_from_env,
    webhook_from_env_with,
};
pub use error::{ApiErrors, Error, ErrorDetail};
pub use keys::{
    DEFAULT_BACKGROUND_REFRESH, DEFAULT_MIN_REFRESH_INTERVAL, FusionAuthKeys,
    FusionAuthKeysBuilder, KeyLoadError,
};
pub use model::{
    AttemptResult, EventConfiguration, EventConfigurationData, EventKey, EventLogSearch,
    EventLogSearchResult, EventResult, Key, SignatureConfiguration, Tenant, TransactionType,
    Webhook, WebhookAttemptLog, WebhookCallResponse, WebhookEventLog, WebhookSearch,
    WebhookSearchResult,
};
pub use plan::Change;
pub use receiver::{ENV_SIGNING_KEY_ID, ENV_WEBHOOK_URL, ReceiverConfig};
pub use replay::{
    Answer, Delivered, DeliveryTarget, ReplaySummary, RouterReplay, in_order, replay,
    replay_into_router,
};
pub use sign::{SignError, Signer};
pub use sync::{SyncError, SyncOptions, SyncReport, TenantEvents, WebhookAction, sync};
