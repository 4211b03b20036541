//! `fusionauth-webhooks listen` run as a process: events sent to it over
//! real sockets, the FusionAuth API stand-in for its temporary webhook, and
//! a receiver of the test's own for `--forward-to`.

use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fusionauth_standin::{API_KEY, StandIn};
use fusionauth_webhooks::samples;
use fusionauth_webhooks::signature::Signer;
use fusionauth_webhooks::{Event, EventType, HandlerError, Router, SignatureVerifier, Webhook};
use fusionauth_webhooks_client::receiver::Credentials;
use fusionauth_webhooks_client::workflows::DeliveryTarget;
use serde_json::Value;
use tokio::io::{AsyncBufReadExt as _, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

const RECEIVER_KEY: &str = "listen-receiver-key-5d1";
const SECRET: &str = "listen-hmac-secret";
const KID: &str = "listen-kid";

/// A running `listen`, its output read line by line.
struct Listen {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
}

impl Listen {
    /// Starts `listen --json` with `args` and only the environment given,
    /// and waits for the line saying where it listens.
    async fn start(args: &[&str], env: &[(&str, &str)]) -> (Listen, Value) {
        let mut command = Command::new(env!("CARGO_BIN_EXE_fusionauth-webhooks"));
        command
            .args(["listen", "--json", "--addr", "127.0.0.1:0"])
            .args(args)
            .env_clear()
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().expect("the binary could not be started");
        let stdout = child.stdout.take().expect("piped");
        let mut listen = Listen {
            child,
            lines: BufReader::new(stdout).lines(),
        };
        let started = listen.next().await;
        assert!(started["listening"].is_string(), "{started}");
        (listen, started)
    }

    /// The next line of output, as JSON.
    async fn next(&mut self) -> Value {
        let line = tokio::time::timeout(Duration::from_secs(30), self.lines.next_line())
            .await
            .expect("a line within 30 s")
            .expect("readable output")
            .expect("a line before the end of the output");
        serde_json::from_str(&line).unwrap_or_else(|error| panic!("not json ({error}): {line}"))
    }

    /// Sends SIGINT (what Ctrl-C sends) and returns the exit code.
    async fn interrupt(mut self) -> (i32, Vec<Value>) {
        let pid = self.child.id().expect("running");
        let status = std::process::Command::new("kill")
            .args(["-INT", &pid.to_string()])
            .status()
            .expect("kill could not be run");
        assert!(status.success());
        let mut rest = Vec::new();
        while let Ok(Some(line)) = self.lines.next_line().await {
            rest.push(serde_json::from_str(&line).expect("json"));
        }
        let exit = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("exits within 30 s")
            .expect("exit status");
        (exit.code().expect("exited with a code"), rest)
    }
}

fn target(url: &str, key: Option<&str>) -> DeliveryTarget {
    let mut credentials = Credentials::default();
    credentials.api_key = key.map(str::to_owned);
    DeliveryTarget::new(url)
        .expect("url")
        .credentials(credentials)
        .expect("credentials")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_prints_each_authenticated_event_and_answers_the_status_asked_for() {
    let env = [("FUSIONAUTH_WEBHOOK_API_KEY", RECEIVER_KEY)];
    let (mut listen, started) = Listen::start(&["--status", "503"], &env).await;
    let url = started["listening"].as_str().unwrap();
    assert_eq!(
        started["webhookId"],
        Value::Null,
        "no FusionAuth: no webhook"
    );

    let body = samples::body(EventType::UserCreate);
    let answer = target(url, Some(RECEIVER_KEY))
        .send(body.clone())
        .await
        .expect("answer");
    assert_eq!(answer.status, 503, "the status asked for");
    let sample: Value = serde_json::from_slice(&body).unwrap();
    let event = &sample["event"];
    let shown = listen.next().await;
    assert_eq!(shown["type"], "user.create");
    assert_eq!(shown["id"], event["id"]);
    assert_eq!(shown["tenantId"], event["tenantId"]);
    assert_eq!(shown["userId"], event["user"]["id"]);
    assert_eq!(shown["login"], event["user"]["email"]);
    assert_eq!(shown["status"], 503);
    assert_eq!(shown["event"], *event, "the whole event for scripts");

    let forged = target(url, Some("not-the-key")).send(body).await.unwrap();
    assert_eq!(forged.status, 401, "the receiver's credential check");
    let (code, rest) = listen.interrupt().await;
    assert_eq!(code, 0);
    assert!(
        rest.is_empty(),
        "the refused request printed nothing: {rest:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_without_a_credential_or_fusionauth_is_a_usage_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_fusionauth-webhooks"))
        .args(["listen", "--addr", "127.0.0.1:0"])
        .env_clear()
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("FUSIONAUTH_WEBHOOK_API_KEY"), "{stderr}");
    let output = Command::new(env!("CARGO_BIN_EXE_fusionauth-webhooks"))
        .args(["listen", "--status", "302"])
        .env_clear()
        .output()
        .await
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(2),
        "a status a webhook cannot answer"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_creates_a_temporary_webhook_with_a_generated_key_and_removes_it_on_ctrl_c() {
    let standin = StandIn::start().await;
    let kept = standin.insert_webhook(serde_json::json!({ "url": "https://app.example.com/hook" }));
    let env = [
        ("FUSIONAUTH_URL", standin.url()),
        ("FUSIONAUTH_API_KEY", API_KEY),
    ];
    let (mut listen, started) = Listen::start(&["--events", "user.create,user.delete"], &env).await;
    let url = started["listening"].as_str().unwrap();
    let id = started["webhookId"]
        .as_str()
        .expect("a webhook")
        .parse()
        .unwrap();
    let webhook = standin.webhook(id).expect("created on FusionAuth");
    assert_eq!(webhook["url"], url);
    assert_eq!(webhook["eventsEnabled"]["user.create"], true);
    assert_eq!(webhook["eventsEnabled"]["user.delete"], true);
    assert_ne!(webhook["eventsEnabled"]["user.update"], true);
    let key = webhook["headers"]["Authorization"]
        .as_str()
        .expect("the generated key, sent by FusionAuth");
    assert_eq!(key.len(), 64);

    // What FusionAuth sends with that webhook is taken; nothing else is.
    let body = samples::body(EventType::UserDelete);
    let answer = target(url, Some(key)).send(body.clone()).await.unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(listen.next().await["type"], "user.delete");
    assert_eq!(target(url, None).send(body).await.unwrap().status, 401);

    let (code, rest) = listen.interrupt().await;
    assert_eq!(code, 0);
    assert_eq!(rest, [serde_json::json!({ "removed": id })]);
    assert!(standin.webhook(id).is_none(), "removed on Ctrl-C");
    assert!(
        standin.webhook(kept).is_some(),
        "the instance's own webhook untouched"
    );
    assert_eq!(standin.state().webhooks.len(), 1);
}

/// The app under development: requires the key and an HMAC signature,
/// records the bodies it is sent (`on_any` runs for `user.create` too),
/// and vetoes `user.create`.
async fn app() -> (SocketAddr, Arc<Mutex<Vec<Vec<u8>>>>) {
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&bodies);
    let router = Router::new()
        .on_event(EventType::UserCreate, |_event: Event| async {
            Err(HandlerError::reject("[emailTaken]"))
        })
        .on_any(move |event: Event| {
            let record = Arc::clone(&record);
            async move {
                record.lock().unwrap().push(event.raw().to_vec());
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(fusionauth_webhooks_hyper::serve(listener, webhook));
    (address, bodies)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_forwards_each_event_signed_and_passes_the_apps_answer_on() {
    let (app, bodies) = app().await;
    let app_url = format!("http://{app}/");
    // The app's own variables: listen checks and signs with the same.
    let env = [
        ("FUSIONAUTH_WEBHOOK_API_KEY", RECEIVER_KEY),
        ("FUSIONAUTH_WEBHOOK_HMAC_SECRET", SECRET),
        ("FUSIONAUTH_WEBHOOK_HMAC_KID", KID),
    ];
    let (mut listen, started) = Listen::start(&["--forward-to", &app_url], &env).await;
    let url = started["listening"].as_str().unwrap();
    let fusionauth = target(url, Some(RECEIVER_KEY)).signer(Signer::hmac(KID, SECRET));

    let delete = samples::body(EventType::UserDelete);
    assert_eq!(fusionauth.send(delete.clone()).await.unwrap().status, 200);
    let shown = listen.next().await;
    assert_eq!(
        (
            shown["status"].clone(),
            shown["forwarded"]["status"].clone()
        ),
        (200.into(), 200.into())
    );
    assert_eq!(
        *bodies.lock().unwrap(),
        [delete.to_vec()],
        "relayed byte for byte"
    );

    let create = samples::body(EventType::UserCreate);
    let vetoed = fusionauth.send(create).await.unwrap();
    assert_eq!(vetoed.status, 400, "the app's veto reaches FusionAuth");
    assert_eq!(listen.next().await["forwarded"]["status"], 400);

    let relayed = bodies.lock().unwrap().len();
    let unsigned = target(url, Some(RECEIVER_KEY)).send(delete).await.unwrap();
    assert_eq!(
        unsigned.status, 401,
        "the signature is checked as the app checks it"
    );
    assert_eq!(
        bodies.lock().unwrap().len(),
        relayed,
        "nothing unsigned is relayed"
    );
    let (code, _) = listen.interrupt().await;
    assert_eq!(code, 0);
}
