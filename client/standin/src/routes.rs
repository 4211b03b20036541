//! The documented routes: one dispatcher, so that authentication, failure
//! injection and request counting happen in one place.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State as Extract};
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::API_KEY;
use crate::description::Call;
use crate::state::State;

type Shared = Arc<Mutex<State>>;
type Params = Vec<(String, String)>;

pub(crate) fn app(state: Shared) -> Router {
    Router::new().fallback(dispatch).with_state(state)
}

async fn dispatch(
    Extract(state): Extract<Shared>,
    method: Method,
    uri: Uri,
    Query(params): Query<Params>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().trim_end_matches('/').to_owned();
    let (delay, fail_with) = {
        let mut state = lock(&state);
        state.requests.push(format!("{method} {path}"));
        state.calls.push(Call {
            method: method.to_string(),
            path: uri.path().to_owned(),
            query: params.clone(),
            body: body.to_vec(),
            api_key_sent: headers.contains_key(header::AUTHORIZATION),
        });
        let tenant = headers
            .get("x-fusionauth-tenantid")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        state.tenant_headers.push(tenant);
        (state.delay, state.fail_with)
    };
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if path == "/.well-known/jwks.json" && method == Method::GET {
        return ok(lock(&state).jwks.clone());
    }
    if !path.starts_with("/api/") {
        return StatusCode::NOT_FOUND.into_response();
    }
    if let Some(status) = fail_with {
        return StatusCode::from_u16(status)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            .into_response();
    }
    // FusionAuth: 401 with no body for a missing or wrong key.
    let authorized = headers
        .get(header::AUTHORIZATION)
        .is_some_and(|key| key.as_bytes() == API_KEY.as_bytes());
    if !authorized {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let body = if body.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice(&body) {
            Ok(value) => value,
            Err(_) => return errors(json!({}), &[("[invalidJSON]", "the body is not JSON")]),
        }
    };
    let segments: Vec<&str> = path.trim_start_matches("/api/").split('/').collect();
    let mut state = lock(&state);
    match (method, segments.as_slice()) {
        (Method::POST, ["webhook", "search"]) => search_webhooks(&state, &body["search"]),
        (Method::GET, ["webhook", "search"]) => search_webhooks(&state, &params_json(&params)),
        (Method::POST, ["webhook"]) => create_webhook(&mut state, None, body),
        (Method::POST, ["webhook", id]) => create_webhook(&mut state, Some(id), body),
        (Method::GET, ["webhook"]) => {
            ok(json!({ "webhooks": state.webhooks.values().collect::<Vec<_>>() }))
        }
        (Method::GET, ["webhook", id]) => match find(&state.webhooks, id) {
            Some(webhook) => ok(json!({ "webhook": webhook })),
            None => not_found(),
        },
        (Method::PUT, ["webhook", id]) => update_webhook(&mut state, id, body, false),
        (Method::PATCH, ["webhook", id]) => update_webhook(&mut state, id, body, true),
        (Method::DELETE, ["webhook", id]) => {
            match id.parse().ok().and_then(|id| state.webhooks.remove(&id)) {
                Some(_) => StatusCode::OK.into_response(),
                None => not_found(),
            }
        }
        (Method::POST, ["system", "webhook-event-log", "search"]) => {
            search_event_logs(&state, &body["search"])
        }
        (Method::GET, ["system", "webhook-event-log", id]) => {
            match state.event_logs.iter().find(|log| parse(log)["id"] == *id) {
                Some(log) => ok_text(format!(r#"{{"webhookEventLog":{log}}}"#)),
                None => not_found(),
            }
        }
        (Method::GET, ["system", "webhook-attempt-log", id]) => {
            let attempt = state
                .event_logs
                .iter()
                .flat_map(|log| {
                    parse(log)["attempts"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default()
                })
                .find(|attempt| attempt["id"] == *id);
            match attempt {
                Some(attempt) => ok(json!({ "webhookAttemptLog": attempt })),
                None => not_found(),
            }
        }
        (Method::GET, ["key"]) => ok(json!({ "keys": state.keys.values().collect::<Vec<_>>() })),
        (Method::GET, ["key", id]) => match find(&state.keys, id) {
            Some(key) => ok(json!({ "key": key })),
            None => not_found(),
        },
        (Method::GET, ["tenant"]) => {
            ok(json!({ "tenants": state.tenants.values().collect::<Vec<_>>() }))
        }
        (Method::GET, ["tenant", id]) => match find(&state.tenants, id) {
            Some(tenant) => ok(json!({ "tenant": tenant })),
            None => not_found(),
        },
        (Method::PATCH, ["tenant", id]) => {
            let now = state.tick();
            let Some(tenant) = id.parse().ok().and_then(|id| state.tenants.get_mut(&id)) else {
                return not_found();
            };
            merge(tenant, &body["tenant"]);
            tenant["lastUpdateInstant"] = json!(now);
            ok(json!({ "tenant": tenant }))
        }
        _ => not_found(),
    }
}

fn lock(state: &Shared) -> std::sync::MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn ok(body: Value) -> Response {
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// A 200 with JSON text written as it is (the event logs, served byte for byte).
fn ok_text(body: String) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body,
    )
        .into_response()
}

/// A logged event's JSON, to filter on (the text itself is what is served).
fn parse(log: &str) -> Value {
    serde_json::from_str(log).expect("the stand-in's event logs are JSON")
}

fn not_found() -> Response {
    StatusCode::NOT_FOUND.into_response()
}

/// A 400 with FusionAuth's `Errors` body: field errors, or general errors
/// when `fields` is empty.
fn errors(fields: Value, general: &[(&str, &str)]) -> Response {
    let general: Vec<Value> = general
        .iter()
        .map(|(code, message)| json!({ "code": code, "message": message }))
        .collect();
    let mut body = Map::new();
    if fields.as_object().is_some_and(|fields| !fields.is_empty()) {
        body.insert("fieldErrors".into(), fields);
    }
    if !general.is_empty() {
        body.insert("generalErrors".into(), Value::Array(general));
    }
    (StatusCode::BAD_REQUEST, axum::Json(Value::Object(body))).into_response()
}

fn find<'a>(objects: &'a std::collections::BTreeMap<Uuid, Value>, id: &str) -> Option<&'a Value> {
    id.parse().ok().and_then(|id| objects.get(&id))
}

