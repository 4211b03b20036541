//! Interoperability: tokens signed by PyJWT.

use super::*;

#[test]
fn pyjwt_tokens_verify_from_pem_secret_and_jwk() {
    let vectors = vectors();
    let body = vectors["body"].as_str().unwrap().as_bytes();
    assert_eq!(
        vectors["request_body_sha256"].as_str().unwrap(),
        body_hash(body)
    );
    let list = vectors["vectors"].as_array().unwrap();
    assert_eq!(list.len(), 11);
    for vector in list {
        let alg = vector["alg"].as_str().unwrap();
        let kid = vector["kid"].as_str();
        let token = vector["token"].as_str().unwrap();
        let mut builders = vec![];
        if let Some(secret) = vector["secret"].as_str() {
            builders.push(SignatureVerifier::builder().hmac(kid, secret));
        }
        if let Some(pem) = vector["public_key_pem"].as_str() {
            builders.push(SignatureVerifier::builder().public_key_pem(kid, pem));
        }
        if let Some(jwk) = vector.get("jwk") {
            builders.push(SignatureVerifier::builder().jwks(&json!({ "keys": [jwk] }).to_string()));
        }
        assert!(!builders.is_empty());
        for builder in builders {
            let verifier = builder.build().unwrap();
            assert_eq!(verifier.verify(&header(token), body), Ok(()), "{alg}");
            assert_eq!(
                verifier.verify(&header(token), &body[1..]),
                Err(SignatureError::BodyHashMismatch),
                "{alg}"
            );
        }
    }
}

#[test]
fn pyjwt_vectors_cover_every_algorithm_and_both_ed25519_spellings() {
    let vectors = vectors();
    let mut seen: Vec<Algorithm> = vec![];
    let mut names = vec![];
    for vector in vectors["vectors"].as_array().unwrap() {
        let name = vector["alg"].as_str().unwrap();
        names.push(name.to_owned());
        seen.push(Algorithm::from_name(name).unwrap());
    }
    for alg in Algorithm::ALL {
        assert!(seen.contains(&alg), "{alg}");
    }
    assert!(names.contains(&"EdDSA".to_owned()) && names.contains(&"Ed25519".to_owned()));
}

#[test]
fn pyjwt_rsa_tokens_of_3072_and_4096_bit_keys_verify() {
    // RS384 and RS512 vectors use 3072- and 4096-bit keys.
    let vectors = vectors();
    for index in [4, 5] {
        let vector = &vectors["vectors"][index];
        let verifier = SignatureVerifier::builder()
            .public_key_pem(
                vector["kid"].as_str(),
                vector["public_key_pem"].as_str().unwrap(),
            )
            .build()
            .unwrap();
        let body = vectors["body"].as_str().unwrap().as_bytes();
        assert_eq!(
            verifier.verify(&header(vector["token"].as_str().unwrap()), body),
            Ok(())
        );
    }
}
