//! One delivery of an event to an inbox handler: the transaction, the row,
//! the handler, the queue message's acknowledgement, the commit.

use fusionauth_webhooks::delivery::QueuedMessage;
use fusionauth_webhooks::{Event, HandlerError};
use futures_util::future::BoxFuture;
use sqlx::Transaction;

use super::{HandlerResult, Shared};
use crate::LOG_TARGET;
use crate::backend::{Backend, InboxKey, turn_to_write};
use crate::queue::Receipt;

/// Runs `call` in an inbox transaction for `event`, unless the handler
/// `name` committed the event before; `Ok` only once everything committed.
pub(super) async fn in_transaction<DB, C>(
    shared: &Shared<DB>,
    name: &str,
    event: &Event,
    call: C,
) -> HandlerResult
where
    DB: Backend,
    C: for<'t, 'c> FnOnce(&'t mut Transaction<'c, DB>) -> BoxFuture<'t, HandlerResult> + Send,
{
    // SQLite: the inbox transactions of this process take turns here rather
    // than in SQLite's busy loop; held until the transaction is over.
    let _turn = turn_to_write(&shared.pool).await;
    let mut connection = shared.pool.acquire().await.map_err(unavailable)?;
    let mut transaction = DB::begin_inbox(&mut connection, shared.lock_wait)
        .await
        .map_err(database_error::<DB>)?;
    let event_id = event.id().map(|id| id.to_string());
    if let Some(event_id) = &event_id {
        let key = InboxKey {
            namespace: &shared.namespace,
            event_id,
            handler: name,
            event_type: event.type_name(),
        };
        let first = DB::insert_inbox_row(&mut *transaction, &key)
            .await
            .map_err(database_error::<DB>)?;
        if !first {
            // Committed before: nothing to write, nothing to run.
            tracing::debug!(
                target: LOG_TARGET, event_id, handler = name,
                "duplicate of a committed event: acknowledged without running"
            );
            rollback(transaction).await;
            return Ok(());
        }
    }
    // Events without an id cannot be told from their duplicates: they run
    // in a transaction all the same, with no row.
    if let Err(error) = call(&mut transaction).await {
        rollback(transaction).await;
        return Err(error);
    }
    let queued = acknowledge_in(&mut transaction).await?;
    transaction.commit().await.map_err(|error| {
        // Perhaps committed after all: the retry then finds the row.
        HandlerError::retry_later().with_source(error)
    })?;
    if let Some(queued) = queued {
        queued.mark_acknowledged();
    }
    Ok(())
}

/// Deletes the queue message the event came from in the transaction, when
/// a worker runs this handler alone on a message of a
/// [`SqlQueue`](crate::SqlQueue): the message it returns is acknowledged
/// once the transaction commits.
async fn acknowledge_in<DB: Backend>(
    transaction: &mut Transaction<'_, DB>,
) -> Result<Option<std::sync::Arc<QueuedMessage>>, HandlerError> {
    let Some(queued) = QueuedMessage::current().filter(|queued| queued.settles_alone()) else {
        return Ok(None);
    };
    let Some(held) = Receipt::of(&queued.message().id) else {
        return Ok(None); // another queue's message (Redis, in memory)
    };
    let deleted = DB::delete_message(&mut **transaction, held.id, held.receipt)
        .await
        .map_err(database_error::<DB>)?;
    // Not deleted: another worker received the message since (its
    // visibility timeout passed) and will find this event's row.
    Ok(deleted.then_some(queued))
}

async fn rollback<DB: Backend>(transaction: Transaction<'_, DB>) {
    if let Err(error) = transaction.rollback().await {
        // The connection goes back to the pool, which closes a broken one;
        // the database rolls back what a lost connection left open.
        tracing::debug!(target: LOG_TARGET, %error, "rolling back an inbox transaction failed");
    }
}

/// The database could not be reached: 503, FusionAuth retries.
fn unavailable(error: sqlx::Error) -> HandlerError {
    HandlerError::retry_later().with_source(error)
}

/// An error of the inbox's own statements: a lock wait that ran out (a
/// concurrent duplicate still running) or a lost database is 503, so that
/// FusionAuth retries; anything else (a missing table: migrations not run)
/// is 500.
fn database_error<DB: Backend>(error: sqlx::Error) -> HandlerError {
    let transient = DB::is_lock_timeout(&error)
        || matches!(
            error,
            sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed
        );
    if transient {
        HandlerError::retry_later().with_source(error)
    } else {
        HandlerError::internal(error)
    }
}
