//! The errors of every call, and FusionAuth's `Errors` body.

use std::collections::BTreeMap;

use fusionauth_webhooks::env::EnvError;
use serde::{Deserialize, Serialize};

/// Why a call to FusionAuth failed.
///
/// ```
/// use fusionauth_webhooks_client::Error;
///
/// let error = Error::Server { status: 503 };
/// assert_eq!(error.to_string(), "fusionauth answered 503 (server error)");
/// assert!(Error::NotFound.is_not_found());
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 400: FusionAuth refused the request, with its field and general errors.
    #[error("fusionauth refused the request (400): {0}")]
    Validation(ApiErrors),
    /// 401: the API key is missing, wrong, or not allowed to make this call.
    #[error("fusionauth refused the api key (401)")]
    Unauthorized,
    /// 404: no object with that id.
    #[error("not found (404)")]
    NotFound,
    /// 5xx: FusionAuth failed (503 on a search: its search index is unavailable).
    #[error("fusionauth answered {status} (server error)")]
    Server {
        /// The status code.
        status: u16,
    },
    /// Another status than the API documents for this call.
    #[error("fusionauth answered an unexpected status {status}")]
    UnexpectedStatus {
        /// The status code.
        status: u16,
    },
    /// No answer within the client's timeout.
    #[error("fusionauth did not answer in time")]
    Timeout,
    /// FusionAuth could not be reached (DNS, refused connection, TLS); the
    /// message starts with the URL called (without its query).
    #[error("could not reach fusionauth at {0}")]
    Connection(String),
    /// A receiver ([`DeliveryTarget`](crate::workflows::DeliveryTarget)) could not be
    /// reached (DNS, refused connection, TLS) or did not answer in time.
    #[error(
        "could not reach the receiver at {url}: {reason} (is it running, and listening at that \
         address and path?)"
    )]
    ReceiverUnreachable {
        /// The receiver's URL.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The answer is larger than the client reads; it was not read.
    #[error(
        "the answer is larger than the limit of {limit} bytes and was not read \
         (raise the limit if such answers are expected)"
    )]
    ResponseTooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The server redirected to another origin, which is not followed: it
    /// would re-send the API key or the receiver's credentials and the body
    /// there.
    #[error(
        "the server answered {status} redirecting to {to}, another origin; redirects to another \
         origin are not followed (they would re-send the credentials and the body there): \
         use that url if it is the right one"
    )]
    Redirected {
        /// The redirect's status.
        status: u16,
        /// The origin (`scheme://host:port`) it led to.
        to: String,
    },
    /// The search matches more results than the client fetches in one go
    /// (or the server keeps sending full pages).
    #[error(
        "the search matches more than {maximum} results, the maximum fetched at once; narrow it \
         (a time range, an event type, the failed ones) or give a limit"
    )]
    TooManyResults {
        /// The maximum.
        maximum: usize,
    },
    /// The answer was not the JSON the API documents. The message names the
    /// JSON path and what was expected, never the value found (it may be a secret).
    #[error("unexpected body from fusionauth at `{path}`: {reason}")]
    UnexpectedBody {
        /// Where in the body, e.g. `webhook.connectTimeout`.
        path: String,
        /// What was wrong, e.g. `invalid type: string, expected u32`.
        reason: String,
    },
}

impl Error {
    /// Whether this is a 404.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound)
    }

    pub(crate) fn from_reqwest(error: &reqwest::Error) -> Error {
        if error.is_timeout() {
            return Error::Timeout;
        }
        Error::Connection(format!("{}: {}", called(error), causes(error)))
    }

    /// A receiver's failure: it is the receiver that was not reached.
    pub(crate) fn from_receiver(error: &reqwest::Error, url: &reqwest::Url) -> Error {
        let reason = if error.is_timeout() {
            "no answer in time".to_owned()
        } else {
            causes(error)
        };
        Error::ReceiverUnreachable {
            url: without_query(url),
            reason,
        }
    }

    /// A body that did not deserialize: the path, and serde's reason with any
    /// quoted value removed.
    pub(crate) fn unexpected_body(error: serde_path_to_error::Error<serde_json::Error>) -> Error {
        let path = error.path().to_string();
        Error::UnexpectedBody {
            path,
            reason: redact(&error.into_inner()),
        }
    }
}

/// The URL a failed request was sent to, without its query (which may hold
/// search text); credentials never are in it (refused when configured).
fn called(error: &reqwest::Error) -> String {
    error
        .url()
        .map_or_else(|| "the configured url".to_owned(), without_query)
}

