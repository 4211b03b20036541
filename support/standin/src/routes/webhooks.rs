//! Creating and updating webhooks, with FusionAuth's validation.

use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::*;

/// The field errors FusionAuth gives for an invalid webhook.
pub(super) fn webhook_field_errors(webhook: &Value) -> Value {
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

pub(super) fn create_webhook(state: &mut State, id: Option<&str>, body: Value) -> Response {
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

pub(super) fn update_webhook(state: &mut State, id: &str, body: Value, patch: bool) -> Response {
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
pub(super) fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                merge(target.entry(key.clone()).or_insert(Value::Null), value);
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}
