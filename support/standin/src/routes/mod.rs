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

mod search;
mod webhooks;

use search::{params_json, search_event_logs, search_webhooks};
use webhooks::{create_webhook, merge, update_webhook};

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
