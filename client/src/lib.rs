//! A FusionAuth API client for webhook receivers built with
//! [`fusionauth_webhooks`]: manage the webhook itself, read the tenant's event
//! configuration, fetch signing keys and recover missed events from the
//! webhook event log.
//!
//! # Example
//!
//! ```
//! use fusionauth_webhooks::EventType;
//! use fusionauth_webhooks_client::FusionAuthClient;
//! use fusionauth_webhooks_client::models::{Webhook, WebhookSearch};
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
//! The crate is in three layers: the API calls, as methods of
//! [`FusionAuthClient`], and FusionAuth's objects in [`models`]; setting up a
//! receiver in [`receiver`] (what it requires, the signing keys it trusts, a
//! webhook from the environment); and the workflows of the command and of a
//! receiver's startup in [`workflows`] (sync, doctor, replay).
//!
//! # At a receiver's startup
//!
//! Make FusionAuth's webhook match the receiver, then verify signatures with
//! exactly the key FusionAuth signs the webhook with, followed through
//! rotations ([`FusionAuthKeys`](receiver::FusionAuthKeys)). Every variable
//! is read through the core's [`Env`](fusionauth_webhooks::env::Env), by one
//! rule: with the process environment, use [`FusionAuthClient::from_env`],
//! [`ReceiverConfig::from_env`](receiver::ReceiverConfig::from_env) and
//! [`webhook_from_env`](receiver::webhook_from_env) with `Env::process()`;
//! here the variables come from a closure:
//!
//! ```
//! use fusionauth_webhooks::env::Env;
//! use fusionauth_webhooks::{Event, EventType, Router};
//! use fusionauth_webhooks_client::FusionAuthClient;
//! use fusionauth_webhooks_client::receiver::{ReceiverConfig, webhook_from_env};
//! use fusionauth_webhooks_client::workflows::{SyncOptions, WebhookAction, sync};
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let standin = fusionauth_standin::StandIn::start().await;
//! # let fusionauth_url = standin.url().to_owned();
//! # let key_id = "5f0e2c1a-8b7d-4e3f-9a6b-1c2d3e4f5a6b";
//! # standin.state().keys.insert(key_id.parse()?, serde_json::json!({"id": key_id, "kid": "hmac-1",
//! #     "type": "HMAC", "algorithm": "HS256", "secret": "the-hmac-secret"}));
//! let vars = move |name: &str| match name {
//!     "FUSIONAUTH_URL" => Some(fusionauth_url.clone()),
//!     "FUSIONAUTH_API_KEY" => Some(fusionauth_standin::API_KEY.to_owned()),
//!     "FUSIONAUTH_WEBHOOK_URL" => Some("https://app.example.com/fusionauth-webhook".to_owned()),
//!     "FUSIONAUTH_WEBHOOK_API_KEY" => Some("a-long-random-key".to_owned()),
//!     // The Key Master key FusionAuth signs with: sync sets it, the webhook verifies with it.
//!     "FUSIONAUTH_WEBHOOK_SIGNING_KEY_ID" => Some(key_id.to_owned()),
//!     _ => None,
//! };
//! let router = Router::new().on_event(EventType::UserDelete, |_: Event| async { Ok(()) });
//! let env = Env::from_fn(&vars);
//! let client = FusionAuthClient::from_env_with(env)?;
//! let receiver = ReceiverConfig::from_env_with(router.event_types(), env)?;
//! let report = sync(&client, &receiver, SyncOptions::default()).await?;
//! assert_eq!(report.action, WebhookAction::Created);
//! print!("{report}");
//! let webhook = webhook_from_env(router, env).await?;
//! # let _ = webhook;
//! # Ok(())
//! # }
//! ```
//!
//! Every call returns [`Error`] on failure: validation errors (400) with
//! FusionAuth's field errors, 401, 404, server errors, timeouts and
//! connection failures each have their own variant, and so do what a broken
//! or hostile server may do: an answer over the size limit (refused unread),
//! a redirect to another origin (not followed), pages that never end (a
//! bounded search, then an error).
//!
//! The models are checked against FusionAuth's own description of its
//! classes and calls (the JSON its official clients are generated from):
//! every field typed as FusionAuth types it, nothing lost on the way through.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod api;
mod client;
mod error;
mod http;
pub mod models;
pub mod receiver;
pub mod workflows;

pub use api::{DEFAULT_MAX_EVENT_LOGS, EventLogPages};
pub use client::{ClientBuilder, DEFAULT_MAX_RESPONSE_SIZE, FusionAuthClient, TENANT_ID_HEADER};
pub use error::{ApiErrors, ClientConfigError, Error, ErrorDetail};
