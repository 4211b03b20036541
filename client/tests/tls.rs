//! TLS: the system's roots, plus a given CA for a FusionAuth behind a private CA.

use std::net::SocketAddr;
use std::sync::Arc;

use fusionauth_webhooks_client::{Error, FusionAuthClient};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A test CA and a certificate it issued for `localhost` and `127.0.0.1` (EC P-256, valid for 100 years).
const CA_PEM: &str = include_str!("fixtures/ca.pem");
const SERVER_PEM: &str = include_str!("fixtures/server.pem");
const SERVER_KEY: &str = include_str!("fixtures/server.key");
const JWKS: &str = r#"{"keys":[]}"#;

/// An HTTPS server that answers every request with an empty JWKS.
async fn https_server() -> SocketAddr {
    let certs = CertificateDer::pem_slice_iter(SERVER_PEM.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(SERVER_KEY.as_bytes()).unwrap();
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("the https server could not bind a port");
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake: nothing to answer.
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let mut request = Vec::new();
                let mut buffer = [0; 1024];
                while !request.windows(4).any(|window| window == b"\r\n\r\n") {
                    match tls.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(read) => request.extend_from_slice(&buffer[..read]),
                    }
                }
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{JWKS}",
                    JWKS.len()
                );
                let _ = tls.write_all(response.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    address
}

#[tokio::test]
async fn a_private_ca_is_trusted_when_given_and_refused_otherwise() {
    let address = https_server().await;
    let url = format!("https://localhost:{}", address.port());

    let with_ca = FusionAuthClient::builder(&url)
        .ca_pem(CA_PEM)
        .build()
        .unwrap();
    assert!(with_ca.fetch_jwks().await.unwrap().keys.is_empty());

    let only_ca = FusionAuthClient::builder(&url)
        .ca_pem(CA_PEM)
        .only_given_ca()
        .build()
        .unwrap();
    assert!(only_ca.fetch_jwks().await.unwrap().keys.is_empty());

    let system_roots = FusionAuthClient::builder(&url).build().unwrap();
    match system_roots.fetch_jwks().await {
        Err(Error::Connection(message)) => assert!(message.contains("certificate"), "{message}"),
        other => panic!("expected the unknown CA to be refused, got {other:?}"),
    }
}
