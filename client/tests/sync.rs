//! `sync` and `doctor` against the FusionAuth API stand-in.

use std::time::Duration;

use fusionauth_standin::{API_KEY, StandIn};
use fusionauth_webhooks::{Event, EventType, Router};
use fusionauth_webhooks_client::FusionAuthClient;
use fusionauth_webhooks_client::receiver::ReceiverConfig;
use fusionauth_webhooks_client::workflows::{Severity, SyncOptions, WebhookAction, doctor, sync};
use serde_json::json;
use uuid::Uuid;

const TENANT: Uuid = Uuid::from_u128(0x7e4a);
const URL: &str = "https://app.example.com/fusionauth";

async fn setup() -> (StandIn, FusionAuthClient, ReceiverConfig) {
    let standin = StandIn::start().await;
    standin.state().tenants.insert(
        TENANT,
        json!({ "id": TENANT, "name": "Default",
                "eventConfiguration": { "events": {
                    "user.create": { "enabled": true, "transactionType": "Any" },
                    "user.delete": { "enabled": false, "transactionType": "None" } } } }),
    );
    let client = FusionAuthClient::new(standin.url(), API_KEY).unwrap();
    let router = Router::new()
        .on_event(EventType::UserCreate, |_: Event| async { Ok(()) })
        .on_event(EventType::UserDelete, |_: Event| async { Ok(()) });
    let mut receiver = ReceiverConfig::new(URL, &router);
    receiver.credentials.api_key = Some("receiver-key".into());
    receiver.handler_timeout = Some(Duration::from_secs(5));
    (standin, client, receiver)
}

#[tokio::test]
async fn a_second_sync_changes_nothing_and_says_so() {
    let (standin, client, receiver) = setup().await;
    let first = sync(&client, &receiver, SyncOptions::default())
        .await
        .unwrap();
    assert_eq!(first.action, WebhookAction::Created);
    let id = first.webhook_id.unwrap();
    let stored = standin.webhook(id).unwrap();
    assert_eq!(stored["url"], URL);
    assert_eq!(stored["headers"]["Authorization"], "receiver-key");
    assert_eq!(
        stored["readTimeout"], 6000,
        "longer than the 5 s handler timeout"
    );
    assert_eq!(
        stored["eventsEnabled"],
        json!({ "user.create": true, "user.delete": true })
    );
    assert_eq!(stored["global"], true);
    // The tenant's disabled event is reported, not changed, without the flag.
    assert_eq!(first.tenants.len(), 1);
    assert_eq!(first.tenants[0].disabled, vec!["user.delete"]);
    assert!(!first.tenants[0].enabled_now);
    assert!(!first.to_string().contains("receiver-key"), "{first}");

    let writes = standin.writes();
    let second = sync(&client, &receiver, SyncOptions::default())
        .await
        .unwrap();
    assert_eq!(second.action, WebhookAction::Unchanged);
    assert!(second.changes.is_empty());
    assert_eq!(standin.writes(), writes, "a second run writes nothing");
    assert!(second.to_string().contains("nothing to change"));
}

#[tokio::test]
async fn sync_updates_a_drifted_webhook_found_by_url_and_shows_the_diff() {
    let (standin, client, receiver) = setup().await;
    let id = standin.insert_webhook(json!({
        "url": URL, "connectTimeout": 1000, "readTimeout": 2000, "global": true,
        "headers": { "Authorization": "old-key" },
        "eventsEnabled": { "user.create": true, "user.update": true },
        "description": "kept", "futureField": 1
    }));
    let report = sync(&client, &receiver, SyncOptions::default())
        .await
        .unwrap();
    assert_eq!(report.action, WebhookAction::Updated);
    assert_eq!(report.webhook_id, Some(id));
    let fields: Vec<&str> = report.changes.iter().map(|c| c.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "readTimeout",
            "headers.Authorization",
            "eventsEnabled.user.delete",
            "eventsEnabled.user.update"
        ]
    );
    let text = report.to_string();
    assert!(
        text.contains("headers.Authorization: (set) -> (another value)"),
        "{text}"
    );
    assert!(!text.contains("old-key") && !text.contains("receiver-key"));
    let stored = standin.webhook(id).unwrap();
    assert_eq!(stored["description"], "kept");
    assert_eq!(
        stored["futureField"], 1,
        "unknown fields survive the update"
    );
    assert_eq!(stored["headers"]["Authorization"], "receiver-key");
}

#[tokio::test]
async fn tenant_events_are_enabled_only_with_the_flag_keeping_their_transaction_type() {
    let (standin, client, receiver) = setup().await;
    sync(
        &client,
        &receiver,
        SyncOptions::default().enable_tenant_events(),
    )
    .await
    .unwrap();
    let tenant = standin.state().tenants[&TENANT].clone();
    assert_eq!(
        tenant["eventConfiguration"]["events"]["user.delete"],
        json!({ "enabled": true, "transactionType": "None" })
    );
    assert_eq!(
        tenant["eventConfiguration"]["events"]["user.create"]["transactionType"],
        "Any"
    );
    let again = sync(
        &client,
        &receiver,
        SyncOptions::default().enable_tenant_events(),
    )
    .await
    .unwrap();
    assert!(!again.changed());
    assert!(again.tenants.is_empty());
}

