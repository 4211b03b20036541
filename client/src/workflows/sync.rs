//! Make FusionAuth's webhook and tenants match the local receiver.

use std::fmt;

use fusionauth_webhooks::EventType;
use serde::Serialize;
use uuid::Uuid;

use crate::models::{EventConfiguration, EventConfigurationData, Tenant, TransactionType, Webhook};
use crate::receiver::ReceiverConfig;
use crate::workflows::plan::{Change, desired, diff, kept_headers};
use crate::{Error, FusionAuthClient};

/// Why a sync (or doctor) could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// A FusionAuth call failed.
    #[error(transparent)]
    Api(#[from] Error),
    /// Several webhooks have the receiver's URL: name the one to use by id.
    #[error("{} webhooks have this url; give the id of the one to sync", .0.len())]
    AmbiguousUrl(Vec<Uuid>),
}

/// What [`sync`](crate::workflows::sync()) may do beyond the webhook.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SyncOptions {
    /// Enable on the tenants the event types the receiver handles but a
    /// tenant disables (otherwise they are only reported).
    pub enable_tenant_events: bool,
    /// Compute and report the changes without making them.
    pub dry_run: bool,
}

impl SyncOptions {
    /// Also enable the receiver's events on the tenants.
    pub fn enable_tenant_events(mut self) -> SyncOptions {
        self.enable_tenant_events = true;
        self
    }

    /// Report only.
    pub fn dry_run(mut self) -> SyncOptions {
        self.dry_run = true;
        self
    }
}

/// What sync did to the webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum WebhookAction {
    /// There was none: it was created.
    Created,
    /// It differed: it was updated.
    Updated,
    /// It matched already.
    Unchanged,
}

/// Event types a tenant does not fire although the receiver handles them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TenantEvents {
    /// The tenant.
    pub tenant_id: Option<Uuid>,
    /// Its name.
    pub tenant_name: Option<String>,
    /// The event types it has disabled.
    pub disabled: Vec<String>,
    /// Whether sync enabled them.
    pub enabled_now: bool,
    /// Whether sync would enable them (a dry run with
    /// [`SyncOptions::enable_tenant_events`]).
    pub would_enable: bool,
}

/// What [`sync`](crate::workflows::sync()) found and did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct SyncReport {
    /// The webhook's id (`None` only on a dry run that would create it).
    pub webhook_id: Option<Uuid>,
    /// What happened to the webhook (on a dry run: what would).
    pub action: WebhookAction,
    /// The webhook's changed fields.
    pub changes: Vec<Change>,
    /// The webhook's headers that the receiver does not require, kept as they are.
    pub kept_headers: Vec<String>,
    /// Tenants with disabled events.
    pub tenants: Vec<TenantEvents>,
    /// Whether this was a dry run.
    pub dry_run: bool,
}

impl SyncReport {
    /// Whether anything was (or, on a dry run, would be) changed.
    pub fn changed(&self) -> bool {
        self.action != WebhookAction::Unchanged
            || self.tenants.iter().any(|t| t.enabled_now || t.would_enable)
    }

    /// Whether events the receiver handles stay disabled on a tenant (and so
    /// will not arrive): neither enabled nor, on a dry run, to be enabled.
    pub fn events_left_disabled(&self) -> bool {
        self.tenants
            .iter()
            .any(|tenant| !tenant.enabled_now && !tenant.would_enable)
    }
}

impl fmt::Display for SyncReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id = self
            .webhook_id
            .map_or_else(|| "(new)".to_owned(), |id| id.to_string());
        let verb = match (self.action, self.dry_run) {
            (WebhookAction::Created, false) => "created",
            (WebhookAction::Created, true) => "would create",
            (WebhookAction::Updated, false) => "updated",
            (WebhookAction::Updated, true) => "would update",
            (WebhookAction::Unchanged, _) => "unchanged",
        };
        writeln!(f, "webhook {id}: {verb}")?;
        for change in &self.changes {
            writeln!(f, "  {change}")?;
        }
        if !self.kept_headers.is_empty() {
            writeln!(
                f,
                "  headers kept (the receiver does not require them): {}",
                self.kept_headers.join(", ")
            )?;
        }
        for tenant in &self.tenants {
            let name = tenant.tenant_name.as_deref().unwrap_or("tenant");
            let id = tenant
                .tenant_id
                .map(|id| id.to_string())
                .unwrap_or_default();
            let state = if tenant.enabled_now {
                "enabled now"
            } else if tenant.would_enable {
                "would be enabled"
            } else {
                "disabled on the tenant (enable with --enable-tenant-events)"
            };
            writeln!(f, "{name} {id}: {state}: {}", tenant.disabled.join(", "))?;
        }
        if !self.changed() {
            writeln!(f, "nothing to change")?;
        }
        Ok(())
    }
}