fn without_query(url: &reqwest::Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

/// The chain of causes ("tcp connect error: Connection refused", a TLS
/// alert), without reqwest's own "error sending request for url (..)",
/// which repeats the URL with its query.
fn causes(error: &reqwest::Error) -> String {
    let mut message = String::new();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            if !message.is_empty() {
                message.push_str(": ");
            }
            message.push_str(&text);
        }
        source = cause.source();
    }
    if message.is_empty() {
        // No cause: reqwest's own message, its URL cut to the path.
        message = error.to_string();
        if let Some(url) = error.url() {
            message = message.replace(url.as_str(), url.path());
        }
    }
    message
}

/// serde_json's messages quote the value they found (`invalid type: string
/// "s3cr3t", expected u32`); keep only its kind.
fn redact(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let message = message.split(" at line ").next().unwrap_or_default();
    match message.split_once(": ") {
        Some((kind, rest)) if kind == "invalid type" || kind == "invalid value" => {
            let found = rest.split([' ', ',']).next().unwrap_or_default();
            let expected = rest.split_once(", expected ").map(|(_, e)| e).unwrap_or("");
            format!("{kind}: {found}, expected {expected}")
        }
        Some((kind, _)) if kind.starts_with("unknown variant") => "unknown variant".to_owned(),
        _ => message.to_owned(),
    }
}

/// FusionAuth's `Errors` body: errors by field (`webhook.url`) and general errors.
///
/// ```
/// use fusionauth_webhooks_client::ApiErrors;
///
/// let errors: ApiErrors = serde_json::from_str(
///     r#"{"fieldErrors":{"webhook.url":[{"code":"[blank]webhook.url","message":"Required"}]}}"#,
/// )?;
/// assert_eq!(errors.field_codes("webhook.url"), vec!["[blank]webhook.url"]);
/// assert_eq!(errors.to_string(), "webhook.url: [blank]webhook.url");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct ApiErrors {
    /// Errors by field name, e.g. `webhook.url`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub field_errors: BTreeMap<String, Vec<ErrorDetail>>,
    /// Errors about the request as a whole.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub general_errors: Vec<ErrorDetail>,
}

impl ApiErrors {
    /// The codes of one field's errors.
    pub fn field_codes(&self, field: &str) -> Vec<&str> {
        self.field_errors
            .get(field)
            .into_iter()
            .flatten()
            .map(|detail| detail.code.as_str())
            .collect()
    }
}

impl std::fmt::Display for ApiErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let fields = self.field_errors.iter().flat_map(|(field, details)| {
            details
                .iter()
                .map(move |detail| format!("{field}: {}", detail.code))
        });
        let general = self.general_errors.iter().map(|detail| detail.code.clone());
        let all: Vec<String> = fields.chain(general).collect();
        if all.is_empty() {
            f.write_str("no details given")
        } else {
            f.write_str(&all.join("; "))
        }
    }
}

/// One error of an [`ApiErrors`] body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorDetail {
    /// A machine-readable code, e.g. `[blank]webhook.url`.
    #[serde(default)]
    pub code: String,
    /// A sentence for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Details some errors carry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_type_mismatch_names_the_kinds_but_not_the_value() {
        let error = serde_json::from_str::<u32>(r#""s3cr3t""#).unwrap_err();
        let reason = redact(&error);
        assert!(!reason.contains("s3cr3t"), "{reason}");
        assert_eq!(reason, "invalid type: string, expected u32");
    }
}

/// A client configuration that cannot work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClientConfigError {
    /// The URL is not an absolute `http` or `https` URL, or holds
    /// credentials (`user:password@`), which are shown as `[credentials]`.
    #[error("the url {url} cannot be used: {reason}")]
    InvalidUrl {
        /// The URL, without any credentials it held.
        url: String,
        /// What is wrong.
        reason: String,
    },
    /// A header to send has a name or value HTTP cannot carry (the value is not shown).
    #[error("the header {name} cannot be sent: {reason}")]
    InvalidHeader {
        /// The header's name, as given.
        name: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The API key holds characters a header cannot carry.
    #[error("the api key is not a valid header value")]
    InvalidApiKey,
    /// A CA certificate is not PEM.
    #[error("the ca certificate is not valid pem: {0}")]
    InvalidCa(String),
    /// A CA file could not be read.
    #[error("could not read the ca certificate file {path}: {reason}")]
    UnreadableCa {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The TLS stack could not be set up.
    #[error("could not set up the http client: {0}")]
    Http(String),
    /// An environment variable is unset where required, or set to a value
    /// that cannot work (the core's [`env`](fusionauth_webhooks::env) rule).
    #[error(transparent)]
    Environment(#[from] EnvError),
}
