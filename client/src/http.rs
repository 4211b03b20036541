//! What every HTTP exchange of the crate shares, with FusionAuth or with a
//! receiver: the reqwest client's redirect policy, a size limit on answers,
//! and URLs that never show their credentials.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use reqwest::redirect::{Attempt, Policy};

use crate::{ClientConfigError, Error};

/// How many redirects within one origin are followed.
const MAX_REDIRECTS: usize = 5;

/// A reqwest client that follows redirects only within the origin it was
/// sent to: a redirect elsewhere would re-send the API key or the
/// receiver's credentials, custom headers and the body (with personal data)
/// to another server. The redirect is then returned, and
/// [`refuse_redirect`] makes it an error.
pub(crate) fn client(connect_timeout: Duration, timeout: Duration) -> reqwest::ClientBuilder {
    install_crypto_provider();
    reqwest::Client::builder()
        .connect_timeout(connect_timeout)
        .timeout(timeout)
        .redirect(Policy::custom(same_origin_only))
        .referer(false)
}

fn same_origin_only(attempt: Attempt<'_>) -> reqwest::redirect::Action {
    let same = attempt
        .previous()
        .last()
        .is_some_and(|previous| previous.origin() == attempt.url().origin());
    if !same {
        attempt.stop()
    } else if attempt.previous().len() > MAX_REDIRECTS {
        attempt.error(format!("more than {MAX_REDIRECTS} redirects"))
    } else {
        attempt.follow()
    }
}

/// A redirect the policy did not follow, as [`Error::Redirected`].
pub(crate) fn refuse_redirect(response: &reqwest::Response) -> Result<(), Error> {
    if !response.status().is_redirection() {
        return Ok(());
    }
    let Some(location) = response
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|location| location.to_str().ok())
    else {
        return Ok(());
    };
    let to = response
        .url()
        .join(location)
        .map(|url| url.origin().ascii_serialization())
        .unwrap_or_else(|_| "an unreadable location".to_owned());
    Err(Error::Redirected {
        status: response.status().as_u16(),
        to,
    })
}

/// The body of `response`, refused without being read when it is (or
/// declares to be) larger than `limit` bytes.
pub(crate) async fn read_limited(
    response: reqwest::Response,
    limit: usize,
) -> Result<Bytes, Error> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(Error::ResponseTooLarge { limit });
    }
    match Limited::new(reqwest::Body::from(response), limit)
        .collect()
        .await
    {
        Ok(body) => Ok(body.to_bytes()),
        Err(error) if error.is::<LengthLimitError>() => Err(Error::ResponseTooLarge { limit }),
        Err(error) => Err(match error.downcast::<reqwest::Error>() {
            Ok(error) => Error::from_reqwest(&error),
            Err(error) => Error::Connection(error.to_string()),
        }),
    }
}

/// An absolute `http` or `https` URL without credentials in it: those would
/// show wherever the URL does (logs, `Debug`, the process list), and neither
/// FusionAuth's API (which takes the API key in `Authorization`) nor a
/// delivery (whose credentials are configured on their own) can use them.
pub(crate) fn parse_url(text: &str) -> Result<reqwest::Url, ClientConfigError> {
    let invalid = |reason: &str| ClientConfigError::InvalidUrl {
        url: without_credentials(text),
        reason: reason.to_owned(),
    };
    let url = reqwest::Url::parse(text.trim()).map_err(|_| invalid("not an absolute url"))?;
    if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
        return Err(invalid("not an http(s) url with a host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "it holds credentials (user:password@), which are not sent: give them on their own",
        ));
    }
    Ok(url)
}

/// `text` with anything between the scheme and an `@` of its authority
/// replaced, whether or not it parses as a URL.
pub(crate) fn without_credentials(text: &str) -> String {
    let start = text.find("://").map_or(0, |at| at + 3);
    let end = text[start..]
        .find(['/', '?', '#'])
        .map_or(text.len(), |at| start + at);
    match text[start..end].rfind('@') {
        Some(at) => format!(
            "{}[credentials]@{}",
            &text[..start],
            &text[start + at + 1..]
        ),
        None => text.to_owned(),
    }
}

/// reqwest is built without a crypto provider (so that aws-lc-rs, a large C
/// build, stays out): make ring the process default, unless the application
/// installed one already.
pub(crate) fn install_crypto_provider() {
    // `Err` means a provider is installed already, which is all we need.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_cut_from_urls_that_parse_and_from_those_that_do_not() {
        for (text, shown) in [
            (
                "https://admin:s3cr3t@auth.example.com/x?a=b",
                "https://[credentials]@auth.example.com/x?a=b",
            ),
            (
                "admin:s3cr3t@auth.example.com",
                "[credentials]@auth.example.com",
            ),
            ("ftp://a@b:s3cr3t@host/p@q", "ftp://[credentials]@host/p@q"),
            (
                "https://auth.example.com/p@q",
                "https://auth.example.com/p@q",
            ),
        ] {
            assert_eq!(without_credentials(text), shown);
        }
    }
}
