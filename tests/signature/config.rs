//! Configuration errors.

use super::*;

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

const PRIVATE_PEM: &str = include_str!("../../src/testing/keys/p256-a.private.pem");

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
