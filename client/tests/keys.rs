//! The key source against the FusionAuth API stand-in: caching, refresh on
//! an unknown kid, its rate limit under a flood, rotation, background refresh.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use fusionauth_standin::{API_KEY, StandIn};
use fusionauth_webhooks::samples;
use fusionauth_webhooks::signature::{Algorithm, SignatureError};
use fusionauth_webhooks::testing::signing::TestSigner;
use fusionauth_webhooks::testing::{TestClient, TestRequest};
use fusionauth_webhooks::{Event, EventType, Router, SignatureVerifier};
use fusionauth_webhooks_client::{FusionAuthClient, FusionAuthKeys, webhook_from_env_with};
use serde_json::{Value, json};
use uuid::Uuid;

const JWKS: &str = "GET /.well-known/jwks.json";
const HMAC_1: Uuid = Uuid::from_u128(0x4e71);
const HMAC_2: Uuid = Uuid::from_u128(0x4e72);
const WEBHOOK: Uuid = Uuid::from_u128(0x3eb);

/// An Ed25519 signer's public key as a JWK.
fn jwk(signer: &TestSigner) -> Value {
    let pem = signer.public_key_pem().unwrap();
    let base64: String = pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let der = STANDARD.decode(base64).unwrap();
    let raw = &der[der.len() - 32..];
    json!({ "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig",
            "kid": signer.kid().unwrap(), "x": URL_SAFE_NO_PAD.encode(raw) })
}

fn hmac_signer(kid: &str, secret: &str) -> TestSigner {
    TestSigner::hmac(Algorithm::HS256, secret).with_kid(kid)
}

fn hmac_key(id: Uuid, kid: &str, secret: &str) -> Value {
    json!({ "id": id, "kid": kid, "type": "HMAC", "algorithm": "HS256", "secret": secret })
}

async fn standin() -> StandIn {
    let standin = StandIn::start().await;
    standin.state().jwks = json!({ "keys": [jwk(&TestSigner::new(Algorithm::Ed25519))] });
    standin
        .state()
        .keys
        .insert(HMAC_1, hmac_key(HMAC_1, "hmac-1", "first-secret"));
    standin
        .state()
        .keys
        .insert(HMAC_2, hmac_key(HMAC_2, "hmac-2", "second-secret"));
    standin.insert_webhook(
        json!({ "id": WEBHOOK, "url": "https://app.example.com/hook",
        "connectTimeout": 1000, "readTimeout": 2000,
        "signatureConfiguration": { "enabled": true, "signingKeyId": HMAC_1 } }),
    );
    standin
}

fn client(standin: &StandIn) -> FusionAuthClient {
    FusionAuthClient::new(standin.url(), API_KEY).unwrap()
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
async fn a_flood_of_random_kids_costs_one_fetch_and_keeps_the_good_keys() {
    let standin = standin().await;
    let keys = FusionAuthKeys::builder(client(&standin))
        .hmac_key(HMAC_1)
        .background_refresh(None)
        .load()
        .await
        .unwrap();
    assert_eq!(
        (
            standin.hits(JWKS),
            standin.hits(&format!("GET /api/key/{HMAC_1}"))
        ),
        (1, 1)
    );
    let verifier = SignatureVerifier::from_source(keys);

    let flood: Vec<_> = (0..300)
        .map(|_| {
            let verifier = verifier.clone();
            tokio::spawn(async move {
                let signer = hmac_signer(&Uuid::new_v4().to_string(), "guessed");
                verify(&verifier, &signer).await
            })
        })
        .collect();
    for attempt in flood {
        assert!(matches!(
            attempt.await.unwrap(),
            Err(SignatureError::UnknownKid(_))
        ));
    }
    assert_eq!(standin.hits(JWKS), 2, "one refresh for the whole flood");
    assert_eq!(standin.hits(&format!("GET /api/key/{HMAC_1}")), 2);

    assert_eq!(
        verify(&verifier, &hmac_signer("hmac-1", "first-secret")).await,
        Ok(())
    );
    assert_eq!(
        verify(&verifier, &TestSigner::new(Algorithm::Ed25519)).await,
        Ok(())
    );
    assert_eq!(
        verify(&verifier, &hmac_signer("hmac-1", "wrong-secret")).await,
        Err(SignatureError::BadSignature)
    );
}

#[tokio::test]
async fn keys_rotated_in_fusionauth_are_picked_up_on_their_first_unknown_kid() {
    let standin = standin().await;
    let keys = FusionAuthKeys::builder(client(&standin))
        .follow_webhook(WEBHOOK)
        .min_refresh_interval(Duration::from_millis(50))
        .background_refresh(None)
        .load()
        .await
        .unwrap();
    let verifier = SignatureVerifier::from_source(keys);
    assert_eq!(
        verify(&verifier, &hmac_signer("hmac-1", "first-secret")).await,
        Ok(())
    );

    // FusionAuth moves the webhook to another HMAC key and gets a new asymmetric key.
    let second = TestSigner::second_key(Algorithm::Ed25519);
    standin.state().jwks = json!({ "keys": [jwk(&second)] });
    standin.state().webhooks.get_mut(&WEBHOOK).unwrap()["signatureConfiguration"]["signingKeyId"] =
        json!(HMAC_2);
    tokio::time::sleep(Duration::from_millis(60)).await;
    assert_eq!(
        verify(&verifier, &hmac_signer("hmac-2", "second-secret")).await,
        Ok(())
    );
    assert_eq!(
        verify(&verifier, &second).await,
        Ok(()),
        "fetched in the same refresh"
    );

    // A failed fetch keeps the keys there are.
    standin.fail_with(Some(500));
    tokio::time::sleep(Duration::from_millis(60)).await;
    assert!(
        verify(&verifier, &hmac_signer("hmac-3", "x"))
            .await
            .is_err()
    );
    assert_eq!(
        verify(&verifier, &hmac_signer("hmac-2", "second-secret")).await,
        Ok(())
    );
}

#[tokio::test]
async fn the_background_refresh_follows_rotation_and_stops_when_dropped() {
    let standin = standin().await;
    let keys = FusionAuthKeys::builder(client(&standin))
        .background_refresh(Some(Duration::from_millis(50)))
        .load()
        .await
        .unwrap();
    let verifier = SignatureVerifier::from_source(keys);
    let second = TestSigner::second_key(Algorithm::Ed25519);
    standin.state().jwks = json!({ "keys": [jwk(&second)] });
    tokio::time::sleep(Duration::from_millis(200)).await;
    // `verify` uses the cached keys without refreshing: the background task updated them.
    let body = samples::body(EventType::UserCreate);
    assert_eq!(verifier.verify(&second.headers(&body), &body), Ok(()));

    drop(verifier);
    tokio::time::sleep(Duration::from_millis(20)).await;
    let fetches = standin.hits(JWKS);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        standin.hits(JWKS),
        fetches,
        "no fetch after the source is dropped"
    );
}

#[tokio::test]
async fn a_webhook_from_the_environment_verifies_with_fusionauths_keys() {
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
    let webhook = webhook_from_env_with(router, env).await.unwrap();
    let client = TestClient::new(webhook);
    let signed = TestRequest::body(samples::body(EventType::UserCreate))
        .api_key("receiver-key")
        .signed(&hmac_signer("hmac-1", "first-secret"));
    assert_eq!(client.send(signed.build()).await.status, 200);
    let unsigned = TestRequest::body(samples::body(EventType::UserCreate)).api_key("receiver-key");
    assert_eq!(client.send(unsigned.build()).await.status, 401);
}
