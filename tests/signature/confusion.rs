//! Wrong keys and algorithm confusion.

use super::*;

#[test]
fn wrong_key_is_a_bad_signature() {
    for alg in Algorithm::ALL {
        let signer = TestSigner::new(alg);
        let impostor = TestSigner::second_key(alg).with_kid(signer.kid().unwrap());
        assert_eq!(
            signer.verifier().verify(&impostor.headers(BODY), BODY),
            Err(SignatureError::BadSignature),
            "{alg}"
        );
    }
}

#[test]
fn hs256_signed_with_the_rsa_public_key_never_verifies() {
    let rsa = TestSigner::new(Algorithm::RS256);
    let pem = rsa.public_key_pem().unwrap();
    let claims = format!(r#"{{"request_body_sha256":"{}"}}"#, body_hash(BODY));
    let confused = hs256_token(
        r#"{"alg":"HS256","typ":"JWT","kid":"test-rsa-a"}"#,
        &claims,
        pem.as_bytes(),
    );
    assert_eq!(
        rsa.verifier().verify(&header(&confused), BODY),
        Err(SignatureError::AlgorithmMismatch(Algorithm::HS256))
    );
    // Not with keys tried without kid either.
    let open = rsa.clone().without_kid().verifier();
    let kidless = hs256_token(r#"{"alg":"HS256","typ":"JWT"}"#, &claims, pem.as_bytes());
    assert_eq!(
        open.verify(&header(&kidless), BODY),
        Err(SignatureError::AlgorithmMismatch(Algorithm::HS256))
    );
}

#[test]
fn an_algorithm_of_another_curve_or_type_is_a_mismatch() {
    let p256 = TestSigner::new(Algorithm::ES256);
    let verifier = p256.verifier();
    for alg in [
        Algorithm::ES384,
        Algorithm::ES512,
        Algorithm::RS256,
        Algorithm::Ed25519,
        Algorithm::HS256,
    ] {
        let other = TestSigner::new(alg).with_kid(p256.kid().unwrap());
        assert_eq!(
            verifier.verify(&other.headers(BODY), BODY),
            Err(SignatureError::AlgorithmMismatch(alg)),
            "{alg}"
        );
    }
}

#[test]
fn alg_none_and_unknown_algorithms_are_unsupported() {
    let signer = TestSigner::new(Algorithm::HS256);
    let verifier = signer.verifier();
    for alg in [
        "none", "None", "NONE", "PS256", "hs256", "ES256K", "Ed448", "",
    ] {
        let claims = format!(r#"{{"request_body_sha256":"{}"}}"#, body_hash(BODY));
        let header_json = format!(r#"{{"alg":"{alg}","typ":"JWT","kid":"test-hmac-a"}}"#);
        let unsigned = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(&header_json),
            URL_SAFE_NO_PAD.encode(&claims)
        );
        let expected = Err(SignatureError::UnsupportedAlgorithm(alg.into()));
        assert_eq!(verifier.verify(&header(&unsigned), BODY), expected, "{alg}");
        let signed = hs256_token(&header_json, &claims, signer.hmac_secret().unwrap());
        assert_eq!(verifier.verify(&header(&signed), BODY), expected, "{alg}");
    }
}
