//! JSON Web Key Sets.

use super::*;

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
