//! Where the command takes secrets from: the receiver's variables, files,
//! and arguments last; and what it refuses to send.

use super::*;

/// A receiver requiring basic auth, a gateway header and an HMAC signature.
async fn strict_receiver() -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let webhook = Webhook::builder()
        .router(Router::new().on_any(|_: Event| async { Ok(()) }))
        .basic_auth("fusionauth", "basic-password-9")
        .require_header("X-Gateway-Key", "gateway-secret-5")
        .signature(
            SignatureVerifier::builder()
                .hmac(Some(KID), SECRET)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    serve(webhook).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_takes_every_secret_from_the_receivers_environment_variables() {
    let (address, server) = strict_receiver().await;
    let to = format!("http://{address}/");
    let env = [
        ("FUSIONAUTH_WEBHOOK_BASIC_USER", "fusionauth"),
        ("FUSIONAUTH_WEBHOOK_BASIC_PASSWORD", "basic-password-9"),
        (
            "FUSIONAUTH_WEBHOOK_HEADERS",
            "X-Gateway-Key=gateway-secret-5",
        ),
        ("FUSIONAUTH_WEBHOOK_HMAC_SECRET", SECRET),
        ("FUSIONAUTH_WEBHOOK_HMAC_KID", KID),
    ];
    let (code, stdout, stderr) = run(&["send", "user.create", "--to", &to, "--json"], &env).await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(json_of(&stdout)["status"], 200);
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_and_the_fusionauth_api_key_take_secrets_from_files() {
    let (address, server) = strict_receiver().await;
    let to = format!("http://{address}/");
    let dir = std::env::temp_dir().join(format!(
        "fusionauth-webhooks-cli-secrets-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let file = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let password = file("basic-password", "basic-password-9\n");
    let headers = file("headers", "X-Gateway-Key=gateway-secret-5\n");
    let secret = file("hmac-secret", &format!("{SECRET}\n"));
    let args = [
        "send",
        "user.create",
        "--to",
        &to,
        "--basic-user",
        "fusionauth",
        "--basic-password-file",
        &password,
        "--headers-file",
        &headers,
        "--hmac-secret-file",
        &secret,
        "--kid",
        KID,
        "--json",
    ];
    let (code, stdout, stderr) = run(&args, &[]).await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(json_of(&stdout)["status"], 200);
    server.abort();

    let standin = standin().await;
    let api_key = file("api-key", &format!("{API_KEY}\n"));
    let (code, stdout, stderr) = run(
        &[
            "events",
            "--url",
            standin.url(),
            "--api-key-file",
            &api_key,
            "--json",
        ],
        &[],
    )
    .await;
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 0, "{stdout}{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_help_says_to_prefer_the_environment_or_a_file_for_secrets() {
    for command in ["send", "replay", "events"] {
        let (code, stdout, _) = run(&[command, "--help"], &[]).await;
        assert_eq!(code, 0);
        assert!(
            stdout.contains("process list"),
            "{command} --help:\n{stdout}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_header_value_that_http_cannot_carry_is_a_usage_error() {
    let (address, server, _) = receiver().await;
    let to = format!("http://{address}/");
    let (code, _, stderr) = run(
        &[
            "send",
            "user.create",
            "--to",
            &to,
            "--header",
            "X-Note=bad\u{1}value",
        ],
        &[],
    )
    .await;
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("X-Note"), "{stderr}");
    server.abort();
}
