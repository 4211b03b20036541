//! Signature verification: every algorithm, every way to fail, configuration
//! errors, and tokens made by an independent implementation (PyJWT).
#![cfg(all(feature = "signature", feature = "testing"))]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use fusionauth_webhooks::env::{
    EnvError, FUSIONAUTH_WEBHOOK_HMAC_KID as HMAC_KID_ENV,
    FUSIONAUTH_WEBHOOK_HMAC_SECRET as HMAC_SECRET_ENV, FUSIONAUTH_WEBHOOK_JWKS as JWKS_ENV,
};
use fusionauth_webhooks::signature::{
    Algorithm, Malformed, SIGNATURE_HEADER, SIGNATURE_HEADER_NAME, Segment, SignatureConfigError,
    SignatureError, SignatureVerifier,
};
use fusionauth_webhooks::testing::signing::{BadSignature, TestSigner};
use http::{HeaderMap, HeaderValue};
use serde_json::{Value, json};

const BODY: &[u8] =
    br#"{"event":{"type":"user.create","id":"8d4e6f3a-3f64-4a1c-9b61-7c1f4f0d2a11"}}"#;

/// The committed PyJWT vectors (made by `fixtures/signature/generate_vectors.py`).
fn vectors() -> Value {
    serde_json::from_str(include_str!("fixtures/signature/vectors.json")).unwrap()
}

fn header(token: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(SIGNATURE_HEADER_NAME, HeaderValue::from_str(token).unwrap());
    headers
}

/// A token with any header and claims JSON, signed with the signer's HMAC secret.
fn hs256_token(header_json: &str, claims_json: &str, secret: &[u8]) -> String {
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header_json),
        URL_SAFE_NO_PAD.encode(claims_json)
    );
    let key = jsonwebtoken::EncodingKey::from_secret(secret);
    let signature =
        jsonwebtoken::crypto::sign(input.as_bytes(), &key, jsonwebtoken::Algorithm::HS256).unwrap();
    format!("{input}.{signature}")
}

fn body_hash(body: &[u8]) -> String {
    use sha2::Digest;
    base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(body))
}

// ---- every algorithm ----

#[test]
fn every_algorithm_verifies_its_own_signature() {
    for alg in Algorithm::ALL {
        let signer = TestSigner::new(alg);
        assert_eq!(
            signer.verifier().verify(&signer.headers(BODY), BODY),
            Ok(()),
            "{alg}"
        );
    }
}

#[test]
fn every_algorithm_verifies_from_the_public_key_pem_or_secret() {
    for alg in Algorithm::ALL {
        let signer = TestSigner::new(alg).with_kid("fusionauth-key-id");
        let builder = SignatureVerifier::builder();
        let verifier = match signer.hmac_secret() {
            Some(secret) => builder.hmac(Some("fusionauth-key-id"), secret),
            None => {
                builder.public_key_pem(Some("fusionauth-key-id"), signer.public_key_pem().unwrap())
            }
        }
        .build()
        .unwrap();
        assert_eq!(
            verifier.verify(&signer.headers(BODY), BODY),
            Ok(()),
            "{alg}"
        );
    }
}

