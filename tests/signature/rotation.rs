//! Rotation and key selection by kid.

use super::*;

#[test]
fn rotation_either_key_verifies() {
    let old = TestSigner::new(Algorithm::RS256).with_kid("old");
    let new = TestSigner::second_key(Algorithm::RS256).with_kid("new");
    let verifier = SignatureVerifier::builder()
        .public_key_pem(Some("old"), old.public_key_pem().unwrap())
        .public_key_pem(Some("new"), new.public_key_pem().unwrap())
        .build()
        .unwrap();
    assert_eq!(verifier.verify(&old.headers(BODY), BODY), Ok(()));
    assert_eq!(verifier.verify(&new.headers(BODY), BODY), Ok(()));
    // Each kid selects its own key: the old key's token under the new kid fails.
    let swapped = old.clone().with_kid("new");
    assert_eq!(
        verifier.verify(&swapped.headers(BODY), BODY),
        Err(SignatureError::BadSignature)
    );
}

#[test]
fn rotation_across_key_types() {
    let hmac = TestSigner::new(Algorithm::HS512);
    let ec = TestSigner::new(Algorithm::ES384);
    let verifier = SignatureVerifier::builder()
        .hmac(hmac.kid(), hmac.hmac_secret().unwrap())
        .public_key_pem(ec.kid(), ec.public_key_pem().unwrap())
        .build()
        .unwrap();
    assert_eq!(verifier.verify(&hmac.headers(BODY), BODY), Ok(()));
    assert_eq!(verifier.verify(&ec.headers(BODY), BODY), Ok(()));
}

#[test]
fn unknown_kid_is_refused_without_trying_other_keys() {
    let signer = TestSigner::new(Algorithm::ES256);
    let verifier = signer.verifier();
    let stranger = signer.clone().with_kid("someone-else");
    assert_eq!(
        verifier.verify(&stranger.headers(BODY), BODY),
        Err(SignatureError::UnknownKid(Some("someone-else".into())))
    );
}