/// Finds the receiver's webhook: by id when given, else the one with its URL.
pub(crate) async fn find_webhook(
    client: &FusionAuthClient,
    receiver: &ReceiverConfig,
) -> Result<Option<Webhook>, SyncError> {
    if let Some(id) = receiver.webhook_id {
        return match client.retrieve_webhook(id).await {
            Ok(webhook) => Ok(Some(webhook)),
            Err(Error::NotFound) => Ok(None),
            Err(error) => Err(error.into()),
        };
    }
    let mut matching = client.webhooks_with_url(&receiver.url).await?;
    match matching.len() {
        0 | 1 => Ok(matching.pop()),
        _ => Err(SyncError::AmbiguousUrl(
            matching.iter().filter_map(|webhook| webhook.id).collect(),
        )),
    }
}

/// The tenants a webhook is used for: every tenant when global.
pub(crate) async fn tenants_of(
    client: &FusionAuthClient,
    webhook: &Webhook,
) -> Result<Vec<Tenant>, Error> {
    if webhook.global == Some(true) {
        return client.retrieve_tenants().await;
    }
    let mut tenants = Vec::new();
    for id in webhook.tenant_ids.iter().flatten() {
        tenants.push(client.retrieve_tenant(*id).await?);
    }
    Ok(tenants)
}

/// The receiver's tenant-scoped event types that `tenant` does not fire.
pub(crate) fn disabled_on(tenant: &Tenant, receiver: &ReceiverConfig) -> Vec<EventType> {
    receiver
        .tenant_event_types()
        .filter(|ty| !tenant.is_enabled(*ty))
        .collect()
}

/// Makes FusionAuth's configuration match the receiver: finds the webhook
/// (by id, or by URL), creates or updates it so that its URL, credentials,
/// timeouts, signing key and `eventsEnabled` match, and checks that the
/// tenants it is used for fire those events (enabling them only with
/// [`SyncOptions::enable_tenant_events`]). A second run changes nothing and
/// its report says so.
///
/// ```
/// use fusionauth_webhooks::{Event, EventType, Router};
/// use fusionauth_webhooks_client::FusionAuthClient;
/// use fusionauth_webhooks_client::receiver::ReceiverConfig;
/// use fusionauth_webhooks_client::workflows::{SyncOptions, WebhookAction, sync};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let standin = fusionauth_standin::StandIn::start().await;
/// let client = FusionAuthClient::new(standin.url(), fusionauth_standin::API_KEY)?;
/// let router = Router::new().on_event(EventType::UserDelete, |_: Event| async { Ok(()) });
/// let mut receiver = ReceiverConfig::new("https://app.example.com/fusionauth", &router);
/// receiver.credentials.api_key = Some("a-long-random-key".into());
///
/// let first = sync(&client, &receiver, SyncOptions::default()).await?;
/// assert_eq!(first.action, WebhookAction::Created);
/// let second = sync(&client, &receiver, SyncOptions::default()).await?;
/// assert_eq!(second.action, WebhookAction::Unchanged);
/// assert!(second.to_string().contains("nothing to change"));
/// # Ok(())
/// # }
/// ```
pub async fn sync(
    client: &FusionAuthClient,
    receiver: &ReceiverConfig,
    options: SyncOptions,
) -> Result<SyncReport, SyncError> {
    let existing = find_webhook(client, receiver).await?;
    let wanted = desired(existing.as_ref(), receiver);
    let kept_headers = kept_headers(&wanted, receiver);
    let changes = diff(existing.as_ref().unwrap_or(&Webhook::default()), &wanted);
    let (action, webhook) = match (&existing, changes.is_empty()) {
        (None, _) => (WebhookAction::Created, wanted),
        (Some(_), true) => (WebhookAction::Unchanged, wanted),
        (Some(_), false) => (WebhookAction::Updated, wanted),
    };
    let webhook = match (action, options.dry_run) {
        (WebhookAction::Created, false) => {
            client.create_webhook(receiver.webhook_id, &webhook).await?
        }
        (WebhookAction::Updated, false) => {
            let id = webhook.id.expect("an existing webhook has an id");
            client.update_webhook(id, &webhook).await?
        }
        _ => webhook,
    };

    let mut tenants = Vec::new();
    for tenant in tenants_of(client, &webhook).await? {
        let disabled = disabled_on(&tenant, receiver);
        if disabled.is_empty() {
            continue;
        }
        let enable = options.enable_tenant_events && !options.dry_run;
        if enable && let Some(id) = tenant.id {
            let events = EventConfiguration {
                events: Some(
                    disabled
                        .iter()
                        .map(|ty| {
                            let transaction = tenant
                                .transaction_type(*ty)
                                .unwrap_or(TransactionType::None);
                            (
                                (*ty).into(),
                                EventConfigurationData::enabled(Some(transaction)),
                            )
                        })
                        .collect(),
                ),
                ..EventConfiguration::default()
            };
            client.patch_tenant_event_configuration(id, &events).await?;
        }
        tenants.push(TenantEvents {
            tenant_id: tenant.id,
            tenant_name: tenant.name.clone(),
            disabled: disabled.iter().map(|ty| ty.as_str().to_owned()).collect(),
            enabled_now: enable,
            would_enable: options.enable_tenant_events && options.dry_run,
        });
    }
    Ok(SyncReport {
        webhook_id: webhook.id,
        action,
        changes,
        kept_headers,
        tenants,
        dry_run: options.dry_run,
    })
}
