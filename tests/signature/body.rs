//! The body hash claim against the raw body.

use super::*;

#[test]
fn tampered_body_is_a_hash_mismatch() {
    let signer = TestSigner::new(Algorithm::HS256);
    let headers = signer.headers(BODY);
    let mut tampered = BODY.to_vec();
    tampered[20] ^= 1;
    let verifier = signer.verifier();
    assert_eq!(
        verifier.verify(&headers, &tampered),
        Err(SignatureError::BodyHashMismatch)
    );
    // Whitespace a re-serializing parser adds is a change too.
    let pretty =
        serde_json::to_vec_pretty(&serde_json::from_slice::<Value>(BODY).unwrap()).unwrap();
    assert_eq!(
        verifier.verify(&headers, &pretty),
        Err(SignatureError::BodyHashMismatch)
    );
    assert_eq!(
        verifier.verify(&headers, b""),
        Err(SignatureError::BodyHashMismatch)
    );
}

#[test]
fn hash_of_another_body_is_a_hash_mismatch() {
    let signer = TestSigner::new(Algorithm::RS384);
    let other = signer.sign(b"{}");
    assert_eq!(
        signer.verifier().verify(&header(&other), BODY),
        Err(SignatureError::BodyHashMismatch)
    );
}

#[test]
fn the_claim_must_be_standard_padded_base64() {
    use sha2::Digest;
    let signer = TestSigner::new(Algorithm::HS256);
    let verifier = signer.verifier();
    let digest = sha2::Sha256::digest(BODY);
    let variants = [
        base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest),
        URL_SAFE_NO_PAD.encode(digest),
        digest
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect::<String>(),
        format!(" {}", body_hash(BODY)),
    ];
    for claim in variants {
        let token = signer.sign_claims(&json!({ "request_body_sha256": claim }));
        assert_eq!(
            verifier.verify(&header(&token), BODY),
            Err(SignatureError::BodyHashMismatch),
            "{claim}"
        );
    }
    let token = signer.sign_claims(&json!({ "request_body_sha256": body_hash(BODY), "extra": 1 }));
    assert_eq!(verifier.verify(&header(&token), BODY), Ok(()));
}

#[test]
fn a_non_string_or_missing_claim_is_malformed() {
    let signer = TestSigner::new(Algorithm::HS256);
    let verifier = signer.verifier();
    let cases = [
        (json!({}), Malformed::MissingClaim),
        (
            json!({ "request_body_sha256": null }),
            Malformed::MissingClaim,
        ),
        (json!({ "request_body_sha256": 42 }), Malformed::Claims),
        (json!(["request_body_sha256"]), Malformed::Claims),
    ];
    for (claims, kind) in cases {
        let token = signer.sign_claims(&claims);
        assert_eq!(
            verifier.verify(&header(&token), BODY),
            Err(SignatureError::Malformed(kind)),
            "{claims}"
        );
    }
}

#[test]
fn body_hash_mismatch_message_hints_at_a_changed_raw_body() {
    let message = SignatureError::BodyHashMismatch.to_string();
    assert!(
        message.contains("raw body") && message.contains("proxy"),
        "{message}"
    );
    assert!(message.contains("re-serialized"), "{message}");
}
