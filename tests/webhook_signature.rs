//! Signature verification wired into `Webhook`: builder and environment.

use std::collections::HashMap;

use fusionauth_webhooks::env::Env;
use fusionauth_webhooks::samples;
use fusionauth_webhooks::signature::Algorithm;
use fusionauth_webhooks::testing::signing::{BadSignature, TEST_HMAC_SECRET, TestSigner};
use fusionauth_webhooks::testing::{TestClient, TestRequest};
use fusionauth_webhooks::{ConfigError, EventType, Webhook, WebhookBuilder};
use http::StatusCode;

fn body() -> bytes::Bytes {
    samples::body(EventType::UserDelete)
}

#[tokio::test]
async fn a_signature_alone_is_enough_credential_and_every_key_type_works() {
    for alg in Algorithm::ALL {
        let signer = TestSigner::new(alg);
        let webhook = Webhook::builder()
            .signature(signer.verifier())
            .allow_no_handlers()
            .build()
            .unwrap();
        let client = TestClient::new(webhook);
        let signed = client
            .send(TestRequest::body(body()).signed(&signer).build())
            .await;
        assert_eq!(signed.status, StatusCode::OK, "{alg}");
        for bad in BadSignature::ALL {
            let response = client
                .send(TestRequest::body(body()).badly_signed(bad, &signer).build())
                .await;
            assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{alg} {bad:?}");
            assert_eq!(response.error_code().as_deref(), Some("[notAuthorized]"));
        }
    }
}

#[tokio::test]
async fn the_signature_covers_the_exact_bytes_not_the_json_value() {
    let signer = TestSigner::new(Algorithm::HS256);
    let webhook = Webhook::builder()
        .signature(signer.verifier())
        .allow_no_handlers()
        .build()
        .unwrap();
    let client = TestClient::new(webhook);
    let compact = br#"{"event":{"type":"user.delete"}}"#.as_slice();
    let token = signer.sign(compact);
    // The same JSON value, re-serialized with a space: the hash no longer matches.
    let reformatted = TestRequest::body(&br#"{"event": {"type":"user.delete"}}"#[..])
        .header("x-fusionauth-signature-jwt", &token)
        .build();
    assert_eq!(
        client.send(reformatted).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn two_keys_during_rotation_both_verify() {
    let old = TestSigner::new(Algorithm::ES256);
    let new = TestSigner::second_key(Algorithm::ES256);
    let verifier = fusionauth_webhooks::SignatureVerifier::builder()
        .public_key_pem(old.kid(), old.public_key_pem().unwrap())
        .public_key_pem(new.kid(), new.public_key_pem().unwrap())
        .build()
        .unwrap();
    let client = TestClient::new(
        Webhook::builder()
            .signature(verifier)
            .allow_no_handlers()
            .build()
            .unwrap(),
    );
    for signer in [&old, &new] {
        let response = client
            .send(TestRequest::body(body()).signed(signer).build())
            .await;
        assert_eq!(response.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn the_hmac_secret_from_the_environment_is_required_with_the_api_key() {
    let env = HashMap::from([
        ("FUSIONAUTH_WEBHOOK_API_KEY", "env-key"),
        ("FUSIONAUTH_WEBHOOK_HMAC_SECRET", TEST_HMAC_SECRET),
    ]);
    let webhook =
        WebhookBuilder::from_env_with(Env::from_fn(&|name| env.get(name).map(|v| v.to_string())))
            .unwrap()
            .allow_no_handlers()
            .build()
            .unwrap();
    let client = TestClient::new(webhook);
    let signer = TestSigner::hmac(Algorithm::HS256, TEST_HMAC_SECRET).without_kid();
    let both = TestRequest::body(body())
        .api_key("env-key")
        .signed(&signer)
        .build();
    assert_eq!(client.send(both).await.status, StatusCode::OK);
    let key_only = TestRequest::body(body()).api_key("env-key").build();
    assert_eq!(client.send(key_only).await.status, StatusCode::UNAUTHORIZED);
    let signature_only = TestRequest::body(body()).signed(&signer).build();
    assert_eq!(
        client.send(signature_only).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[test]
fn bad_signature_variables_are_configuration_errors() {
    let env = HashMap::from([("FUSIONAUTH_WEBHOOK_JWKS", "/no/such/jwks.json")]);
    let error =
        WebhookBuilder::from_env_with(Env::from_fn(&|name| env.get(name).map(|v| v.to_string())))
            .unwrap_err();
    assert!(matches!(error, ConfigError::Signature(_)), "{error}");
    let env = HashMap::from([("FUSIONAUTH_WEBHOOK_HMAC_SECRET", "")]);
    let error =
        WebhookBuilder::from_env_with(Env::from_fn(&|name| env.get(name).map(|v| v.to_string())))
            .unwrap_err();
    assert!(matches!(error, ConfigError::Environment { .. }), "{error}");
}
