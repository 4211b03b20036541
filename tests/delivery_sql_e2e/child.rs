//! The child processes: a receiver or a worker, run by the parent test as
//! this binary's ignored tests `child::receiver_process` and
//! `child::worker_process`.

use super::*;

/// The inbox handler of both roles: one row per committed run.
pub(crate) fn record<DB>(inbox: &Inbox<DB>, name: &str) -> InboxHandler<DB>
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let handled_by = name.to_owned();
    inbox.event_handler("e2e-effects", move |event: Event, transaction| {
        let handled_by = handled_by.clone();
        Box::pin(async move {
            let id = event.id().expect("every event has an id").to_string();
            sqlx::query(
                "INSERT INTO e2e_effects (event_id, event_type, handled_by) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(event.type_name().to_owned())
            .bind(handled_by)
            .execute(&mut **transaction)
            .await
            .or_internal()?;
            Ok(())
        })
    })
}

pub(crate) async fn receiver<DB>(pool: Pool<DB>, name: &str, address: SocketAddr)
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let inbox = Inbox::new(pool.clone(), "e2e");
    let router = Router::new().on_event(EventType::UserUpdate, record(&inbox, name));
    let webhook = Webhook::builder()
        .api_key(API_KEY)
        .router(router)
        .enqueue(
            [EventType::UserUpdateComplete, EventType::UserEmailUpdate],
            SqlQueue::new(pool),
        )
        .handler_timeout(HANDLER_DEADLINE)
        .build()
        .unwrap();
    let listener = tokio::net::TcpListener::bind(address).await.expect("bind");
    // Runs until the parent kills it.
    fusionauth_webhooks_hyper::serve(listener, webhook).await;
}

pub(crate) async fn worker<DB>(pool: Pool<DB>, name: &str, batch: usize)
where
    DB: Backend,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    let inbox = Inbox::new(pool.clone(), "e2e");
    let router = Router::new()
        .on_event(EventType::UserUpdateComplete, record(&inbox, name))
        .on_event(EventType::UserEmailUpdate, |_event| async {
            Err(HandlerError::retry_later())
        });
    let queue = SqlQueue::new(pool)
        .visibility_timeout(VISIBILITY)
        .poll_interval(Duration::from_millis(20));
    let worker = Worker::new(router, queue)
        .max_attempts(MAX_ATTEMPTS)
        .retry_backoff(Duration::from_millis(20), Duration::from_millis(100))
        .handler_timeout(HANDLER_DEADLINE)
        .batch_size(batch);
    // Runs until the parent kills it.
    worker.run(std::future::pending()).await;
}

/// A role of a child process, on the database of `E2E_DATABASE_URL`.
pub(crate) async fn child(role: &str) {
    let url = std::env::var(ENV_URL).expect("run by an end-to-end test, with E2E_DATABASE_URL");
    let name = std::env::var(ENV_NAME).expect("E2E_NAME");
    let address = || {
        std::env::var(ENV_ADDR)
            .expect("E2E_ADDR")
            .parse()
            .expect("an address")
    };
    if url.starts_with("postgres:") {
        let pool = PgPoolOptions::new()
            .max_connections(40)
            .connect(&url)
            .await
            .expect("PostgreSQL");
        match role {
            "receiver" => receiver(pool, &name, address()).await,
            _ => worker(pool, &name, 32).await,
        }
    } else {
        let pool = fusionauth_webhooks_sqlx::connect_sqlite(&url)
            .await
            .expect("SQLite");
        match role {
            "receiver" => receiver(pool, &name, address()).await,
            // One writer at a time: small batches wait less for the lock.
            _ => worker(pool, &name, 8).await,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a receiver child process of the end-to-end tests; it needs E2E_DATABASE_URL"]
pub(crate) async fn receiver_process() {
    child("receiver").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a worker child process of the end-to-end tests; it needs E2E_DATABASE_URL"]
pub(crate) async fn worker_process() {
    child("worker").await;
}
