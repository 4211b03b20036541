//! The verifier from environment variables.

use super::*;
use fusionauth_webhooks::env::Env;

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let pairs: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

#[test]
fn from_env_with_nothing_set_is_none() {
    assert!(
        SignatureVerifier::from_env_with(Env::from_fn(&env(&[])))
            .unwrap()
            .is_none()
    );
}

#[test]
fn from_env_hmac_secret_with_kid_refuses_other_kids() {
    let signer = TestSigner::new(Algorithm::HS256).with_kid("key-master-id");
    let secret = std::str::from_utf8(signer.hmac_secret().unwrap()).unwrap();
    let verifier = SignatureVerifier::from_env_with(Env::from_fn(&env(&[
        (HMAC_SECRET_ENV, secret),
        (HMAC_KID_ENV, "key-master-id"),
    ])))
    .unwrap()
    .unwrap();
    assert_eq!(verifier.verify(&signer.headers(BODY), BODY), Ok(()));
    let other = signer.clone().with_kid("other");
    assert_eq!(
        verifier.verify(&other.headers(BODY), BODY),
        Err(SignatureError::UnknownKid(Some("other".into())))
    );
}

#[test]
fn from_env_hmac_secret_without_kid_takes_any_kid_but_only_hmac() {
    let signer = TestSigner::new(Algorithm::HS512).with_kid("whatever-key-master-id");
    let secret = std::str::from_utf8(signer.hmac_secret().unwrap()).unwrap();
    let verifier =
        SignatureVerifier::from_env_with(Env::from_fn(&env(&[(HMAC_SECRET_ENV, secret)])))
            .unwrap()
            .unwrap();
    assert_eq!(verifier.verify(&signer.headers(BODY), BODY), Ok(()));
    assert_eq!(
        verifier.verify(&signer.clone().without_kid().headers(BODY), BODY),
        Ok(())
    );
    let rsa = TestSigner::new(Algorithm::RS256);
    assert_eq!(
        verifier.verify(&rsa.headers(BODY), BODY),
        Err(SignatureError::AlgorithmMismatch(Algorithm::RS256))
    );
}

#[test]
fn from_env_jwks_and_hmac_together() {
    let path =
        std::env::temp_dir().join(format!("fusionauth-env-jwks-{}.json", std::process::id()));
    std::fs::write(&path, vectors()["jwks"].to_string()).unwrap();
    let hmac = TestSigner::new(Algorithm::HS256);
    let secret = std::str::from_utf8(hmac.hmac_secret().unwrap()).unwrap();
    let path_str = path.to_str().unwrap();
    let verifier = SignatureVerifier::from_env_with(Env::from_fn(&env(&[
        (HMAC_SECRET_ENV, secret),
        (HMAC_KID_ENV, "test-hmac-a"),
        (JWKS_ENV, path_str),
    ])))
    .unwrap()
    .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(verifier.verify(&hmac.headers(BODY), BODY), Ok(()));
    let vectors = vectors();
    let body = vectors["body"].as_str().unwrap().as_bytes();
    assert_eq!(
        verifier.verify(
            &header(vectors["vectors"][8]["token"].as_str().unwrap()),
            body
        ),
        Ok(())
    );
    let jwks_only = SignatureVerifier::from_env_with(Env::from_fn(&env(&[(JWKS_ENV, path_str)])));
    assert!(matches!(
        jwks_only,
        Err(SignatureConfigError::ReadJwks { .. })
    ));
}

#[test]
fn from_env_errors() {
    assert_eq!(
        SignatureVerifier::from_env_with(Env::from_fn(&env(&[(HMAC_KID_ENV, "k")]))).unwrap_err(),
        SignatureConfigError::IncompleteEnv {
            set: HMAC_KID_ENV,
            missing: HMAC_SECRET_ENV
        }
    );
    assert_eq!(
        SignatureVerifier::from_env_with(Env::from_fn(&env(&[(HMAC_SECRET_ENV, "")]))).unwrap_err(),
        SignatureConfigError::Environment(EnvError::new(HMAC_SECRET_ENV, "is set but empty"))
    );
    assert_eq!(
        SignatureVerifier::from_env_with(Env::from_fn(&env(&[(HMAC_SECRET_ENV, "secret\n")])))
            .unwrap_err(),
        SignatureConfigError::SecretWhitespace
    );
}

#[test]
fn config_error_messages_never_contain_the_secret() {
    let error = SignatureVerifier::builder()
        .hmac(Some("dup"), "very-secret-value")
        .hmac(Some("dup"), "very-secret-value")
        .build()
        .unwrap_err();
    assert!(!error.to_string().contains("very-secret-value"));
    assert!(!format!("{error:?}").contains("very-secret-value"));
}

#[test]
fn only_kids_keeps_the_webhook_key_among_all_the_instances_keys() {
    let webhook_key = TestSigner::new(Algorithm::RS256);
    let token_key = TestSigner::second_key(Algorithm::RS256);
    let verifier = SignatureVerifier::builder()
        .public_key_pem(webhook_key.kid(), webhook_key.public_key_pem().unwrap())
        .public_key_pem(token_key.kid(), token_key.public_key_pem().unwrap())
        .only_kids([webhook_key.kid().unwrap()])
        .build()
        .unwrap();
    let body = br#"{"event":{"type":"user.delete"}}"#;
    assert_eq!(verifier.verify_token(&webhook_key.sign(body), body), Ok(()));
    assert!(matches!(
        verifier.verify_token(&token_key.sign(body), body),
        Err(SignatureError::UnknownKid(_))
    ));
}
