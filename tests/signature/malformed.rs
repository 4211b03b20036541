//! Malformed values and headers.

use super::*;

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