#[test]
fn ed25519_accepts_both_alg_spellings() {
    let signer = TestSigner::new(Algorithm::Ed25519);
    let verifier = signer.verifier();
    let token = signer.sign(BODY);
    let header_json = URL_SAFE_NO_PAD
        .decode(token.split('.').next().unwrap())
        .unwrap();
    assert!(
        String::from_utf8(header_json)
            .unwrap()
            .contains(r#""alg":"Ed25519""#)
    );
    assert_eq!(verifier.verify(&header(&token), BODY), Ok(()));

    let eddsa = signer.clone().with_alg_name("EdDSA");
    assert_eq!(verifier.verify(&eddsa.headers(BODY), BODY), Ok(()));
}

#[test]
fn every_bad_signature_is_refused_with_its_error_for_every_algorithm() {
    for alg in Algorithm::ALL {
        let signer = TestSigner::new(alg);
        let verifier = signer.verifier();
        for bad in BadSignature::ALL {
            let result = verifier.verify(&bad.headers(&signer, BODY), BODY);
            assert_eq!(result.err(), bad.expected_error(&signer), "{alg} {bad:?}");
            assert!(bad.expected_error(&signer).is_some(), "{alg} {bad:?}");
        }
    }
}

#[test]
fn bad_signatures_from_a_signer_without_kid() {
    let signer = TestSigner::new(Algorithm::RS256).without_kid();
    let verifier = signer.verifier();
    for bad in BadSignature::ALL {
        let result = verifier.verify(&bad.headers(&signer, BODY), BODY);
        assert_eq!(result.err(), bad.expected_error(&signer), "{bad:?}");
    }
    // Its key stands in for any kid: an unknown kid verifies.
    assert_eq!(BadSignature::UnknownKid.expected_error(&signer), None);
}

// ---- rotation and key selection ----

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

// ---- body and claim ----

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

// ---- wrong keys and algorithm confusion ----

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

// ---- malformed values and headers ----

#[test]
fn malformed_tokens_name_their_problem() {
    let signer = TestSigner::new(Algorithm::HS256);
    let verifier = signer.verifier();
    let good = signer.sign(BODY);
    let parts: Vec<&str> = good.split('.').collect();
    let b64 = |json: &str| URL_SAFE_NO_PAD.encode(json);
    let cases: Vec<(String, Malformed)> = vec![
        (String::new(), Malformed::NotCompact),
        ("not-a-jwt".into(), Malformed::NotCompact),
        (format!("{}.{}", parts[0], parts[1]), Malformed::NotCompact),
        (format!("{good}.extra"), Malformed::NotCompact),
        (format!("{good} "), Malformed::NotAscii),
        (
            format!("{}=.{}.{}", parts[0], parts[1], parts[2]),
            Malformed::Base64(Segment::Header),
        ),
        (
            format!("{}.{}.{}=", parts[0], parts[1], parts[2]),
            Malformed::Base64(Segment::Signature),
        ),
        (
            format!("{}.{}!.{}", parts[0], parts[1], parts[2]),
            Malformed::Base64(Segment::Claims),
        ),
        (
            format!("{}.{}.{}", b64("not json"), parts[1], parts[2]),
            Malformed::Header,
        ),
        (
            format!(
                "{}.{}.{}",
                b64(r#"{"kid":"test-hmac-a"}"#),
                parts[1],
                parts[2]
            ),
            Malformed::Header,
        ),
        (
            format!("{}.{}.{}", b64(r#"{"alg":256}"#), parts[1], parts[2]),
            Malformed::Header,
        ),
        (
            format!(
                "{}.{}.{}",
                b64(r#"{"alg":"HS256","kid":"test-hmac-a","crit":["b64"]}"#),
                parts[1],
                parts[2]
            ),
            Malformed::Critical,
        ),
        ("a".repeat(9000), Malformed::TooLong),
    ];
    for (token, kind) in cases {
        assert_eq!(
            verifier.verify_token(&token, BODY),
            Err(SignatureError::Malformed(kind)),
            "{token:.80}"
        );
    }
    // Claims that are not base64url, not JSON: found after the signature, on a signed token.
    let not_json = hs256_token(
        r#"{"alg":"HS256","kid":"test-hmac-a"}"#,
        "not json",
        signer.hmac_secret().unwrap(),
    );
    assert_eq!(
        verifier.verify(&header(&not_json), BODY),
        Err(SignatureError::Malformed(Malformed::Claims))
    );
}

#[test]
fn a_forged_signature_over_junk_claims_is_a_bad_signature_first() {
    let signer = TestSigner::new(Algorithm::HS256);
    let good = signer.sign(BODY);
    let parts: Vec<&str> = good.split('.').collect();
    let forged = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode("junk"),
        parts[2]
    );
    assert_eq!(
        signer.verifier().verify(&header(&forged), BODY),
        Err(SignatureError::BadSignature)
    );
}

#[test]
fn missing_header_is_refused() {
    let verifier = TestSigner::new(Algorithm::HS256).verifier();
    assert_eq!(
        verifier.verify(&HeaderMap::new(), BODY),
        Err(SignatureError::MissingHeader)
    );
}

#[test]
fn repeated_header_is_refused_even_when_both_are_valid() {
    let signer = TestSigner::new(Algorithm::HS256);
    let token = HeaderValue::from_str(&signer.sign(BODY)).unwrap();
    let mut headers = HeaderMap::new();
    headers.append(SIGNATURE_HEADER_NAME, token.clone());
    headers.append(SIGNATURE_HEADER_NAME, token);
    assert_eq!(
        signer.verifier().verify(&headers, BODY),
        Err(SignatureError::RepeatedHeader)
    );
}

#[test]
fn header_name_is_case_insensitive_and_value_must_be_ascii() {
    let signer = TestSigner::new(Algorithm::HS256);
    let mut headers = HeaderMap::new();
    headers.insert(
        http::HeaderName::from_bytes(SIGNATURE_HEADER.as_bytes()).unwrap(),
        HeaderValue::from_str(&signer.sign(BODY)).unwrap(),
    );
    assert_eq!(signer.verifier().verify(&headers, BODY), Ok(()));

    let mut headers = HeaderMap::new();
    headers.insert(
        SIGNATURE_HEADER_NAME,
        HeaderValue::from_bytes(b"\xe9t\xe9").unwrap(),
    );
    assert_eq!(
        signer.verifier().verify(&headers, BODY),
        Err(SignatureError::Malformed(Malformed::NotAscii))
    );
}

// ---- keys without kid ----

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

// ---- JWKS ----

#[test]
fn jwks_with_rsa_ec_and_okp_keys_verifies_each() {
    let vectors = vectors();
    let jwks = vectors["jwks"].to_string();
    let kinds: Vec<&str> = vectors["jwks"]["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|key| key["kty"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"RSA") && kinds.contains(&"EC") && kinds.contains(&"OKP"));
    let verifier = SignatureVerifier::builder().jwks(&jwks).build().unwrap();
    let body = vectors["body"].as_str().unwrap().as_bytes();
    let mut verified = 0;
    for vector in vectors["vectors"].as_array().unwrap() {
        if vector.get("jwk").is_none() {
            continue;
        }
        let token = vector["token"].as_str().unwrap();
        assert_eq!(
            verifier.verify(&header(token), body),
            Ok(()),
            "{}",
            vector["alg"]
        );
        verified += 1;
    }
    assert_eq!(verified, 8);
}

#[test]
fn jwks_alg_constrains_its_key() {
    let signer = TestSigner::new(Algorithm::RS256);
    let pem_verifier = signer.verifier();
    let rs512 = TestSigner::new(Algorithm::RS512);
    assert_eq!(pem_verifier.verify(&rs512.headers(BODY), BODY), Ok(()));

    let vectors = vectors();
    let mut jwk = vectors["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|vector| vector["alg"] == "RS256")
        .unwrap()["jwk"]
        .clone();
    let token = vectors["vectors"][3]["token"].as_str().unwrap();
    let body = vectors["body"].as_str().unwrap().as_bytes();
    let verifier = SignatureVerifier::builder()
        .jwks(&json!({ "keys": [jwk.clone()] }).to_string())
        .build()
        .unwrap();
    assert_eq!(verifier.verify(&header(token), body), Ok(()));
    jwk["alg"] = json!("RS512");
    let verifier = SignatureVerifier::builder()
        .jwks(&json!({ "keys": [jwk] }).to_string())
        .build()
        .unwrap();
    assert_eq!(
        verifier.verify(&header(token), body),
        Err(SignatureError::AlgorithmMismatch(Algorithm::RS256))
    );
}

#[test]
fn jwks_skips_keys_not_for_signatures_and_fails_with_none_left() {
    let vectors = vectors();
    let es256 = vectors["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|vector| vector["alg"] == "ES256")
        .unwrap();
    let mut encryption = es256["jwk"].clone();
    encryption["use"] = json!("enc");
    encryption["kid"] = json!("enc-key");
    let set = json!({ "keys": [
        es256["jwk"],
        encryption,
        { "kty": "oct", "k": "c2VjcmV0", "kid": "oct" },
        { "kty": "OKP", "crv": "X25519", "x": "hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo", "kid": "x" },
        { "kty": "RSA", "alg": "PS256", "n": "AQAB", "e": "AQAB", "kid": "pss" },
    ]});
    let verifier = SignatureVerifier::builder()
        .jwks(&set.to_string())
        .build()
        .unwrap();
    let debug = format!("{verifier:?}");
    assert!(
        debug.contains("pyjwt-es256") && !debug.contains("enc-key") && !debug.contains("\"oct\""),
        "{debug}"
    );
    let body = vectors["body"].as_str().unwrap().as_bytes();
    assert_eq!(
        verifier.verify(&header(es256["token"].as_str().unwrap()), body),
        Ok(())
    );

    let only_skipped = json!({ "keys": [{ "kty": "oct", "k": "c2VjcmV0", "kid": "oct" }] });
    assert!(matches!(
        SignatureVerifier::builder()
            .jwks(&only_skipped.to_string())
            .build(),
        Err(SignatureConfigError::InvalidJwks(_))
    ));
}

#[test]
fn invalid_jwks_are_config_errors() {
    let vectors = vectors();
    let rsa = vectors["vectors"][3]["jwk"].clone();
    let mut bad_n = rsa.clone();
    bad_n["n"] = json!("not base64url!");
    let mut weak = rsa.clone();
    weak["n"] = json!(URL_SAFE_NO_PAD.encode([0xC5u8; 128]));
    let mut wrong_alg = rsa.clone();
    wrong_alg["alg"] = json!("ES256");
    let mut off_curve = vectors["vectors"][6]["jwk"].clone();
    off_curve["y"] = off_curve["x"].clone();
    let mut short_ed = vectors["vectors"][9]["jwk"].clone();
    short_ed["x"] = json!("AQID");
    let mut no_x = vectors["vectors"][8]["jwk"].clone();
    no_x.as_object_mut().unwrap().remove("x");
    for (set, needle) in [
        ("not json".to_owned(), "not JSON"),
        ("{}".to_owned(), "wrong shape"),
        (
            json!({ "keys": [bad_n] }).to_string(),
            "`n` is not unpadded base64url",
        ),
        (json!({ "keys": [weak] }).to_string(), "1024 bits"),
        (json!({ "keys": [wrong_alg] }).to_string(), "does not fit"),
        (
            json!({ "keys": [off_curve] }).to_string(),
            "not a point on P-256",
        ),
        (json!({ "keys": [short_ed] }).to_string(), "expected 32"),
        (json!({ "keys": [no_x] }).to_string(), "missing `x`"),
        (json!({ "keys": [42] }).to_string(), "key 0"),
    ] {
        match SignatureVerifier::builder().jwks(&set).build() {
            Err(SignatureConfigError::InvalidJwks(reason)) => {
                assert!(reason.contains(needle), "{reason} should contain {needle}")
            }
            other => panic!("{set:.60}: {other:?}"),
        }
    }
}

#[test]
fn jwks_file_is_read_and_a_missing_file_is_an_error() {
    let path = std::env::temp_dir().join(format!("fusionauth-jwks-{}.json", std::process::id()));
    std::fs::write(&path, vectors()["jwks"].to_string()).unwrap();
    assert!(
        SignatureVerifier::builder()
            .jwks_file(&path)
            .build()
            .is_ok()
    );
    std::fs::remove_file(&path).unwrap();
    assert!(matches!(
        SignatureVerifier::builder().jwks_file(&path).build(),
        Err(SignatureConfigError::ReadJwks { path: p, .. }) if p == path
    ));
}

// ---- interoperability: tokens signed by PyJWT ----

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

// ---- configuration errors ----

const RSA_1024_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQD4h1vueovw01rzbmKa7I7zhFN+
AZhKJP8yWhIir8yGsGUWo9dhQirM6uXpO0SA1g5hXOAfxmF7dkMNN9VkTFXu1EZ5
OIXfiNKlejIr+qHXrN8zAFW9h8Whp4kct6YeURQAgKZIZPLsCncmjofjvu6iP2yp
QODs3tWOiJl66U6J+QIDAQAB
-----END PUBLIC KEY-----";

const X25519_PEM: &str = "-----BEGIN PUBLIC KEY-----
MCowBQYDK2VuAyEARWzd+Y+i2EepJnIbZlSoP4WzoqmchXu4+5pYlmezDnw=
-----END PUBLIC KEY-----";

const SECP256K1_PEM: &str = "-----BEGIN PUBLIC KEY-----
MFYwEAYHKoZIzj0CAQYFK4EEAAoDQgAE0IlUfG3CKBUqgSnBfpB53gmVcxrt7Ziv
wsu9onp0qXB/jb4Rvgyqqz7No404fVbqBE226jmgoALnRmw8pFLwqA==
-----END PUBLIC KEY-----";

const PRIVATE_PEM: &str = include_str!("../src/testing/keys/p256-a.private.pem");

#[test]
fn config_errors() {
    let pem = TestSigner::new(Algorithm::RS256).public_key_pem().unwrap();
    assert_eq!(
        SignatureVerifier::builder().build().unwrap_err(),
        SignatureConfigError::NoKeys
    );
    assert_eq!(
        SignatureVerifier::builder()
            .hmac(Some("k"), "")
            .build()
            .unwrap_err(),
        SignatureConfigError::EmptyHmacSecret
    );
    assert_eq!(
        SignatureVerifier::builder()
            .hmac(Some(""), "secret")
            .build()
            .unwrap_err(),
        SignatureConfigError::EmptyKid
    );
    assert_eq!(
        SignatureVerifier::builder()
            .hmac(Some("same"), "secret")
            .public_key_pem(Some("same"), pem)
            .build()
            .unwrap_err(),
        SignatureConfigError::DuplicateKid("same".into())
    );
    assert_eq!(
        SignatureVerifier::builder()
            .hmac(None, "secret")
            .build()
            .unwrap_err(),
        SignatureConfigError::KeyWithoutKid
    );
    // The first error wins, even when a later step is fine.
    assert_eq!(
        SignatureVerifier::builder()
            .hmac(Some("a"), "")
            .public_key_pem(Some("b"), "junk")
            .hmac(Some("c"), "fine")
            .build()
            .unwrap_err(),
        SignatureConfigError::EmptyHmacSecret
    );
}

#[test]
fn bad_pem_keys_are_config_errors_with_reasons() {
    for (pem, needle) in [
        ("not a pem", "not a PEM document"),
        (PRIVATE_PEM, "private key"),
        (RSA_1024_PEM, "1024 bits"),
        (X25519_PEM, "unsupported key type"),
        (SECP256K1_PEM, "unsupported key type"),
        (
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            "expected a `PUBLIC KEY`",
        ),
        (
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
            "not a valid SubjectPublicKeyInfo",
        ),
    ] {
        match SignatureVerifier::builder()
            .public_key_pem(Some("kid-7"), pem)
            .build()
        {
            Err(SignatureConfigError::InvalidPem { kid, reason }) => {
                assert_eq!(kid.as_deref(), Some("kid-7"));
                assert!(reason.contains(needle), "{reason} should contain {needle}");
            }
            other => panic!("{pem:.40}: {other:?}"),
        }
    }
}

#[test]
fn rsa_public_key_pem_in_pkcs1_form_is_accepted() {
    use rsa::pkcs1::EncodeRsaPublicKey;
    use rsa::pkcs8::DecodePublicKey;
    let signer = TestSigner::new(Algorithm::RS256);
    let key = rsa::RsaPublicKey::from_public_key_pem(signer.public_key_pem().unwrap()).unwrap();
    let pkcs1 = key.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF).unwrap();
    assert!(pkcs1.starts_with("-----BEGIN RSA PUBLIC KEY-----"));
    let verifier = SignatureVerifier::builder()
        .public_key_pem(signer.kid(), pkcs1)
        .build()
        .unwrap();
    assert_eq!(verifier.verify(&signer.headers(BODY), BODY), Ok(()));
}

// ---- environment ----

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
        SignatureVerifier::from_env_with(env(&[]))
            .unwrap()
            .is_none()
    );
}

#[test]
fn from_env_hmac_secret_with_kid_refuses_other_kids() {
    let signer = TestSigner::new(Algorithm::HS256).with_kid("key-master-id");
    let secret = std::str::from_utf8(signer.hmac_secret().unwrap()).unwrap();
    let verifier = SignatureVerifier::from_env_with(env(&[
        (HMAC_SECRET_ENV, secret),
        (HMAC_KID_ENV, "key-master-id"),
    ]))
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
    let verifier = SignatureVerifier::from_env_with(env(&[(HMAC_SECRET_ENV, secret)]))
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
    let verifier = SignatureVerifier::from_env_with(env(&[
        (HMAC_SECRET_ENV, secret),
        (HMAC_KID_ENV, "test-hmac-a"),
        (JWKS_ENV, path_str),
    ]))
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
    let jwks_only = SignatureVerifier::from_env_with(env(&[(JWKS_ENV, path_str)]));
    assert!(matches!(
        jwks_only,
        Err(SignatureConfigError::ReadJwks { .. })
    ));
}

#[test]
fn from_env_errors() {
    assert_eq!(
        SignatureVerifier::from_env_with(env(&[(HMAC_KID_ENV, "k")])).unwrap_err(),
        SignatureConfigError::IncompleteEnv {
            set: HMAC_KID_ENV,
            missing: HMAC_SECRET_ENV
        }
    );
    assert_eq!(
        SignatureVerifier::from_env_with(env(&[(HMAC_SECRET_ENV, "")])).unwrap_err(),
        SignatureConfigError::Environment(EnvError::new(HMAC_SECRET_ENV, "is set but empty"))
    );
    assert_eq!(
        SignatureVerifier::from_env_with(env(&[(HMAC_SECRET_ENV, "secret\n")])).unwrap_err(),
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
