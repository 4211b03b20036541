//! The `fusionauth-webhooks` binary run as a process against the FusionAuth
//! API stand-in and a receiver, both on real sockets.

use std::net::SocketAddr;
use std::process::Output;
use std::sync::{Arc, Mutex};

use fusionauth_standin::{API_KEY, StandIn, maximal_event_log};
use fusionauth_webhooks::samples;
use fusionauth_webhooks::{Event, EventType, Router, SignatureVerifier, Webhook};
use serde_json::{Value, json};
use uuid::Uuid;

#[path = "cli/messages.rs"]
mod messages;
#[path = "cli/replay.rs"]
mod replay;
#[path = "cli/secrets.rs"]
mod secrets;

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

/// The exact bodies a receiver acknowledged, in order.
type Bodies = Arc<Mutex<Vec<String>>>;

/// A receiver requiring the API key and an HMAC signature, served over a
/// socket, recording the bodies it acknowledges.
async fn receiver() -> (SocketAddr, tokio::task::JoinHandle<()>, Bodies) {
    let bodies = Bodies::default();
    let record = bodies.clone();
    let router = Router::new().on_any(move |event: Event| {
        let record = record.clone();
        async move {
            let body = String::from_utf8(event.raw().to_vec()).unwrap();
            record.lock().unwrap().push(body);
            Ok(())
        }
    });
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
    let (address, server) = serve(webhook).await;
    (address, server, bodies)
}

/// Serves `webhook` on a free port of 127.0.0.1.
async fn serve(webhook: Webhook) -> (SocketAddr, tokio::task::JoinHandle<()>) {
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
    for command in [
        "send",
        "sync",
        "doctor",
        "events",
        "replay",
        "listen",
        "Exit codes",
    ] {
        assert!(stdout.contains(command), "{command} missing from\n{stdout}");
    }
    for command in ["send", "sync", "doctor", "events", "replay", "listen"] {
        let (code, stdout, _) = run(&[command, "--help"], &[]).await;
        assert_eq!(code, 0, "{command} --help");
        assert!(stdout.contains("Usage: fusionauth-webhooks"));
    }
}

/// The SDK's one rule for variables holds for the command too: set but
/// empty is an error naming the variable, never "unset" (before, an empty
/// HMAC secret sent the event unsigned and an empty URL was "the url  cannot
/// be used").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_variable_set_but_empty_is_an_error_naming_it() {
    let (code, _, stderr) = run(
        &["send", "user.create", "--to", "http://127.0.0.1:9/hook"],
        &[("FUSIONAUTH_WEBHOOK_HMAC_SECRET", "")],
    )
    .await;
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        stderr.trim(),
        "error: environment variable FUSIONAUTH_WEBHOOK_HMAC_SECRET is set but empty"
    );
    let (code, stdout, _) = run(&["events", "--json"], &[("FUSIONAUTH_URL", "")]).await;
    assert_eq!(code, 2);
    assert_eq!(
        json_of(&stdout)["error"],
        "environment variable FUSIONAUTH_URL is set but empty"
    );
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
    let (address, server, _) = receiver().await;
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
    // What was sent (the file's own event id, kept), then the status.
    assert!(
        stdout.starts_with("sent user.delete (event id "),
        "{stdout}"
    );
    assert_eq!(stdout.lines().nth(1), Some("200"));
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_that_would_enable_tenant_events_exits_with_0() {
    let standin = standin().await;
    let env = fusionauth_env(&standin, &[]);
    let args = [
        "sync",
        "--events",
        "user.create,user.delete,user.update",
        "--dry-run",
        "--enable-tenant-events",
    ];
    let (code, stdout, stderr) = run(&args, &env).await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("would create"), "{stdout}");
    assert!(stdout.contains("user.update"), "{stdout}");
    assert_eq!(standin.writes(), 0);
}
