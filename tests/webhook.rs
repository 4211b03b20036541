//! Behaviour of `Webhook` and `Router` beyond the status table.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use fusionauth_webhooks::payload::{UserDelete, UserUpdate};
use fusionauth_webhooks::testing::{TestClient, TestRequest, TestResponse};
use fusionauth_webhooks::{ConfigError, Event, EventType, HandlerError, Router, Webhook};
use http::StatusCode;
use serde_json::json;
use uuid::Uuid;

const KEY: &str = "test-api-key";

fn webhook(router: Router) -> Webhook {
    Webhook::builder()
        .api_key(KEY)
        .router(router)
        .build()
        .unwrap()
}

async fn send(webhook: &Webhook, event: serde_json::Value) -> TestResponse {
    let request = TestRequest::body(json!({ "event": event }).to_string())
        .api_key(KEY)
        .build();
    TestClient::new(webhook.clone()).send(request).await
}

fn counter() -> (
    Arc<AtomicUsize>,
    impl Fn(Event) -> std::future::Ready<Result<(), HandlerError>> + Clone,
) {
    let count = Arc::new(AtomicUsize::new(0));
    let handler_count = Arc::clone(&count);
    let handler = move |_: Event| {
        handler_count.fetch_add(1, Ordering::SeqCst);
        std::future::ready(Ok(()))
    };
    (count, handler)
}

#[tokio::test]
async fn on_any_runs_for_every_event_beside_the_typed_handlers() {
    let (any, any_handler) = counter();
    let (deletes, delete_handler) = counter();
    let webhook = webhook(
        Router::new()
            .on_any(any_handler)
            .on_event(EventType::UserDelete, delete_handler),
    );
    assert_eq!(
        send(&webhook, json!({"type": "user.delete"})).await.status,
        StatusCode::OK
    );
    assert_eq!(
        send(&webhook, json!({"type": "user.create"})).await.status,
        StatusCode::OK
    );
    assert_eq!(any.load(Ordering::SeqCst), 2);
    assert_eq!(deletes.load(Ordering::SeqCst), 1);
}

/// FusionAuth writes keys in alphabetical order, so `original` comes before
/// `type` and `user` after it; `json!` does the same.
#[tokio::test]
async fn typed_handlers_get_the_fields_before_and_after_type() {
    let (sender, mut received) = tokio::sync::mpsc::unbounded_channel();
    let second = sender.clone();
    let webhook = webhook(
        Router::new()
            .on(move |update: UserUpdate| {
                sender.send(update).unwrap();
                std::future::ready(Ok(()))
            })
            .on(move |update: UserUpdate| {
                second.send(update).unwrap();
                std::future::ready(Ok(()))
            }),
    );
    let event = json!({
        "aBeforeType": 1,
        "original": {"email": "old@example.com"},
        "tenantId": "3c219e58-ed0e-4b18-ad48-f4f92793ae32",
        "type": "user.update",
        "user": {"email": "new@example.com"},
        "zAfterType": 2,
    });
    assert_eq!(send(&webhook, event).await.status, StatusCode::OK);
    for _ in 0..2 {
        let update = received.recv().await.unwrap();
        let email = |user: Option<fusionauth_webhooks::domain::User>| user.unwrap().email.unwrap();
        assert_eq!(email(update.original), "old@example.com");
        assert_eq!(email(update.user), "new@example.com");
        assert_eq!(
            update.envelope.tenant_id.unwrap().to_string(),
            "3c219e58-ed0e-4b18-ad48-f4f92793ae32"
        );
        assert_eq!(update.extra.get_as::<u32>("aBeforeType").unwrap(), Some(1));
        assert_eq!(update.extra.get_as::<u32>("zAfterType").unwrap(), Some(2));
    }
}

#[tokio::test]
async fn a_malformed_payload_after_type_is_refused_before_any_handler_runs() {
    let (count, handler) = counter();
    let webhook = webhook(
        Router::new()
            .on_event(EventType::UserDelete, handler)
            .on(|_: UserDelete| std::future::ready(Ok(()))),
    );
    let response = send(
        &webhook,
        json!({"type": "user.delete", "user": {"email": 42}}),
    )
    .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    let body = String::from_utf8_lossy(&response.body);
    assert!(
        body.contains("`event.user.email` has the wrong type"),
        "{body}"
    );
    assert_eq!(count.load(Ordering::SeqCst), 0);
}

