//! Credentials, body limits and the mistakes `build()` refuses.

use super::*;

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
