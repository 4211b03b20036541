//! The searches: webhooks and event logs, paged as FusionAuth pages them.

use serde_json::{Value, json};

use super::*;

/// Query parameters as the search object's JSON (numbers where numeric).
pub(super) fn params_json(params: &[(String, String)]) -> Value {
    Value::Object(
        params
            .iter()
            .map(|(key, value)| {
                let value = value
                    .parse::<i64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::String(value.clone()));
                (key.clone(), value)
            })
            .collect(),
    )
}

/// `startRow` and `numberOfResults` (default 25, FusionAuth's default).
pub(super) fn page<T: Clone>(items: Vec<&T>, search: &Value) -> (Vec<T>, usize) {
    let total = items.len();
    let start = search["startRow"].as_u64().unwrap_or(0) as usize;
    let count = search["numberOfResults"].as_u64().unwrap_or(25) as usize;
    let rows = items.into_iter().skip(start).take(count).cloned().collect();
    (rows, total)
}

/// FusionAuth matches text criteria with `*` wildcards; a plain value matches as a substring.
pub(super) fn matches_text(value: &Value, wanted: &Value) -> bool {
    let Some(wanted) = wanted.as_str().filter(|wanted| !wanted.is_empty()) else {
        return true;
    };
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Null => return false,
        other => other.to_string(),
    };
    wanted
        .split('*')
        .filter(|part| !part.is_empty())
        .all(|part| text.contains(part))
}

pub(super) fn search_webhooks(state: &State, search: &Value) -> Response {
    let found: Vec<&Value> = state
        .webhooks
        .values()
        .filter(|webhook| matches_text(&webhook["url"], &search["url"]))
        .filter(|webhook| matches_text(&webhook["description"], &search["description"]))
        .filter(|webhook| match search["tenantId"].as_str() {
            Some(tenant) => {
                webhook["global"] == true
                    || webhook["tenantIds"]
                        .as_array()
                        .is_some_and(|ids| ids.iter().any(|id| id == tenant))
            }
            None => true,
        })
        .collect();
    let (webhooks, total) = page(found, search);
    ok(json!({ "webhooks": webhooks, "total": total }))
}

pub(super) fn search_event_logs(state: &State, search: &Value) -> Response {
    let instant = |name: &str| search[name].as_i64();
    let mut found: Vec<(&String, Value)> = state
        .event_logs
        .iter()
        .map(|text| (text, parse(text)))
        .filter(|(_, log)| {
            let inserted = log["insertInstant"].as_i64().unwrap_or(0);
            instant("start").is_none_or(|start| inserted >= start)
                && instant("end").is_none_or(|end| inserted <= end)
        })
        .filter(|(_, log)| matches_text(&log["event"], &search["event"]))
        .filter(|(_, log)| {
            search["eventResult"].is_null() || log["eventResult"] == search["eventResult"]
        })
        .filter(|(_, log)| search["eventType"].is_null() || log["eventType"] == search["eventType"])
        .collect();
    // Newest first unless asked otherwise, as FusionAuth's admin UI lists them.
    let ascending = search["orderBy"]
        .as_str()
        .is_some_and(|order| order.to_ascii_uppercase().ends_with("ASC"));
    found.sort_by_key(|(_, log)| log["insertInstant"].as_i64().unwrap_or(0));
    if !ascending {
        found.reverse();
    }
    let texts: Vec<&String> = found.into_iter().map(|(text, _)| text).collect();
    let (logs, total) = page(texts, search);
    let logs: Vec<&str> = logs.iter().map(|log| log.as_str()).collect();
    ok_text(format!(
        r#"{{"webhookEventLogs":[{}],"total":{total}}}"#,
        logs.join(",")
    ))
}