/// An unrouted event is acknowledged without reading its payload, but the
/// whole body is still checked: JSON broken after `type` is a 400, not a 200.
#[tokio::test]
async fn a_broken_body_of_an_unrouted_type_is_refused() {
    let (count, handler) = counter();
    let webhook = webhook(Router::new().on_event(EventType::UserDelete, handler));
    let client = TestClient::new(webhook);
    let complete = r#"{"event":{"type":"user.login.success","user":{"email":"a@example.com"}}}"#;
    let truncated = &complete[..complete.len() - 3];
    let trailing_garbage = format!("{complete}x");
    let bad_value = complete.replace(r#""a@example.com""#, "tru");
    for (body, expected, why) in [
        (complete.to_owned(), StatusCode::OK, "complete"),
        (truncated.to_owned(), StatusCode::BAD_REQUEST, "truncated"),
        (trailing_garbage, StatusCode::BAD_REQUEST, "garbage after"),
        (bad_value, StatusCode::BAD_REQUEST, "bad literal"),
    ] {
        let request = TestRequest::body(body).api_key(KEY).build();
        assert_eq!(client.send(request).await.status, expected, "{why}");
    }
    assert_eq!(count.load(Ordering::SeqCst), 0);
}

/// Handlers are polled in the request's own task (no task hop per
/// request); they move to a task of their own only if the request is
/// dropped (tests/hostile.rs).
#[tokio::test]
async fn handlers_run_in_the_task_of_the_request() {
    let ran_in = Arc::new(std::sync::Mutex::new(None));
    let seen = Arc::clone(&ran_in);
    let router = Router::new().on(move |_: UserDelete| {
        *seen.lock().unwrap() = tokio::task::try_id();
        async { Ok(()) }
    });
    let webhook = webhook(router);
    let request = tokio::spawn(async move {
        let status = send(&webhook, json!({"type": "user.delete"})).await.status;
        (tokio::task::id(), status)
    });
    let (request_task, status) = request.await.unwrap();
    assert_eq!(status, StatusCode::OK);
    assert_eq!(*ran_in.lock().unwrap(), Some(request_task));
}

#[tokio::test]
async fn the_fallback_takes_only_events_no_handler_takes() {
    let (fallback, fallback_handler) = counter();
    let (deletes, delete_handler) = counter();
    let webhook = webhook(
        Router::new()
            .fallback(fallback_handler)
            .on_event(EventType::UserDelete, delete_handler),
    );
    send(&webhook, json!({"type": "user.delete"})).await;
    send(&webhook, json!({"type": "user.create"})).await;
    send(&webhook, json!({"type": "some.future.event"})).await;
    assert_eq!(deletes.load(Ordering::SeqCst), 1);
    assert_eq!(fallback.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_type_newer_than_the_crate_can_be_routed_by_name() {
    let (count, handler) = counter();
    let webhook = webhook(Router::new().on_type_name("user.teleport", handler));
    send(&webhook, json!({"type": "user.teleport"})).await;
    send(&webhook, json!({"type": "user.teleport.complete"})).await;
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_known_type_routed_by_name_is_routed_like_on_event() {
    let (count, handler) = counter();
    let webhook = webhook(Router::new().on_type_name("user.two-factor.failed.attempt", handler));
    send(&webhook, json!({"type": "user.two-factor.failed-attempt"})).await;
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_unrouted_status_is_configurable() {
    let webhook = Webhook::builder()
        .api_key(KEY)
        .unrouted_status(StatusCode::ACCEPTED)
        .allow_no_handlers()
        .build()
        .unwrap();
    assert_eq!(
        send(&webhook, json!({"type": "user.create"})).await.status,
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn events_of_other_applications_are_acknowledged_unhandled() {
    let ours = Uuid::from_u128(1);
    let theirs = Uuid::from_u128(2);
    let (count, handler) = counter();
    let webhook = webhook(Router::new().only_applications([ours]).on_events(
        [
            EventType::UserLoginSuccess,
            EventType::JwtPublicKeyUpdate,
            EventType::UserDelete,
        ],
        handler,
    ));
    let cases = [
        (
            json!({"type": "user.login.success", "applicationId": theirs}),
            0,
        ),
        (
            json!({"type": "user.login.success", "applicationId": ours}),
            1,
        ),
        (
            json!({"type": "jwt.public-key.update", "applicationIds": [theirs, ours]}),
            2,
        ),
        (
            json!({"type": "jwt.public-key.update", "applicationIds": [theirs]}),
            2,
        ),
        // Names no application: not an application's event, so it passes.
        (json!({"type": "user.delete"}), 3),
    ];
    for (event, expected) in cases {
        assert_eq!(send(&webhook, event.clone()).await.status, StatusCode::OK);
        assert_eq!(count.load(Ordering::SeqCst), expected, "after {event}");
    }
}

#[tokio::test]
async fn system_events_pass_the_tenant_filter() {
    let (count, handler) = counter();
    let webhook = webhook(
        Router::new()
            .only_tenants([Uuid::from_u128(1)])
            .on_event(EventType::KickstartSuccess, handler),
    );
    send(&webhook, json!({"type": "kickstart.success"})).await;
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn all_handlers_run_even_when_one_fails_and_the_first_failure_answers() {
    let (count, handler) = counter();
    let webhook = webhook(
        Router::new()
            .on_event(EventType::UserCreate, |_: Event| async {
                Err(HandlerError::reject("[first]"))
            })
            .on_event(EventType::UserCreate, handler)
            .on_event(EventType::UserCreate, |_: Event| async {
                Err(HandlerError::retry_later())
            }),
    );
    let response = send(&webhook, json!({"type": "user.create"})).await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(response.error_code().as_deref(), Some("[first]"));
    assert_eq!(count.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_rejection_message_reaches_the_error_body() {
    let webhook = webhook(
        Router::new().on_event(EventType::UserCreate, |_: Event| async {
            Err(HandlerError::reject("[emailDomain]").with_message("only example.com addresses"))
        }),
    );
    let response = send(&webhook, json!({"type": "user.create"})).await;
    assert_eq!(
        response.json(),
        Some(
            json!({"errors": [{"code": "[emailDomain]", "message": "only example.com addresses"}]})
        )
    );
}

#[tokio::test]
async fn basic_auth_failures_carry_a_challenge() {
    let webhook = Webhook::builder()
        .basic_auth("fusionauth", "s3cret")
        .allow_no_handlers()
        .build()
        .unwrap();
    let client = TestClient::new(webhook);
    let body = json!({"event": {"type": "user.create"}}).to_string();
    let refused = client
        .send(
            TestRequest::body(body.clone())
                .basic_auth("fusionauth", "wrong")
                .build(),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(
        refused.headers["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic ")
    );
    let accepted = client
        .send(
            TestRequest::body(body)
                .basic_auth("fusionauth", "s3cret")
                .build(),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK);
}

#[tokio::test]
async fn several_required_headers_must_all_match() {
    let webhook = Webhook::builder()
        .require_header("X-Tenant-Secret", "one")
        .require_header("X-Other-Secret", "two")
        .allow_no_handlers()
        .build()
        .unwrap();
    let client = TestClient::new(webhook);
    let body = json!({"event": {"type": "user.create"}}).to_string();
    let only_one = TestRequest::body(body.clone())
        .header("x-tenant-secret", "one")
        .build();
    assert_eq!(client.send(only_one).await.status, StatusCode::UNAUTHORIZED);
    let both = TestRequest::body(body)
        .header("x-tenant-secret", "one")
        .header("x-other-secret", "two")
        .build();
    assert_eq!(client.send(both).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_smaller_body_limit_is_enforced() {
    let webhook = Webhook::builder()
        .api_key(KEY)
        .max_body_size(64)
        .allow_no_handlers()
        .build()
        .unwrap();
    let client = TestClient::new(webhook);
    let big = json!({"event": {"type": "user.create", "padding": "x".repeat(64)}}).to_string();
    assert_eq!(
        client
            .send(TestRequest::body(big).api_key(KEY).build())
            .await
            .status,
        StatusCode::PAYLOAD_TOO_LARGE
    );
}

#[test]
fn configuration_mistakes_are_errors_at_build_time() {
    let cases: Vec<(fusionauth_webhooks::WebhookBuilder, ConfigError)> = vec![
        (Webhook::builder(), ConfigError::NoCredentials),
        (
            Webhook::builder().api_key("key").basic_auth("user", "pass"),
            ConfigError::AuthorizationConflict,
        ),
        (
            Webhook::builder()
                .require_header("authorization", "key")
                .basic_auth("user", "pass"),
            ConfigError::AuthorizationConflict,
        ),
        (
            Webhook::builder().api_key(""),
            ConfigError::EmptySecret("a required header value"),
        ),
        (
            Webhook::builder().basic_auth("user", ""),
            ConfigError::EmptySecret("the basic-auth password"),
        ),
        (
            Webhook::builder().basic_auth("us:er", "pass"),
            ConfigError::ColonInUsername,
        ),
        (
            Webhook::builder().require_header("bad header", "x"),
            ConfigError::InvalidHeaderName("bad header".into()),
        ),
        (
            Webhook::builder().require_header("x-secret", "line\nbreak"),
            ConfigError::InvalidHeaderValue("x-secret".into()),
        ),
        (
            Webhook::builder().api_key("key").max_body_size(0),
            ConfigError::ZeroBodyLimit,
        ),
        (
            Webhook::builder()
                .api_key("key")
                .unrouted_status(StatusCode::NOT_FOUND),
            ConfigError::UnroutedStatusNotSuccess(404),
        ),
    ];
    for (builder, expected) in cases {
        assert_eq!(builder.build().unwrap_err(), expected);
    }
}

#[tokio::test]
async fn a_webhook_without_handlers_is_refused_unless_allowed_by_name() {
    // Forgetting `.router(..)`: the webhook would approve every user creation.
    let forgot = Webhook::builder().api_key(KEY).build().unwrap_err();
    assert_eq!(forgot, ConfigError::NoHandlers);
    let message = forgot.to_string();
    assert!(
        message.contains(".router(") && message.contains("allow_no_handlers()"),
        "the message names both ways out: {message}"
    );
    // A router with no handler in it is the same mistake.
    let empty = Webhook::builder()
        .api_key(KEY)
        .router(Router::new())
        .build();
    assert_eq!(empty.unwrap_err(), ConfigError::NoHandlers);
    // Only a filter is no handler either.
    let filtered = Router::new().only_tenants([Uuid::nil()]);
    let filtered = Webhook::builder().api_key(KEY).router(filtered).build();
    assert_eq!(filtered.unwrap_err(), ConfigError::NoHandlers);
    // Any handler will do, a fallback or one for a type named by its wire string too.
    for router in [
        Router::new().on_any(|_: Event| async { Ok(()) }),
        Router::new().fallback(|_: Event| async { Ok(()) }),
        Router::new().on_type_name("user.future", |_: Event| async { Ok(()) }),
    ] {
        assert!(
            Webhook::builder()
                .api_key(KEY)
                .router(router)
                .build()
                .is_ok()
        );
    }
    // On purpose: every event acknowledged unhandled, transactional ones included.
    let webhook = Webhook::builder()
        .api_key(KEY)
        .allow_no_handlers()
        .build()
        .unwrap();
    assert_eq!(
        send(&webhook, json!({"type": "user.create"})).await.status,
        StatusCode::OK
    );
}

#[test]
fn unauthenticated_webhooks_need_an_explicit_opt_in() {
    assert!(
        Webhook::builder()
            .insecure_allow_unauthenticated()
            .allow_no_handlers()
            .build()
            .is_ok()
    );
}

#[test]
fn debug_output_never_shows_secrets() {
    let webhook = Webhook::builder()
        .basic_auth("fa-user", "hunter2")
        .allow_no_handlers()
        .build()
        .unwrap();
    let shown = format!("{webhook:?}");
    assert!(
        !shown.contains("hunter2") && !shown.contains("fa-user"),
        "{shown}"
    );
}
