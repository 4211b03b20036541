//! An event log search taken page by page, bounded whatever the server says.

use crate::models::{EventLogSearch, WebhookEventLog};
use crate::{Error, FusionAuthClient};

/// The most event logs one search fetches when no limit is given; more is
/// [`Error::TooManyResults`].
pub const DEFAULT_MAX_EVENT_LOGS: usize = 10_000;

/// The page size asked for when the search names none.
const PAGE_SIZE: i32 = 100;

/// The pages of an event log search, fetched one at a time
/// ([`FusionAuthClient::event_log_pages`]), oldest first unless the search
/// orders otherwise: only one page is held at a time.
///
/// It ends at the first short or empty page, at the `total` the server
/// reports, and at its limit: a server that keeps sending full pages (or a
/// `total` larger than the maximum) cannot make it run on. Without a limit,
/// more than [`DEFAULT_MAX_EVENT_LOGS`] matching logs is an
/// [`Error::TooManyResults`], found on the first page when the server
/// reports its total; with a limit, the logs stop there.
///
/// ```
/// use fusionauth_webhooks_client::FusionAuthClient;
/// use fusionauth_webhooks_client::models::EventLogSearch;
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let standin = fusionauth_standin::StandIn::start().await;
/// # for n in 0..5 {
/// #     standin.log_event(fusionauth_standin::maximal_event_log(
/// #         r#"{"event":{"type":"user.delete"}}"#,
/// #         serde_json::json!({ "sequence": n, "insertInstant": 1_750_000_000_000_i64 + n }),
/// #     ));
/// # }
/// let client = FusionAuthClient::new(standin.url(), fusionauth_standin::API_KEY)?;
/// let mut search = EventLogSearch::default();
/// search.number_of_results = Some(2);
/// let mut pages = client.event_log_pages(&search, None);
/// let mut sizes = Vec::new();
/// while let Some(page) = pages.next_page().await? {
///     sizes.push(page.len());
/// }
/// assert_eq!(sizes, [2, 2, 1]);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct EventLogPages<'a> {
    client: &'a FusionAuthClient,
    search: EventLogSearch,
    page_size: i32,
    next_row: i32,
    fetched: usize,
    /// The most logs to return; `None` with `maximum` set.
    limit: Option<usize>,
    /// Without a limit: more than this many is an error.
    maximum: usize,
    done: bool,
}

impl FusionAuthClient {
    /// The pages of the event logs matching `search` (from its `startRow`,
    /// ordered by `insertInstant` unless it says otherwise), at most `limit`
    /// logs in all; see [`EventLogPages`].
    pub fn event_log_pages(
        &self,
        search: &EventLogSearch,
        limit: Option<usize>,
    ) -> EventLogPages<'_> {
        let mut search = search.clone();
        search
            .order_by
            .get_or_insert_with(|| "insertInstant ASC".to_owned());
        EventLogPages {
            client: self,
            page_size: search.number_of_results.unwrap_or(PAGE_SIZE).max(1),
            next_row: search.start_row.unwrap_or(0).max(0),
            search,
            fetched: 0,
            limit,
            maximum: DEFAULT_MAX_EVENT_LOGS,
            done: false,
        }
    }
}

impl EventLogPages<'_> {
    /// The next page, in the order FusionAuth logged the events (by
    /// `sequence`, then `insertInstant`); `None` once the search is done.
    pub async fn next_page(&mut self) -> Result<Option<Vec<WebhookEventLog>>, Error> {
        let bound = self.limit.unwrap_or(self.maximum);
        if self.done || self.fetched >= bound {
            return Ok(None);
        }
        let wanted = self.page_size.min(clamp(bound - self.fetched));
        self.search.start_row = Some(self.next_row);
        self.search.number_of_results = Some(wanted);
        let page = self.client.search_event_logs(&self.search).await?;
        let beyond_maximum = |rows: i64| self.limit.is_none() && rows > self.maximum as i64;
        if page.total.is_some_and(beyond_maximum) {
            return Err(Error::TooManyResults {
                maximum: self.maximum,
            });
        }
        let mut logs = page.webhook_event_logs;
        // No more rows than asked for, nor than the total leaves.
        let left = page
            .total
            .map_or(i64::MAX, |total| total - i64::from(self.next_row));
        logs.truncate(usize::try_from(i64::from(wanted).min(left)).unwrap_or(0));
        self.fetched += logs.len();
        self.next_row = self.next_row.saturating_add(clamp(logs.len()));
        let all_counted = page
            .total
            .is_some_and(|total| i64::from(self.next_row) >= total);
        let short = logs.len() < usize::try_from(wanted).unwrap_or(0);
        self.done = logs.is_empty() || short || all_counted;
        if !self.done && self.limit.is_none() && self.fetched >= self.maximum {
            // Full pages up to the maximum and no total that says they end here.
            return Err(Error::TooManyResults {
                maximum: self.maximum,
            });
        }
        logs.sort_by_key(|log| (log.sequence, log.insert_instant));
        Ok(Some(logs))
    }
}

/// A count as a row number, saturating.
fn clamp(count: usize) -> i32 {
    i32::try_from(count).unwrap_or(i32::MAX)
}
