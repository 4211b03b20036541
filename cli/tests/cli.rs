//! The `fusionauth-webhooks` binary run as a process against the FusionAuth
//! API stand-in and a receiver, both on real sockets.

use std::net::SocketAddr;
use std::process::Output;

use fusionauth_standin::{API_KEY, StandIn};
use fusionauth_webhooks::samples;
use fusionauth_webhooks::{Event, EventType, Router, SignatureVerifier, Webhook};
use serde_json::{Value, json};
use uuid::Uuid;

const RECEIVER_KEY: &str = "receiver-key-31f";
const SECRET: &str = "hmac-secret-of-the-test";
const KID: &str = "test-kid";
const TENANT: Uuid = Uuid::from_u128(0x7e4a);

/// Runs the binary with `args` and only the environment given.
async fn run(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_fusionauth-webhooks"));
    command.args(args).env_clear();
    for (name, value) in env {
        command.env(name, value);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("the fusionauth-webhooks binary could not be started");
    (
        status.code().expect("the binary exited with a code"),
        String::from_utf8(stdout).unwrap(),
        String::from_utf8(stderr).unwrap(),
    )
}

fn json_of(stdout: &str) -> Value {
    serde_json::from_str(stdout.trim())
        .unwrap_or_else(|error| panic!("not json ({error}): {stdout}"))
}

/// A receiver requiring the API key and an HMAC signature, served over a socket.
async fn receiver() -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let router = Router::new().on_any(|_: Event| async { Ok(()) });
    let webhook = Webhook::builder()
        .router(router)
        .api_key(RECEIVER_KEY)
        .signature(
            SignatureVerifier::builder()
                .hmac(Some(KID), SECRET)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("the receiver could not bind a port");
    let address = listener.local_addr().unwrap();
    (
        address,
        tokio::spawn(fusionauth_webhooks_hyper::serve(listener, webhook)),
    )
}

async fn standin() -> StandIn {
    let standin = StandIn::start().await;
    standin.state().tenants.insert(
        TENANT,
        json!({ "id": TENANT, "name": "Default", "eventConfiguration": { "events": {
            "user.create": { "enabled": true, "transactionType": "None" },
            "user.delete": { "enabled": true, "transactionType": "Any" } } } }),
    );
    standin
}

fn fusionauth_env<'a>(
    standin: &'a StandIn,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut env = vec![
        ("FUSIONAUTH_URL", standin.url()),
        ("FUSIONAUTH_API_KEY", API_KEY),
        (
            "FUSIONAUTH_WEBHOOK_URL",
            "https://app.example.com/fusionauth",
        ),
        ("FUSIONAUTH_WEBHOOK_API_KEY", RECEIVER_KEY),
    ];
    env.extend_from_slice(extra);
    env
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn help_lists_every_command_with_the_exit_codes() {
    let (code, stdout, _) = run(&["--help"], &[]).await;
    assert_eq!(code, 0);
    for command in ["send", "sync", "doctor", "events", "replay", "Exit codes"] {
        assert!(stdout.contains(command), "{command} missing from\n{stdout}");
    }
    for command in ["send", "sync", "doctor", "events", "replay"] {
        let (code, stdout, _) = run(&[command, "--help"], &[]).await;
        assert_eq!(code, 0, "{command} --help");
        assert!(stdout.contains("Usage: fusionauth-webhooks"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_exit_with_2() {
    let (code, _, stderr) = run(&["teleport"], &[]).await;
    assert_eq!(code, 2, "{stderr}");
    let (code, stdout, _) = run(&["events", "--json"], &[]).await;
    assert_eq!(code, 2);
    assert_eq!(json_of(&stdout)["exitCode"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_posts_a_signed_sample_and_prints_the_answer() {
    let (address, server) = receiver().await;
    let to = format!("http://{address}/");
    let args = [
        "send",
        "user.create",
        "--to",
        &to,
        "--key",
        RECEIVER_KEY,
        "--hmac-secret",
        SECRET,
        "--kid",
        KID,
        "--json",
    ];
    let (code, stdout, stderr) = run(&args, &[]).await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(json_of(&stdout)["status"], 200);

    // Unsigned: the receiver refuses it, and the command exits with 1.
    let (code, stdout, _) = run(
        &[
            "send",
            "user.create",
            "--to",
            &to,
            "--key",
            RECEIVER_KEY,
            "--json",
        ],
        &[],
    )
    .await;
    assert_eq!(code, 1);
    assert_eq!(json_of(&stdout)["status"], 401);

    // A body of one's own, from a file.
    let file = std::env::temp_dir().join(format!(
        "fusionauth-webhooks-cli-{}.json",
        std::process::id()
    ));
    std::fs::write(&file, samples::body(EventType::UserDelete)).unwrap();
    let (code, stdout, _) = run(
        &[
            "send",
            "ignored",
            "--to",
            &to,
            "--body",
            file.to_str().unwrap(),
            "--hmac-secret",
            SECRET,
            "--kid",
            KID,
        ],
        &[("FUSIONAUTH_WEBHOOK_API_KEY", RECEIVER_KEY)],
    )
    .await;
    std::fs::remove_file(&file).ok();
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().next(), Some("200"));
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_creates_then_reports_no_change_as_json() {
    let standin = standin().await;
    let env = fusionauth_env(&standin, &[]);
    let args = ["sync", "--events", "user.create,user.delete", "--json"];
    let (code, stdout, stderr) = run(&args, &env).await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    let first = json_of(&stdout);
    assert_eq!(first["action"], "created");
    assert!(!stdout.contains(RECEIVER_KEY), "secrets are not printed");
    let (code, stdout, _) = run(&args, &env).await;
    assert_eq!(code, 0);
    let second = json_of(&stdout);
    assert_eq!(second["action"], "unchanged");
    assert_eq!(second["changes"], json!([]));
    assert_eq!(second["webhookId"], first["webhookId"]);

    let (code, stdout, _) = run(&["sync", "--events", "user.create,user.delete"], &env).await;
    assert_eq!(code, 0);
    assert!(stdout.contains("nothing to change"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_exits_with_1_on_problems_and_0_once_synced() {
    let standin = standin().await;
    let env = fusionauth_env(&standin, &[]);
    let (code, stdout, _) = run(&["doctor", "--events", "user.create", "--json"], &env).await;
    assert_eq!(code, 1);
    let report = json_of(&stdout);
    assert_eq!(report["problems"], 1);
    assert!(
        report["findings"][0]["fix"]
            .as_str()
            .unwrap()
            .contains("sync")
    );

    run(&["sync", "--events", "user.create"], &env).await;
    let (code, stdout, _) = run(&["doctor", "--events", "user.create"], &env).await;
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("0 problem(s)"));
}

fn logged(sequence: usize, event_type: EventType, result: &str) -> Value {
    let mut body: Value = serde_json::from_slice(&samples::body(event_type)).unwrap();
    body["event"]["id"] = json!(Uuid::from_u128(0xe000 + sequence as u128));
    json!({
        "id": Uuid::from_u128(0x1000 + sequence as u128), "sequence": sequence,
        "eventType": event_type.as_str(), "eventResult": result,
        "insertInstant": 1_750_000_000_000_i64 + sequence as i64, "event": body["event"],
        "attempts": [{ "attemptResult": if result == "Failed" { "Failure" } else { "Success" },
                       "webhookCallResponse": { "statusCode": if result == "Failed" { 503 } else { 200 } } }]
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_lists_the_log_and_replay_redelivers_the_failed_ones() {
    let standin = standin().await;
    standin.state().event_logs.extend([
        logged(1, EventType::UserCreate, "Succeeded"),
        logged(2, EventType::UserDelete, "Failed"),
        logged(3, EventType::UserCreate, "Failed"),
    ]);
    let env = fusionauth_env(&standin, &[]);
    let (code, stdout, _) = run(&["events", "--json"], &env).await;
    assert_eq!(code, 0);
    assert_eq!(json_of(&stdout).as_array().unwrap().len(), 3);
    let (code, stdout, _) = run(&["events", "--failed", "--type", "user.delete"], &env).await;
    assert_eq!(code, 0);
    assert!(
        stdout.contains("#2 ") && stdout.contains("[503]"),
        "{stdout}"
    );
    assert!(stdout.contains("1 event(s)"));

    let (address, server) = receiver().await;
    let to = format!("http://{address}/");
    let replay = [
        "replay",
        "--failed",
        "--to",
        &to,
        "--hmac-secret",
        SECRET,
        "--kid",
        KID,
        "--json",
    ];
    let (code, stdout, stderr) = run(&replay, &env).await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    let summary = json_of(&stdout);
    assert_eq!(
        (summary["sent"].as_u64(), summary["acknowledged"].as_u64()),
        (Some(2), Some(2))
    );
    let sequences: Vec<&Value> = summary["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["sequence"])
        .collect();
    assert_eq!(sequences, [&json!(2), &json!(3)], "in logged order");

    // Without the signature the receiver refuses: counted by status, exit 1.
    let (code, stdout, _) = run(&["replay", "--to", &to], &env).await;
    assert_eq!(code, 1);
    assert!(stdout.contains("refused with 401: 3"), "{stdout}");
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_errors_exit_with_3_and_unreachable_fusionauth_with_4() {
    let standin = standin().await;
    let env = [
        ("FUSIONAUTH_URL", standin.url()),
        ("FUSIONAUTH_API_KEY", "wrong"),
    ];
    let (code, stdout, _) = run(&["events", "--json"], &env).await;
    assert_eq!(code, 3);
    assert!(json_of(&stdout)["error"].as_str().unwrap().contains("401"));

    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let url = format!("http://{closed}");
    let env = [
        ("FUSIONAUTH_URL", url.as_str()),
        ("FUSIONAUTH_API_KEY", API_KEY),
    ];
    let (code, _, stderr) = run(&["events"], &env).await;
    assert_eq!(code, 4, "{stderr}");
}
