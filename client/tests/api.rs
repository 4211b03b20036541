//! Every call against the FusionAuth API stand-in, over a real socket.

use std::time::Duration;

use fusionauth_standin::{API_KEY, StandIn};
use fusionauth_webhooks::EventType;
use fusionauth_webhooks_client::models::{
    EventConfiguration, EventConfigurationData, EventKey, EventLogSearch, EventResult,
    TransactionType, Webhook, WebhookSearch,
};
use fusionauth_webhooks_client::{Error, FusionAuthClient};
use serde_json::json;
use uuid::Uuid;

fn client(standin: &StandIn) -> FusionAuthClient {
    FusionAuthClient::new(standin.url(), API_KEY).expect("a valid client configuration")
}

fn webhook(url: &str) -> Webhook {
    let mut webhook = Webhook::new(url);
    webhook.events_enabled = Some(
        [
            (EventKey::from(EventType::UserDelete), true),
            (EventKey::from("user.teleport"), true),
        ]
        .into(),
    );
    webhook.global = Some(true);
    webhook
}

#[tokio::test]
async fn a_webhook_without_url_is_refused_with_a_field_error_on_webhook_url() {
    let standin = StandIn::start().await;
    let mut webhook = webhook("x");
    webhook.url = None;
    let error = client(&standin)
        .create_webhook(None, &webhook)
        .await
        .unwrap_err();
    let Error::Validation(errors) = error else {
        panic!("expected a validation error, got {error:?}");
    };
    assert_eq!(
        errors.field_codes("webhook.url"),
        vec!["[blank]webhook.url"]
    );
    assert!(standin.state().webhooks.is_empty());
}

#[tokio::test]
async fn a_webhook_is_created_retrieved_updated_patched_and_deleted() {
    let standin = StandIn::start().await;
    let client = client(&standin);
    let created = client
        .create_webhook(None, &webhook("https://a.example.com/hook"))
        .await
        .unwrap();
    let id = created.id.expect("the stored webhook has an id");
    assert!(created.insert_instant.is_some());

    let retrieved = client.retrieve_webhook(id).await.unwrap();
    assert_eq!(retrieved, created);
    // A type this version does not know survives the round trip.
    assert!(retrieved.is_enabled("user.teleport"));

    let mut changed = retrieved.clone();
    changed.read_timeout = Some(5000);
    changed.description = Some("updated".into());
    let updated = client.update_webhook(id, &changed).await.unwrap();
    assert_eq!(updated.read_timeout, Some(5000));

    let patched = client
        .patch_webhook(id, &json!({ "description": "patched" }))
        .await
        .unwrap();
    assert_eq!(patched.description.as_deref(), Some("patched"));
    assert_eq!(
        patched.read_timeout,
        Some(5000),
        "a patch keeps other fields"
    );

    assert_eq!(client.retrieve_webhooks().await.unwrap().len(), 1);
    client.delete_webhook(id).await.unwrap();
    assert_eq!(client.retrieve_webhook(id).await, Err(Error::NotFound));
    assert_eq!(client.delete_webhook(id).await, Err(Error::NotFound));
}

#[tokio::test]
async fn a_webhook_is_created_with_the_id_given() {
    let standin = StandIn::start().await;
    let id = Uuid::from_u128(0x7e57);
    let created = client(&standin)
        .create_webhook(Some(id), &webhook("https://a.example.com/hook"))
        .await
        .unwrap();
    assert_eq!(created.id, Some(id));
    assert!(standin.webhook(id).is_some());
}

#[tokio::test]
async fn a_wrong_or_missing_api_key_is_unauthorized() {
    let standin = StandIn::start().await;
    let wrong = FusionAuthClient::new(standin.url(), "not-the-key").unwrap();
    assert_eq!(wrong.retrieve_webhooks().await, Err(Error::Unauthorized));
    let none = FusionAuthClient::builder(standin.url()).build().unwrap();
    assert_eq!(none.retrieve_webhooks().await, Err(Error::Unauthorized));
}

#[tokio::test]
async fn a_tenant_id_is_sent_in_x_fusionauth_tenantid_when_configured() {
    let standin = StandIn::start().await;
    client(&standin).retrieve_webhooks().await.unwrap();
    let tenant = Uuid::from_u128(0x7e);
    let scoped = FusionAuthClient::builder(standin.url())
        .api_key(API_KEY)
        .tenant_id(tenant)
        .build()
        .unwrap();
    scoped.retrieve_webhooks().await.unwrap();
    assert_eq!(
        standin.state().tenant_headers,
        vec![None, Some(tenant.to_string())]
    );
}

