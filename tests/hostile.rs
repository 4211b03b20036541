//! What a hostile or broken sender gets: nothing read before it is known,
//! no buffer held by a stalled body, no unbounded log line, no silently
//! weak configuration. Each test failed before its fix.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use fusionauth_webhooks::signature::Algorithm;
use fusionauth_webhooks::testing::TestRequest;
use fusionauth_webhooks::testing::signing::TestSigner;
use fusionauth_webhooks::{
    ConfigError, Event, EventType, Router, SignatureVerifier, Webhook, WebhookBuilder,
};
use http::{Request, StatusCode};
use http_body::{Body, Frame};

const SECRET: &str = "a-long-hmac-secret-for-the-tests";

/// A body that counts how often it is polled and then never ends: a sender
/// that stalls after its head.
#[derive(Clone, Default)]
struct Tripwire {
    polls: Arc<AtomicUsize>,
}

impl Body for Tripwire {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        Poll::Pending
    }
}

fn signature_only() -> Webhook {
    let verifier = SignatureVerifier::builder()
        .hmac(Some("kid-1"), SECRET)
        .build()
        .unwrap();
    Webhook::builder()
        .signature(verifier)
        .router(Router::new().on_event(EventType::UserDelete, |_: Event| async { Ok(()) }))
        .build()
        .unwrap()
}

/// A request with `headers` (the signature header, or none) and a stalled
/// body that would be 8 MiB.
fn stalled(signature: Option<&str>, body: &Tripwire) -> Request<Tripwire> {
    let mut request = Request::post("/")
        .header("content-type", "application/json")
        .header("content-length", (8 * 1024 * 1024).to_string());
    if let Some(signature) = signature {
        request = request.header("x-fusionauth-signature-jwt", signature);
    }
    request.body(body.clone()).unwrap()
}

#[tokio::test]
async fn a_signature_only_receiver_never_reads_an_unauthenticated_body() {
    let webhook = signature_only();
    let body = br#"{"event":{"type":"user.delete"}}"#;
    let forged_with_another_key = TestSigner::hmac(Algorithm::HS256, "another-secret-entirely")
        .with_kid("kid-1")
        .sign(body);
    let unknown_kid = TestSigner::hmac(Algorithm::HS256, SECRET)
        .with_kid("kid-2")
        .sign(body);
    for signature in [
        None,
        Some("not-a-jwt"),
        Some(forged_with_another_key.as_str()),
        Some(unknown_kid.as_str()),
    ] {
        let tripwire = Tripwire::default();
        let answer = tokio::time::timeout(
            Duration::from_secs(5),
            webhook.handle_body(stalled(signature, &tripwire)),
        )
        .await
        .expect("answered without waiting for the stalled body");
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "{signature:?}");
        assert_eq!(
            tripwire.polls.load(Ordering::SeqCst),
            0,
            "the body of {signature:?} was read"
        );
    }
}

