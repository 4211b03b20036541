//! Which handlers run for which event, and what the webhook answers.

use super::*;

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