#[tokio::test]
async fn unknown_ids_are_not_found() {
    let standin = StandIn::start().await;
    let client = client(&standin);
    let id = Uuid::from_u128(404);
    assert_eq!(client.retrieve_webhook(id).await, Err(Error::NotFound));
    assert_eq!(
        client
            .update_webhook(id, &webhook("https://a.example.com"))
            .await,
        Err(Error::NotFound)
    );
    assert_eq!(client.retrieve_key(id).await, Err(Error::NotFound));
    assert_eq!(client.retrieve_event_log(id).await, Err(Error::NotFound));
    assert_eq!(client.retrieve_attempt_log(id).await, Err(Error::NotFound));
    assert_eq!(client.retrieve_tenant(id).await, Err(Error::NotFound));
}

#[tokio::test]
async fn webhook_search_pages_in_both_forms() {
    let standin = StandIn::start().await;
    let client = client(&standin);
    for n in 0..5 {
        client
            .create_webhook(None, &webhook(&format!("https://app.example.com/hook/{n}")))
            .await
            .unwrap();
    }
    client
        .create_webhook(None, &webhook("https://other.example.com/"))
        .await
        .unwrap();
    let mut search = WebhookSearch::by_url("app.example.com");
    search.number_of_results = Some(2);
    search.start_row = Some(4);
    let post = client.search_webhooks(&search).await.unwrap();
    assert_eq!(post.total, Some(5));
    assert_eq!(post.webhooks.len(), 1);
    let get = client.search_webhooks_get(&search).await.unwrap();
    assert_eq!(get, post);
    assert_eq!(standin.hits("GET /api/webhook/search"), 1);
}

/// A log in FusionAuth's shape: its `event` is the whole body sent, `{"event": {...}}`.
fn event_log(sequence: i64, event_type: &str, result: &str) -> String {
    let id = Uuid::from_u128(0x1000 + sequence as u128);
    json!({
        "id": id,
        "sequence": sequence,
        "eventType": event_type,
        "eventResult": result,
        "insertInstant": 1_750_000_000_000_i64 + sequence * 1000,
        "event": { "event": { "type": event_type, "id": Uuid::from_u128(0x2000 + sequence as u128) } },
        "attempts": [{
            "id": Uuid::from_u128(0x3000 + sequence as u128),
            "webhookEventLogId": id,
            "attemptResult": if result == "Failed" { "Failure" } else { "Success" },
            "webhookCallResponse": { "statusCode": if result == "Failed" { 500 } else { 200 },
                                     "url": "https://app.example.com/hook" }
        }]
    })
    .to_string()
}

#[tokio::test]
async fn the_event_log_is_searched_page_by_page_and_retrieved() {
    let standin = StandIn::start().await;
    for sequence in 1..=7 {
        let result = if sequence % 3 == 0 {
            "Failed"
        } else {
            "Succeeded"
        };
        standin.log_event(event_log(sequence, "user.delete", result));
    }
    let client = client(&standin);
    let mut search = EventLogSearch::default();
    search.number_of_results = Some(2);
    let all = client.search_event_logs_all(&search, None).await.unwrap();
    let sequences: Vec<_> = all.iter().map(|log| log.sequence.unwrap()).collect();
    assert_eq!(sequences, (1..=7).collect::<Vec<_>>());
    assert_eq!(standin.hits("POST /api/system/webhook-event-log/search"), 4);

    search.event_result = Some(EventResult::Failed);
    let failed = client.search_event_logs(&search).await.unwrap();
    assert_eq!(failed.total, Some(2));
    let log = client
        .retrieve_event_log(failed.webhook_event_logs[0].id.unwrap())
        .await
        .unwrap();
    assert_eq!(log.event_result, Some(EventResult::Failed));
    let attempt_id = log.attempts.as_ref().unwrap()[0].id.unwrap();
    let attempt = client.retrieve_attempt_log(attempt_id).await.unwrap();
    assert_eq!(
        attempt.webhook_call_response.unwrap().status_code,
        Some(500)
    );
}

