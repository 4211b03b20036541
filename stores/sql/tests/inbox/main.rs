//! The inbox on SQLite and on a real PostgreSQL: effects exactly once per
//! event and handler, through a webhook and through a worker.

mod lifecycle;
#[path = "../support/mod.rs"]
mod support;
mod webhook;
mod worker;

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
