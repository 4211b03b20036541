//! Step 1: everything the request head can tell, before the body is read.

use http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use http::request::Parts;
use http::{HeaderMap, Method};

use super::{Inner, Outcome, body};
use crate::auth::BodyCheck;

/// A request refused on its head.
pub(super) struct Refusal {
    pub(super) outcome: Outcome,
    /// How much of the body to read and drop before answering: only for an
    /// authenticated sender whose body is declared somewhat too long (see
    /// [`body::drain_budget`]); an unauthenticated body is never read.
    pub(super) drain: Option<usize>,
}

impl From<Outcome> for Refusal {
    fn from(outcome: Outcome) -> Refusal {
        Refusal {
            outcome,
            drain: None,
        }
    }
}

/// Method (405), credentials and signature token (401), declared size (413),
/// content type (415), in that order: nothing about the request is looked
/// at closely before its sender is known.
pub(super) async fn check(inner: &Inner, head: &Parts) -> Result<BodyCheck, Refusal> {
    if head.method != Method::POST {
        return Err(Outcome::MethodNotAllowed.into());
    }
    let body_check = inner
        .auth
        .check_head(&head.headers)
        .await
        .map_err(Outcome::unauthorized)?;
    if let Some(length) = declared_length(&head.headers)
        && length > inner.max_body_size as u64
    {
        return Err(Refusal {
            outcome: Outcome::PayloadTooLarge,
            drain: Some(body::drain_budget(length, inner.max_body_size)).filter(|&n| n > 0),
        });
    }
    if !is_json_content_type(&head.headers) {
        let received = head.headers.get(CONTENT_TYPE).cloned();
        return Err(Outcome::UnsupportedMediaType { received }.into());
    }
    Ok(body_check)
}

/// The `Content-Length` the client declared, if it is a single number.
fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// `application/json`, case-insensitive, with parameters allowed; a charset
/// other than UTF-8 is refused, since JSON is UTF-8 (RFC 8259).
fn is_json_content_type(headers: &HeaderMap) -> bool {
    let mut values = headers.get_all(CONTENT_TYPE).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        return false;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    let mut parts = value.split(';');
    let essence = parts.next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return false;
    }
    parts.all(|parameter| match parameter.split_once('=') {
        Some((name, charset)) if name.trim().eq_ignore_ascii_case("charset") => {
            let charset = charset.trim().trim_matches('"');
            charset.eq_ignore_ascii_case("utf-8") || charset.eq_ignore_ascii_case("utf8")
        }
        _ => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn content_type(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn json_content_types_with_parameters_are_accepted() {
        for value in [
            "application/json",
            "Application/JSON",
            "application/json; charset=utf-8",
            "application/json;charset=\"UTF-8\"",
            "application/json; boundary=x",
        ] {
            assert!(is_json_content_type(&content_type(value)), "{value}");
        }
    }

    #[test]
    fn other_content_types_and_charsets_are_refused() {
        for value in [
            "text/plain",
            "application/jsonp",
            "application/x-www-form-urlencoded",
            "application/json; charset=iso-8859-1",
            "",
        ] {
            assert!(!is_json_content_type(&content_type(value)), "{value}");
        }
        assert!(!is_json_content_type(&HeaderMap::new()));
    }
}
