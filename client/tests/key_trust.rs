//! Which keys the key source trusts: the webhook's own signing key, the keys
//! named, and the whole instance JWKS only when asked; revoked keys are
//! dropped; a rotation is followed within seconds whatever bogus kids arrive.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use fusionauth_standin::{API_KEY, StandIn};
use fusionauth_webhooks::env::Env;
use fusionauth_webhooks::samples;
use fusionauth_webhooks::signature::Algorithm;
use fusionauth_webhooks::testing::signing::TestSigner;
use fusionauth_webhooks::{Event, EventType, Router, SignatureVerifier, Webhook};
use fusionauth_webhooks_client::receiver::{FusionAuthKeys, webhook_from_env};
use serde_json::json;
use support::{HMAC_1, HMAC_2, WEBHOOK, client, hmac_signer, jwk, serve, sign_with};
use uuid::Uuid;

mod support;

const RECEIVER_KEY: &str = "receiver-key";

/// The key that signs the instance's access tokens: published in the JWKS,
/// not the webhook's key.
fn access_token_key() -> TestSigner {
    TestSigner::new(Algorithm::Ed25519).with_kid("access-token-key")
}

async fn standin() -> StandIn {
    let standin = support::standin().await;
    standin.state().jwks = json!({ "keys": [jwk(&access_token_key())] });
    standin
}

/// A receiver on a real socket that requires the API key and a signature
/// checked by `verifier`.
async fn receiver(verifier: SignatureVerifier) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let webhook = Webhook::builder()
        .router(Router::new().on_any(|_: Event| async { Ok(()) }))
        .api_key(RECEIVER_KEY)
        .signature(verifier)
        .build()
        .unwrap();
    serve(webhook).await
}

/// POSTs a `user.delete` signed by `signer`, as FusionAuth would; the status.
async fn post_signed(address: SocketAddr, signer: &TestSigner) -> u16 {
    let body = samples::body(EventType::UserDelete);
    let mut request = reqwest::Client::new()
        .post(format!("http://{address}/"))
        .header("content-type", "application/json")
        .header("authorization", RECEIVER_KEY)
        .body(body.to_vec());
    for (name, value) in &signer.headers(&body) {
        request = request.header(name, value);
    }
    request
        .send()
        .await
        .expect("the receiver answers")
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_followed_webhook_trusts_its_signing_key_and_not_the_instances_access_token_key() {
    let standin = standin().await;
    let keys = FusionAuthKeys::builder(client(&standin))
        .follow_webhook(WEBHOOK)
        .background_refresh(None)
        .load()
        .await
        .unwrap();
    let (address, server) = receiver(SignatureVerifier::from_source(keys)).await;
    assert_eq!(
        post_signed(address, &hmac_signer("hmac-1", "first-secret")).await,
        200
    );
    assert_eq!(
        post_signed(address, &access_token_key()).await,
        401,
        "a user.delete signed with the access-token key is a forgery"
    );
    server.abort();
}

#[tokio::test]
async fn a_named_key_is_trusted_and_the_instances_other_keys_are_not() {
    let standin = standin().await;
    let keys = FusionAuthKeys::builder(client(&standin))
        .key(HMAC_1)
        .background_refresh(None)
        .load()
        .await
        .unwrap();
    let (address, server) = receiver(SignatureVerifier::from_source(keys)).await;
    assert_eq!(
        post_signed(address, &hmac_signer("hmac-1", "first-secret")).await,
        200
    );
    assert_eq!(post_signed(address, &access_token_key()).await, 401);
    server.abort();
}

#[tokio::test]
async fn fusionauth_credentials_in_the_environment_do_not_widen_a_static_hmac_setup() {
    let standin = standin().await;
    let url = standin.url().to_owned();
    let env = move |name: &str| match name {
        "FUSIONAUTH_URL" => Some(url.clone()),
        "FUSIONAUTH_API_KEY" => Some(API_KEY.to_owned()),
        "FUSIONAUTH_WEBHOOK_API_KEY" => Some(RECEIVER_KEY.to_owned()),
        "FUSIONAUTH_WEBHOOK_HMAC_SECRET" => Some("first-secret".to_owned()),
        "FUSIONAUTH_WEBHOOK_HMAC_KID" => Some("hmac-1".to_owned()),
        _ => None,
    };
    let router = Router::new().on_any(|_: Event| async { Ok(()) });
    let webhook = webhook_from_env(router, Env::from_fn(&env)).await.unwrap();
    let (address, server) = serve(webhook).await;
    assert_eq!(
        post_signed(address, &hmac_signer("hmac-1", "first-secret")).await,
        200
    );
    assert_eq!(post_signed(address, &access_token_key()).await, 401);
    server.abort();
}

#[tokio::test]
async fn a_key_deleted_in_fusionauth_is_dropped_and_the_webhooks_new_key_loads() {
    let standin = standin().await;
    let keys = FusionAuthKeys::builder(client(&standin))
        .key(HMAC_1)
        .follow_webhook(WEBHOOK)
        .background_refresh(Some(Duration::from_millis(100)))
        .load()
        .await
        .unwrap();
    let (address, server) = receiver(SignatureVerifier::from_source(keys)).await;
    assert_eq!(
        post_signed(address, &hmac_signer("hmac-1", "first-secret")).await,
        200
    );

    // The first key leaks: the admin moves the webhook to the second and deletes the first.
    sign_with(&standin, HMAC_2);
    standin.state().keys.remove(&HMAC_1);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        post_signed(address, &hmac_signer("hmac-1", "first-secret")).await,
        401,
        "the deleted key is no longer trusted"
    );
    assert_eq!(
        post_signed(address, &hmac_signer("hmac-2", "second-secret")).await,
        200
    );
    server.abort();
}

