//! The command line.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use fusionauth_webhooks::EventType;
use fusionauth_webhooks::signature::Algorithm;
use fusionauth_webhooks_client::{
    Credentials, DeliveryTarget, EventKey, EventLogSearch, EventResult, FusionAuthClient,
    ReceiverConfig, Signer,
};
use uuid::Uuid;

use crate::exit::Failure;

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  ran, but found problems or was refused (doctor problems, events disabled on a tenant,
     a receiver answering non-2xx)
  2  usage or configuration error
  3  FusionAuth answered with an error (400, 401, 404, 5xx, unexpected body)
  4  FusionAuth or the receiver could not be reached or did not answer in time";

/// Work with FusionAuth webhooks from the command line: send signed test
/// events to a receiver, make FusionAuth's webhook match it, diagnose
/// delivery, list and replay the events FusionAuth logged.
#[derive(Debug, Parser)]
#[command(name = "fusionauth-webhooks", version, after_help = EXIT_CODES)]
pub(crate) struct Cli {
    /// The FusionAuth instance, e.g. `https://auth.example.com`.
    #[arg(long, global = true, env = "FUSIONAUTH_URL")]
    pub(crate) url: Option<String>,
    /// A FusionAuth API key (sent as `Authorization`).
    #[arg(
        long,
        global = true,
        env = "FUSIONAUTH_API_KEY",
        hide_env_values = true
    )]
    pub(crate) api_key: Option<String>,
    /// The tenant for an API key not bound to one (`X-FusionAuth-TenantId`).
    #[arg(long, global = true, env = "FUSIONAUTH_TENANT_ID")]
    pub(crate) tenant_id: Option<Uuid>,
    /// A CA certificate (PEM) to trust besides the system's, for a private CA.
    #[arg(long, global = true, env = "FUSIONAUTH_CA_CERT")]
    pub(crate) ca_cert: Option<PathBuf>,
    /// How long each call to FusionAuth may take, e.g. `30s`.
    #[arg(long, global = true, default_value = "30s", value_parser = humantime::parse_duration)]
    pub(crate) timeout: Duration,
    /// Print JSON for scripts instead of text.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// POST a sample event (or a given body) to a receiver, signed like FusionAuth signs.
    #[command(after_help = EXIT_CODES)]
    Send(SendArgs),
    /// Create or update FusionAuth's webhook so that it matches the receiver; print the diff.
    #[command(after_help = EXIT_CODES)]
    Sync(SyncArgs),
    /// Check (read only) that FusionAuth sends the receiver what it expects; each finding with its fix.
    #[command(after_help = EXIT_CODES)]
    Doctor(DoctorArgs),
    /// List the events FusionAuth delivered, with their attempts.
    #[command(after_help = EXIT_CODES)]
    Events(EventsArgs),
    /// Deliver logged events again to a receiver, in order, signed and authenticated like FusionAuth.
    #[command(after_help = EXIT_CODES)]
    Replay(ReplayArgs),
}

/// How to authenticate and sign requests to a receiver, as FusionAuth would.
#[derive(Debug, Args)]
pub(crate) struct DeliveryArgs {
    /// The receiver's `Authorization` header value.
    #[arg(
        long = "key",
        env = "FUSIONAUTH_WEBHOOK_API_KEY",
        hide_env_values = true
    )]
    pub(crate) key: Option<String>,
    /// HTTP basic auth, `USER:PASSWORD`.
    #[arg(long, value_name = "USER:PASSWORD")]
    pub(crate) basic: Option<String>,
    /// Another header to send, `Name=value` (repeatable).
    #[arg(long = "header", value_name = "NAME=VALUE")]
    pub(crate) headers: Vec<String>,
    /// Sign with this HMAC secret (HS256).
    #[arg(
        long,
        env = "FUSIONAUTH_WEBHOOK_HMAC_SECRET",
        hide_env_values = true,
        conflicts_with = "signing_key"
    )]
    pub(crate) hmac_secret: Option<String>,
    /// Sign with this private key (PEM file: RSA, EC or Ed25519).
    #[arg(long, value_name = "PEM")]
    pub(crate) signing_key: Option<PathBuf>,
    /// The `kid` to put in the signature (the Key Master key's kid).
    #[arg(
        long,
        env = "FUSIONAUTH_WEBHOOK_HMAC_KID",
        default_value = "fusionauth-webhooks-cli"
    )]
    pub(crate) kid: String,
    /// The signing algorithm (default: from the key; e.g. RS384, ES384, HS512).
    #[arg(long)]
    pub(crate) alg: Option<String>,
}