#[tokio::test]
async fn sync_sets_the_signing_key_basic_auth_and_tenant_scope_as_configured() {
    let (standin, client, mut receiver) = setup().await;
    let key = Uuid::from_u128(0x5e7);
    receiver.signing_key_id = Some(key);
    receiver.credentials.api_key = None;
    receiver.credentials.basic_auth = Some(("fusionauth".into(), "basic-secret".into()));
    receiver.tenant_ids = Some(vec![TENANT]);
    receiver.read_timeout = Some(9000);
    let report = sync(&client, &receiver, SyncOptions::default())
        .await
        .unwrap();
    let stored = standin.webhook(report.webhook_id.unwrap()).unwrap();
    assert_eq!(
        stored["signatureConfiguration"],
        json!({ "enabled": true, "signingKeyId": key })
    );
    assert_eq!(stored["httpAuthenticationUsername"], "fusionauth");
    assert_eq!(stored["httpAuthenticationPassword"], "basic-secret");
    assert_eq!(stored["global"], false);
    assert_eq!(stored["tenantIds"], json!([TENANT]));
    assert_eq!(stored["readTimeout"], 9000);
    assert!(!report.to_string().contains("basic-secret"));
    let again = sync(&client, &receiver, SyncOptions::default())
        .await
        .unwrap();
    assert_eq!(again.action, WebhookAction::Unchanged);
}

#[tokio::test]
async fn a_dry_run_writes_nothing() {
    let (standin, client, receiver) = setup().await;
    let report = sync(
        &client,
        &receiver,
        SyncOptions::default().dry_run().enable_tenant_events(),
    )
    .await
    .unwrap();
    assert_eq!(report.action, WebhookAction::Created);
    assert!(report.to_string().contains("would create"));
    assert_eq!(standin.writes(), 0);
}

#[tokio::test]
async fn doctor_reports_each_mismatch_with_its_fix_and_recent_failures() {
    let (standin, client, receiver) = setup().await;
    let report = doctor(&client, &receiver, 20).await.unwrap();
    assert_eq!(report.problems(), 1);
    assert!(report.findings[0].fix.as_deref().unwrap().contains("sync"));

    standin.insert_webhook(json!({
        "url": URL, "connectTimeout": 1000, "readTimeout": 8000, "global": true,
        "headers": { "Authorization": "old-key" },
        "eventsEnabled": { "user.create": true }
    }));
    standin.log_event(
        json!({
            "id": Uuid::from_u128(1), "sequence": 1, "eventType": "user.create", "eventResult": "Failed",
            "insertInstant": 1_750_000_000_000_i64,
            "event": { "event": { "type": "user.create", "id": Uuid::from_u128(2) } },
            "attempts": [{ "attemptResult": "Failure",
                           "webhookCallResponse": { "statusCode": 401, "url": URL } }]
        })
        .to_string(),
    );
    let report = doctor(&client, &receiver, 20).await.unwrap();
    let problems: Vec<(&str, &str)> = report
        .findings
        .iter()
        .filter(|finding| finding.severity == Severity::Problem)
        .map(|finding| (finding.check.as_str(), finding.message.as_str()))
        .collect();
    assert_eq!(problems.len(), 4, "{report}");
    assert_eq!(problems[0].0, "headers.Authorization");
    assert_eq!(problems[1].0, "eventsEnabled.user.delete");
    assert_eq!(problems[2], ("tenant Default", "does not fire user.delete"));
    assert!(
        problems[3].1.contains("user.create: status 401"),
        "{report}"
    );
    assert!(!report.to_string().contains("old-key"));
    assert_eq!(standin.writes(), 0, "doctor only reads");
}

#[tokio::test]
async fn sync_sets_the_required_headers_and_keeps_the_others() {
    let (standin, client, receiver) = setup().await;
    let id = standin.insert_webhook(json!({
        "url": URL, "connectTimeout": 1000, "readTimeout": 6000, "global": true,
        "headers": { "Authorization": "old-key", "X-Gateway-Key": "gateway-secret", "traceparent": "00-1-2-01" },
        "eventsEnabled": { "user.create": true, "user.delete": true }
    }));
    let report = sync(&client, &receiver, SyncOptions::default())
        .await
        .unwrap();
    let stored = standin.webhook(id).unwrap();
    assert_eq!(
        stored["headers"],
        json!({ "Authorization": "receiver-key", "X-Gateway-Key": "gateway-secret", "traceparent": "00-1-2-01" })
    );
    let text = report.to_string();
    assert!(
        text.contains("X-Gateway-Key") && text.contains("traceparent"),
        "{text}"
    );
    assert!(text.contains("kept"), "{text}");
    assert!(!text.contains("gateway-secret"), "{text}");

    // Basic auth instead of a key: an `Authorization` header would collide with it, and goes.
    let mut basic = receiver.clone();
    basic.credentials.api_key = None;
    basic.credentials.basic_auth = Some(("fusionauth".into(), "basic-secret".into()));
    let report = sync(&client, &basic, SyncOptions::default()).await.unwrap();
    let stored = standin.webhook(id).unwrap();
    assert_eq!(
        stored["headers"],
        json!({ "X-Gateway-Key": "gateway-secret", "traceparent": "00-1-2-01" })
    );
    assert!(
        report
            .to_string()
            .contains("headers.Authorization: (set) -> (not set)"),
        "{report}"
    );
}
