//! Keys and tokens without kid.

use super::*;

#[test]
fn without_the_opt_in_tokens_and_keys_need_a_kid() {
    let signer = TestSigner::new(Algorithm::ES512);
    let kidless = signer.clone().without_kid();
    assert_eq!(
        signer.verifier().verify(&kidless.headers(BODY), BODY),
        Err(SignatureError::UnknownKid(None))
    );
    assert_eq!(
        SignatureVerifier::builder()
            .public_key_pem(None, signer.public_key_pem().unwrap())
            .build()
            .unwrap_err(),
        SignatureConfigError::KeyWithoutKid
    );
}

#[test]
fn with_the_opt_in_a_kidless_token_tries_every_fitting_key() {
    let rsa = TestSigner::new(Algorithm::RS512);
    let other_rsa = TestSigner::second_key(Algorithm::RS512);
    let ed = TestSigner::new(Algorithm::Ed25519);
    let verifier = SignatureVerifier::builder()
        .public_key_pem(rsa.kid(), rsa.public_key_pem().unwrap())
        .public_key_pem(other_rsa.kid(), other_rsa.public_key_pem().unwrap())
        .public_key_pem(None, ed.public_key_pem().unwrap())
        .allow_keys_without_kid()
        .build()
        .unwrap();
    for signer in [&rsa, &other_rsa, &ed] {
        let kidless = signer.clone().without_kid();
        assert_eq!(
            verifier.verify(&kidless.headers(BODY), BODY),
            Ok(()),
            "{signer:?}"
        );
    }
    // A kid no key has is tried against the keys without kid only.
    let unknown_ed = ed.clone().with_kid("not-configured");
    assert_eq!(verifier.verify(&unknown_ed.headers(BODY), BODY), Ok(()));
    let unknown_rsa = rsa.clone().with_kid("not-configured");
    assert_eq!(
        verifier.verify(&unknown_rsa.headers(BODY), BODY),
        Err(SignatureError::AlgorithmMismatch(Algorithm::RS512))
    );
    // A stranger's key fails after trying every fitting key.
    let stranger = TestSigner::second_key(Algorithm::Ed25519).without_kid();
    assert_eq!(
        verifier.verify(&stranger.headers(BODY), BODY),
        Err(SignatureError::BadSignature)
    );
}

#[test]
fn with_the_opt_in_but_only_keyed_keys_an_unknown_kid_is_still_refused() {
    let signer = TestSigner::new(Algorithm::HS384);
    let verifier = SignatureVerifier::builder()
        .hmac(signer.kid(), signer.hmac_secret().unwrap())
        .allow_keys_without_kid()
        .build()
        .unwrap();
    let unknown = signer.clone().with_kid("nope");
    assert_eq!(
        verifier.verify(&unknown.headers(BODY), BODY),
        Err(SignatureError::UnknownKid(Some("nope".into())))
    );
    assert_eq!(
        verifier.verify(&signer.clone().without_kid().headers(BODY), BODY),
        Ok(())
    );
}
