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

/// The body FusionAuth sent for event `sequence`, as its log holds it: the
/// sample with its own id, and a number beyond `f64` that only a byte-exact
/// replay keeps.
fn sent_body(sequence: usize, event_type: EventType) -> String {
    let mut body: Value = serde_json::from_slice(&samples::body(event_type)).unwrap();
    let event = body["event"].as_object_mut().unwrap();
    event.remove("id");
    event.remove("tenantId");
    let tenant = if sequence.is_multiple_of(2) {
        TENANT
    } else {
        OTHER_TENANT
    };
    let rest = body["event"].to_string();
    format!(
        r#"{{"event":{{"id":"{}","tenantId":"{tenant}","x-big":123456789012345678901234567890,{}}}"#,
        Uuid::from_u128(0xe000 + sequence as u128),
        &rest[1..]
    )
}

/// A log in FusionAuth's shape, every field of the domain class present,
/// of an event sent to `webhook` (in the tenant `TENANT` when `sequence` is
/// even, else `OTHER_TENANT`).
fn logged(sequence: usize, event_type: EventType, result: &str, webhook: Uuid) -> String {
    let failed = result == "Failed";
    maximal_event_log(
        &sent_body(sequence, event_type),
        json!({
            "id": Uuid::from_u128(0x1000 + sequence as u128), "sequence": sequence,
            "eventResult": result, "insertInstant": 1_750_000_000_000_i64 + sequence as i64,
            "attempts": [{ "attemptResult": if failed { "Failure" } else { "Success" }, "webhookId": webhook,
                           "webhookCallResponse": { "statusCode": if failed { 503 } else { 200 } } }]
        }),
    )
}

/// The receiver's webhook in FusionAuth (its URL is `FUSIONAUTH_WEBHOOK_URL`'s), and another one.
const RECEIVERS_WEBHOOK: Uuid = Uuid::from_u128(0x3eb1);
const OTHER_WEBHOOK: Uuid = Uuid::from_u128(0x3eb2);
const OTHER_TENANT: Uuid = Uuid::from_u128(0x7e4b);

fn insert_webhooks(standin: &StandIn) {
    for (id, url) in [
        (RECEIVERS_WEBHOOK, "https://app.example.com/fusionauth"),
        (OTHER_WEBHOOK, "https://other.example.com/hook"),
    ] {
        standin.insert_webhook(json!({ "id": id, "url": url, "connectTimeout": 1000,
            "readTimeout": 2000, "global": true }));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_lists_the_log_and_replay_redelivers_the_failed_ones() {
    let standin = standin().await;
    insert_webhooks(&standin);
    standin.log_event(logged(
        1,
        EventType::UserCreate,
        "Succeeded",
        RECEIVERS_WEBHOOK,
    ));
    standin.log_event(logged(
        2,
        EventType::UserDelete,
        "Failed",
        RECEIVERS_WEBHOOK,
    ));
    standin.log_event(logged(
        3,
        EventType::UserCreate,
        "Failed",
        RECEIVERS_WEBHOOK,
    ));
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

    let (address, server, bodies) = receiver().await;
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
    assert_eq!(
        *bodies.lock().unwrap(),
        [
            sent_body(2, EventType::UserDelete),
            sent_body(3, EventType::UserCreate)
        ],
        "the bodies FusionAuth logged, byte for byte"
    );

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

/// Runs `replay --to TO --json EXTRA...`; the sequences it delivered.
async fn replayed(to: &str, extra: &[&str], env: &[(&str, &str)]) -> Vec<u64> {
    let mut args = vec!["replay", "--to", to, "--json"];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run(&args, env).await;
    assert_eq!(code, 0, "{extra:?}: {stdout}{stderr}");
    json_of(&stdout)["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|delivered| delivered["sequence"].as_u64().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_takes_the_receivers_webhook_by_default_and_filters_by_webhook_and_tenant() {
    let standin = standin().await;
    insert_webhooks(&standin);
    for sequence in 1..=6 {
        let webhook = if sequence <= 4 {
            RECEIVERS_WEBHOOK
        } else {
            OTHER_WEBHOOK
        };
        standin.log_event(logged(sequence, EventType::UserDelete, "Failed", webhook));
    }
    let (address, server, _) = receiver().await;
    let to = format!("http://{address}/");
    let env = fusionauth_env(
        &standin,
        &[
            ("FUSIONAUTH_WEBHOOK_HMAC_SECRET", SECRET),
            ("FUSIONAUTH_WEBHOOK_HMAC_KID", KID),
        ],
    );
    // By default: the webhook with the receiver's URL (FUSIONAUTH_WEBHOOK_URL).
    assert_eq!(replayed(&to, &[], &env).await, [1, 2, 3, 4]);
    let other = OTHER_WEBHOOK.to_string();
    assert_eq!(replayed(&to, &["--webhook-id", &other], &env).await, [5, 6]);
    let tenant = OTHER_TENANT.to_string();
    assert_eq!(replayed(&to, &["--tenant", &tenant], &env).await, [1, 3]);
    assert_eq!(
        replayed(&to, &["--all-webhooks"], &env).await,
        [1, 2, 3, 4, 5, 6]
    );

    // Without a webhook to go by, nothing is replayed: the command says what to give.
    let without_url: Vec<(&str, &str)> = env
        .iter()
        .copied()
        .filter(|(name, _)| *name != "FUSIONAUTH_WEBHOOK_URL")
        .collect();
    let (code, _, stderr) = run(&["replay", "--to", &to], &without_url).await;
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--webhook-id") && stderr.contains("--all-webhooks"),
        "{stderr}"
    );
    server.abort();
}