#[tokio::test]
async fn a_validly_signed_head_gets_its_body_read_and_its_hash_checked() {
    let webhook = signature_only();
    let signer = TestSigner::hmac(Algorithm::HS256, SECRET).with_kid("kid-1");
    let body = br#"{"event":{"type":"user.delete"}}"#;
    let signed = TestRequest::body(&body[..]).signed(&signer).build();
    assert_eq!(webhook.handle(signed).await.status(), StatusCode::OK);
    // The right key's signature over another body: the head passes, the hash does not.
    let mut swapped = TestRequest::body(&body[..]).signed(&signer).build();
    *swapped.body_mut() = Bytes::from_static(br#"{"event":{"type":"user.create"}}"#);
    assert_eq!(
        webhook.handle(swapped).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_stalled_body_of_an_authenticated_sender_is_answered_408_and_dropped() {
    let webhook = Webhook::builder()
        .api_key("a-long-random-key")
        .body_read_timeout(Duration::from_millis(200))
        .allow_no_handlers()
        .build()
        .unwrap();
    let tripwire = Tripwire::default();
    let mut request = stalled(None, &tripwire);
    request
        .headers_mut()
        .insert("authorization", "a-long-random-key".parse().unwrap());
    let started = Instant::now();
    let answer = tokio::time::timeout(Duration::from_secs(5), webhook.handle_body(request))
        .await
        .expect("the read timeout ends the wait");
    assert_eq!(answer.status(), StatusCode::REQUEST_TIMEOUT);
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert!(tripwire.polls.load(Ordering::SeqCst) > 0);
    // The webhook let go of the body.
    assert_eq!(Arc::strong_count(&tripwire.polls), 1);
}

/// A webhook whose `user.delete` handler sleeps for `takes`, then sets the flag.
fn slow_handler(takes: Duration) -> (fusionauth_webhooks::WebhookBuilder, Arc<AtomicBool>) {
    let finished = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&finished);
    let router = Router::new().on_event(EventType::UserDelete, move |_: Event| {
        let flag = Arc::clone(&flag);
        async move {
            tokio::time::sleep(takes).await;
            flag.store(true, Ordering::SeqCst);
            Ok(())
        }
    });
    let builder = Webhook::builder()
        .api_key("a-long-random-key")
        .router(router);
    (builder, finished)
}

fn delete_request() -> Request<Bytes> {
    TestRequest::body(r#"{"event":{"type":"user.delete"}}"#)
        .api_key("a-long-random-key")
        .build()
}

#[tokio::test]
async fn a_slow_handler_is_cut_at_the_deadline_with_503() {
    let (builder, finished) = slow_handler(Duration::from_secs(2));
    let webhook = builder
        .handler_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let request = delete_request();
    let started = Instant::now();
    assert_eq!(
        webhook.handle(request).await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!finished.load(Ordering::SeqCst), "the handler was dropped");
}

#[tokio::test]
async fn a_handler_runs_to_completion_when_the_request_is_dropped() {
    let (builder, finished) = slow_handler(Duration::from_millis(300));
    let webhook = builder.build().unwrap();
    let request = delete_request();
    // The sender gives up after 50 ms, as FusionAuth does at its readTimeout.
    let gave_up = tokio::time::timeout(Duration::from_millis(50), webhook.handle(request)).await;
    assert!(gave_up.is_err());
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(
        finished.load(Ordering::SeqCst),
        "the handler stopped half-way"
    );
}

#[test]
fn secrets_with_surrounding_white_space_are_refused_at_build() {
    let build = |builder: fusionauth_webhooks::WebhookBuilder| builder.build().unwrap_err();
    assert_eq!(
        build(Webhook::builder().api_key("key\n")),
        ConfigError::SecretWhitespace("a required header value")
    );
    assert_eq!(
        build(Webhook::builder().require_header("X-Secret", " value")),
        ConfigError::SecretWhitespace("a required header value")
    );
    assert_eq!(
        build(Webhook::builder().basic_auth("fusionauth", "password ")),
        ConfigError::SecretWhitespace("the basic-auth password")
    );
    let message = ConfigError::SecretWhitespace("a required header value").to_string();
    assert!(message.contains("remove it"), "{message}");
}

#[test]
fn zero_timeouts_are_refused_at_build() {
    let error = Webhook::builder()
        .api_key("key")
        .handler_timeout(Duration::ZERO)
        .build()
        .unwrap_err();
    assert_eq!(error, ConfigError::ZeroTimeout("handler timeout"));
}

/// Runs this test binary again with a non-Unicode secret in the environment
/// (setting it in this process would need `unsafe`).
#[test]
fn a_non_unicode_secret_in_the_environment_is_an_error_not_unset() {
    const CHILD: &str = "FUSIONAUTH_WEBHOOKS_TEST_CHILD";
    if std::env::var_os(CHILD).is_some() {
        let error = SignatureVerifier::from_env().unwrap_err();
        assert_eq!(
            error.to_string(),
            "environment variable FUSIONAUTH_WEBHOOK_HMAC_SECRET is not valid Unicode"
        );
        let error = WebhookBuilder::from_env().unwrap_err();
        assert!(
            matches!(&error, ConfigError::Environment(error) if error.name() == "FUSIONAUTH_WEBHOOK_HMAC_SECRET"),
            "{error}"
        );
        return;
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt as _;
        let status = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "a_non_unicode_secret_in_the_environment_is_an_error_not_unset",
                "--exact",
                "--quiet",
            ])
            .env(CHILD, "1")
            .env(
                "FUSIONAUTH_WEBHOOK_HMAC_SECRET",
                std::ffi::OsStr::from_bytes(b"secret\xff"),
            )
            .status()
            .expect("the test binary runs again");
        assert!(status.success(), "the child run failed: {status}");
    }
}
