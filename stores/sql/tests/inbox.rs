//! The inbox on SQLite and on a real PostgreSQL: effects exactly once per
//! event and handler, through a webhook and through a worker.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use fusionauth_webhooks::delivery::{Message, MessageId, Queue as _, QueueError};
use fusionauth_webhooks::payload::UserUpdate;
use fusionauth_webhooks::testing::{TestClient, TestRequest};
use fusionauth_webhooks::{
    Event, EventType, HandlerError, ResultExt as _, Router, Webhook, Worker,
};
use fusionauth_webhooks_sqlx::{Backend, Inbox, SqlQueue};
use futures_util::future::{BoxFuture, join_all};
use http::StatusCode;
use sqlx::{Pool, Postgres, Sqlite, Transaction};
use uuid::Uuid;

const KEY: &str = "inbox-test-key";

/// The app's table of effects in the tests: one row per handler run, no
/// unique constraint, so a second run of an event would show.
trait Effects: Backend + Sized {
    fn create(pool: &Pool<Self>) -> BoxFuture<'_, ()>;
    fn record<'t>(
        transaction: &'t mut Transaction<'_, Self>,
        event: &Event,
        handler: &'static str,
    ) -> BoxFuture<'t, Result<(), HandlerError>>;
    fn count<'p>(pool: &'p Pool<Self>, event: Uuid, handler: &'static str) -> BoxFuture<'p, i64>;
    /// The one number a query selects.
    fn number<'p>(pool: &'p Pool<Self>, sql: &'static str) -> BoxFuture<'p, i64>;
}

macro_rules! effects {
    ($database:ty) => {
        impl Effects for $database {
            fn create(pool: &Pool<Self>) -> BoxFuture<'_, ()> {
                Box::pin(async move {
                    sqlx::query("CREATE TABLE effects (event_id TEXT, handler TEXT NOT NULL)")
                        .execute(pool)
                        .await
                        .expect("the effects table");
                })
            }

            fn record<'t>(
                transaction: &'t mut Transaction<'_, Self>,
                event: &Event,
                handler: &'static str,
            ) -> BoxFuture<'t, Result<(), HandlerError>> {
                let id = event.id().map(|id| id.to_string());
                Box::pin(async move {
                    sqlx::query("INSERT INTO effects (event_id, handler) VALUES ($1, $2)")
                        .bind(id)
                        .bind(handler)
                        .execute(&mut **transaction)
                        .await
                        .or_internal()?;
                    Ok(())
                })
            }

            fn count<'p>(
                pool: &'p Pool<Self>,
                event: Uuid,
                handler: &'static str,
            ) -> BoxFuture<'p, i64> {
                Box::pin(async move {
                    let (count,): (i64,) = sqlx::query_as(
                        "SELECT count(*) FROM effects WHERE event_id = $1 AND handler = $2",
                    )
                    .bind(event.to_string())
                    .bind(handler)
                    .fetch_one(pool)
                    .await
                    .expect("count");
                    count
                })
            }

            fn number<'p>(pool: &'p Pool<Self>, sql: &'static str) -> BoxFuture<'p, i64> {
                Box::pin(async move {
                    let (number,): (i64,) = sqlx::query_as(sql).fetch_one(pool).await.expect(sql);
                    number
                })
            }
        }
    };
}
effects!(Sqlite);
effects!(Postgres);

on_both!(
    a_first_delivery_commits_and_a_duplicate_runs_nothing,
    a_failing_handler_rolls_back_and_the_retry_runs_it,
    a_veto_rolls_back_and_answers_its_status,
    concurrent_duplicates_run_once_and_all_wait_for_the_commit,
    a_duplicate_waiting_on_a_first_delivery_that_rolls_back_runs_it,
    a_lock_wait_past_the_handler_deadline_answers_503,
    two_handlers_of_one_event_keep_a_row_each,
    two_namespaces_do_not_skip_each_others_events,
    an_event_without_an_id_runs_in_a_transaction_without_a_row,
    a_worker_acknowledges_in_the_handlers_transaction,
    a_worker_retries_only_the_handler_that_failed,
);

fn body(event_type: &str, id: Uuid) -> Bytes {
    Bytes::from(format!(
        r#"{{"event":{{"type":"{event_type}","id":"{id}"}}}}"#
    ))
}

fn client(router: Router, deadline: Option<Duration>) -> TestClient {
    let mut builder = Webhook::builder().api_key(KEY).router(router);
    if let Some(deadline) = deadline {
        builder = builder.handler_timeout(deadline);
    }
    TestClient::new(builder.build().expect("a webhook"))
}