#[tokio::test]
async fn one_request_with_a_made_up_kid_does_not_delay_a_rotation() {
    let standin = standin().await;
    let keys = FusionAuthKeys::builder(client(&standin))
        .follow_webhook(WEBHOOK)
        .background_refresh(None)
        .load()
        .await
        .unwrap();
    let (address, server) = receiver(SignatureVerifier::from_source(keys)).await;
    assert_eq!(
        post_signed(address, &hmac_signer("made-up", "guessed")).await,
        401
    );

    sign_with(&standin, HMAC_2);
    // FusionAuth's first attempt and its three back-to-back retries.
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(post_signed(address, &hmac_signer("hmac-2", "second-secret")).await);
    }
    assert_eq!(
        statuses[0], 200,
        "the first delivery with the new key: {statuses:?}"
    );
    server.abort();
}

/// Made-up kids sent without pause by `tasks` senders until `stop`; how many were sent.
fn flood(
    address: SocketAddr,
    tasks: usize,
    kid: impl Fn() -> String + Send + Sync + Clone + 'static,
    stop: Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<usize>> {
    (0..tasks)
        .map(|_| {
            let (stop, kid) = (stop.clone(), kid.clone());
            tokio::spawn(async move {
                let mut sent = 0;
                while !stop.load(Ordering::Relaxed) {
                    assert_eq!(
                        post_signed(address, &hmac_signer(&kid(), "guessed")).await,
                        401
                    );
                    sent += 1;
                }
                sent
            })
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotation_is_followed_on_its_first_delivery_under_a_flood_of_made_up_kids() {
    let standin = standin().await;
    let keys = FusionAuthKeys::builder(client(&standin))
        .follow_webhook(WEBHOOK)
        .load()
        .await
        .unwrap();
    let (address, server) = receiver(SignatureVerifier::from_source(keys)).await;
    let stop = Arc::new(AtomicBool::new(false));
    let senders = flood(address, 16, || Uuid::new_v4().to_string(), stop.clone());
    tokio::time::sleep(Duration::from_millis(1500)).await;

    sign_with(&standin, HMAC_2);
    let rotated = Instant::now();
    let first = post_signed(address, &hmac_signer("hmac-2", "second-secret")).await;
    let waited = rotated.elapsed();
    stop.store(true, Ordering::Relaxed);
    let mut sent = 0;
    for sender in senders {
        sent += sender.await.unwrap();
    }
    server.abort();
    assert_eq!(first, 200, "the first delivery signed with the new key");
    assert!(waited < Duration::from_secs(3), "accepted after {waited:?}");
    let lookups = standin.hits(&format!("GET /api/webhook/{WEBHOOK}"));
    let flooded = Duration::from_millis(1500) + waited;
    assert!(sent >= 16, "every sender sent at least once: {sent}");
    assert!(
        lookups <= 2 + flooded.as_secs() as usize + 1,
        "{lookups} lookups for {sent} made-up kids in {flooded:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kid_flooded_before_it_became_the_webhooks_key_is_trusted_within_the_rotation_check() {
    let standin = standin().await;
    let keys = FusionAuthKeys::builder(client(&standin))
        .follow_webhook(WEBHOOK)
        .rotation_check(Some(Duration::from_secs(1)))
        .load()
        .await
        .unwrap();
    let (address, server) = receiver(SignatureVerifier::from_source(keys)).await;
    // Someone who saw the next key's kid sends it, again and again, before the rotation.
    let stop = Arc::new(AtomicBool::new(false));
    let senders = flood(address, 4, || "hmac-2".to_owned(), stop.clone());
    tokio::time::sleep(Duration::from_millis(1200)).await;
    stop.store(true, Ordering::Relaxed);
    for sender in senders {
        sender.await.unwrap();
    }

    sign_with(&standin, HMAC_2);
    let rotated = Instant::now();
    while post_signed(address, &hmac_signer("hmac-2", "second-secret")).await != 200 {
        assert!(
            rotated.elapsed() < Duration::from_secs(3),
            "not trusted after {:?}",
            rotated.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.abort();
    assert!(
        rotated.elapsed() <= Duration::from_millis(2500),
        "{:?}",
        rotated.elapsed()
    );
}

#[tokio::test]
async fn every_instance_key_is_trusted_only_when_asked_for_by_name() {
    let standin = standin().await;
    let keys = FusionAuthKeys::builder(client(&standin))
        .follow_webhook(WEBHOOK)
        .trust_all_instance_keys()
        .background_refresh(None)
        .load()
        .await
        .unwrap();
    assert_eq!(keys.kids(), ["access-token-key", "hmac-1"]);
    let (address, server) = receiver(SignatureVerifier::from_source(keys)).await;
    assert_eq!(
        post_signed(address, &access_token_key()).await,
        200,
        "the risk SECURITY.md describes: the access-token key signs webhooks too"
    );
    server.abort();
}
