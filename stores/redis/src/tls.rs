//! TLS settings for `rediss://` URLs (feature `tls`): rustls with a private
//! CA and a client certificate.

use std::fmt;

use crate::RedisConfig;

/// The certificates of a `rediss://` connection (PEM): the CA that signed the
/// server's certificate (else the system's roots), and a client certificate
/// with its key when the server requires one (`tls-auth-clients yes`).
///
/// The server's name is checked against the URL's host. TLS is rustls's
/// (with the `ring` provider unless the process installed another).
///
/// # Example
///
/// ```
/// use fusionauth_webhooks_redis::{RedisConfig, TlsConfig};
///
/// # let dir = tempfile::tempdir()?;
/// # for name in ["ca.pem", "client.pem", "client.key"] {
/// #     std::fs::write(dir.path().join(name), "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n")?;
/// # }
/// # let path = |name| dir.path().join(name);
/// let tls = TlsConfig::new()
///     .ca_pem(std::fs::read(path("ca.pem"))?)
///     .client_certificate_pem(std::fs::read(path("client.pem"))?, std::fs::read(path("client.key"))?);
/// let config = RedisConfig::new("rediss://redis.internal:6380/", "billing")?.tls(tls);
/// let shown = format!("{config:?}");
/// assert!(shown.contains("[REDACTED]") && !shown.contains("c2VjcmV0"), "no key in logs");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default)]
#[must_use]
pub struct TlsConfig {
    ca: Option<Vec<u8>>,
    client: Option<(Vec<u8>, Vec<u8>)>,
}

impl TlsConfig {
    /// Trust the system's roots, and present no client certificate.
    pub fn new() -> TlsConfig {
        TlsConfig::default()
    }

    /// Trust only this CA (one or more PEM certificates) for the server's certificate.
    pub fn ca_pem(mut self, pem: impl Into<Vec<u8>>) -> TlsConfig {
        self.ca = Some(pem.into());
        self
    }

    /// Present this client certificate (PEM chain) and its private key (PEM).
    pub fn client_certificate_pem(
        mut self,
        certificate: impl Into<Vec<u8>>,
        key: impl Into<Vec<u8>>,
    ) -> TlsConfig {
        self.client = Some((certificate.into(), key.into()));
        self
    }

    pub(crate) fn certificates(&self) -> redis::TlsCertificates {
        redis::TlsCertificates {
            client_tls: self.client.as_ref().map(|(client_cert, client_key)| {
                redis::ClientTlsConfig {
                    client_cert: client_cert.clone(),
                    client_key: client_key.clone(),
                }
            }),
            root_cert: self.ca.clone(),
        }
    }
}

impl RedisConfig {
    /// Connects with these certificates (the URLs must be `rediss://`).
    pub fn tls(mut self, tls: TlsConfig) -> RedisConfig {
        self.tls = Some(tls);
        self
    }
}

/// rustls needs a process-wide crypto provider; install ring's unless the
/// application installed one.
pub(crate) fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConfig")
            .field("ca", &self.ca.as_ref().map(|_| "[PEM]"))
            .field("client_certificate", &self.client.as_ref().map(|_| "[PEM]"))
            .field("client_key", &self.client.as_ref().map(|_| "[REDACTED]"))
            .finish()
    }
}
