//! Setting up a receiver: what it requires of FusionAuth's requests
//! ([`ReceiverConfig`], [`Credentials`]), the signing keys it trusts
//! ([`FusionAuthKeys`]), and a webhook configured from the environment
//! ([`webhook_from_env`]).

mod config;
mod credentials;
mod env;
mod keys;

pub use config::ReceiverConfig;
pub use credentials::Credentials;
pub use env::{WebhookEnvError, webhook_from_env};
pub use keys::{
    DEFAULT_BACKGROUND_REFRESH, DEFAULT_MAX_KEY_AGE, DEFAULT_MIN_REFRESH_INTERVAL,
    DEFAULT_ROTATION_CHECK, DEFAULT_UNKNOWN_KID_BACKOFF, FusionAuthKeys, FusionAuthKeysBuilder,
    KeyLoadError,
};