#[tokio::test]
async fn keys_are_listed_and_the_jwks_is_fetched_without_the_api_key() {
    let standin = StandIn::start().await;
    let id = Uuid::from_u128(0x4e7);
    standin.state().keys.insert(
        id,
        json!({ "id": id, "kid": "hmac-1", "algorithm": "HS256", "type": "HMAC", "secret": "s3cr3t" }),
    );
    standin.state().jwks = json!({ "keys": [{ "kty": "OKP", "crv": "Ed25519", "kid": "ed-1",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" }] });
    let client = client(&standin);
    let key = client.retrieve_key(id).await.unwrap();
    assert_eq!(key.secret.as_deref(), Some("s3cr3t"));
    assert!(key.is_hmac());
    assert_eq!(client.retrieve_keys().await.unwrap(), vec![key]);
    let jwks = client.fetch_jwks().await.unwrap();
    assert_eq!(jwks.key("ed-1").unwrap().kty.as_deref(), Some("OKP"));
    // The JWKS is public: a client without any key fetches it too.
    let anonymous = FusionAuthClient::builder(standin.url()).build().unwrap();
    assert!(anonymous.fetch_jwks().await.is_ok());
}

#[tokio::test]
async fn only_the_tenants_event_configuration_is_patched() {
    let standin = StandIn::start().await;
    let id = Uuid::from_u128(0x7e2a);
    standin.state().tenants.insert(
        id,
        json!({ "id": id, "name": "Default", "issuer": "acme.com",
                "eventConfiguration": { "events": {
                    "user.create": { "enabled": true, "transactionType": "Any" },
                    "user.delete": { "enabled": false, "transactionType": "None" } } } }),
    );
    let client = client(&standin);
    let tenant = client.retrieve_tenant(id).await.unwrap();
    assert!(!tenant.is_enabled(EventType::UserDelete));
    let mut events = EventConfiguration::default();
    events.events = Some(
        [(
            EventType::UserDelete.into(),
            EventConfigurationData::enabled(Some(TransactionType::None)),
        )]
        .into(),
    );
    let patched = client
        .patch_tenant_event_configuration(id, &events)
        .await
        .unwrap();
    assert!(patched.is_enabled(EventType::UserDelete));
    assert!(
        patched.is_enabled(EventType::UserCreate),
        "other events are kept"
    );
    assert_eq!(
        patched.transaction_type(EventType::UserCreate),
        Some(TransactionType::Any)
    );
    assert_eq!(patched.extra["issuer"], "acme.com");
    assert_eq!(client.retrieve_tenants().await.unwrap(), vec![patched]);
}

#[tokio::test]
async fn server_errors_timeouts_and_refused_connections_have_their_own_variants() {
    let standin = StandIn::start().await;
    standin.fail_with(Some(503));
    assert_eq!(
        client(&standin).retrieve_webhooks().await,
        Err(Error::Server { status: 503 })
    );
    standin.fail_with(None);

    standin.delay(Duration::from_millis(500));
    let impatient = FusionAuthClient::builder(standin.url())
        .api_key(API_KEY)
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    assert_eq!(impatient.retrieve_webhooks().await, Err(Error::Timeout));

    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let nobody = FusionAuthClient::new(format!("http://{closed}"), API_KEY).unwrap();
    match nobody.retrieve_webhooks().await {
        Err(Error::Connection(message)) => assert!(!message.contains(API_KEY)),
        other => panic!("expected a connection error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_unexpected_body_names_the_path_but_not_the_value() {
    let standin = StandIn::start().await;
    let id = Uuid::from_u128(0xbad);
    standin
        .state()
        .keys
        .insert(id, json!({ "id": id, "length": "s3cr3t-length" }));
    let error = client(&standin).retrieve_key(id).await.unwrap_err();
    let Error::UnexpectedBody { path, reason } = &error else {
        panic!("expected an unexpected body, got {error:?}");
    };
    assert_eq!(path, "key.length");
    assert!(!error.to_string().contains("s3cr3t"), "{reason}");
}

#[test]
fn an_invalid_url_or_ca_is_a_configuration_error() {
    use fusionauth_webhooks_client::ClientConfigError;
    assert!(matches!(
        FusionAuthClient::new("auth.example.com", API_KEY),
        Err(ClientConfigError::InvalidUrl { .. })
    ));
    assert!(matches!(
        FusionAuthClient::builder("https://auth.example.com")
            .ca_pem("not pem")
            .build(),
        Err(ClientConfigError::InvalidCa(_))
    ));
}
