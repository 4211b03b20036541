//! The key source against the FusionAuth API stand-in: caching, lookups on
//! an unknown kid and their bounds under a flood, asymmetric keys by their
//! JWK, the background refresh, and keys kept while FusionAuth errors.

use std::time::Duration;

use fusionauth_standin::{API_KEY, StandIn};
use fusionauth_webhooks::env::Env;
use fusionauth_webhooks::samples;
use fusionauth_webhooks::signature::{Algorithm, SignatureError};
use fusionauth_webhooks::testing::signing::TestSigner;
use fusionauth_webhooks::testing::{TestClient, TestRequest};
use fusionauth_webhooks::{Event, EventType, Router, SignatureVerifier};
use fusionauth_webhooks_client::receiver::{FusionAuthKeys, KeyLoadError, webhook_from_env};
use serde_json::json;
use support::{ED_1, ED_2, HMAC_1, HMAC_2, WEBHOOK, client, hmac_signer, jwk, sign_with, standin};
use uuid::Uuid;

mod support;

const JWKS: &str = "GET /.well-known/jwks.json";

fn webhook_hits(standin: &StandIn) -> usize {
    standin.hits(&format!("GET /api/webhook/{WEBHOOK}"))
}

/// Verifies a request signed by `signer` the way the webhook does (refreshing on an unknown kid).
async fn verify(verifier: &SignatureVerifier, signer: &TestSigner) -> Result<(), SignatureError> {
    let body = samples::body(EventType::UserCreate);
    verifier
        .verify_head(&signer.headers(&body))
        .await?
        .check(&body)
}

#[tokio::test]
async fn a_flood_of_made_up_kids_costs_one_lookup_and_keeps_the_good_keys() {
    let standin = standin().await;
    let keys = FusionAuthKeys::builder(client(&standin))
        .follow_webhook(WEBHOOK)
        .background_refresh(None)
        .load()
        .await
        .unwrap();
    assert_eq!(webhook_hits(&standin), 1);
    let verifier = SignatureVerifier::from_source(keys);

    let kids: Vec<String> = (0..300).map(|_| Uuid::new_v4().to_string()).collect();
    let flood = |kids: Vec<String>| {
        let verifier = verifier.clone();
        kids.into_iter()
            .map(move |kid| {
                let verifier = verifier.clone();
                tokio::spawn(async move { verify(&verifier, &hmac_signer(&kid, "guessed")).await })
            })
            .collect::<Vec<_>>()
    };
    for attempt in flood(kids.clone()) {
        assert!(matches!(
            attempt.await.unwrap(),
            Err(SignatureError::UnknownKid(_))
        ));
    }
    assert_eq!(webhook_hits(&standin), 2, "one lookup for the whole flood");
    // The same kids again wait out their backoff: no lookup at all.
    for attempt in flood(kids) {
        assert!(attempt.await.unwrap().is_err());
    }
    assert_eq!(webhook_hits(&standin), 2);
    assert_eq!(standin.hits(JWKS), 0, "an hmac key needs no jwks");

    assert_eq!(
        verify(&verifier, &hmac_signer("hmac-1", "first-secret")).await,
        Ok(())
    );
    assert_eq!(
        verify(&verifier, &hmac_signer("hmac-1", "wrong-secret")).await,
        Err(SignatureError::BadSignature)
    );
}

#[tokio::test]
async fn named_keys_alone_are_never_looked_up_for_an_unknown_kid() {
    let standin = standin().await;
    let keys = FusionAuthKeys::builder(client(&standin))
        .key(HMAC_1)
        .background_refresh(None)
        .load()
        .await
        .unwrap();
    let verifier = SignatureVerifier::from_source(keys);
    let calls = standin.calls().len();
    for n in 0..50 {
        let made_up = hmac_signer(&format!("made-up-{n}"), "guessed");
        assert!(verify(&verifier, &made_up).await.is_err());
    }
    assert_eq!(standin.calls().len(), calls, "nothing to look up");
}

#[tokio::test]
async fn an_asymmetric_signing_key_is_trusted_by_its_jwk_and_followed_through_rotation() {
    let standin = standin().await;
    let (first, second) = (
        TestSigner::new(Algorithm::Ed25519),
        TestSigner::second_key(Algorithm::Ed25519),
    );
    // The JWKS lists both keys and an access-token key; the webhook signs with the first.
    let access_token = TestSigner::new(Algorithm::Ed25519).with_kid("access-token-key");
    standin.state().jwks = json!({ "keys": [jwk(&first), jwk(&second), jwk(&access_token)] });
    sign_with(&standin, ED_1);
    let keys = FusionAuthKeys::builder(client(&standin))
        .follow_webhook(WEBHOOK)
        .min_refresh_interval(Duration::from_millis(10))
        .background_refresh(None)
        .rotation_check(Some(Duration::from_millis(100)))
        .load()
        .await
        .unwrap();
    assert_eq!(keys.kids(), ["test-ed25519-a"]);
    let verifier = SignatureVerifier::from_source(keys);
    assert_eq!(verify(&verifier, &first).await, Ok(()));
    assert!(verify(&verifier, &access_token).await.is_err());
    // Sent before it is the webhook's key: looked up, not found, backed off.
    assert!(
        verify(&verifier, &second).await.is_err(),
        "not the webhook's key yet"
    );

    sign_with(&standin, ED_2);
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(
        verify(&verifier, &second).await,
        Ok(()),
        "the rotation check ends its backoff"
    );
    assert!(
        verify(&verifier, &first).await.is_err(),
        "the old key is not the webhook's"
    );
    // A kid not seen before is trusted on its first request.
    sign_with(&standin, HMAC_2);
    assert_eq!(
        verify(&verifier, &hmac_signer("hmac-2", "second-secret")).await,
        Ok(())
    );

    // A key the JWKS does not list is trusted by the public key Key Master shows.
    standin.state().jwks = json!({ "keys": [] });
    sign_with(&standin, ED_2);
    let keys = FusionAuthKeys::builder(client(&standin))
        .follow_webhook(WEBHOOK)
        .background_refresh(None)
        .load()
        .await
        .unwrap();
    assert_eq!(
        verify(&SignatureVerifier::from_source(keys), &second).await,
        Ok(())
    );
}

