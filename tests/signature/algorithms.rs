//! Every algorithm verifies its own signatures and refuses every bad one.

use super::*;

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
