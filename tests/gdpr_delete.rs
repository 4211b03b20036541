//! The `gdpr_delete` example's handler against a real, temporary SQLite file:
//! the deletion and the inbox row commit together.

#[path = "../examples/gdpr_delete/handler.rs"]
mod handler;
#[path = "../examples/gdpr_delete/todos.rs"]
mod todos;

use std::sync::Arc;

use fusionauth_webhooks::Webhook;
use fusionauth_webhooks::domain::User;
use fusionauth_webhooks::payload::UserDelete;
use fusionauth_webhooks::samples;
use fusionauth_webhooks::testing::{TestClient, TestRequest, TestResponse};
use http::StatusCode;
use todos::{DEMO_USERS, TodoStore};
use uuid::Uuid;

const KEY: &str = "gdpr-test-key";

struct App {
    store: Arc<TodoStore>,
    client: TestClient,
    _dir: tempfile::TempDir,
}

async fn app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(TodoStore::open(&dir.path().join("todos.db")).await.unwrap());
    assert_eq!(store.seed_demo_data().await.unwrap(), 6);
    let webhook = Webhook::builder()
        .api_key(KEY)
        .router(handler::router(&store))
        .build()
        .unwrap();
    App {
        store,
        client: TestClient::new(webhook),
        _dir: dir,
    }
}

/// FusionAuth's `user.delete` of `user`, the event id derived from it (a
/// retry of the same deletion carries the same id).
async fn delete(app: &App, user: Uuid) -> TestResponse {
    let sample = samples::user_delete();
    let event = UserDelete {
        user: Some(User {
            id: Some(user),
            ..samples::user()
        }),
        envelope: fusionauth_webhooks::Envelope {
            id: Some(Uuid::from_u128(user.as_u128() ^ 0xde1e7e)),
            ..sample.envelope.clone()
        },
        ..sample
    };
    app.client
        .send(TestRequest::event(&event).api_key(KEY).build())
        .await
}

#[tokio::test]
async fn deleting_a_user_removes_their_rows_and_keeps_everyone_elses() {
    let app = app().await;
    let (jane, _) = DEMO_USERS[0];
    let (john, _) = DEMO_USERS[1];
    app.store.add(jane, "one more").await.unwrap();

    let response = delete(&app, jane).await;

    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(app.store.count_for(jane).await.unwrap(), 0);
    assert_eq!(app.store.count_for(john).await.unwrap(), 3);
}

#[tokio::test]
async fn a_retried_deletion_is_acknowledged_without_deleting_again() {
    let app = app().await;
    let (jane, _) = DEMO_USERS[0];
    assert_eq!(delete(&app, jane).await.status, StatusCode::OK);
    // Written after the deletion: not the deleted user's old data.
    app.store.add(jane, "a new account's todo").await.unwrap();

    let retry = delete(&app, jane).await;

    assert_eq!(retry.status, StatusCode::OK, "the retry is acknowledged");
    assert_eq!(
        app.store.count_for(jane).await.unwrap(),
        1,
        "and deletes nothing"
    );
}

#[tokio::test]
async fn deleting_a_user_without_data_succeeds() {
    let app = app().await;
    let response = delete(&app, Uuid::from_u128(42)).await;
    assert_eq!(response.status, StatusCode::OK);
}

#[tokio::test]
async fn a_failing_database_answers_500_and_keeps_the_data_until_the_retry() {
    let app = app().await;
    let (jane, _) = DEMO_USERS[0];
    // Deleting todos now fails, as with a full disk or a lost connection.
    app.store
        .execute_batch(
            "CREATE TRIGGER broken BEFORE DELETE ON todos BEGIN SELECT RAISE(ABORT, 'disk full'); END",
        )
        .await
        .unwrap();

    let response = delete(&app, jane).await;

    assert_eq!(response.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(response.body.is_empty(), "no internals in the response");
    assert_eq!(app.store.count_for(jane).await.unwrap(), 3);

    // The inbox row rolled back with the deletion: FusionAuth's retry runs it.
    app.store
        .execute_batch("DROP TRIGGER broken")
        .await
        .unwrap();
    assert_eq!(delete(&app, jane).await.status, StatusCode::OK);
    assert_eq!(app.store.count_for(jane).await.unwrap(), 0);
}

#[tokio::test]
async fn an_event_without_a_user_id_is_rejected() {
    let app = app().await;
    let event = UserDelete {
        user: None,
        envelope: fusionauth_webhooks::Envelope {
            linked_object_id: None,
            ..samples::user_delete().envelope
        },
        ..samples::user_delete()
    };
    let response = app
        .client
        .send(TestRequest::event(&event).api_key(KEY).build())
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(response.error_code().as_deref(), Some("[missingUserId]"));
}