async fn deliver(client: &TestClient, body: Bytes) -> StatusCode {
    client
        .send(TestRequest::body(body).api_key(KEY).build())
        .await
        .status
}

/// A router whose `user.update` handler `record` records its effect, then
/// answers `then`, after `hold` inside the transaction; it counts its runs.
fn recording<DB: Effects>(
    inbox: &Inbox<DB>,
    hold: Duration,
    then: fn(usize) -> Result<(), HandlerError>,
) -> (Router, Arc<AtomicUsize>) {
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&runs);
    let handler = inbox.event_handler("record", move |event: Event, transaction| {
        let run = counted.fetch_add(1, Ordering::SeqCst) + 1;
        Box::pin(async move {
            DB::record(transaction, &event, "record").await?;
            tokio::time::sleep(hold).await;
            then(run)
        })
    });
    (Router::new().on_event(EventType::UserUpdate, handler), runs)
}

async fn a_first_delivery_commits_and_a_duplicate_runs_nothing<DB: Effects>(pool: Pool<DB>) {
    DB::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (router, runs) = recording(&inbox, Duration::ZERO, |_| Ok(()));
    let client = client(router, None);
    let id = Uuid::new_v4();
    assert_eq!(
        deliver(&client, body("user.update", id)).await,
        StatusCode::OK
    );
    assert!(
        inbox.contains(id, "record").await.unwrap(),
        "the row committed"
    );
    assert_eq!(DB::count(&pool, id, "record").await, 1, "with the effect");
    for _ in 0..3 {
        assert_eq!(
            deliver(&client, body("user.update", id)).await,
            StatusCode::OK
        );
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1, "duplicates ran nothing");
    assert_eq!(DB::count(&pool, id, "record").await, 1);
}

