//! Tenants: their event configuration.

use reqwest::Method;
use serde::Deserialize;
use uuid::Uuid;

use crate::models::{EventConfiguration, Tenant};
use crate::{Error, FusionAuthClient};

#[derive(Deserialize)]
struct One {
    tenant: Tenant,
}

#[derive(Deserialize)]
struct All {
    #[serde(default)]
    tenants: Vec<Tenant>,
}

impl FusionAuthClient {
    /// Retrieves a tenant (`GET /api/tenant/{id}`).
    pub async fn retrieve_tenant(&self, id: Uuid) -> Result<Tenant, Error> {
        let one: One = self
            .fetch(Method::GET, &format!("api/tenant/{id}"), &[], None)
            .await?;
        Ok(one.tenant)
    }

    /// Retrieves every tenant (`GET /api/tenant`).
    pub async fn retrieve_tenants(&self) -> Result<Vec<Tenant>, Error> {
        let all: All = self.fetch(Method::GET, "api/tenant", &[], None).await?;
        Ok(all.tenants)
    }

    /// Changes only the tenant's `eventConfiguration`
    /// (`PATCH /api/tenant/{id}` with `{"tenant": {"eventConfiguration": ...}}`):
    /// the event types in `events` are merged into the tenant's, the others are left alone.
    pub async fn patch_tenant_event_configuration(
        &self,
        id: Uuid,
        events: &EventConfiguration,
    ) -> Result<Tenant, Error> {
        let body = serde_json::json!({ "tenant": { "eventConfiguration": events } });
        let one: One = self
            .fetch(Method::PATCH, &format!("api/tenant/{id}"), &[], Some(&body))
            .await?;
        Ok(one.tenant)
    }
}
