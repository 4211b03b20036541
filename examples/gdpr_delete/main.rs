//! The scenario of FusionAuth's GDPR tutorial: when FusionAuth deletes a user,
//! delete everything the app keeps about them first.
//!
//! ```sh
//! cargo run --example gdpr_delete
//! ```
//!
//! An axum app keeps todos per user in a SQLite database, seeded with two
//! demo users on first start: by default a fresh one in a temporary
//! directory of this run, deleted when it stops (Ctrl-C); with
//! `GDPR_DELETE_DB=path/to/todos.db`, that file, kept between runs. The `user.delete` handler is an inbox handler
//! (`fusionauth-webhooks-sqlx`): it deletes the user's rows in the
//! transaction that also records the event as handled, and answers 200 only
//! after the commit. If the database fails it answers 500, and FusionAuth
//! (with the tenant's `user.delete` transaction setting requiring this
//! webhook) does not delete the user either; a retry of a committed deletion
//! is answered 200 without deleting again.
//!
//! Routes: `POST /fusionauth-webhook` (the webhook) and `GET /todos/{user_id}`
//! (the app's own data, to watch it go).

mod handler;
#[path = "../support/mod.rs"]
mod support;
mod todos;

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use uuid::Uuid;

use todos::{DEMO_USERS, TodoStore};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    support::init_logging();
    // Kept alive until main returns: the run's own database is deleted then.
    let run_dir = tempfile::tempdir()?;
    let (path, kept) = match std::env::var_os("GDPR_DELETE_DB") {
        Some(path) => (PathBuf::from(path), "kept between runs"),
        None => (
            run_dir.path().join("todos.db"),
            "this run's own, deleted when it stops; set GDPR_DELETE_DB=FILE to keep one",
        ),
    };
    let store = Arc::new(TodoStore::open(&path).await?);
    let seeded = store.seed_demo_data().await?;

    let (webhook, generated_key) = support::webhook_from_env(handler::router(&store))?;
    let app = axum::Router::new()
        .route("/todos/{user_id}", get(count_todos))
        .with_state(Arc::clone(&store))
        .merge(fusionauth_webhooks_axum::router(
            support::WEBHOOK_PATH,
            webhook,
        ));

    let listener = tokio::net::TcpListener::bind(support::listen_addr()?).await?;
    let addr = listener.local_addr()?;
    println!(
        "todo database: {} ({kept}; {seeded} demo todos added)",
        path.display()
    );
    for (user, email) in DEMO_USERS {
        println!(
            "  {email}: {user}, {} todos (GET http://{addr}/todos/{user})",
            store.count_for(user).await?
        );
    }
    support::print_banner(addr, generated_key.as_deref());
    println!("After the curl, the todos of user 00000000-0000-0000-0000-000000000001 are gone.");

    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// `GET /todos/{user_id}`: how many todos the app keeps for a user.
async fn count_todos(
    State(store): State<Arc<TodoStore>>,
    Path(user_id): Path<Uuid>,
) -> Result<String, StatusCode> {
    store
        .count_for(user_id)
        .await
        .map(|count| format!("{count}\n"))
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)
}
