//! Inputs, fixtures and oracles shared by the fuzz targets and the seed
//! generator.
//!
//! Each structured input implements [`arbitrary::Arbitrary`] by hand with a
//! simple length-prefixed layout (rather than a derive, whose byte layout
//! is an implementation detail of `arbitrary`), so that the seed generator
//! can write real requests with [`WebhookInput::encode`] and friends, and
//! libFuzzer mutates from there.

use std::sync::LazyLock;

use arbitrary::{Arbitrary, Unstructured};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use fusionauth_webhooks::signature::Algorithm;
use fusionauth_webhooks::testing::signing::TestSigner;
use fusionauth_webhooks::{Event, HandlerError, Router, SignatureVerifier, Webhook};
use http::{HeaderName, HeaderValue, Method, Request, Response};

/// The API key the `ApiKey` configuration requires.
pub const API_KEY: &str = "fuzz-api-key-0123456789abcdef";
/// The custom header (and value) the `Headers` configuration also requires.
pub const CUSTOM_HEADER: (&str, &str) = ("x-fuzz-secret", "fuzz-header-secret");
/// The basic-auth pair the `Basic` configuration requires.
pub const BASIC: (&str, &str) = ("fusionauth", "fuzz-basic-password");

/// How the webhook under test is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Config {
    /// `Authorization: <API_KEY>`.
    ApiKey,
    /// Basic auth with [`BASIC`].
    Basic,
    /// A signature (HMAC, Ed25519 and ES256 keys) and nothing else.
    Signature,
    /// An API key, a custom header and a signature.
    Everything,
}

impl Config {
    /// Every configuration, in encoding order.
    pub const ALL: [Config; 4] = [
        Config::ApiKey,
        Config::Basic,
        Config::Signature,
        Config::Everything,
    ];
}

/// The methods a request can have (the last is an extension method).
pub const METHODS: [&str; 8] = [
    "POST", "GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "FUZZ",
];

/// Header names a request can carry; a kind past the end takes its name
/// from the input.
pub const HEADER_NAMES: [&str; 10] = [
    "authorization",
    "content-type",
    "content-length",
    "x-fusionauth-signature-jwt",
    "x-fuzz-secret",
    "transfer-encoding",
    "content-encoding",
    "expect",
    "host",
    "user-agent",
];

/// One request to `Webhook::handle`: configuration, method, headers, body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookInput {
    /// The webhook's configuration.
    pub config: Config,
    /// Index into [`METHODS`].
    pub method: u8,
    /// `(name, value)`: a name in [`HEADER_NAMES`] or any bytes.
    pub headers: Vec<(HeaderKind, Vec<u8>)>,
    /// The body (the rest of the input).
    pub body: Vec<u8>,
}

/// A header name: a known one by index, or arbitrary bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeaderKind {
    /// Index into [`HEADER_NAMES`].
    Known(u8),
    /// Any bytes (most are not a valid header name and are dropped).
    Other(Vec<u8>),
}

const MAX_HEADERS: u8 = 12;

impl<'a> Arbitrary<'a> for WebhookInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let config = Config::ALL[usize::from(u.arbitrary::<u8>()?) % Config::ALL.len()];
        let method = u.arbitrary::<u8>()? % METHODS.len() as u8;
        let count = u.arbitrary::<u8>()? % (MAX_HEADERS + 1);
        let mut headers = Vec::with_capacity(usize::from(count));
        for _ in 0..count {
            let kind = u.arbitrary::<u8>()?;
            let kind = if usize::from(kind) < HEADER_NAMES.len() {
                HeaderKind::Known(kind)
            } else {
                HeaderKind::Other(short_bytes(u)?)
            };
            headers.push((kind, short_bytes(u)?));
        }
        let body = u.bytes(u.len())?.to_vec();
        Ok(WebhookInput {
            config,
            method,
            headers,
            body,
        })
    }

    fn arbitrary_take_rest(mut u: Unstructured<'a>) -> arbitrary::Result<Self> {
        Self::arbitrary(&mut u)
    }
}

