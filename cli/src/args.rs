//! The command line.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use fusionauth_webhooks::EventType;
use fusionauth_webhooks::env;
use fusionauth_webhooks::signature::Algorithm;
use fusionauth_webhooks_client::{
    Credentials, DeliveryTarget, EventKey, EventLogSearch, EventRequest, EventResult,
    FusionAuthClient, ReceiverConfig, Signer, WebhookEventLog,
};
use uuid::Uuid;

use crate::exit::Failure;

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  ran, but found problems or was refused (doctor problems, events disabled on a tenant,
     a receiver answering non-2xx); listen exits with 0 on Ctrl-C once its webhook is removed
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
    #[arg(long, global = true, env = env::FUSIONAUTH_URL)]
    pub(crate) url: Option<String>,
    /// A FusionAuth API key (sent as `Authorization`). Prefer the environment
    /// variable or --api-key-file: arguments are visible to other users in
    /// the process list.
    #[arg(
        long,
        global = true,
        env = env::FUSIONAUTH_API_KEY,
        hide_env_values = true,
        conflicts_with = "api_key_file"
    )]
    pub(crate) api_key: Option<String>,
    /// A file holding the FusionAuth API key.
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) api_key_file: Option<PathBuf>,
    /// The tenant for an API key not bound to one (`X-FusionAuth-TenantId`).
    #[arg(long, global = true, env = env::FUSIONAUTH_TENANT_ID)]
    pub(crate) tenant_id: Option<Uuid>,
    /// A CA certificate (PEM) to trust besides the system's, for a private CA.
    #[arg(long, global = true, env = env::FUSIONAUTH_CA_CERT)]
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
    /// Receive events locally: print each one, answer 200 (or a chosen status), optionally
    /// create a temporary webhook on FusionAuth (--url) and relay events to your app (--forward-to).
    #[command(after_help = EXIT_CODES)]
    Listen(crate::commands::listen::args::ListenArgs),
}

/// How to authenticate and sign requests to a receiver, as FusionAuth
/// would. Every secret also comes from the variable the receiver reads, or a
/// file: prefer those, since arguments are visible to other users in the
/// process list.
#[derive(Debug, Args)]
pub(crate) struct DeliveryArgs {
    /// The receiver's `Authorization` header value. Prefer the environment
    /// variable or --key-file: arguments show in the process list.
    #[arg(
        long = "key",
        env = env::FUSIONAUTH_WEBHOOK_API_KEY,
        hide_env_values = true,
        conflicts_with = "key_file"
    )]
    pub(crate) key: Option<String>,
    /// A file holding the receiver's `Authorization` header value.
    #[arg(long, value_name = "FILE")]
    pub(crate) key_file: Option<PathBuf>,
    /// HTTP basic auth, `USER:PASSWORD`. Prefer --basic-user with the
    /// environment variable FUSIONAUTH_WEBHOOK_BASIC_PASSWORD or
    /// --basic-password-file: arguments show in the process list.
    #[arg(long, value_name = "USER:PASSWORD", conflicts_with_all = ["basic_user", "basic_password_file"])]
    pub(crate) basic: Option<String>,
    /// The basic-auth username.
    #[arg(long, env = env::FUSIONAUTH_WEBHOOK_BASIC_USER, value_name = "USER")]
    pub(crate) basic_user: Option<String>,
    /// The basic-auth password (from the environment variable only: an
    /// argument would show in the process list).
    #[arg(long, env = env::FUSIONAUTH_WEBHOOK_BASIC_PASSWORD, hide_env_values = true, hide = true)]
    pub(crate) basic_password: Option<String>,
    /// A file holding the basic-auth password.
    #[arg(long, value_name = "FILE", conflicts_with = "basic_password")]
    pub(crate) basic_password_file: Option<PathBuf>,
    /// Another header to send, `Name=value` (repeatable). For secrets prefer
    /// FUSIONAUTH_WEBHOOK_HEADERS (`Name=value;Other=value`) or
    /// --headers-file: arguments show in the process list.
    #[arg(long = "header", value_name = "NAME=VALUE")]
    pub(crate) headers: Vec<String>,
    /// A file of headers to send, `Name=value`, one a line.
    #[arg(long, value_name = "FILE")]
    pub(crate) headers_file: Option<PathBuf>,
    /// Sign with this HMAC secret (HS256). Prefer the environment variable or
    /// --hmac-secret-file: arguments show in the process list.
    #[arg(
        long,
        env = env::FUSIONAUTH_WEBHOOK_HMAC_SECRET,
        hide_env_values = true,
        conflicts_with_all = ["signing_key", "hmac_secret_file"]
    )]
    pub(crate) hmac_secret: Option<String>,
    /// A file holding the HMAC secret to sign with.
    #[arg(long, value_name = "FILE", conflicts_with = "signing_key")]
    pub(crate) hmac_secret_file: Option<PathBuf>,
    /// Sign with this private key (PEM file: RSA, EC or Ed25519).
    #[arg(long, value_name = "PEM")]
    pub(crate) signing_key: Option<PathBuf>,
    /// The `kid` to put in the signature (the Key Master key's kid).
    #[arg(long, env = env::FUSIONAUTH_WEBHOOK_HMAC_KID, default_value = "fusionauth-webhooks-cli")]
    pub(crate) kid: String,
    /// The signing algorithm (default: from the key; e.g. RS384, ES384, HS512).
    #[arg(long)]
    pub(crate) alg: Option<String>,
}