impl DeliveryArgs {
    pub(crate) fn target(&self, url: &str) -> Result<DeliveryTarget, Failure> {
        let mut credentials = Credentials::default();
        credentials.api_key = self.key.clone();
        if let Some(basic) = &self.basic {
            let (user, password) = basic
                .split_once(':')
                .ok_or_else(|| Failure::usage("--basic expects USER:PASSWORD"))?;
            credentials.basic_auth = Some((user.to_owned(), password.to_owned()));
        }
        for header in &self.headers {
            let (name, value) = header
                .split_once('=')
                .ok_or_else(|| Failure::usage("--header expects NAME=VALUE"))?;
            credentials
                .headers
                .push((name.to_owned(), value.to_owned()));
        }
        let mut target = DeliveryTarget::new(url)?.credentials(credentials)?;
        let alg = match &self.alg {
            Some(name) => Some(
                Algorithm::from_name(name)
                    .ok_or_else(|| Failure::usage(format!("unknown algorithm {name}")))?,
            ),
            None => None,
        };
        if let Some(secret) = &self.hmac_secret {
            let signer = match alg {
                Some(alg) => Signer::private_key_pem(&self.kid, secret.as_bytes(), Some(alg)),
                None => Ok(Signer::hmac(&self.kid, secret)),
            };
            target = target.signer(signer.map_err(|error| Failure::usage(error.to_string()))?);
        } else if let Some(path) = &self.signing_key {
            let pem = std::fs::read(path).map_err(|error| {
                Failure::usage(format!("cannot read {}: {error}", path.display()))
            })?;
            let signer = Signer::private_key_pem(&self.kid, &pem, alg)
                .map_err(|error| Failure::usage(format!("{}: {error}", path.display())))?;
            target = target.signer(signer);
        }
        Ok(target)
    }
}

#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    /// The event type, e.g. `user.create` (a built-in sample of it is sent).
    #[arg(value_name = "TYPE")]
    pub(crate) event_type: String,
    /// The receiver's URL.
    #[arg(long)]
    pub(crate) to: String,
    /// Send this file as the body instead of the sample.
    #[arg(long, value_name = "FILE")]
    pub(crate) body: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) delivery: DeliveryArgs,
}

/// The local receiver, as its environment configures it.
#[derive(Debug, Args)]
pub(crate) struct ReceiverArgs {
    /// The receiver's public URL, which FusionAuth POSTs to.
    #[arg(long, env = "FUSIONAUTH_WEBHOOK_URL")]
    pub(crate) webhook_url: String,
    /// The webhook's id (else it is found by URL; sync creates it with this id).
    #[arg(long)]
    pub(crate) webhook_id: Option<Uuid>,
    /// The event types the receiver handles, comma separated.
    #[arg(long, value_delimiter = ',', required_unless_present = "all_events")]
    pub(crate) events: Vec<String>,
    /// The receiver handles every event type (an `on_any` handler).
    #[arg(long, conflicts_with = "events")]
    pub(crate) all_events: bool,
    /// The Key Master key FusionAuth must sign with.
    #[arg(long, env = "FUSIONAUTH_WEBHOOK_SIGNING_KEY_ID")]
    pub(crate) signing_key_id: Option<Uuid>,
    /// The receiver's handler timeout (`readTimeout` must be longer), e.g. `5s`.
    #[arg(long, env = "FUSIONAUTH_WEBHOOK_HANDLER_TIMEOUT", value_parser = humantime::parse_duration)]
    pub(crate) handler_timeout: Option<Duration>,
    /// `connectTimeout` in ms.
    #[arg(long)]
    pub(crate) connect_timeout: Option<i32>,
    /// `readTimeout` in ms.
    #[arg(long)]
    pub(crate) read_timeout: Option<i32>,
    /// Use the webhook for these tenants only (comma separated; default: global).
    #[arg(long, value_delimiter = ',')]
    pub(crate) tenants: Option<Vec<Uuid>>,
}

