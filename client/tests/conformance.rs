//! Every call the client makes, checked against FusionAuth's own API
//! description (client-builder/api): method, URI and URL segments, query
//! parameters, body class and API key; the stand-in serving maximal objects
//! (every field of the domain class), which come back through the client
//! unchanged.

use std::future::Future;
use std::pin::Pin;

use fusionauth_standin::description::{Extreme, description};
use fusionauth_standin::{API_KEY, StandIn, maximal_event_log};
use fusionauth_webhooks::EventType;
use fusionauth_webhooks::samples;
use fusionauth_webhooks_client::FusionAuthClient;
use fusionauth_webhooks_client::models::{
    EventConfiguration, EventConfigurationData, EventLogSearch, TransactionType, Webhook,
    WebhookSearch,
};
use serde_json::{Value, json};
use uuid::Uuid;

const WEBHOOK: Uuid = Uuid::from_u128(0x3eb);
const KEY: Uuid = Uuid::from_u128(0x4e7);
const TENANT: Uuid = Uuid::from_u128(0x7e4a);
const LOG: Uuid = Uuid::from_u128(0x1001);
const ATTEMPT: Uuid = Uuid::from_u128(0xa77);

fn maximal(class: &str, id: Uuid) -> Value {
    let mut object = description().maximal(class, Extreme::Max);
    object["id"] = json!(id);
    object
}

/// A stand-in holding a maximal object of every kind the client reads.
async fn standin() -> StandIn {
    let standin = StandIn::start().await;
    standin.insert_webhook(maximal("Webhook", WEBHOOK));
    let mut state = standin.state();
    state.keys.insert(KEY, maximal("Key", KEY));
    state.tenants.insert(TENANT, maximal("Tenant", TENANT));
    state.jwks = description().maximal("JWKSResponse", Extreme::Max);
    drop(state);
    let mut attempt = maximal("WebhookAttemptLog", ATTEMPT);
    attempt["webhookEventLogId"] = json!(LOG);
    let body = String::from_utf8(samples::body(EventType::UserDelete).to_vec()).unwrap();
    standin.log_event(maximal_event_log(
        &body,
        json!({ "id": LOG, "insertInstant": 1_750_000_000_000_i64, "attempts": [attempt] }),
    ));
    standin
}

type Call<'a> = Pin<Box<dyn Future<Output = ()> + 'a>>;

/// A call of the client under the name of the call in FusionAuth's description.
macro_rules! call {
    ($name:literal, $call:expr) => {
        (
            $name,
            Box::pin(async move {
                let _answer = $call.await.expect($name);
            }) as Call<'_>,
        )
    };
}

