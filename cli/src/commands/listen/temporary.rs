//! The temporary webhook `listen` creates on FusionAuth, pointing at itself,
//! and removes on exit.

use fusionauth_webhooks::EventType;
use fusionauth_webhooks_client::FusionAuthClient;
use fusionauth_webhooks_client::receiver::ReceiverConfig;
use fusionauth_webhooks_client::workflows::{SyncOptions, SyncReport, TenantEvents, sync};
use uuid::Uuid;

use crate::exit::Failure;

/// A webhook this process created; [`remove`](Temporary::remove) deletes it.
pub(crate) struct Temporary {
    client: FusionAuthClient,
    id: Uuid,
}

impl Temporary {
    /// Creates a webhook with an id of its own (so that no webhook of the
    /// instance is touched), shaped like `sync` shapes the receiver's:
    /// `receiver`'s URL, credentials, signing key and event types.
    pub(crate) async fn create(
        client: FusionAuthClient,
        mut receiver: ReceiverConfig,
    ) -> Result<(Temporary, SyncReport), Failure> {
        let id = Uuid::new_v4();
        receiver.webhook_id = Some(id);
        receiver.description = Some("fusionauth-webhooks listen (temporary)".to_owned());
        let report = sync(&client, &receiver, SyncOptions::default()).await?;
        Ok((Temporary { client, id }, report))
    }

    /// The webhook's id.
    pub(crate) fn id(&self) -> Uuid {
        self.id
    }

    /// Deletes the webhook.
    pub(crate) async fn remove(self) -> Result<(), Failure> {
        self.client
            .delete_webhook(self.id)
            .await
            .map_err(Failure::from)
    }
}

/// The event types asked for: `names`, or every type when none is given.
pub(crate) fn event_types(names: &[String]) -> Result<Vec<EventType>, Failure> {
    if names.is_empty() {
        return Ok(EventType::ALL.to_vec());
    }
    names
        .iter()
        .map(|name| {
            EventType::from_wire(name.trim())
                .ok_or_else(|| Failure::usage(format!("unknown event type {name}")))
        })
        .collect()
}

/// A warning per tenant that will not send some of the event types.
pub(crate) fn disabled_warnings(tenants: &[TenantEvents]) -> Vec<String> {
    tenants
        .iter()
        .filter(|tenant| !tenant.enabled_now && !tenant.disabled.is_empty())
        .map(|tenant| {
            let name = tenant.tenant_name.as_deref().unwrap_or("a tenant");
            format!(
                "{name} has these events disabled and will not send them: {} \
                 (enable them in the tenant's Webhooks tab, or run `sync --enable-tenant-events`)",
                tenant.disabled.join(", ")
            )
        })
        .collect()
}
