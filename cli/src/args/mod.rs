//! The command line.

mod delivery;
mod fusionauth;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use fusionauth_webhooks::EventType;
use fusionauth_webhooks::env;
use fusionauth_webhooks_client::models::{
    EventKey, EventLogSearch, EventRequest, EventResult, WebhookEventLog,
};
use fusionauth_webhooks_client::receiver::{Credentials, ReceiverConfig};
use uuid::Uuid;

pub(crate) use delivery::{DeliveryArgs, read_secret};
pub(crate) use fusionauth::FusionAuthArgs;

use crate::exit::{Failure, Missing};

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

#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    /// The event type, e.g. `user.create` (a built-in sample of it is sent).
    #[arg(value_name = "TYPE")]
    pub(crate) event_type: String,
    /// The receiver's URL.
    #[arg(long)]
    pub(crate) to: String,
    /// Send this file as the body instead of the sample (byte for byte,
    /// unless --event-id replaces its event id).
    #[arg(long, value_name = "FILE")]
    pub(crate) body: Option<PathBuf>,
    /// The event id to send (default: a fresh one for every sample sent, so
    /// that a receiver that deduplicates on it takes each send).
    #[arg(long, value_name = "UUID")]
    pub(crate) event_id: Option<Uuid>,
    #[command(flatten)]
    pub(crate) delivery: DeliveryArgs,
}

/// The local receiver, as its environment configures it.
#[derive(Debug, Args)]
pub(crate) struct ReceiverArgs {
    /// The receiver's public URL, which FusionAuth POSTs to.
    #[arg(long, env = env::FUSIONAUTH_WEBHOOK_URL)]
    pub(crate) webhook_url: Option<String>,
    /// The webhook's id (else it is found by URL; sync creates it with this id).
    #[arg(long)]
    pub(crate) webhook_id: Option<Uuid>,
    /// The event types the receiver handles, comma separated.
    #[arg(long, value_delimiter = ',')]
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
    /// The receiver, with its credentials from the core's environment
    /// variables; what is missing or wrong is noted in `missing`, to be
    /// reported with the FusionAuth settings, all at once.
    pub(crate) fn receiver(&self, missing: &mut Missing) -> Option<ReceiverConfig> {
        let url = missing.require(
            self.webhook_url.clone(),
            "the receiver's public URL, which FusionAuth posts to: --webhook-url or FUSIONAUTH_WEBHOOK_URL",
        );
        let event_types = if self.all_events {
            Some(EventType::ALL.to_vec())
        } else if self.events.is_empty() {
            missing.add("the event types the receiver handles: --events T,T or --all-events");
            None
        } else {
            let mut types = Vec::new();
            for name in &self.events {
                match EventType::from_wire(name.trim()) {
                    Some(event_type) => types.push(event_type),
                    None => missing.add(format!(
                        "a known event type instead of `{name}` in --events (e.g. user.create, user.delete)"
                    )),
                }
            }
            Some(types)
        };
        let credentials = match Credentials::from_env() {
            Ok(credentials) => credentials,
            Err(error) => {
                missing.add(format!("the receiver's credentials: {error}"));
                Credentials::default()
            }
        };
        if credentials.is_empty() && self.signing_key_id.is_none() {
            missing.add(
                "what FusionAuth must send for the receiver to accept it: FUSIONAUTH_WEBHOOK_API_KEY \
                 (or FUSIONAUTH_WEBHOOK_BASIC_USER and _BASIC_PASSWORD, or FUSIONAUTH_WEBHOOK_HEADERS), \
                 or a signing key: --signing-key-id or FUSIONAUTH_WEBHOOK_SIGNING_KEY_ID",
            );
        }
        let mut receiver = ReceiverConfig::with_event_types(url?, event_types?);
        receiver.credentials = credentials;
        receiver.webhook_id = self.webhook_id;
        receiver.signing_key_id = self.signing_key_id;
        receiver.handler_timeout = self.handler_timeout;
        receiver.connect_timeout = self.connect_timeout;
        receiver.read_timeout = self.read_timeout;
        receiver.tenant_ids = self.tenants.clone();
        Some(receiver)
    }
}

#[derive(Debug, Args)]
pub(crate) struct SyncArgs {
    #[command(flatten)]
    pub(crate) receiver: ReceiverArgs,
    #[command(flatten)]
    pub(crate) fusionauth: FusionAuthArgs,
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
    #[command(flatten)]
    pub(crate) fusionauth: FusionAuthArgs,
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
    #[command(flatten)]
    pub(crate) fusionauth: FusionAuthArgs,
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
    #[command(flatten)]
    pub(crate) fusionauth: FusionAuthArgs,
}
