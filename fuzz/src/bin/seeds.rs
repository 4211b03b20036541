//! Writes the seed corpora (`fuzz/seeds/<target>/`) from the project's
//! fixtures: the event bodies of `tests/fixtures/events`, the samples of
//! every event type, signed requests from the test signers and the JWKS of
//! `tests/fixtures/signature/vectors.json`.
//!
//! Run from `fuzz/`: `cargo run --bin seeds` (`run.sh` does it when a seed
//! directory is missing).

use std::fs;
use std::path::{Path, PathBuf};

use fusionauth_webhooks::EventType;
use fusionauth_webhooks::signature::Algorithm;
use fusionauth_webhooks::samples;
use fusionauth_webhooks::testing::signing::TestSigner;
use fusionauth_webhooks_fuzz::{
    API_KEY, BASIC, CUSTOM_HEADER, Config, HEADER_NAMES, HeaderKind, TokenInput, WebhookInput,
    basic_header, signers,
};

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fixtures = root.join("../tests/fixtures");
    let seeds = root.join("seeds");

    let mut bodies: Vec<Vec<u8>> = Vec::new();
    let mut files: Vec<PathBuf> = fs::read_dir(fixtures.join("events"))
        .expect("tests/fixtures/events")
        .map(|entry| entry.expect("fixture entry").path())
        .collect();
    files.sort();
    for file in files {
        bodies.push(fs::read(file).expect("fixture body"));
    }
    for event_type in EventType::ALL {
        bodies.push(samples::body(*event_type).to_vec());
    }
    write_all(&seeds.join("event_parse"), bodies.iter().cloned());

    let body = samples::body(EventType::UserCreate).to_vec();
    write_all(
        &seeds.join("webhook_handle"),
        webhook_inputs(&body, &bodies),
    );
    write_all(&seeds.join("basic_auth"), basic_values());
    write_all(&seeds.join("signature_header"), token_inputs(&body));

    let vectors: serde_json::Value = serde_json::from_slice(
        &fs::read(fixtures.join("signature/vectors.json")).expect("vectors.json"),
    )
    .expect("vectors.json is JSON");
    let jwks = &vectors["jwks"];
    let mut documents = vec![jwks.to_string().into_bytes()];
    for key in jwks["keys"].as_array().expect("a JWKS has keys") {
        documents.push(
            serde_json::json!({ "keys": [key] })
                .to_string()
                .into_bytes(),
        );
    }
    write_all(&seeds.join("jwks"), documents);
}

fn header(name: &str, value: &str) -> (HeaderKind, Vec<u8>) {
    let kind = match HEADER_NAMES.iter().position(|known| *known == name) {
        Some(index) => HeaderKind::Known(index as u8),
        None => HeaderKind::Other(name.as_bytes().to_vec()),
    };
    (kind, value.as_bytes().to_vec())
}

fn webhook_inputs(body: &[u8], bodies: &[Vec<u8>]) -> Vec<Vec<u8>> {
    let json = header("content-type", "application/json");
    let api_key = header("authorization", API_KEY);
    let basic = header("authorization", &basic_header(BASIC.0, BASIC.1));
    let custom = header(CUSTOM_HEADER.0, CUSTOM_HEADER.1);
    let input = |config, method, headers: Vec<(HeaderKind, Vec<u8>)>, body: &[u8]| WebhookInput {
        config,
        method,
        headers,
        body: body.to_vec(),
    };
    let mut inputs = vec![
        input(Config::ApiKey, 0, vec![api_key.clone(), json.clone()], body),
        input(Config::Basic, 0, vec![basic.clone(), json.clone()], body),
        input(Config::ApiKey, 1, vec![api_key.clone(), json.clone()], body),
        input(Config::ApiKey, 0, vec![api_key.clone()], body),
        input(
            Config::ApiKey,
            0,
            vec![
                api_key.clone(),
                header("content-type", "application/json; charset=utf-8"),
            ],
            body,
        ),
        input(
            Config::ApiKey,
            0,
            vec![
                api_key.clone(),
                json.clone(),
                header("content-length", "99999999"),
            ],
            body,
        ),
        input(
            Config::ApiKey,
            0,
            vec![api_key.clone(), json.clone()],
            b"{}",
        ),
    ];
    // Every event type through a webhook that lets it reach the handlers.
    for event in bodies {
        inputs.push(input(
            Config::ApiKey,
            0,
            vec![api_key.clone(), json.clone()],
            event,
        ));
    }
    for signer in signers() {
        let signature = header("x-fusionauth-signature-jwt", &signer.sign(body));
        inputs.push(input(
            Config::Signature,
            0,
            vec![signature.clone(), json.clone()],
            body,
        ));
        inputs.push(input(
            Config::Everything,
            0,
            vec![api_key.clone(), custom.clone(), signature, json.clone()],
            body,
        ));
    }
    inputs.iter().map(WebhookInput::encode).collect()
}

fn basic_values() -> Vec<Vec<u8>> {
    [
        basic_header(BASIC.0, BASIC.1),
        basic_header(BASIC.0, "wrong"),
        basic_header("", BASIC.1),
        basic_header(&format!("{}:", BASIC.0), BASIC.1),
        basic_header(BASIC.0, BASIC.1).replacen("Basic", "basic", 1),
        basic_header(BASIC.0, BASIC.1).replacen(' ', "   ", 1),
        "Basic".to_owned(),
        "Bearer abc".to_owned(),
        format!("Basic {}:{}", BASIC.0, BASIC.1),
    ]
    .map(String::into_bytes)
    .to_vec()
}

fn token_inputs(body: &[u8]) -> Vec<Vec<u8>> {
    let mut all = signers();
    all.extend(
        [
            Algorithm::HS512,
            Algorithm::RS256,
            Algorithm::ES384,
            Algorithm::ES512,
        ]
        .map(TestSigner::new),
    );
    all.push(TestSigner::new(Algorithm::Ed25519).with_alg_name("EdDSA"));
    all.push(TestSigner::new(Algorithm::HS256).without_kid());
    all.iter()
        .map(|signer| {
            TokenInput {
                token: signer.sign(body).into_bytes(),
                body: body.to_vec(),
            }
            .encode()
        })
        .collect()
}

fn write_all(dir: &Path, inputs: impl IntoIterator<Item = Vec<u8>>) {
    fs::create_dir_all(dir).expect("seed directory");
    for (index, input) in inputs.into_iter().enumerate() {
        fs::write(dir.join(format!("seed-{index:03}")), input).expect("seed file");
    }
}
