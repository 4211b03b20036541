//! How the CLI reaches a receiver: its credentials and signature, as
//! FusionAuth would send them.

use std::path::{Path, PathBuf};

use clap::Args;
use fusionauth_webhooks::env::{self, Env};
use fusionauth_webhooks::signature::Algorithm;
use fusionauth_webhooks::signature::Signer;
use fusionauth_webhooks_client::receiver::Credentials;
use fusionauth_webhooks_client::workflows::DeliveryTarget;

use crate::exit::Failure;

/// How to authenticate and sign requests to a receiver, as FusionAuth
/// would. Every secret also comes from the variable the receiver reads, or a
/// file: prefer those, since arguments are visible to other users in the
/// process list.
#[derive(Debug, Args)]
pub(crate) struct DeliveryArgs {
    /// The receiver's `Authorization` header value. Prefer the environment
    /// variable or --key-file: arguments show in the process list.
    #[arg(
        long = "key",
        env = env::FUSIONAUTH_WEBHOOK_API_KEY,
        hide_env_values = true,
        conflicts_with = "key_file"
    )]
    pub(crate) key: Option<String>,
    /// A file holding the receiver's `Authorization` header value.
    #[arg(long, value_name = "FILE")]
    pub(crate) key_file: Option<PathBuf>,
    /// HTTP basic auth, `USER:PASSWORD`. Prefer --basic-user with the
    /// environment variable FUSIONAUTH_WEBHOOK_BASIC_PASSWORD or
    /// --basic-password-file: arguments show in the process list.
    #[arg(long, value_name = "USER:PASSWORD", conflicts_with_all = ["basic_user", "basic_password_file"])]
    pub(crate) basic: Option<String>,
    /// The basic-auth username.
    #[arg(long, env = env::FUSIONAUTH_WEBHOOK_BASIC_USER, value_name = "USER")]
    pub(crate) basic_user: Option<String>,
    /// The basic-auth password (from the environment variable only: an
    /// argument would show in the process list).
    #[arg(long, env = env::FUSIONAUTH_WEBHOOK_BASIC_PASSWORD, hide_env_values = true, hide = true)]
    pub(crate) basic_password: Option<String>,
    /// A file holding the basic-auth password.
    #[arg(long, value_name = "FILE", conflicts_with = "basic_password")]
    pub(crate) basic_password_file: Option<PathBuf>,
    /// Another header to send, `Name=value` (repeatable). For secrets prefer
    /// FUSIONAUTH_WEBHOOK_HEADERS (`Name=value;Other=value`) or
    /// --headers-file: arguments show in the process list.
    #[arg(long = "header", value_name = "NAME=VALUE")]
    pub(crate) headers: Vec<String>,
    /// A file of headers to send, `Name=value`, one a line.
    #[arg(long, value_name = "FILE")]
    pub(crate) headers_file: Option<PathBuf>,
    /// Sign with this HMAC secret (HS256). Prefer the environment variable or
    /// --hmac-secret-file: arguments show in the process list.
    #[arg(
        long,
        env = env::FUSIONAUTH_WEBHOOK_HMAC_SECRET,
        hide_env_values = true,
        conflicts_with_all = ["signing_key", "hmac_secret_file"]
    )]
    pub(crate) hmac_secret: Option<String>,
    /// A file holding the HMAC secret to sign with.
    #[arg(long, value_name = "FILE", conflicts_with = "signing_key")]
    pub(crate) hmac_secret_file: Option<PathBuf>,
    /// Sign with this private key (PEM file: RSA, EC or Ed25519).
    #[arg(long, value_name = "PEM")]
    pub(crate) signing_key: Option<PathBuf>,
    /// The `kid` to put in the signature (the Key Master key's kid).
    #[arg(long, env = env::FUSIONAUTH_WEBHOOK_HMAC_KID, default_value = "fusionauth-webhooks-cli")]
    pub(crate) kid: String,
    /// The signing algorithm (default: from the key; e.g. RS384, ES384, HS512).
    #[arg(long)]
    pub(crate) alg: Option<String>,
}