/// The field errors FusionAuth gives for an invalid webhook.
fn webhook_field_errors(webhook: &Value) -> Value {
    let mut fields = Map::new();
    let blank = |name: &str| {
        json!([{ "code": format!("[blank]webhook.{name}"),
                 "message": format!("You must specify the [webhook.{name}] property.") }])
    };
    if webhook["url"]
        .as_str()
        .is_none_or(|url| url.trim().is_empty())
    {
        fields.insert("webhook.url".into(), blank("url"));
    } else if !webhook["url"]
        .as_str()
        .is_some_and(|url| url.starts_with("http://") || url.starts_with("https://"))
    {
        fields.insert(
            "webhook.url".into(),
            json!([{ "code": "[invalid]webhook.url", "message": "The [webhook.url] property is not a valid URL." }]),
        );
    }
    for timeout in ["connectTimeout", "readTimeout"] {
        match webhook[timeout].as_i64() {
            None => {
                fields.insert(format!("webhook.{timeout}"), blank(timeout));
            }
            Some(ms) if ms <= 0 => {
                fields.insert(
                    format!("webhook.{timeout}"),
                    json!([{ "code": format!("[invalid]webhook.{timeout}"),
                             "message": format!("The [webhook.{timeout}] property must be greater than 0.") }]),
                );
            }
            Some(_) => {}
        }
    }
    if let Some(events) = webhook["eventsEnabled"].as_object()
        && let Some(bad) = events.values().find(|enabled| !enabled.is_boolean())
    {
        fields.insert(
            "webhook.eventsEnabled".into(),
            json!([{ "code": "[invalid]webhook.eventsEnabled", "message": format!("not a boolean: {bad}") }]),
        );
    }
    Value::Object(fields)
}

fn create_webhook(state: &mut State, id: Option<&str>, body: Value) -> Response {
    let mut webhook = body.get("webhook").cloned().unwrap_or(Value::Null);
    if !webhook.is_object() {
        return errors(
            json!({}),
            &[("[missing]webhook", "the body has no webhook")],
        );
    }
    let id = match id {
        Some(id) => match id.parse::<Uuid>() {
            Ok(id) => id,
            Err(_) => return not_found(),
        },
        None => Uuid::new_v4(),
    };
    if state.webhooks.contains_key(&id) {
        return errors(
            json!({ "webhook.id": [{ "code": "[duplicate]webhook.id", "message": "A webhook with this id already exists." }] }),
            &[],
        );
    }
    let fields = webhook_field_errors(&webhook);
    if fields.as_object().is_some_and(|fields| !fields.is_empty()) {
        return errors(fields, &[]);
    }
    let now = state.tick();
    webhook["id"] = json!(id);
    webhook["insertInstant"] = json!(now);
    webhook["lastUpdateInstant"] = json!(now);
    state.webhooks.insert(id, webhook.clone());
    ok(json!({ "webhook": webhook }))
}

fn update_webhook(state: &mut State, id: &str, body: Value, patch: bool) -> Response {
    let Some((id, existing)) = id
        .parse::<Uuid>()
        .ok()
        .and_then(|id| state.webhooks.get(&id).map(|webhook| (id, webhook.clone())))
    else {
        return not_found();
    };
    let given = body.get("webhook").cloned().unwrap_or(Value::Null);
    if !given.is_object() {
        return errors(
            json!({}),
            &[("[missing]webhook", "the body has no webhook")],
        );
    }
    let mut webhook = if patch {
        let mut merged = existing.clone();
        merge(&mut merged, &given);
        merged
    } else {
        given
    };
    let fields = webhook_field_errors(&webhook);
    if fields.as_object().is_some_and(|fields| !fields.is_empty()) {
        return errors(fields, &[]);
    }
    let now = state.tick();
    webhook["id"] = json!(id);
    webhook["insertInstant"] = existing["insertInstant"].clone();
    webhook["lastUpdateInstant"] = json!(now);
    state.webhooks.insert(id, webhook.clone());
    ok(json!({ "webhook": webhook }))
}

/// PATCH semantics: objects merge key by key, anything else is replaced.
fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                merge(target.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

/// Query parameters as the search object's JSON (numbers where numeric).
fn params_json(params: &[(String, String)]) -> Value {
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
fn page<T: Clone>(items: Vec<&T>, search: &Value) -> (Vec<T>, usize) {
    let total = items.len();
    let start = search["startRow"].as_u64().unwrap_or(0) as usize;
    let count = search["numberOfResults"].as_u64().unwrap_or(25) as usize;
    let rows = items.into_iter().skip(start).take(count).cloned().collect();
    (rows, total)
}

/// FusionAuth matches text criteria with `*` wildcards; a plain value matches as a substring.
fn matches_text(value: &Value, wanted: &Value) -> bool {
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

fn search_webhooks(state: &State, search: &Value) -> Response {
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

fn search_event_logs(state: &State, search: &Value) -> Response {
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