/// Each call of the client, by the name of the call in FusionAuth's description.
fn calls(client: &FusionAuthClient, mut stored: Webhook) -> Vec<(&'static str, Call<'_>)> {
    let mut webhook = Webhook::new("https://app.example.com/hook");
    webhook.description = Some("conformance".into());
    stored.description = Some("updated".into());
    let mut search = WebhookSearch::by_url("app.example.com");
    search.tenant_id = Some(TENANT);
    search.number_of_results = Some(5);
    search.order_by = Some("url ASC".into());
    search.start_row = Some(0);
    search.description = Some("*".into());
    let mut log_search = EventLogSearch::default();
    log_search.number_of_results = Some(5);
    let mut events = EventConfiguration::default();
    events.events = Some(
        [(
            EventType::UserDelete.into(),
            EventConfigurationData::enabled(Some(TransactionType::Any)),
        )]
        .into(),
    );
    let (webhook2, search2) = (webhook.clone(), search.clone());
    let patch = json!({ "description": "patched" });
    vec![
        call!("createWebhook", client.create_webhook(None, &webhook)),
        call!(
            "createWebhook",
            client.create_webhook(Some(Uuid::from_u128(9)), &webhook2)
        ),
        call!("retrieveWebhook", client.retrieve_webhook(WEBHOOK)),
        call!("retrieveWebhooks", client.retrieve_webhooks()),
        call!("updateWebhook", client.update_webhook(WEBHOOK, &stored)),
        call!("patchWebhook", client.patch_webhook(WEBHOOK, &patch)),
        call!("searchWebhooks", client.search_webhooks(&search)),
        call!(
            "searchWebhooksByParameters",
            client.search_webhooks_get(&search2)
        ),
        call!(
            "searchWebhookEventLogs",
            client.search_event_logs(&log_search)
        ),
        call!("retrieveWebhookEventLog", client.retrieve_event_log(LOG)),
        call!(
            "retrieveWebhookAttemptLog",
            client.retrieve_attempt_log(ATTEMPT)
        ),
        call!("retrieveKey", client.retrieve_key(KEY)),
        call!("retrieveKeys", client.retrieve_keys()),
        call!("retrieveJsonWebKeySet", client.fetch_jwks()),
        call!("retrieveTenant", client.retrieve_tenant(TENANT)),
        call!("retrieveTenants", client.retrieve_tenants()),
        call!(
            "patchTenant",
            client.patch_tenant_event_configuration(TENANT, &events)
        ),
        call!("deleteWebhook", client.delete_webhook(WEBHOOK)),
    ]
}

#[tokio::test]
async fn every_call_matches_fusionauths_description_of_it() {
    let standin = standin().await;
    let client = FusionAuthClient::new(standin.url(), API_KEY).unwrap();
    let mut named = Vec::new();
    let stored = serde_json::from_value(standin.webhook(WEBHOOK).unwrap()).unwrap();
    for (api, call) in calls(&client, stored) {
        let before = standin.calls().len();
        call.await;
        let made = standin.calls()[before..].to_vec();
        assert_eq!(made.len(), 1, "{api}: one request, not {made:#?}");
        let problems = description().check_call(api, &made[0]);
        assert!(problems.is_empty(), "{api}: {problems:#?}\n{:#?}", made[0]);
        named.push(api);
    }
    named.sort();
    named.dedup();
    let described: Vec<&str> = description().api_names().collect();
    assert_eq!(
        named, described,
        "every call copied from the description is made and checked"
    );
}

#[tokio::test]
async fn maximal_objects_come_back_through_the_client_unchanged() {
    let standin = standin().await;
    let client = FusionAuthClient::new(standin.url(), API_KEY).unwrap();
    let stored = standin.webhook(WEBHOOK).unwrap();
    let webhook = client.retrieve_webhook(WEBHOOK).await.unwrap();
    assert_eq!(serde_json::to_value(&webhook).unwrap(), stored);
    // Written back whole by an update, nothing is lost.
    client.update_webhook(WEBHOOK, &webhook).await.unwrap();
    let mut updated = standin.webhook(WEBHOOK).unwrap();
    updated["lastUpdateInstant"] = stored["lastUpdateInstant"].clone();
    assert_eq!(updated, stored);

    let key = client.retrieve_key(KEY).await.unwrap();
    assert_eq!(
        serde_json::to_value(&key).unwrap(),
        standin.state().keys[&KEY]
    );
    let tenant = client.retrieve_tenant(TENANT).await.unwrap();
    assert_eq!(
        serde_json::to_value(&tenant).unwrap(),
        standin.state().tenants[&TENANT]
    );
    let jwks = client.fetch_jwks().await.unwrap();
    assert_eq!(serde_json::to_value(&jwks).unwrap(), standin.state().jwks);
    let log = client.retrieve_event_log(LOG).await.unwrap();
    let served = standin.state().event_logs[0].clone();
    assert_eq!(
        serde_json::to_value(&log).unwrap(),
        serde_json::from_str::<Value>(&served).unwrap()
    );
    assert_eq!(
        log.body().unwrap(),
        &samples::body(EventType::UserDelete)[..]
    );
}