impl ReceiverArgs {
    /// The receiver, with its credentials from the core's environment variables.
    pub(crate) fn receiver(&self) -> Result<ReceiverConfig, Failure> {
        let event_types = if self.all_events {
            EventType::ALL.to_vec()
        } else {
            self.events
                .iter()
                .map(|name| {
                    EventType::from_wire(name.trim())
                        .ok_or_else(|| Failure::usage(format!("unknown event type {name}")))
                })
                .collect::<Result<Vec<_>, _>>()?
        };
        let mut receiver = ReceiverConfig::with_event_types(self.webhook_url.clone(), event_types);
        receiver.credentials = Credentials::from_env()?;
        receiver.webhook_id = self.webhook_id;
        receiver.signing_key_id = self.signing_key_id;
        receiver.handler_timeout = self.handler_timeout;
        receiver.connect_timeout = self.connect_timeout;
        receiver.read_timeout = self.read_timeout;
        receiver.tenant_ids = self.tenants.clone();
        Ok(receiver)
    }
}

#[derive(Debug, Args)]
pub(crate) struct SyncArgs {
    #[command(flatten)]
    pub(crate) receiver: ReceiverArgs,
    /// Also enable, on the tenants, events the receiver handles but they disable.
    #[arg(long)]
    pub(crate) enable_tenant_events: bool,
    /// Show what would change without changing it.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

#[derive(Debug, Args)]
pub(crate) struct DoctorArgs {
    #[command(flatten)]
    pub(crate) receiver: ReceiverArgs,
    /// How many recent deliveries to look at.
    #[arg(long, default_value_t = 20)]
    pub(crate) recent: u32,
}

/// Which logged events.
#[derive(Debug, Args)]
pub(crate) struct LogFilter {
    /// Only events logged within this long, e.g. `24h`, `30m`.
    #[arg(long, value_parser = humantime::parse_duration)]
    pub(crate) since: Option<Duration>,
    /// Only events of this type.
    #[arg(long = "type", value_name = "TYPE")]
    pub(crate) event_type: Option<String>,
    /// Only events whose delivery failed.
    #[arg(long)]
    pub(crate) failed: bool,
    /// At most this many events.
    #[arg(long)]
    pub(crate) limit: Option<usize>,
}

impl LogFilter {
    pub(crate) fn search(&self) -> Result<EventLogSearch, Failure> {
        let mut search = EventLogSearch::default();
        if let Some(since) = self.since {
            let start = std::time::SystemTime::now()
                .checked_sub(since)
                .and_then(fusionauth_webhooks::Instant::from_system_time)
                .ok_or_else(|| Failure::usage("--since is too long"))?;
            search.start = Some(start);
        }
        search.event_type = self.event_type.as_deref().map(EventKey::from);
        if self.failed {
            search.event_result = Some(EventResult::Failed);
        }
        Ok(search)
    }
}

#[derive(Debug, Args)]
pub(crate) struct EventsArgs {
    #[command(flatten)]
    pub(crate) filter: LogFilter,
}

#[derive(Debug, Args)]
pub(crate) struct ReplayArgs {
    #[command(flatten)]
    pub(crate) filter: LogFilter,
    /// The receiver's URL.
    #[arg(long)]
    pub(crate) to: String,
    #[command(flatten)]
    pub(crate) delivery: DeliveryArgs,
}

impl Cli {
    /// The FusionAuth client from `--url`, `--api-key` and friends.
    pub(crate) fn client(&self) -> Result<FusionAuthClient, Failure> {
        let url = self.url.as_deref().ok_or_else(|| {
            Failure::usage("set --url or FUSIONAUTH_URL to the FusionAuth instance")
        })?;
        let api_key = self
            .api_key
            .as_deref()
            .ok_or_else(|| Failure::usage("set --api-key or FUSIONAUTH_API_KEY"))?;
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
        Ok(builder.build()?)
    }
}