impl DeliveryArgs {
    /// The credentials: from the receiver's environment variables, then files, then arguments.
    fn credentials(&self) -> Result<Credentials, Failure> {
        let mut credentials = Credentials::from_env()?;
        if let Some(key) = self.key.clone().or(read_secret(self.key_file.as_deref())?) {
            credentials.api_key = Some(key);
        }
        let password = self
            .basic_password
            .clone()
            .or(read_secret(self.basic_password_file.as_deref())?);
        match (&self.basic, &self.basic_user, password) {
            (Some(basic), _, _) => {
                let (user, password) = basic
                    .split_once(':')
                    .ok_or_else(|| Failure::usage("--basic expects USER:PASSWORD"))?;
                credentials.basic_auth = Some((user.to_owned(), password.to_owned()));
            }
            (None, Some(user), Some(password)) => {
                credentials.basic_auth = Some((user.clone(), password));
            }
            (None, Some(_), None) => {
                return Err(Failure::usage(format!(
                    "--basic-user needs a password: set {} or --basic-password-file",
                    env::FUSIONAUTH_WEBHOOK_BASIC_PASSWORD
                )));
            }
            (None, None, Some(_)) => {
                return Err(Failure::usage(
                    "a basic-auth password needs --basic-user (or FUSIONAUTH_WEBHOOK_BASIC_USER)",
                ));
            }
            (None, None, None) => {}
        }
        if let Some(text) = read_secret(self.headers_file.as_deref())? {
            credentials.headers.extend(parse_headers(&text)?);
        }
        for header in &self.headers {
            let (name, value) = header
                .split_once('=')
                .ok_or_else(|| Failure::usage("--header expects NAME=VALUE"))?;
            credentials
                .headers
                .push((name.to_owned(), value.to_owned()));
        }
        Ok(credentials)
    }

    pub(crate) fn target(&self, url: &str) -> Result<DeliveryTarget, Failure> {
        let mut target = DeliveryTarget::new(url)?.credentials(self.credentials()?)?;
        let alg = match &self.alg {
            Some(name) => Some(
                Algorithm::from_name(name)
                    .ok_or_else(|| Failure::usage(format!("unknown algorithm {name}")))?,
            ),
            None => None,
        };
        let secret = self
            .hmac_secret
            .clone()
            .or(read_secret(self.hmac_secret_file.as_deref())?);
        if let Some(secret) = secret {
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

/// A secret from a file, without the final line break an editor leaves.
pub(crate) fn read_secret(path: Option<&Path>) -> Result<Option<String>, Failure> {
    let Some(path) = path else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path)
        .map_err(|error| Failure::usage(format!("cannot read {}: {error}", path.display())))?;
    let text = text.strip_suffix('\n').unwrap_or(&text);
    Ok(Some(text.strip_suffix('\r').unwrap_or(text).to_owned()))
}

/// `Name=value` pairs, one a line or separated by `;`, as in FUSIONAUTH_WEBHOOK_HEADERS.
fn parse_headers(text: &str) -> Result<Vec<(String, String)>, Failure> {
    let credentials = Credentials::from_env_with(|name| {
        (name == env::FUSIONAUTH_WEBHOOK_HEADERS).then(|| text.to_owned())
    })
    .map_err(|_| Failure::usage("--headers-file expects `Name=value` lines"))?;
    Ok(credentials.headers)
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
    #[arg(long, env = env::FUSIONAUTH_WEBHOOK_URL)]
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
    #[arg(long, env = env::FUSIONAUTH_WEBHOOK_SIGNING_KEY_ID)]
    pub(crate) signing_key_id: Option<Uuid>,
    /// The receiver's handler timeout (`readTimeout` must be longer), e.g. `5s`.
    #[arg(long, env = env::FUSIONAUTH_WEBHOOK_HANDLER_TIMEOUT, value_parser = humantime::parse_duration)]
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
    /// Only events FusionAuth sent to this webhook (it has an attempt to it).
    #[arg(long, env = env::FUSIONAUTH_WEBHOOK_ID)]
    pub(crate) webhook_id: Option<Uuid>,
    /// Only events of these tenants (comma separated).
    #[arg(long = "tenant", value_delimiter = ',', value_name = "TENANT_ID")]
    pub(crate) tenants: Vec<Uuid>,
    /// At most this many events (without it, more than 10,000 matching is an
    /// error: narrow the search).
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

    /// Whether a log passes the filters the search cannot apply: the webhook
    /// (`webhook`, this filter's or the one found for it) and the tenants.
    pub(crate) fn keeps(&self, log: &WebhookEventLog, webhook: Option<Uuid>) -> bool {
        let to_webhook = webhook.is_none_or(|id| log.webhook_ids().contains(&id));
        let tenant = log.event.as_ref().and_then(EventRequest::tenant_id);
        let of_tenant =
            self.tenants.is_empty() || tenant.is_some_and(|id| self.tenants.contains(&id));
        to_webhook && of_tenant
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
    /// The receiver's public URL, to find its webhook when --webhook-id is not
    /// given: only the events FusionAuth sent to that webhook are replayed.
    #[arg(long, env = env::FUSIONAUTH_WEBHOOK_URL)]
    pub(crate) webhook_url: Option<String>,
    /// Replay the events of every webhook of the instance, not only the
    /// receiver's (whatever --webhook-id or --webhook-url say).
    #[arg(long)]
    pub(crate) all_webhooks: bool,
    /// The receiver's URL, where the events are sent.
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
            .clone()
            .or(read_secret(self.api_key_file.as_deref())?)
            .ok_or_else(|| Failure::usage("set FUSIONAUTH_API_KEY, --api-key-file or --api-key"))?;
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