async fn a_failing_handler_rolls_back_and_the_retry_runs_it<DB: Effects>(pool: Pool<DB>) {
    DB::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (router, runs) = recording(&inbox, Duration::ZERO, |run| {
        if run == 1 {
            Err(HandlerError::internal("the mail server is down"))
        } else {
            Ok(())
        }
    });
    let client = client(router, None);
    let id = Uuid::new_v4();
    assert_eq!(
        deliver(&client, body("user.update", id)).await,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert!(!inbox.contains(id, "record").await.unwrap(), "no row");
    assert_eq!(DB::count(&pool, id, "record").await, 0, "no effect");
    assert_eq!(
        deliver(&client, body("user.update", id)).await,
        StatusCode::OK
    );
    assert_eq!(runs.load(Ordering::SeqCst), 2, "FusionAuth's retry ran it");
    assert_eq!(DB::count(&pool, id, "record").await, 1);
}

async fn a_veto_rolls_back_and_answers_its_status<DB: Effects>(pool: Pool<DB>) {
    DB::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (router, runs) = recording(&inbox, Duration::ZERO, |_| {
        Err(HandlerError::reject("[notAllowed]"))
    });
    let client = client(router, None);
    let id = Uuid::new_v4();
    let response = client
        .send(
            TestRequest::body(body("user.update", id))
                .api_key(KEY)
                .build(),
        )
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(response.error_code().as_deref(), Some("[notAllowed]"));
    assert_eq!(DB::count(&pool, id, "record").await, 0, "no effect");
    assert!(!inbox.contains(id, "record").await.unwrap(), "no row");
    assert_eq!(
        deliver(&client, body("user.update", id)).await,
        StatusCode::BAD_REQUEST,
        "a retry is judged again"
    );
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

async fn concurrent_duplicates_run_once_and_all_wait_for_the_commit<DB: Effects>(pool: Pool<DB>) {
    DB::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (router, runs) = recording(&inbox, Duration::from_millis(200), |_| Ok(()));
    let client = client(router, None);
    let id = Uuid::new_v4();
    let statuses = join_all((0..8).map(|_| deliver(&client, body("user.update", id)))).await;
    assert!(
        statuses.iter().all(|status| *status == StatusCode::OK),
        "{statuses:?}"
    );
    assert_eq!(
        runs.load(Ordering::SeqCst),
        1,
        "one ran, seven waited and found its row"
    );
    assert_eq!(DB::count(&pool, id, "record").await, 1);
}

async fn a_duplicate_waiting_on_a_first_delivery_that_rolls_back_runs_it<DB: Effects>(
    pool: Pool<DB>,
) {
    DB::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (router, runs) = recording(&inbox, Duration::from_millis(300), |run| {
        if run == 1 {
            Err(HandlerError::retry_later())
        } else {
            Ok(())
        }
    });
    let client = client(router, None);
    let id = Uuid::new_v4();
    let first = deliver(&client, body("user.update", id));
    let second = async {
        // Starts while the first holds its transaction.
        tokio::time::sleep(Duration::from_millis(100)).await;
        deliver(&client, body("user.update", id)).await
    };
    let (first, second) = tokio::join!(first, second);
    assert_eq!(first, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(second, StatusCode::OK, "it waited, then ran");
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    assert_eq!(
        DB::count(&pool, id, "record").await,
        1,
        "the rolled-back effect is gone"
    );
}

async fn a_lock_wait_past_the_handler_deadline_answers_503<DB: Effects>(pool: Pool<DB>) {
    DB::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (slow, _) = recording(&inbox, Duration::from_millis(1500), |_| Ok(()));
    let (router, runs) = recording(&inbox, Duration::ZERO, |_| Ok(()));
    let (slow, waiting) = (
        client(slow, None),
        client(router, Some(Duration::from_millis(200))),
    );
    let id = Uuid::new_v4();
    let first = deliver(&slow, body("user.update", id));
    let second = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let started = std::time::Instant::now();
        let status = deliver(&waiting, body("user.update", id)).await;
        (status, started.elapsed())
    };
    let (first, (second, waited)) = tokio::join!(first, second);
    assert_eq!(first, StatusCode::OK);
    assert_eq!(
        second,
        StatusCode::SERVICE_UNAVAILABLE,
        "not after the first's commit"
    );
    assert!(
        waited < Duration::from_millis(1000),
        "answered at its deadline: {waited:?}"
    );
    // FusionAuth's retry, once the first committed: a duplicate.
    assert_eq!(
        deliver(&waiting, body("user.update", id)).await,
        StatusCode::OK
    );
    assert_eq!(
        runs.load(Ordering::SeqCst),
        0,
        "the waiting handler never ran"
    );
    assert_eq!(DB::count(&pool, id, "record").await, 1);
}

async fn two_handlers_of_one_event_keep_a_row_each<DB: Effects>(pool: Pool<DB>) {
    DB::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let failures = Arc::new(AtomicUsize::new(1));
    let fails_once = Arc::clone(&failures);
    let router = Router::new()
        .on_event(
            EventType::UserUpdate,
            inbox.event_handler("welcome-email", |event: Event, transaction| {
                Box::pin(async move { DB::record(transaction, &event, "welcome-email").await })
            }),
        )
        .on_with_event(
            inbox.handler("crm-sync", move |update: UserUpdate, transaction| {
                let fail = fails_once
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                        left.checked_sub(1)
                    })
                    .is_ok();
                Box::pin(async move {
                    let event =
                        Event::parse(body("user.update", update.envelope.id.unwrap())).unwrap();
                    DB::record(transaction, &event, "crm-sync").await?;
                    if fail {
                        return Err(HandlerError::retry_later());
                    }
                    Ok(())
                })
            }),
        );
    let client = client(router, None);
    let id = Uuid::new_v4();
    assert_eq!(
        deliver(&client, body("user.update", id)).await,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert!(inbox.contains(id, "welcome-email").await.unwrap());
    assert!(!inbox.contains(id, "crm-sync").await.unwrap());
    assert_eq!(
        deliver(&client, body("user.update", id)).await,
        StatusCode::OK
    );
    assert_eq!(
        DB::count(&pool, id, "welcome-email").await,
        1,
        "not sent twice"
    );
    assert_eq!(DB::count(&pool, id, "crm-sync").await, 1, "not skipped");
    assert_eq!(failures.load(Ordering::SeqCst), 0);
}

async fn two_namespaces_do_not_skip_each_others_events<DB: Effects>(pool: Pool<DB>) {
    DB::create(&pool).await;
    let id = Uuid::new_v4();
    for namespace in ["billing-app", "todo-app"] {
        let (router, runs) =
            recording(&Inbox::new(pool.clone(), namespace), Duration::ZERO, |_| {
                Ok(())
            });
        let client = client(router, None);
        assert_eq!(
            deliver(&client, body("user.update", id)).await,
            StatusCode::OK
        );
        assert_eq!(runs.load(Ordering::SeqCst), 1, "new to {namespace}");
    }
    assert_eq!(
        DB::count(&pool, id, "record").await,
        2,
        "one effect per app"
    );
}

async fn an_event_without_an_id_runs_in_a_transaction_without_a_row<DB: Effects>(pool: Pool<DB>) {
    DB::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (router, runs) = recording(&inbox, Duration::ZERO, |run| {
        if run == 1 {
            Err(HandlerError::internal("rolled back"))
        } else {
            Ok(())
        }
    });
    let client = client(router, None);
    let without_id = Bytes::from_static(br#"{"event":{"type":"user.update"}}"#);
    assert_eq!(
        deliver(&client, without_id.clone()).await,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    for _ in 0..2 {
        assert_eq!(deliver(&client, without_id.clone()).await, StatusCode::OK);
    }
    assert_eq!(
        runs.load(Ordering::SeqCst),
        3,
        "no row: every delivery runs"
    );
    let effects = DB::number(&pool, "SELECT count(*) FROM effects WHERE event_id IS NULL").await;
    let rows = DB::number(&pool, "SELECT count(*) FROM fusionauth_webhooks_inbox").await;
    assert_eq!(
        (effects, rows),
        (2, 0),
        "the failed run rolled back; no rows"
    );
}

async fn a_worker_acknowledges_in_the_handlers_transaction<DB: Effects>(pool: Pool<DB>) {
    DB::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (router, runs) = recording(&inbox, Duration::ZERO, |_| Ok(()));
    let queue = SqlQueue::new(pool.clone());
    let id = Uuid::new_v4();
    queue.push(body("user.update", id)).await.unwrap();
    queue.push(body("user.update", id)).await.unwrap();
    let worker = Worker::new(router, queue.clone());
    assert_eq!(worker.run_once(Duration::from_secs(1)).await.unwrap(), 2);
    assert_eq!(runs.load(Ordering::SeqCst), 1, "the duplicate ran nothing");
    assert_eq!(DB::count(&pool, id, "record").await, 1);
    let left = DB::number(&pool, "SELECT count(*) FROM fusionauth_webhooks_queue").await;
    assert_eq!(left, 0, "both messages acknowledged");
}

async fn a_worker_retries_only_the_handler_that_failed<DB: Effects>(pool: Pool<DB>) {
    DB::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (router, _) = recording(&inbox, Duration::ZERO, |_| Ok(()));
    let failures = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&failures);
    let router = router.on_event(
        EventType::UserUpdate,
        inbox.event_handler("flaky", move |event: Event, transaction| {
            let run = counted.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move {
                DB::record(transaction, &event, "flaky").await?;
                if run == 0 {
                    return Err(HandlerError::internal("first run fails"));
                }
                Ok(())
            })
        }),
    );
    let queue = SqlQueue::new(pool.clone());
    let id = Uuid::new_v4();
    queue.push(body("user.update", id)).await.unwrap();
    let worker = Worker::new(router, queue.clone())
        .retry_backoff(Duration::from_millis(10), Duration::from_millis(10));
    let mut handled = 0;
    for _ in 0..100 {
        handled += worker.run_once(Duration::from_millis(50)).await.unwrap();
        if handled == 2 {
            break;
        }
    }
    assert_eq!(handled, 2, "the first attempt, then the retry");
    assert_eq!(
        DB::count(&pool, id, "record").await,
        1,
        "the handler that committed ran once"
    );
    assert_eq!(
        DB::count(&pool, id, "flaky").await,
        1,
        "the failed one ran again, once"
    );
    assert!(
        queue
            .receive(10, Duration::from_millis(50))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(queue.dead_letters().await.unwrap().is_empty());
}

/// A queue whose worker dies before it can acknowledge anything itself.
struct DiesBeforeAcknowledging<Q> {
    queue: Q,
    acks: AtomicUsize,
}

#[async_trait::async_trait]
impl<Q: fusionauth_webhooks::delivery::Queue> fusionauth_webhooks::delivery::Queue
    for DiesBeforeAcknowledging<Q>
{
    async fn push(&self, payload: Bytes) -> Result<MessageId, QueueError> {
        self.queue.push(payload).await
    }

    async fn receive(&self, max: usize, wait: Duration) -> Result<Vec<Message>, QueueError> {
        self.queue.receive(max, wait).await
    }

    async fn ack(&self, _: &Message) -> Result<(), QueueError> {
        self.acks.fetch_add(1, Ordering::SeqCst);
        Err(QueueError::unavailable("the worker died"))
    }

    async fn retry(&self, message: &Message, delay: Duration) -> Result<(), QueueError> {
        self.queue.retry(message, delay).await
    }

    async fn dead_letter(&self, message: &Message, reason: &str) -> Result<(), QueueError> {
        self.queue.dead_letter(message, reason).await
    }
}

#[tokio::test]
async fn the_commit_is_the_acknowledgement_so_a_worker_dying_after_it_leaves_nothing_to_redo() {
    let (pool, _dir) = support::sqlite().await;
    Sqlite::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (router, runs) = recording(&inbox, Duration::ZERO, |_| Ok(()));
    let queue = SqlQueue::new(pool.clone()).visibility_timeout(Duration::from_millis(100));
    let dying = Arc::new(DiesBeforeAcknowledging {
        queue: queue.clone(),
        acks: AtomicUsize::new(0),
    });
    let id = Uuid::new_v4();
    queue.push(body("user.update", id)).await.unwrap();
    let worker = Worker::new(router, Arc::clone(&dying));
    assert_eq!(worker.run_once(Duration::from_secs(1)).await.unwrap(), 1);
    assert_eq!(
        dying.acks.load(Ordering::SeqCst),
        0,
        "the worker had nothing to acknowledge"
    );
    assert_eq!(Sqlite::count(&pool, id, "record").await, 1);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        queue
            .receive(10, Duration::from_millis(50))
            .await
            .unwrap()
            .is_empty(),
        "no redelivery after the visibility timeout: the message went with the commit"
    );
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

#[tokio::test]
#[should_panic(expected = "is taken by another handler")]
async fn two_different_handlers_under_one_name_panic() {
    let (pool, _dir) = support::sqlite().await;
    let inbox = Inbox::new(pool, "app");
    let _first = inbox.event_handler("mail", |_: Event, _| Box::pin(async { Ok(()) }));
    let _second = inbox.event_handler("mail", |_: Event, _| Box::pin(async { Ok(()) }));
}

#[tokio::test]
async fn the_same_handler_built_twice_keeps_its_name() {
    let (pool, _dir) = support::sqlite().await;
    let inbox = Inbox::new(pool.clone(), "app");
    let build = || recording(&inbox, Duration::ZERO, |_| Ok(()));
    let (_webhook_router, _) = build();
    let (_worker_router, _) = build();
}

#[tokio::test]
async fn cleanup_forgets_old_rows_and_a_later_duplicate_runs_again() {
    let (pool, _dir) = support::sqlite().await;
    Sqlite::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app").retention(Duration::from_millis(200));
    let (router, runs) = recording(&inbox, Duration::ZERO, |_| Ok(()));
    let client = client(router, None);
    let (old, recent) = (Uuid::new_v4(), Uuid::new_v4());
    assert_eq!(
        deliver(&client, body("user.update", old)).await,
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        deliver(&client, body("user.update", recent)).await,
        StatusCode::OK
    );
    assert_eq!(inbox.cleanup().await.unwrap(), 1, "the old row only");
    assert!(inbox.contains(recent, "record").await.unwrap());
    assert_eq!(
        deliver(&client, body("user.update", recent)).await,
        StatusCode::OK
    );
    assert_eq!(
        runs.load(Ordering::SeqCst),
        2,
        "the recent duplicate still ran nothing"
    );
    assert_eq!(
        deliver(&client, body("user.update", old)).await,
        StatusCode::OK
    );
    assert_eq!(
        runs.load(Ordering::SeqCst),
        3,
        "past the retention, a duplicate runs again"
    );
}

#[tokio::test]
async fn an_unreachable_database_answers_503_and_runs_nothing() {
    let (pool, _server) = support::postgres().await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (router, runs) = recording(&inbox, Duration::ZERO, |_| Ok(()));
    let client = client(router, None);
    pool.close().await;
    assert_eq!(
        deliver(&client, body("user.update", Uuid::new_v4())).await,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_database_without_the_tables_answers_500() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bare.db").display());
    let pool = fusionauth_webhooks_sqlx::connect_sqlite(&url)
        .await
        .unwrap();
    let (router, runs) = recording(&Inbox::new(pool, "app"), Duration::ZERO, |_| Ok(()));
    let client = client(router, None);
    assert_eq!(
        deliver(&client, body("user.update", Uuid::new_v4())).await,
        StatusCode::INTERNAL_SERVER_ERROR,
        "migrations not run: a bug to fix, not a moment to wait out"
    );
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}
