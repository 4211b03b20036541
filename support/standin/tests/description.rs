//! The reader of FusionAuth's API description: maximal objects of every
//! class check clean against it, and what does not fit is named.

use fusionauth_standin::description::{Call, Extreme, description};
use serde_json::json;

#[test]
fn a_maximal_object_of_every_class_checks_clean_at_both_extremes() {
    let description = description();
    let mut classes = 0;
    for class in description.class_names() {
        for extreme in [Extreme::Max, Extreme::Min] {
            let value = description.maximal(class, extreme);
            let problems = description.check(class, &value);
            assert!(problems.is_empty(), "{class} {extreme:?}: {problems:#?}");
        }
        classes += 1;
    }
    assert_eq!(classes, 102);
}

#[test]
fn a_maximal_object_has_every_field_nested_classes_included() {
    let webhook = description().maximal("Webhook", Extreme::Max);
    let fields: Vec<&str> = webhook
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(fields.len(), 17, "{fields:?}");
    assert_eq!(
        webhook["signatureConfiguration"]["enabled"], true,
        "inherited from Enableable"
    );
    assert_eq!(
        webhook["eventsEnabled"].as_object().unwrap().len(),
        64,
        "every event type"
    );
    assert_eq!(webhook["eventsEnabled"]["user.delete"], true);
    assert_eq!(
        webhook["headers"]["first-key"],
        webhook["headers"]["Second-Key ü"]
    );
    let log = description().maximal("WebhookEventLog", Extreme::Min);
    assert_eq!(log["sequence"], i64::MIN);
    assert_eq!(log["event"]["event"]["type"], "entity.update.complete");
    assert_eq!(
        log["attempts"][0]["webhookCallResponse"]["statusCode"],
        i32::MIN
    );
}

#[test]
fn a_value_of_the_wrong_type_or_an_unknown_field_is_named() {
    let problems = description().check(
        "WebhookSearchResponse",
        &json!({ "total": 1.5, "webhooks": [{ "eventsEnabled": { "user.teleport": true },
                 "signatureConfiguration": { "enabled": "yes" }, "tenantIds": ["x"] }] }),
    );
    assert_eq!(
        problems,
        [
            "webhookSearchResponse.total: expected long, found a number",
            "webhookSearchResponse.webhooks[0].eventsEnabled.user.teleport: not a key of type EventType",
            "webhookSearchResponse.webhooks[0].signatureConfiguration.enabled: expected boolean, found a string",
            "webhookSearchResponse.webhooks[0].tenantIds[0]: expected UUID, found a string",
        ]
    );
}

#[test]
fn a_call_is_checked_for_method_path_query_body_and_api_key() {
    let good = Call {
        method: "POST".into(),
        path: "/api/webhook/ffffffff-ffff-4fff-bfff-ffffffffffff".into(),
        query: Vec::new(),
        body: br#"{"webhook":{"url":"https://app.example.com/hook"}}"#.to_vec(),
        api_key_sent: true,
    };
    assert!(description().check_call("createWebhook", &good).is_empty());
    let bad = Call {
        method: "PUT".into(),
        path: "/api/webhook/not-a-uuid/extra".into(),
        query: vec![("sort".into(), "url".into())],
        body: br#"{"hook":{}}"#.to_vec(),
        api_key_sent: false,
    };
    assert_eq!(
        description().check_call("createWebhook", &bad),
        [
            "method PUT, the description says post",
            "path /api/webhook/not-a-uuid/extra: 2 URL segments, the description has 1",
            "URL segment webhookId: not-a-uuid is not a UUID",
            "query parameter sort is not one of the call's",
            "webhookRequest.hook: not a field of WebhookRequest",
            "no API key, the call needs one",
        ]
    );
    let jwks = Call {
        method: "GET".into(),
        path: "/.well-known/jwks.json".into(),
        query: Vec::new(),
        body: Vec::new(),
        api_key_sent: false,
    };
    assert!(
        description()
            .check_call("retrieveJsonWebKeySet", &jwks)
            .is_empty()
    );
}
