//! The Webhook APIs.

use reqwest::Method;
use serde::Deserialize;
use uuid::Uuid;

use crate::client::json_body;
use crate::models::{Webhook, WebhookSearch, WebhookSearchResult};
use crate::{Error, FusionAuthClient};

#[derive(Deserialize)]
struct One {
    webhook: Webhook,
}

#[derive(Deserialize)]
struct All {
    #[serde(default)]
    webhooks: Vec<Webhook>,
}

impl FusionAuthClient {
    /// Creates a webhook (`POST /api/webhook`, or `/api/webhook/{id}` with an
    /// id); FusionAuth answers with the stored webhook, its id set.
    /// A webhook without `url` is [`Error::Validation`] with a field error
    /// on `webhook.url`.
    pub async fn create_webhook(
        &self,
        id: Option<Uuid>,
        webhook: &Webhook,
    ) -> Result<Webhook, Error> {
        let path = match id {
            Some(id) => format!("api/webhook/{id}"),
            None => "api/webhook".to_owned(),
        };
        let body = json_body("webhook", webhook)?;
        let one: One = self.fetch(Method::POST, &path, &[], Some(&body)).await?;
        Ok(one.webhook)
    }

    /// Retrieves one webhook (`GET /api/webhook/{id}`); [`Error::NotFound`] for an unknown id.
    pub async fn retrieve_webhook(&self, id: Uuid) -> Result<Webhook, Error> {
        let one: One = self
            .fetch(Method::GET, &format!("api/webhook/{id}"), &[], None)
            .await?;
        Ok(one.webhook)
    }

    /// The webhooks whose URL is exactly `url`, from every webhook (the
    /// search API matches parts of URLs, and needs FusionAuth 1.45).
    pub async fn webhooks_with_url(&self, url: &str) -> Result<Vec<Webhook>, Error> {
        let mut webhooks = self.retrieve_webhooks().await?;
        webhooks.retain(|webhook| webhook.url.as_deref() == Some(url));
        Ok(webhooks)
    }

    /// Retrieves every webhook (`GET /api/webhook`).
    pub async fn retrieve_webhooks(&self) -> Result<Vec<Webhook>, Error> {
        let all: All = self.fetch(Method::GET, "api/webhook", &[], None).await?;
        Ok(all.webhooks)
    }

    /// Replaces a webhook (`PUT /api/webhook/{id}`): fields left out are removed.
    pub async fn update_webhook(&self, id: Uuid, webhook: &Webhook) -> Result<Webhook, Error> {
        let body = json_body("webhook", webhook)?;
        let one: One = self
            .fetch(Method::PUT, &format!("api/webhook/{id}"), &[], Some(&body))
            .await?;
        Ok(one.webhook)
    }

    /// Changes some fields of a webhook (`PATCH /api/webhook/{id}`, merged
    /// into the stored one). `patch` is the JSON of the fields to change,
    /// e.g. `{"description": "..."}`.
    pub async fn patch_webhook(
        &self,
        id: Uuid,
        patch: &serde_json::Value,
    ) -> Result<Webhook, Error> {
        let body = serde_json::json!({ "webhook": patch });
        let one: One = self
            .fetch(
                Method::PATCH,
                &format!("api/webhook/{id}"),
                &[],
                Some(&body),
            )
            .await?;
        Ok(one.webhook)
    }

    /// Deletes a webhook (`DELETE /api/webhook/{id}`).
    pub async fn delete_webhook(&self, id: Uuid) -> Result<(), Error> {
        self.call::<serde_json::Value>(
            Method::DELETE,
            &format!("api/webhook/{id}"),
            &[],
            None,
            true,
        )
        .await
        .map(drop)
    }

    /// Searches webhooks (`POST /api/webhook/search`, FusionAuth 1.45 and later).
    pub async fn search_webhooks(
        &self,
        search: &WebhookSearch,
    ) -> Result<WebhookSearchResult, Error> {
        let body = json_body("search", search)?;
        self.fetch(Method::POST, "api/webhook/search", &[], Some(&body))
            .await
    }

    /// Searches webhooks with the `GET /api/webhook/search?...` form.
    pub async fn search_webhooks_get(
        &self,
        search: &WebhookSearch,
    ) -> Result<WebhookSearchResult, Error> {
        let query = crate::api::query_pairs(search)?;
        self.fetch(Method::GET, "api/webhook/search", &query, None)
            .await
    }
}