impl WebhookInput {
    /// The bytes that [`Arbitrary`] decodes back into this input.
    pub fn encode(&self) -> Vec<u8> {
        let config = Config::ALL.iter().position(|c| *c == self.config);
        let mut out = vec![config.unwrap_or(0) as u8, self.method];
        out.push(self.headers.len() as u8);
        for (kind, value) in &self.headers {
            match kind {
                HeaderKind::Known(index) => out.push(*index),
                HeaderKind::Other(name) => {
                    out.push(u8::MAX);
                    put_short_bytes(&mut out, name);
                }
            }
            put_short_bytes(&mut out, value);
        }
        out.extend_from_slice(&self.body);
        out
    }

    /// The HTTP request (header names and values that HTTP cannot carry are
    /// left out, as a server would never deliver them).
    pub fn request(&self) -> Request<Bytes> {
        let mut request = Request::new(Bytes::from(self.body.clone()));
        *request.method_mut() =
            Method::from_bytes(METHODS[usize::from(self.method)].as_bytes()).expect("valid method");
        for (kind, value) in &self.headers {
            let name = match kind {
                HeaderKind::Known(index) => {
                    HeaderName::from_static(HEADER_NAMES[usize::from(*index)])
                }
                HeaderKind::Other(name) => match HeaderName::from_bytes(name) {
                    Ok(name) => name,
                    Err(_) => continue,
                },
            };
            if let Ok(value) = HeaderValue::from_bytes(value) {
                request.headers_mut().append(name, value);
            }
        }
        request
    }
}

/// A byte string of at most 255 bytes: a length byte, then the bytes.
fn short_bytes(u: &mut Unstructured<'_>) -> arbitrary::Result<Vec<u8>> {
    let len = usize::from(u.arbitrary::<u8>()?).min(u.len());
    Ok(u.bytes(len)?.to_vec())
}

fn put_short_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    let bytes = &bytes[..bytes.len().min(255)];
    out.push(bytes.len() as u8);
    out.extend_from_slice(bytes);
}

/// A signature header and a body, for the verifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenInput {
    /// The header value (lossily UTF-8, as `HeaderValue::to_str` would refuse it otherwise).
    pub token: Vec<u8>,
    /// The body the token claims to cover.
    pub body: Vec<u8>,
}

impl<'a> Arbitrary<'a> for TokenInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let len = usize::from(u.arbitrary::<u16>()?).min(u.len());
        let token = u.bytes(len)?.to_vec();
        Ok(TokenInput {
            token,
            body: u.bytes(u.len())?.to_vec(),
        })
    }

    fn arbitrary_take_rest(mut u: Unstructured<'a>) -> arbitrary::Result<Self> {
        Self::arbitrary(&mut u)
    }
}

impl TokenInput {
    /// The bytes that [`Arbitrary`] decodes back into this input.
    pub fn encode(&self) -> Vec<u8> {
        let len = self.token.len().min(usize::from(u16::MAX));
        // `Unstructured` reads integers little-endian.
        let mut out = (len as u16).to_le_bytes().to_vec();
        out.extend_from_slice(&self.token[..len]);
        out.extend_from_slice(&self.body);
        out
    }
}

/// The signers whose keys the fuzzed verifier trusts.
pub fn signers() -> Vec<TestSigner> {
    vec![
        TestSigner::new(Algorithm::HS256),
        TestSigner::new(Algorithm::Ed25519),
        TestSigner::new(Algorithm::ES256),
    ]
}

/// A verifier trusting every key of [`signers`].
pub static VERIFIER: LazyLock<SignatureVerifier> = LazyLock::new(|| {
    let mut builder = SignatureVerifier::builder();
    for signer in signers() {
        builder = match signer.hmac_secret() {
            Some(secret) => builder.hmac(signer.kid(), secret),
            None => {
                builder.public_key_pem(signer.kid(), signer.public_key_pem().unwrap_or_default())
            }
        };
    }
    builder
        .build()
        .expect("the test signers' keys make a verifier")
});

