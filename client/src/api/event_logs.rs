//! The webhook event log and attempt log APIs (FusionAuth 1.53 and later).

use reqwest::Method;
use serde::Deserialize;
use uuid::Uuid;

use crate::client::json_body;
use crate::{
    Error, EventLogSearch, EventLogSearchResult, FusionAuthClient, WebhookAttemptLog,
    WebhookEventLog,
};

/// The page size [`FusionAuthClient::search_event_logs_all`] asks for.
const PAGE_SIZE: i32 = 100;

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

    /// Every event log matching `search`, page after page from its
    /// `startRow`, oldest first (ordered by `sequence`, then `insertInstant`).
    /// `limit` caps how many are fetched.
    pub async fn search_event_logs_all(
        &self,
        search: &EventLogSearch,
        limit: Option<usize>,
    ) -> Result<Vec<WebhookEventLog>, Error> {
        let mut search = search.clone();
        let page_size = search.number_of_results.unwrap_or(PAGE_SIZE).max(1);
        search.number_of_results = Some(page_size);
        search
            .order_by
            .get_or_insert_with(|| "insertInstant ASC".to_owned());
        let mut start = search.start_row.unwrap_or(0);
        let mut logs = Vec::new();
        loop {
            search.start_row = Some(start);
            let page = self.search_event_logs(&search).await?;
            let fetched = page.webhook_event_logs.len();
            logs.extend(page.webhook_event_logs);
            let total = page.total.map(|total| total as usize);
            let done = fetched < page_size as usize
                || total.is_some_and(|total| start as usize + fetched >= total)
                || limit.is_some_and(|limit| logs.len() >= limit);
            if done {
                break;
            }
            start = start.saturating_add(i32::try_from(fetched).unwrap_or(i32::MAX));
        }
        if let Some(limit) = limit {
            logs.truncate(limit);
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
