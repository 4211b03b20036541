//! The signature header's JWT: split, its JOSE header and claims read, each
//! part bounded and echoed in errors only cut short.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::{Algorithm, BODY_HASH_CLAIM, Malformed, SIGNATURE_HEADER, Segment, SignatureError};

/// The longest signature header accepted, in bytes. FusionAuth's tokens are
/// under 1 KiB (an RSA-4096 signature is 683 characters).
pub(crate) const MAX_TOKEN_LEN: usize = 8 * 1024;

/// How much of a token's `alg` or `kid` an error keeps.
const MAX_ECHO_CHARS: usize = 64;

/// The one value of the signature header.
pub(super) fn header_token(headers: &http::HeaderMap) -> Result<&str, SignatureError> {
    let mut values = headers.get_all(SIGNATURE_HEADER).iter();
    let value = values.next().ok_or(SignatureError::MissingHeader)?;
    if values.next().is_some() {
        return Err(SignatureError::RepeatedHeader);
    }
    value
        .to_str()
        .map_err(|_| SignatureError::Malformed(Malformed::NotAscii))
}

/// A compact JWT split into its parts, its JOSE header read.
pub(super) struct Token<'a> {
    header: JoseHeader,
    pub(super) alg: Algorithm,
    pub(super) signing_input: &'a [u8],
    pub(super) claims: &'a str,
    pub(super) signature: &'a str,
}

impl<'a> Token<'a> {
    /// The key id the token names, if any.
    pub(super) fn kid(&self) -> Option<&str> {
        self.header.kid.as_deref()
    }

    pub(super) fn parse(token: &'a str) -> Result<Token<'a>, SignatureError> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(SignatureError::Malformed(Malformed::TooLong));
        }
        if !token.bytes().all(|byte| byte.is_ascii_graphic()) {
            return Err(SignatureError::Malformed(Malformed::NotAscii));
        }
        let mut segments = token.split('.');
        let (Some(header), Some(claims), Some(signature), None) = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) else {
            return Err(SignatureError::Malformed(Malformed::NotCompact));
        };
        let signing_input = &token.as_bytes()[..header.len() + 1 + claims.len()];
        let header = JoseHeader::parse(&decode(header, Segment::Header)?)?;
        let alg = Algorithm::from_name(&header.alg)
            .ok_or_else(|| SignatureError::UnsupportedAlgorithm(echo(&header.alg)))?;
        Ok(Token {
            header,
            alg,
            signing_input,
            claims,
            signature,
        })
    }
}

/// The JOSE header members this crate reads; others (`typ`, `x5t`, ...) are ignored.
struct JoseHeader {
    alg: String,
    kid: Option<String>,
}

impl JoseHeader {
    /// Reads a JSON object with a string `alg`, an optional string `kid` and
    /// no `crit` (RFC 7515: unknown critical extensions must be refused).
    fn parse(json: &[u8]) -> Result<JoseHeader, SignatureError> {
        let malformed = SignatureError::Malformed(Malformed::Header);
        let mut object: Map<String, Value> =
            serde_json::from_slice(json).map_err(|_| malformed.clone())?;
        if object.contains_key("crit") {
            return Err(SignatureError::Malformed(Malformed::Critical));
        }
        let alg = match object.remove("alg") {
            Some(Value::String(alg)) => alg,
            _ => return Err(malformed),
        };
        let kid = match object.remove("kid") {
            None => None,
            Some(Value::String(kid)) => Some(kid),
            Some(_) => return Err(malformed),
        };
        Ok(JoseHeader { alg, kid })
    }
}

/// The `request_body_sha256` claim of a JSON object.
pub(super) fn body_hash_claim(json: &[u8]) -> Result<String, SignatureError> {
    let mut object: Map<String, Value> =
        serde_json::from_slice(json).map_err(|_| SignatureError::Malformed(Malformed::Claims))?;
    match object.remove(BODY_HASH_CLAIM) {
        Some(Value::String(claim)) => Ok(claim),
        None | Some(Value::Null) => Err(SignatureError::Malformed(Malformed::MissingClaim)),
        Some(_) => Err(SignatureError::Malformed(Malformed::Claims)),
    }
}

pub(super) fn decode(segment: &str, which: Segment) -> Result<Vec<u8>, SignatureError> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| SignatureError::Malformed(Malformed::Base64(which)))
}

/// A value from the token, cut short for an error message.
pub(super) fn echo(value: &str) -> String {
    value.chars().take(MAX_ECHO_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::SignatureVerifier;

    #[test]
    fn errors_echo_at_most_64_chars_of_the_token() {
        let verifier = SignatureVerifier::builder()
            .hmac(Some("k"), "secret")
            .build()
            .unwrap();
        let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{}"}}"#, "X".repeat(500)));
        let error = verifier
            .verify_token(&format!("{header}.e30.c2ln"), b"")
            .unwrap_err();
        assert_eq!(error, SignatureError::UnsupportedAlgorithm("X".repeat(64)));
    }
}