/// A router whose handlers always succeed, after parsing the typed payload
/// (so a fuzzed event goes through every payload type's deserializer).
fn router() -> Router {
    Router::new().on_any(|event: Event| async move {
        // The typed payload may legitimately fail to parse; it must not panic.
        let _ = event.payload();
        Ok::<(), HandlerError>(())
    })
}

/// The webhook for each configuration.
pub static WEBHOOKS: LazyLock<Vec<Webhook>> = LazyLock::new(|| {
    Config::ALL
        .iter()
        .map(|config| {
            let builder = Webhook::builder().router(router()).max_body_size(64 * 1024);
            let builder = match config {
                Config::ApiKey => builder.api_key(API_KEY),
                Config::Basic => builder.basic_auth(BASIC.0, BASIC.1),
                Config::Signature => builder.signature(VERIFIER.clone()),
                Config::Everything => builder
                    .api_key(API_KEY)
                    .require_header(CUSTOM_HEADER.0, CUSTOM_HEADER.1)
                    .signature(VERIFIER.clone()),
            };
            builder
                .build()
                .expect("fuzz webhook configuration is valid")
        })
        .collect()
});

/// A single-threaded runtime, for handlers that spawn.
pub static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
});

/// Sends `input` to its webhook and checks the response.
///
/// # Panics
///
/// When the answer breaks a rule: a 5xx (no handler ever fails here), or a
/// 2xx to a request whose credentials are not right.
pub fn check_webhook(input: &WebhookInput) {
    let request = input.request();
    let headers = request.headers().clone();
    let webhook = &WEBHOOKS[Config::ALL
        .iter()
        .position(|c| *c == input.config)
        .unwrap_or(0)];
    let response: Response<Bytes> = RUNTIME.block_on(webhook.handle(request));
    let status = response.status();
    assert!(
        !status.is_server_error(),
        "5xx ({status}) although no handler fails: {input:?}"
    );
    if status.is_success() {
        assert_eq!(
            headers.get_all(http::header::CONTENT_TYPE).iter().count(),
            1
        );
        let authorization = single(&headers, "authorization");
        match input.config {
            Config::ApiKey => assert_eq!(authorization, Some(API_KEY.as_bytes())),
            Config::Basic => assert!(
                authorization.is_some_and(is_right_basic),
                "2xx with wrong basic credentials: {input:?}"
            ),
            Config::Signature => assert!(VERIFIER.verify(&headers, &input.body).is_ok()),
            Config::Everything => {
                assert_eq!(authorization, Some(API_KEY.as_bytes()));
                assert_eq!(
                    single(&headers, CUSTOM_HEADER.0),
                    Some(CUSTOM_HEADER.1.as_bytes())
                );
                assert!(VERIFIER.verify(&headers, &input.body).is_ok());
            }
        }
    }
}

fn single<'h>(headers: &'h http::HeaderMap, name: &str) -> Option<&'h [u8]> {
    let mut values = headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (Some(value), None) => Some(value.as_bytes()),
        _ => None,
    }
}

/// Whether an `Authorization` value carries exactly [`BASIC`] (decoded
/// independently of the SDK: scheme, one space or more, Base64).
pub fn is_right_basic(value: &[u8]) -> bool {
    let Some(space) = value.iter().position(|&b| b == b' ') else {
        return false;
    };
    let (scheme, encoded) = value.split_at(space);
    scheme.eq_ignore_ascii_case(b"basic")
        && STANDARD
            .decode(encoded.trim_ascii())
            .is_ok_and(|decoded| decoded == format!("{}:{}", BASIC.0, BASIC.1).as_bytes())
}

/// `Authorization: Basic base64(username:password)`.
pub fn basic_header(username: &str, password: &str) -> String {
    format!(
        "Basic {}",
        STANDARD.encode(format!("{username}:{password}"))
    )
}