#[tokio::test]
async fn the_background_refresh_follows_rotation_and_stops_when_dropped() {
    let standin = standin().await;
    let keys = FusionAuthKeys::builder(client(&standin))
        .follow_webhook(WEBHOOK)
        .background_refresh(Some(Duration::from_millis(50)))
        .load()
        .await
        .unwrap();
    let verifier = SignatureVerifier::from_source(keys);
    sign_with(&standin, HMAC_2);
    tokio::time::sleep(Duration::from_millis(200)).await;
    // `verify` uses the cached keys without refreshing: the background task updated them.
    let body = samples::body(EventType::UserCreate);
    let signer = hmac_signer("hmac-2", "second-secret");
    assert_eq!(verifier.verify(&signer.headers(&body), &body), Ok(()));

    drop(verifier);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let fetches = webhook_hits(&standin);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        webhook_hits(&standin),
        fetches,
        "no fetch after the source is dropped"
    );
}

#[tokio::test]
async fn keys_are_kept_while_fusionauth_errors_then_refused_until_it_answers_again() {
    let standin = standin().await;
    let keys = FusionAuthKeys::builder(client(&standin))
        .follow_webhook(WEBHOOK)
        .background_refresh(Some(Duration::from_millis(50)))
        .max_key_age(Duration::from_millis(400))
        .min_refresh_interval(Duration::from_millis(10))
        .load()
        .await
        .unwrap();
    let verifier = SignatureVerifier::from_source(keys);
    let good = hmac_signer("hmac-1", "first-secret");

    standin.fail_with(Some(500));
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(verify(&verifier, &good).await, Ok(()), "kept while young");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let Err(SignatureError::KeysUnavailable(why)) = verify(&verifier, &good).await else {
        panic!("keys older than their maximum age are not used");
    };
    assert!(
        why.contains("could not be loaded from fusionauth for"),
        "{why}"
    );
    assert!(why.contains("500"), "{why}");

    standin.fail_with(None);
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert_eq!(
        verify(&verifier, &good).await,
        Ok(()),
        "trusted again once loaded"
    );
}

#[tokio::test]
async fn nothing_to_trust_is_an_error_at_load_and_a_503_reason_later() {
    let standin = standin().await;
    let nothing = FusionAuthKeys::builder(client(&standin)).load().await;
    assert_eq!(nothing.unwrap_err(), KeyLoadError::NothingToTrust);
    standin.state().keys.remove(&HMAC_1);
    let Err(KeyLoadError::NoKeys(why)) = FusionAuthKeys::builder(client(&standin))
        .follow_webhook(WEBHOOK)
        .load()
        .await
    else {
        panic!("a webhook whose key is gone leaves nothing to trust");
    };
    assert!(why.contains("was deleted in fusionauth (404)"), "{why}");

    // Deleted while running: refused (503), saying why.
    let standin = self::standin().await;
    let keys = FusionAuthKeys::builder(client(&standin))
        .follow_webhook(WEBHOOK)
        .background_refresh(Some(Duration::from_millis(50)))
        .load()
        .await
        .unwrap();
    let verifier = SignatureVerifier::from_source(keys);
    standin.state().webhooks.remove(&WEBHOOK);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let Err(SignatureError::KeysUnavailable(why)) =
        verify(&verifier, &hmac_signer("hmac-1", "first-secret")).await
    else {
        panic!("the deleted webhook's key is no longer trusted");
    };
    assert!(
        why.contains(&format!("webhook {WEBHOOK} was deleted")),
        "{why}"
    );
}

#[tokio::test]
async fn a_webhook_from_the_environment_verifies_with_its_signing_key() {
    let standin = standin().await;
    let url = standin.url().to_owned();
    let env = move |name: &str| match name {
        "FUSIONAUTH_URL" => Some(url.clone()),
        "FUSIONAUTH_API_KEY" => Some(API_KEY.to_owned()),
        "FUSIONAUTH_WEBHOOK_API_KEY" => Some("receiver-key".to_owned()),
        "FUSIONAUTH_WEBHOOK_ID" => Some(WEBHOOK.to_string()),
        _ => None,
    };
    let router = Router::new().on_any(|_: Event| async { Ok(()) });
    let webhook = webhook_from_env(router, Env::from_fn(&env)).await.unwrap();
    let client = TestClient::new(webhook);
    let signed = TestRequest::body(samples::body(EventType::UserCreate))
        .api_key("receiver-key")
        .signed(&hmac_signer("hmac-1", "first-secret"));
    assert_eq!(client.send(signed.build()).await.status, 200);
    let unsigned = TestRequest::body(samples::body(EventType::UserCreate)).api_key("receiver-key");
    assert_eq!(client.send(unsigned.build()).await.status, 401);
}
