//! The webhook event log and attempt log APIs (FusionAuth 1.53 and later).

use reqwest::Method;
use serde::Deserialize;
use uuid::Uuid;

use crate::client::json_body;
use crate::models::{EventLogSearch, EventLogSearchResult, WebhookAttemptLog, WebhookEventLog};
use crate::{Error, FusionAuthClient};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OneLog {
    webhook_event_log: WebhookEventLog,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OneAttempt {
    webhook_attempt_log: WebhookAttemptLog,
}

impl FusionAuthClient {
    /// Searches the webhook event log, one page
    /// (`POST /api/system/webhook-event-log/search`).
    pub async fn search_event_logs(
        &self,
        search: &EventLogSearch,
    ) -> Result<EventLogSearchResult, Error> {
        let body = json_body("search", search)?;
        self.fetch(
            Method::POST,
            "api/system/webhook-event-log/search",
            &[],
            Some(&body),
        )
        .await
    }

    /// Every event log matching `search`, oldest first, in one list (see
    /// [`event_log_pages`](Self::event_log_pages) to take them page by
    /// page): at most `limit` of them, or, without a limit, an
    /// [`Error::TooManyResults`] when more than
    /// [`DEFAULT_MAX_EVENT_LOGS`](crate::DEFAULT_MAX_EVENT_LOGS) match.
    pub async fn search_event_logs_all(
        &self,
        search: &EventLogSearch,
        limit: Option<usize>,
    ) -> Result<Vec<WebhookEventLog>, Error> {
        let mut pages = self.event_log_pages(search, limit);
        let mut logs = Vec::new();
        while let Some(page) = pages.next_page().await? {
            logs.extend(page);
        }
        logs.sort_by_key(|log| (log.sequence, log.insert_instant));
        Ok(logs)
    }

    /// Retrieves one event log with its attempts
    /// (`GET /api/system/webhook-event-log/{id}`).
    pub async fn retrieve_event_log(&self, id: Uuid) -> Result<WebhookEventLog, Error> {
        let one: OneLog = self
            .fetch(
                Method::GET,
                &format!("api/system/webhook-event-log/{id}"),
                &[],
                None,
            )
            .await?;
        Ok(one.webhook_event_log)
    }

    /// Retrieves one attempt (`GET /api/system/webhook-attempt-log/{id}`).
    pub async fn retrieve_attempt_log(&self, id: Uuid) -> Result<WebhookAttemptLog, Error> {
        let one: OneAttempt = self
            .fetch(
                Method::GET,
                &format!("api/system/webhook-attempt-log/{id}"),
                &[],
                None,
            )
            .await?;
        Ok(one.webhook_attempt_log)
    }
}
