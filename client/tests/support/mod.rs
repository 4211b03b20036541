//! What the client's tests share: a stand-in holding signing keys and a
//! webhook that signs with one of them, signers and their JWKs, a receiver
//! on a real socket.

#![allow(dead_code, reason = "each test file uses a part of it")]

use std::net::SocketAddr;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use fusionauth_standin::{API_KEY, StandIn};
use fusionauth_webhooks::Webhook;
use fusionauth_webhooks::signature::Algorithm;
use fusionauth_webhooks::testing::signing::TestSigner;
use fusionauth_webhooks_client::FusionAuthClient;
use serde_json::{Value, json};
use uuid::Uuid;

/// Key Master HMAC keys: `hmac-1` (secret `first-secret`), `hmac-2` (`second-secret`).
pub(crate) const HMAC_1: Uuid = Uuid::from_u128(0x4e71);
pub(crate) const HMAC_2: Uuid = Uuid::from_u128(0x4e72);
/// Key Master Ed25519 keys: the test signers' first and second keys.
pub(crate) const ED_1: Uuid = Uuid::from_u128(0xed1);
pub(crate) const ED_2: Uuid = Uuid::from_u128(0xed2);
/// The webhook, signing with `HMAC_1` to begin with.
pub(crate) const WEBHOOK: Uuid = Uuid::from_u128(0x3eb);

/// A stand-in with the keys above and the webhook.
pub(crate) async fn standin() -> StandIn {
    let standin = StandIn::start().await;
    let mut state = standin.state();
    for (id, kid, secret) in [
        (HMAC_1, "hmac-1", "first-secret"),
        (HMAC_2, "hmac-2", "second-secret"),
    ] {
        state.keys.insert(
            id,
            json!({ "id": id, "kid": kid, "type": "HMAC", "algorithm": "HS256", "secret": secret }),
        );
    }
    let (first, second) = (
        TestSigner::new(Algorithm::Ed25519),
        TestSigner::second_key(Algorithm::Ed25519),
    );
    state.keys.insert(ED_1, ed25519_key(ED_1, &first));
    state.keys.insert(ED_2, ed25519_key(ED_2, &second));
    drop(state);
    standin.insert_webhook(
        json!({ "id": WEBHOOK, "url": "https://app.example.com/hook",
        "connectTimeout": 1000, "readTimeout": 2000,
        "signatureConfiguration": { "enabled": true, "signingKeyId": HMAC_1 } }),
    );
    standin
}

/// Moves the webhook to another signing key, as an admin would.
pub(crate) fn sign_with(standin: &StandIn, key: Uuid) {
    standin.state().webhooks.get_mut(&WEBHOOK).unwrap()["signatureConfiguration"]["signingKeyId"] =
        json!(key);
}

pub(crate) fn client(standin: &StandIn) -> FusionAuthClient {
    FusionAuthClient::new(standin.url(), API_KEY).unwrap()
}

pub(crate) fn hmac_signer(kid: &str, secret: &str) -> TestSigner {
    TestSigner::hmac(Algorithm::HS256, secret).with_kid(kid)
}

/// An Ed25519 signer's public key as a JWK.
pub(crate) fn jwk(signer: &TestSigner) -> Value {
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

/// A Key Master Ed25519 key as FusionAuth shows it: its kid and public key.
pub(crate) fn ed25519_key(id: Uuid, signer: &TestSigner) -> Value {
    json!({ "id": id, "kid": signer.kid(), "type": "OKP", "algorithm": "Ed25519",
            "publicKey": signer.public_key_pem(), "hasPrivateKey": true })
}

/// Serves `webhook` on a free port of 127.0.0.1.
pub(crate) async fn serve(webhook: Webhook) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("the receiver could not bind a port");
    let address = listener.local_addr().unwrap();
    (
        address,
        tokio::spawn(fusionauth_webhooks_hyper::serve(listener, webhook)),
    )
}
