//! What the log says about each request: enough to debug, never a secret or
//! a body.

use std::io::Write;
use std::sync::{Arc, Mutex};

use fusionauth_webhooks::testing::{TestClient, TestRequest};
use fusionauth_webhooks::{Event, EventType, HandlerError, Router, Webhook};
use tracing_subscriber::fmt::MakeWriter;

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// Captures this thread's log output until the guard is dropped.
fn capture() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_ansi(false)
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

const SECRET: &str = "s3cr3t-api-key-never-logged";
const PERSONAL: &str = "ada.okafor@example.com";

#[tokio::test(flavor = "current_thread")]
async fn log_lines_explain_refusals_without_secrets_or_bodies() {
    let (captured, _guard) = capture();

    let webhook = Webhook::builder()
        .api_key(SECRET)
        .router(
            Router::new().on_event(EventType::UserCreate, |_: Event| async {
                Err(HandlerError::internal("database unreachable"))
            }),
        )
        .build()
        .unwrap();
    let client = TestClient::new(webhook);
    let body = format!(
        r#"{{"event":{{"type":"user.create","id":"e502168a-b469-45d9-a079-fd45f83e0406","user":{{"email":"{PERSONAL}"}}}}}}"#
    );
    let wrong = client
        .send(
            TestRequest::body(body.clone())
                .api_key("s3cr3t-api-key-never-loggeD")
                .build(),
        )
        .await;
    assert_eq!(wrong.status, 401);
    let failed = client
        .send(TestRequest::body(body).api_key(SECRET).build())
        .await;
    assert_eq!(failed.status, 500);

    let log = captured.text();
    assert!(
        log.contains("header `authorization` has none of the accepted values"),
        "{log}"
    );
    assert!(log.contains("outcome=\"unauthorized\" status=401"), "{log}");
    assert!(log.contains("event_type=\"user.create\""), "{log}");
    assert!(
        log.contains("event_id=e502168a-b469-45d9-a079-fd45f83e0406"),
        "{log}"
    );
    assert!(
        log.contains("handler failed: database unreachable"),
        "{log}"
    );
    assert!(log.contains("elapsed_us="), "{log}");
    for secret in [SECRET, "s3cr3t-api-key-never-loggeD", PERSONAL] {
        assert!(!log.contains(secret), "the log shows {secret}: {log}");
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_huge_event_type_is_cut_short_in_the_log() {
    let (captured, _guard) = capture();

    let webhook = Webhook::builder()
        .api_key(SECRET)
        .allow_no_handlers()
        .build()
        .unwrap();
    let huge_type = "x".repeat(1_000_000);
    let body = format!(r#"{{"event":{{"type":"{huge_type}"}}}}"#);
    let response = TestClient::new(webhook)
        .send(TestRequest::body(body).api_key(SECRET).build())
        .await;
    assert_eq!(response.status, 200);

    let log = captured.text();
    assert!(
        log.contains(&format!("event_type=\"{}\"", "x".repeat(64))),
        "{log}"
    );
    assert!(log.len() < 1_000, "a log line of {} bytes", log.len());
}

#[tokio::test(flavor = "current_thread")]
async fn a_415_says_which_content_type_came_and_which_was_expected() {
    let (captured, _guard) = capture();

    let webhook = Webhook::builder()
        .api_key(SECRET)
        .allow_no_handlers()
        .build()
        .unwrap();
    let request = TestRequest::body(r#"{"event":{"type":"user.delete"}}"#)
        .api_key(SECRET)
        .content_type("text/plain; charset=utf-8")
        .build();
    assert_eq!(TestClient::new(webhook).send(request).await.status, 415);
    let log = captured.text();
    assert!(
        log.contains(
            "content type `text/plain; charset=utf-8`; expected `application/json` (UTF-8)"
        ),
        "{log}"
    );
}

/// Keys that a source no longer trusts: every request is refused.
#[cfg(feature = "signature")]
#[derive(Debug)]
struct NoTrustedKeys;

#[cfg(feature = "signature")]
#[async_trait::async_trait]
impl fusionauth_webhooks::KeySource for NoTrustedKeys {
    fn current(&self) -> fusionauth_webhooks::SignatureVerifier {
        fusionauth_webhooks::SignatureVerifier::unavailable(
            "fusionauth answered 500 to every refresh for 2h",
        )
    }

    async fn refresh(&self, _kid: &str) -> Option<fusionauth_webhooks::SignatureVerifier> {
        None
    }
}

#[cfg(feature = "signature")]
#[tokio::test(flavor = "current_thread")]
async fn a_key_source_without_keys_it_trusts_is_a_503_whose_log_line_says_why() {
    use fusionauth_webhooks::SignatureVerifier;
    use fusionauth_webhooks::signature::Algorithm;
    use fusionauth_webhooks::testing::signing::TestSigner;

    let (captured, _guard) = capture();
    let webhook = Webhook::builder()
        .basic_auth("fusionauth", SECRET)
        .signature(SignatureVerifier::from_source(NoTrustedKeys))
        .router(Router::new().on_any(|_: Event| async { Ok(()) }))
        .build()
        .unwrap();
    let request = TestRequest::body(r#"{"event":{"type":"user.create"}}"#)
        .basic_auth("fusionauth", SECRET)
        .signed(&TestSigner::new(Algorithm::Ed25519));
    let response = TestClient::new(webhook).send(request.build()).await;
    assert_eq!(response.status, 503);
    assert!(
        response.headers.get("www-authenticate").is_none(),
        "nothing is wrong with the credentials"
    );
    let log = captured.text();
    assert!(
        log.contains("outcome=\"keys_unavailable\" status=503"),
        "{log}"
    );
    assert!(
        log.contains("fusionauth answered 500 to every refresh for 2h"),
        "{log}"
    );
}

/// A body whose payload would take more memory than its budget (here an
/// array of empty objects, each a whole `UserRegistration`) is refused 413
/// before the model allocates past the budget, and the log line says why:
/// read in one pass for a typed handler, or by `Event::payload`.
#[tokio::test(flavor = "current_thread")]
async fn a_payload_over_its_memory_budget_is_a_logged_413() {
    let registrations = vec!["{}"; 200_000].join(",");
    let body = format!(
        r#"{{"event":{{"type":"user.delete","user":{{"registrations":[{registrations}]}}}}}}"#
    );
    let one_pass = Router::new()
        .on(|_: fusionauth_webhooks::payload::UserDelete| async { panic!("no handler runs") });
    let two_passes = Router::new().on_any(|event: Event| async move {
        event.payload()?;
        panic!("no payload is read")
    });
    for router in [one_pass, two_passes] {
        let (captured, _guard) = capture();
        let webhook = Webhook::builder()
            .api_key(SECRET)
            .router(router)
            .build()
            .unwrap();
        let response = TestClient::new(webhook)
            .send(TestRequest::body(body.clone()).api_key(SECRET).build())
            .await;
        assert_eq!(response.status, 413);
        let error = &response.json().unwrap()["errors"][0];
        assert_eq!(error["code"], "[tooLarge]");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.starts_with(
                "reading the user.delete payload would take more memory than its budget of "
            ),
            "{message}"
        );
        let log = captured.text();
        assert!(log.contains("webhook request refused"), "{log}");
        assert!(log.contains("status=413"), "{log}");
        assert!(log.contains("12 times the body, plus 64 KiB"), "{log}");
    }
}

/// Set in the child process of the stderr tests below.
const CHILD: &str = "FUSIONAUTH_WEBHOOKS_TEST_UNOBSERVED_CHILD";

/// Runs this test binary's test `name` alone, as a child with `mode` in
/// [`CHILD`]; its stderr.
fn child_stderr(name: &str, mode: &str) -> String {
    let output = std::process::Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, mode)
        .output()
        .expect("the test binary runs again as a child");
    assert!(output.status.success(), "the child failed: {output:?}");
    String::from_utf8(output.stderr).unwrap()
}

/// In the child: two refused requests and a failed handler, on a runtime
/// with (or without) a subscriber on this thread.
fn refuse_three_times(with_subscriber: bool) {
    let _guard = with_subscriber.then(|| {
        // A subscriber that drops everything: installed, so nothing on stderr.
        let quiet = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::ERROR)
            .with_writer(std::io::sink)
            .finish();
        tracing::subscriber::set_default(quiet)
    });
    let webhook = Webhook::builder()
        .api_key(SECRET)
        .router(
            Router::new().on_event(EventType::UserCreate, |_: Event| async {
                Err(HandlerError::internal("the database is down"))
            }),
        )
        .build()
        .unwrap();
    let client = TestClient::new(webhook);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        for key in ["wrong-key", "another-wrong-key"] {
            let refused = TestRequest::body(r#"{"event":{"type":"user.create"}}"#).api_key(key);
            assert_eq!(client.send(refused.build()).await.status, 401);
        }
        let failed = TestRequest::body(r#"{"event":{"type":"user.create"}}"#).api_key(SECRET);
        assert_eq!(client.send(failed.build()).await.status, 500);
    });
}

#[test]
fn without_a_subscriber_the_first_refusal_is_written_to_stderr_once() {
    const NAME: &str = "without_a_subscriber_the_first_refusal_is_written_to_stderr_once";
    if std::env::var_os(CHILD).is_some() {
        return refuse_three_times(false);
    }
    let stderr = child_stderr(NAME, "bare");
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("No `tracing` subscriber is installed"))
        .collect();
    assert_eq!(
        lines.len(),
        1,
        "one line, for the first refusal only:\n{stderr}"
    );
    let line = lines[0];
    assert!(
        line.starts_with("fusionauth_webhooks: answered 401")
            && line.contains("unauthorized")
            && line.contains("tracing_subscriber::fmt::init()"),
        "{line}"
    );
    assert!(!line.contains(SECRET), "{line}");
}

#[test]
fn with_any_subscriber_nothing_is_written_to_stderr() {
    const NAME: &str = "with_any_subscriber_nothing_is_written_to_stderr";
    if std::env::var_os(CHILD).is_some() {
        return refuse_three_times(true);
    }
    let stderr = child_stderr(NAME, "with-subscriber");
    assert!(!stderr.contains("subscriber"), "{stderr}");
}
