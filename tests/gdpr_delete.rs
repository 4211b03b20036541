//! The `gdpr_delete` example's handler against a real, temporary SQLite file.

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

fn app() -> App {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(TodoStore::open(&dir.path().join("todos.db")).unwrap());
    assert_eq!(store.seed_demo_data().unwrap(), 6);
    let webhook = Webhook::builder()
        .api_key(KEY)
        .router(handler::router(Arc::clone(&store)))
        .build()
        .unwrap();
    App {
        store,
        client: TestClient::new(webhook),
        _dir: dir,
    }
}

async fn delete(app: &App, user: Uuid) -> TestResponse {
    let event = UserDelete {
        user: Some(User {
            id: Some(user),
            ..samples::user()
        }),
        ..samples::user_delete()
    };
    app.client
        .send(TestRequest::event(&event).api_key(KEY).build())
        .await
}

#[tokio::test]
async fn deleting_a_user_removes_their_rows_and_keeps_everyone_elses() {
    let app = app();
    let (jane, _) = DEMO_USERS[0];
    let (john, _) = DEMO_USERS[1];
    app.store.add(jane, "one more").unwrap();

    let response = delete(&app, jane).await;

    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(app.store.count_for(jane).unwrap(), 0);
    assert_eq!(app.store.count_for(john).unwrap(), 3);
}

#[tokio::test]
async fn deleting_a_user_without_data_succeeds() {
    let app = app();
    let response = delete(&app, Uuid::from_u128(42)).await;
    assert_eq!(response.status, StatusCode::OK);
}

#[tokio::test]
async fn a_failing_database_answers_500_and_keeps_the_data() {
    let app = app();
    let (jane, _) = DEMO_USERS[0];
    // Every write now fails, as with a full disk or a lost connection.
    app.store.execute_batch("PRAGMA query_only = ON").unwrap();

    let response = delete(&app, jane).await;

    assert_eq!(response.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(response.body.is_empty(), "no internals in the response");
    assert_eq!(app.store.count_for(jane).unwrap(), 3);
}

#[tokio::test]
async fn an_event_without_a_user_id_is_rejected() {
    let app = app();
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