impl DeliveryArgs {
    /// The credentials: from the receiver's environment variables, then files, then arguments.
    fn credentials(&self) -> Result<Credentials, Failure> {
        let mut credentials = Credentials::from_env()?;
        if let Some(key) = self.key.clone().or(read_secret(self.key_file.as_deref())?) {
            credentials.api_key = Some(key);
        }
        let password = self
            .basic_password
            .clone()
            .or(read_secret(self.basic_password_file.as_deref())?);
        match (&self.basic, &self.basic_user, password) {
            (Some(basic), _, _) => {
                let (user, password) = basic
                    .split_once(':')
                    .ok_or_else(|| Failure::usage("--basic expects USER:PASSWORD"))?;
                credentials.basic_auth = Some((user.to_owned(), password.to_owned()));
            }
            (None, Some(user), Some(password)) => {
                credentials.basic_auth = Some((user.clone(), password));
            }
            (None, Some(_), None) => {
                return Err(Failure::usage(format!(
                    "--basic-user needs a password: set {} or --basic-password-file",
                    env::FUSIONAUTH_WEBHOOK_BASIC_PASSWORD
                )));
            }
            (None, None, Some(_)) => {
                return Err(Failure::usage(
                    "a basic-auth password needs --basic-user (or FUSIONAUTH_WEBHOOK_BASIC_USER)",
                ));
            }
            (None, None, None) => {}
        }
        if let Some(text) = read_secret(self.headers_file.as_deref())? {
            credentials.headers.extend(parse_headers(&text)?);
        }
        for header in &self.headers {
            let (name, value) = header
                .split_once('=')
                .ok_or_else(|| Failure::usage("--header expects NAME=VALUE"))?;
            credentials
                .headers
                .push((name.to_owned(), value.to_owned()));
        }
        Ok(credentials)
    }

    pub(crate) fn target(&self, url: &str) -> Result<DeliveryTarget, Failure> {
        let mut target = DeliveryTarget::new(url)?.credentials(self.credentials()?)?;
        let alg = match &self.alg {
            Some(name) => Some(
                Algorithm::from_name(name)
                    .ok_or_else(|| Failure::usage(format!("unknown algorithm {name}")))?,
            ),
            None => None,
        };
        let secret = self
            .hmac_secret
            .clone()
            .or(read_secret(self.hmac_secret_file.as_deref())?);
        if let Some(secret) = secret {
            let signer = match alg {
                Some(alg) => Signer::private_key_pem(&self.kid, secret.as_bytes(), Some(alg)),
                None => Ok(Signer::hmac(&self.kid, secret)),
            };
            target = target.signer(signer.map_err(|error| Failure::usage(error.to_string()))?);
        } else if let Some(path) = &self.signing_key {
            let pem = std::fs::read(path).map_err(|error| {
                Failure::usage(format!("cannot read {}: {error}", path.display()))
            })?;
            let signer = Signer::private_key_pem(&self.kid, &pem, alg)
                .map_err(|error| Failure::usage(format!("{}: {error}", path.display())))?;
            target = target.signer(signer);
        }
        Ok(target)
    }
}

/// A secret from a file, without the final line break an editor leaves.
pub(crate) fn read_secret(path: Option<&Path>) -> Result<Option<String>, Failure> {
    let Some(path) = path else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path)
        .map_err(|error| Failure::usage(format!("cannot read {}: {error}", path.display())))?;
    let text = text.strip_suffix('\n').unwrap_or(&text);
    Ok(Some(text.strip_suffix('\r').unwrap_or(text).to_owned()))
}

/// `Name=value` pairs, one a line or separated by `;`, as in FUSIONAUTH_WEBHOOK_HEADERS.
fn parse_headers(text: &str) -> Result<Vec<(String, String)>, Failure> {
    let vars = |name: &str| (name == env::FUSIONAUTH_WEBHOOK_HEADERS).then(|| text.to_owned());
    Env::from_fn(&vars)
        .headers(env::FUSIONAUTH_WEBHOOK_HEADERS)
        .map_err(|_| Failure::usage("--headers-file expects `Name=value` lines"))
}
