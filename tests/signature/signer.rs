//! Signing like FusionAuth: what `send` and `replay` put in the signature header.

use ed25519_dalek::SigningKey;
use ed25519_dalek::pkcs8::spki::der::pem::LineEnding;
use ed25519_dalek::pkcs8::{EncodePrivateKey, EncodePublicKey};
use fusionauth_webhooks::SignatureVerifier;
use fusionauth_webhooks::signature::{Algorithm, SignatureError};
use fusionauth_webhooks::signature::{SignError, Signer};

const BODY: &[u8] =
    br#"{"event":{"type":"user.delete","id":"7d3e0b26-5d4c-4b5f-9b4e-2a1c3d5e7f90"}}"#;

#[test]
fn an_ed25519_private_key_in_pem_signs_what_the_receiver_verifies() {
    let key = SigningKey::from_bytes(&[7; 32]);
    let private = key.to_pkcs8_pem(LineEnding::LF).unwrap();
    let public = key
        .verifying_key()
        .to_public_key_pem(LineEnding::LF)
        .unwrap();
    let signer = Signer::private_key_pem("ed-1", private.as_bytes(), None).unwrap();
    assert_eq!(signer.kid(), Some("ed-1"));
    let verifier = SignatureVerifier::builder()
        .public_key_pem(Some("ed-1"), public)
        .build()
        .unwrap();
    let token = signer.sign(BODY).unwrap();
    assert_eq!(verifier.verify_token(&token, BODY), Ok(()));
    assert_eq!(
        verifier.verify_token(&token, b"{}"),
        Err(SignatureError::BodyHashMismatch)
    );
    assert!(!format!("{signer:?}").contains(private.as_str()));
}

#[test]
fn an_hmac_algorithm_can_be_chosen() {
    let signer = Signer::private_key_pem("h-1", b"s3cr3t", Some(Algorithm::HS512)).unwrap();
    let verifier = SignatureVerifier::builder()
        .hmac(Some("h-1"), "s3cr3t")
        .build()
        .unwrap();
    assert_eq!(
        verifier.verify_token(&signer.sign(BODY).unwrap(), BODY),
        Ok(())
    );
}

#[test]
fn keys_that_cannot_sign_are_refused_when_the_signer_is_made() {
    assert_eq!(
        Signer::private_key_pem("k", b"not a pem", None).unwrap_err(),
        SignError::InvalidPrivateKey
    );
    let key = SigningKey::from_bytes(&[7; 32])
        .to_pkcs8_pem(LineEnding::LF)
        .unwrap();
    assert_eq!(
        Signer::private_key_pem("k", key.as_bytes(), Some(Algorithm::RS256)).unwrap_err(),
        SignError::InvalidPrivateKey
    );
    assert!(matches!(
        Signer::private_key_pem("k", key.as_bytes(), Some(Algorithm::ES512)),
        Err(SignError::UnsupportedAlgorithm(_))
    ));
}
