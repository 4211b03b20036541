//! Constant-time checks of the headers and basic-auth credentials FusionAuth
//! is configured to send: a check of the request head.
//!
//! Every secret is stored only as its SHA-256 digest and every presented value
//! is hashed before comparison, so the comparison sees two 32-byte digests:
//! its time does not depend on where the first wrong byte is nor on the
//! presented length, and the secret's own length never shows. With several
//! accepted values (rotation) every one is compared, without short-circuit.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::header::{AUTHORIZATION, HeaderMap, HeaderName};
use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};

type SecretDigest = [u8; 32];

fn digest(bytes: &[u8]) -> SecretDigest {
    Sha256::digest(bytes).into()
}

/// Whether `presented` equals any accepted digest, comparing against all.
fn matches_any(presented: &[u8], accepted: &[SecretDigest]) -> bool {
    let presented = digest(presented);
    let found = accepted.iter().fold(Choice::from(0), |found, secret| {
        found | presented.ct_eq(secret)
    });
    found.into()
}

/// The credentials a request must present. Built by
/// [`WebhookBuilder`](crate::WebhookBuilder); holds only digests of secrets.
#[derive(Clone, Default)]
pub(crate) struct Credentials {
    headers: Vec<RequiredHeader>,
    basic: Vec<BasicPair>,
}

#[derive(Clone)]
struct RequiredHeader {
    name: HeaderName,
    accepted: Vec<SecretDigest>,
}

#[derive(Clone)]
struct BasicPair {
    username: SecretDigest,
    password: SecretDigest,
}

/// Which credential check failed, for the log (the response never says).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AuthFailure {
    MissingHeader(HeaderName),
    RepeatedHeader(HeaderName),
    WrongHeaderValue(HeaderName),
    MissingBasic,
    RepeatedBasic,
    MalformedBasic(&'static str),
    WrongBasic,
}

impl fmt::Display for AuthFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthFailure::MissingHeader(name) => write!(f, "required header `{name}` is missing"),
            AuthFailure::RepeatedHeader(name) => {
                write!(f, "required header `{name}` is sent more than once")
            }
            AuthFailure::WrongHeaderValue(name) => {
                write!(f, "header `{name}` has none of the accepted values")
            }
            AuthFailure::MissingBasic => f.write_str("basic auth is missing"),
            AuthFailure::RepeatedBasic => f.write_str("`authorization` is sent more than once"),
            AuthFailure::MalformedBasic(why) => write!(f, "basic auth is malformed: {why}"),
            AuthFailure::WrongBasic => f.write_str("basic auth username or password is wrong"),
        }
    }
}

impl Credentials {
    /// Accepts `value` for header `name`, in addition to values added before.
    pub(crate) fn add_header(&mut self, name: HeaderName, value: &[u8]) {
        let value = digest(value);
        match self.headers.iter_mut().find(|header| header.name == name) {
            Some(header) => header.accepted.push(value),
            None => self.headers.push(RequiredHeader {
                name,
                accepted: vec![value],
            }),
        }
    }

    /// Accepts one more basic-auth username and password pair.
    pub(crate) fn add_basic(&mut self, username: &str, password: &str) {
        self.basic.push(BasicPair {
            username: digest(username.as_bytes()),
            password: digest(password.as_bytes()),
        });
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.headers.is_empty() && self.basic.is_empty()
    }

    pub(crate) fn requires_header(&self, name: &HeaderName) -> bool {
        self.headers.iter().any(|header| header.name == name)
    }

    pub(crate) fn uses_basic(&self) -> bool {
        !self.basic.is_empty()
    }

    /// Checks every required header, then basic auth.
    pub(crate) fn check(&self, headers: &HeaderMap) -> Result<(), AuthFailure> {
        for required in &self.headers {
            let presented = single_value(headers, &required.name).map_err(|many| {
                if many {
                    AuthFailure::RepeatedHeader(required.name.clone())
                } else {
                    AuthFailure::MissingHeader(required.name.clone())
                }
            })?;
            if !matches_any(presented, &required.accepted) {
                return Err(AuthFailure::WrongHeaderValue(required.name.clone()));
            }
        }
        if !self.basic.is_empty() {
            self.check_basic(headers)?;
        }
        Ok(())
    }

    fn check_basic(&self, headers: &HeaderMap) -> Result<(), AuthFailure> {
        let value = single_value(headers, &AUTHORIZATION).map_err(|many| {
            if many {
                AuthFailure::RepeatedBasic
            } else {
                AuthFailure::MissingBasic
            }
        })?;
        let (username, password) = parse_basic(value)?;
        let username = digest(username.as_bytes());
        let password = digest(password.as_bytes());
        let found = self.basic.iter().fold(Choice::from(0), |found, pair| {
            found | (username.ct_eq(&pair.username) & password.ct_eq(&pair.password))
        });
        if bool::from(found) {
            Ok(())
        } else {
            Err(AuthFailure::WrongBasic)
        }
    }
}

/// The one value of a header: `Err(false)` when absent, `Err(true)` when
/// repeated (an ambiguous request is refused rather than guessed at).
fn single_value<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Result<&'a [u8], bool> {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (Some(value), None) => Ok(value.as_bytes()),
        (None, _) => Err(false),
        (Some(_), Some(_)) => Err(true),
    }
}

