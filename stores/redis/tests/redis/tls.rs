//! `rediss://` against a real redis-server started with TLS: a private CA,
//! client certificates required, certificates generated here.

use std::path::Path;

use fusionauth_webhooks_redis::testing::{RedisServer, TlsFiles};
use fusionauth_webhooks_redis::{RedisConfig, RedisQueue, RedisStore, TlsConfig};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};

/// A private CA and what it signed, as PEM.
struct Certificates {
    ca: String,
    server: (String, String),
    client: (String, String),
}

/// A CA, a server certificate for `server_name`, and a client certificate.
fn certificates(server_name: &str) -> Certificates {
    let ca_key = KeyPair::generate().expect("key");
    let mut ca_params = CertificateParams::new(Vec::new()).expect("params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    // Distinct names: a leaf named like its issuer looks self-signed to OpenSSL.
    ca_params.distinguished_name = DistinguishedName::new();
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "fusionauth-webhooks test CA");
    let ca = ca_params
        .self_signed(&ca_key)
        .expect("CA certificate")
        .pem();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf = |names: Vec<String>, usage| {
        let key = KeyPair::generate().expect("key");
        let mut params = CertificateParams::new(names.clone()).expect("params");
        params.distinguished_name = DistinguishedName::new();
        params
            .distinguished_name
            .push(DnType::CommonName, names[0].as_str());
        params.extended_key_usages = vec![usage];
        let certificate = params.signed_by(&key, &issuer).expect("signed");
        (certificate.pem(), key.serialize_pem())
    };
    Certificates {
        ca,
        server: leaf(
            vec![server_name.to_owned()],
            ExtendedKeyUsagePurpose::ServerAuth,
        ),
        client: leaf(
            vec!["worker".to_owned()],
            ExtendedKeyUsagePurpose::ClientAuth,
        ),
    }
}

fn tls_redis(certificates: &Certificates, dir: &Path) -> RedisServer {
    let write = |name: &str, pem: &str| {
        let path = dir.join(name);
        std::fs::write(&path, pem).expect("write a PEM file");
        path
    };
    let files = TlsFiles {
        certificate: write("server.pem", &certificates.server.0),
        key: write("server.key", &certificates.server.1),
        ca: write("ca.pem", &certificates.ca),
        require_client_certificates: true,
    };
    RedisServer::builder()
        .tls(files)
        .start()
        .unwrap_or_else(|error| panic!("this test needs redis-server with TLS: {error}"))
}

fn config(server: &RedisServer, tls: TlsConfig) -> RedisConfig {
    RedisConfig::new(server.tls_url().expect("a TLS port"), "tls-test")
        .expect("config")
        .tls(tls)
}

fn trusted(certificates: &Certificates) -> TlsConfig {
    TlsConfig::new()
        .ca_pem(certificates.ca.clone())
        .client_certificate_pem(certificates.client.0.clone(), certificates.client.1.clone())
}

#[tokio::test]
async fn the_store_and_the_queue_keep_their_contracts_over_tls_with_a_client_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let certificates = certificates("127.0.0.1");
    let server = tls_redis(&certificates, dir.path());
    let config = config(&server, trusted(&certificates));
    let store = RedisStore::connect(&config)
        .await
        .expect("a TLS connection");
    fusionauth_webhooks::testing::dedup_store_suite(&store).await;
    let queue = RedisQueue::connect(&config, "worker")
        .await
        .expect("a TLS connection");
    fusionauth_webhooks::testing::queue_suite(&queue).await;
}

#[tokio::test]
async fn a_client_without_a_certificate_is_refused_by_a_server_that_requires_one() {
    let dir = tempfile::tempdir().unwrap();
    let certificates = certificates("127.0.0.1");
    let server = tls_redis(&certificates, dir.path());
    let config = config(&server, TlsConfig::new().ca_pem(certificates.ca.clone()));
    let refused = RedisStore::connect(&config).await;
    let error = refused.expect_err("connected without a client certificate");
    assert!(error.to_string().contains("Certificate"), "{error}");
}

#[tokio::test]
async fn a_server_whose_certificate_the_private_ca_did_not_sign_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let certificates = certificates("127.0.0.1");
    let server = tls_redis(&certificates, dir.path());
    let other = certificates_of_another_ca();
    let tls = TlsConfig::new()
        .ca_pem(other)
        .client_certificate_pem(certificates.client.0.clone(), certificates.client.1.clone());
    let refused = RedisStore::connect(&config(&server, tls)).await;
    let error = refused.expect_err("connected to a server no trusted CA signed");
    assert!(error.to_string().contains("certificate"), "{error}");
}

#[tokio::test]
async fn a_server_certificate_for_another_name_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let certificates = certificates("redis.internal.example");
    let server = tls_redis(&certificates, dir.path());
    let refused = RedisStore::connect(&config(&server, trusted(&certificates))).await;
    let error = refused.expect_err("connected to 127.0.0.1 with a certificate for another name");
    assert!(error.to_string().contains("certificate"), "{error}");
}

fn certificates_of_another_ca() -> String {
    certificates("127.0.0.1").ca
}
