//! The calls, one file per API, as methods of [`FusionAuthClient`](crate::FusionAuthClient).

mod event_log_pages;
mod event_logs;
mod keys;
mod tenants;
mod webhooks;

pub use event_log_pages::{DEFAULT_MAX_EVENT_LOGS, EventLogPages};

use serde::Serialize;

use crate::Error;

/// A search object's fields as query parameters (the `GET` form of a search).
pub(crate) fn query_pairs<T: Serialize>(search: &T) -> Result<Vec<(String, String)>, Error> {
    let value = serde_json::to_value(search).map_err(|error| Error::UnexpectedBody {
        path: "search".to_owned(),
        reason: format!("the search could not be written: {error}"),
    })?;
    let fields = value.as_object().cloned().unwrap_or_default();
    Ok(fields
        .into_iter()
        .map(|(name, value)| match value {
            serde_json::Value::String(text) => (name, text),
            other => (name, other.to_string()),
        })
        .collect())
}