/// Splits `Basic base64(username:password)` (RFC 7617; the scheme name is
/// case-insensitive, the username may not hold a colon).
fn parse_basic(value: &[u8]) -> Result<(String, String), AuthFailure> {
    let (scheme, encoded) = value
        .iter()
        .position(|&b| b == b' ')
        .map(|space| value.split_at(space))
        .ok_or(AuthFailure::MalformedBasic("no scheme"))?;
    if !scheme.eq_ignore_ascii_case(b"basic") {
        return Err(AuthFailure::MalformedBasic("scheme is not Basic"));
    }
    let decoded = STANDARD
        .decode(encoded.trim_ascii())
        .map_err(|_| AuthFailure::MalformedBasic("invalid base64"))?;
    let decoded =
        String::from_utf8(decoded).map_err(|_| AuthFailure::MalformedBasic("not UTF-8"))?;
    let (username, password) = decoded.split_once(':').ok_or(AuthFailure::MalformedBasic(
        "no colon between username and password",
    ))?;
    Ok((username.to_owned(), password.to_owned()))
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<_> = self
            .headers
            .iter()
            .map(|header| (header.name.as_str(), Redacted(header.accepted.len())))
            .collect();
        f.debug_struct("Credentials")
            .field("headers", &headers)
            .field("basic", &Redacted(self.basic.len()))
            .finish()
    }
}

/// Shows how many secrets there are, never what they are.
struct Redacted(usize);

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[REDACTED; {}]", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn basic(user_pass: &str) -> HeaderValue {
        HeaderValue::try_from(format!("Basic {}", STANDARD.encode(user_pass))).unwrap()
    }

    fn with_basic(pairs: &[(&str, &str)]) -> Credentials {
        let mut credentials = Credentials::default();
        for (user, pass) in pairs {
            credentials.add_basic(user, pass);
        }
        credentials
    }

    #[test]
    fn any_of_several_rotated_header_values_is_accepted() {
        let mut credentials = Credentials::default();
        let name = HeaderName::from_static("x-webhook-secret");
        credentials.add_header(name.clone(), b"old");
        credentials.add_header(name.clone(), b"new");
        for value in ["old", "new"] {
            let mut headers = HeaderMap::new();
            headers.insert(&name, HeaderValue::from_static(value));
            assert_eq!(credentials.check(&headers), Ok(()));
        }
        let mut headers = HeaderMap::new();
        headers.insert(&name, HeaderValue::from_static("newer"));
        assert_eq!(
            credentials.check(&headers),
            Err(AuthFailure::WrongHeaderValue(name))
        );
    }

    #[test]
    fn a_repeated_required_header_is_refused() {
        let mut credentials = Credentials::default();
        credentials.add_header(AUTHORIZATION, b"key");
        let mut headers = HeaderMap::new();
        headers.append(AUTHORIZATION, HeaderValue::from_static("key"));
        headers.append(AUTHORIZATION, HeaderValue::from_static("key"));
        assert_eq!(
            credentials.check(&headers),
            Err(AuthFailure::RepeatedHeader(AUTHORIZATION))
        );
    }

    #[test]
    fn basic_auth_accepts_any_configured_pair_and_a_lower_case_scheme() {
        let credentials = with_basic(&[("fa", "one"), ("fa", "two")]);
        for value in [basic("fa:one"), basic("fa:two")] {
            let mut headers = HeaderMap::new();
            headers.insert(AUTHORIZATION, value);
            assert_eq!(credentials.check(&headers), Ok(()));
        }
        let mut headers = HeaderMap::new();
        let lower = format!("basic {}", STANDARD.encode("fa:one"));
        headers.insert(AUTHORIZATION, HeaderValue::try_from(lower).unwrap());
        assert_eq!(credentials.check(&headers), Ok(()));
    }

    #[test]
    fn a_password_with_colons_is_split_at_the_first_colon() {
        let credentials = with_basic(&[("fa", "p:a:ss")]);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, basic("fa:p:a:ss"));
        assert_eq!(credentials.check(&headers), Ok(()));
    }

    #[test]
    fn malformed_basic_auth_says_why() {
        let credentials = with_basic(&[("fa", "pw")]);
        let cases = [
            (HeaderValue::from_static("Basic !!!"), "invalid base64"),
            (basic("no-colon"), "no colon between username and password"),
            (
                HeaderValue::from_static("Bearer abc"),
                "scheme is not Basic",
            ),
            (HeaderValue::from_static("Basic"), "no scheme"),
            (HeaderValue::from_static("Basic //79"), "not UTF-8"),
        ];
        for (value, why) in cases {
            let mut headers = HeaderMap::new();
            headers.insert(AUTHORIZATION, value);
            assert_eq!(
                credentials.check(&headers),
                Err(AuthFailure::MalformedBasic(why))
            );
        }
    }

    #[test]
    fn wrong_user_or_password_fails_alike() {
        let credentials = with_basic(&[("fa", "pw")]);
        for value in [basic("fa:pW"), basic("fA:pw"), basic("fa:pw "), basic(":")] {
            let mut headers = HeaderMap::new();
            headers.insert(AUTHORIZATION, value);
            assert_eq!(credentials.check(&headers), Err(AuthFailure::WrongBasic));
        }
    }

    #[test]
    fn debug_never_shows_a_secret() {
        let mut credentials = with_basic(&[("fa-user", "hunter2")]);
        credentials.add_header(AUTHORIZATION, b"api-key-123");
        let shown = format!("{credentials:?}");
        for secret in ["fa-user", "hunter2", "api-key-123"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("REDACTED"));
    }
}
