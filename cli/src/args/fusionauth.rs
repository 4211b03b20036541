//! How the CLI reaches FusionAuth: the commands that call its API flatten
//! these options (`send` does not call it, and does not list them).

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use fusionauth_webhooks::env;
use fusionauth_webhooks_client::FusionAuthClient;
use uuid::Uuid;

use super::delivery::read_secret;
use crate::exit::{Failure, Missing};

/// The FusionAuth instance and its API key.
#[derive(Debug, Args)]
#[command(next_help_heading = "FusionAuth")]
pub(crate) struct FusionAuthArgs {
    /// The FusionAuth instance, e.g. `https://auth.example.com`.
    #[arg(long, env = env::FUSIONAUTH_URL)]
    pub(crate) url: Option<String>,
    /// A FusionAuth API key (sent as `Authorization`). Prefer the environment
    /// variable or --api-key-file: arguments are visible to other users in
    /// the process list.
    #[arg(
        long,
        env = env::FUSIONAUTH_API_KEY,
        hide_env_values = true,
        conflicts_with = "api_key_file"
    )]
    pub(crate) api_key: Option<String>,
    /// A file holding the FusionAuth API key.
    #[arg(long, value_name = "FILE")]
    pub(crate) api_key_file: Option<PathBuf>,
    /// The tenant for an API key not bound to one (`X-FusionAuth-TenantId`).
    #[arg(long, env = env::FUSIONAUTH_TENANT_ID)]
    pub(crate) tenant_id: Option<Uuid>,
    /// A CA certificate (PEM) to trust besides the system's, for a private CA.
    #[arg(long, env = env::FUSIONAUTH_CA_CERT)]
    pub(crate) ca_cert: Option<PathBuf>,
    /// How long each call to FusionAuth may take, e.g. `30s`.
    #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
    pub(crate) timeout: Duration,
}

impl FusionAuthArgs {
    /// The FusionAuth client; a missing URL or API key is noted in
    /// `missing` (with the receiver's missing settings, all reported at once).
    pub(crate) fn client(
        &self,
        missing: &mut Missing,
    ) -> Result<Option<FusionAuthClient>, Failure> {
        let url = missing.require(
            self.url.as_deref(),
            "the FusionAuth instance: --url or FUSIONAUTH_URL",
        );
        let api_key = self
            .api_key
            .clone()
            .or(read_secret(self.api_key_file.as_deref())?);
        let api_key = missing.require(
            api_key,
            "a FusionAuth API key: FUSIONAUTH_API_KEY, --api-key-file or --api-key",
        );
        let (Some(url), Some(api_key)) = (url, api_key) else {
            return Ok(None);
        };
        let mut builder = FusionAuthClient::builder(url)
            .api_key(api_key)
            .timeout(self.timeout);
        if let Some(tenant) = self.tenant_id {
            builder = builder.tenant_id(tenant);
        }
        if let Some(path) = &self.ca_cert {
            let pem = std::fs::read(path).map_err(|error| {
                Failure::usage(format!("cannot read {}: {error}", path.display()))
            })?;
            builder = builder.ca_pem(pem);
        }
        Ok(Some(builder.build()?))
    }

    /// The client for a command that needs nothing else.
    pub(crate) fn client_alone(&self) -> Result<FusionAuthClient, Failure> {
        let mut missing = Missing::default();
        let client = self.client(&mut missing)?;
        missing.check()?;
        client.ok_or_else(|| Failure::usage("the FusionAuth client could not be configured"))
    }
}
