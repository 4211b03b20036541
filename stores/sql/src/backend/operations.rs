//! Every operation written once, over the SQL text each database's module
//! gives under the same names.

/// Implements [`sealed::Operations`] for `$database` with the SQL of the
/// module `$sql`.
macro_rules! impl_operations {
    ($database:ty, $sql:ident) => {
        #[async_trait::async_trait]
        impl $crate::backend::sealed::Operations for $database {
            const MIGRATIONS: &'static [(i64, &'static str, &'static str)] = $sql::MIGRATIONS;

            async fn begin_inbox(
                connection: &mut Self::Connection,
                lock_wait: std::time::Duration,
            ) -> Result<sqlx::Transaction<'_, Self>, sqlx::Error> {
                sqlx::Connection::begin_with(connection, $sql::begin_inbox(lock_wait)).await
            }

            fn is_lock_timeout(error: &sqlx::Error) -> bool {
                $sql::is_lock_timeout(error)
            }

            fn writers(pool: &sqlx::Pool<Self>) -> Option<std::sync::Arc<tokio::sync::Mutex<()>>> {
                $sql::writers(pool)
            }

            async fn insert_inbox_row(
                connection: &mut Self::Connection,
                key: &$crate::backend::InboxKey<'_>,
            ) -> Result<bool, sqlx::Error> {
                let done = sqlx::query($sql::INSERT_INBOX_ROW)
                    .bind(key.namespace)
                    .bind(key.event_id)
                    .bind(key.handler)
                    .bind(key.event_type)
                    .execute(connection)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn delete_inbox_rows_older_than(
                connection: &mut Self::Connection,
                namespace: &str,
                age: std::time::Duration,
            ) -> Result<u64, sqlx::Error> {
                let done = sqlx::query($sql::DELETE_OLD_INBOX_ROWS)
                    .bind(namespace)
                    .bind($crate::backend::millis(age))
                    .execute(connection)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn inbox_holds(
                connection: &mut Self::Connection,
                namespace: &str,
                event_id: &str,
                handler: &str,
            ) -> Result<bool, sqlx::Error> {
                let found: Option<(i32,)> = sqlx::query_as($sql::INBOX_HOLDS)
                    .bind(namespace)
                    .bind(event_id)
                    .bind(handler)
                    .fetch_optional(connection)
                    .await?;
                Ok(found.is_some())
            }

            async fn push(
                connection: &mut Self::Connection,
                queue: &str,
                payload: &[u8],
            ) -> Result<i64, sqlx::Error> {
                let (id,): (i64,) = sqlx::query_as($sql::PUSH)
                    .bind(queue)
                    .bind(payload)
                    .fetch_one(connection)
                    .await?;
                Ok(id)
            }

            async fn receive(
                connection: &mut Self::Connection,
                queue: &str,
                max: i64,
                visibility: std::time::Duration,
                receipt: &str,
            ) -> Result<Vec<$crate::backend::QueueRow>, sqlx::Error> {
                let mut rows: Vec<$crate::backend::QueueRow> = sqlx::query_as($sql::RECEIVE)
                    .bind(queue)
                    .bind(max)
                    .bind($crate::backend::millis(visibility))
                    .bind(receipt)
                    .fetch_all(connection)
                    .await?;
                // RETURNING gives no order: oldest first.
                rows.sort_unstable_by_key(|(id, _, _)| *id);
                Ok(rows)
            }

            async fn delete_message(
                connection: &mut Self::Connection,
                id: i64,
                receipt: &str,
            ) -> Result<bool, sqlx::Error> {
                let done = sqlx::query($sql::DELETE_MESSAGE)
                    .bind(id)
                    .bind(receipt)
                    .execute(connection)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn retry(
                connection: &mut Self::Connection,
                id: i64,
                receipt: &str,
                delay: std::time::Duration,
            ) -> Result<bool, sqlx::Error> {
                let done = sqlx::query($sql::RETRY)
                    .bind(id)
                    .bind(receipt)
                    .bind($crate::backend::millis(delay))
                    .execute(connection)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn dead_letter(
                connection: &mut Self::Connection,
                letter: &$crate::backend::DeadLetter<'_>,
            ) -> Result<bool, sqlx::Error> {
                let mut transaction = sqlx::Connection::begin(connection).await?;
                let taken: Option<(String, Vec<u8>, i32)> = sqlx::query_as($sql::TAKE_MESSAGE)
                    .bind(letter.id)
                    .bind(letter.receipt)
                    .fetch_optional(&mut *transaction)
                    .await?;
                let Some((queue, payload, attempt)) = taken else {
                    return Ok(false);
                };
                sqlx::query($sql::INSERT_DEAD_LETTER)
                    .bind(letter.id)
                    .bind(queue)
                    .bind(letter.event_id)
                    .bind(payload)
                    .bind(attempt)
                    .bind(letter.reason)
                    .execute(&mut *transaction)
                    .await?;
                transaction.commit().await?;
                Ok(true)
            }

            async fn dead_letters(
                connection: &mut Self::Connection,
                queue: &str,
            ) -> Result<Vec<$crate::backend::QueueRow>, sqlx::Error> {
                sqlx::query_as($sql::DEAD_LETTERS)
                    .bind(queue)
                    .fetch_all(connection)
                    .await
            }

            async fn claim(
                connection: &mut Self::Connection,
                namespace: &str,
                event_id: &str,
                token: &str,
                lease: std::time::Duration,
            ) -> Result<Option<$crate::backend::Held>, sqlx::Error> {
                loop {
                    let claimed: Option<(String,)> = sqlx::query_as($sql::CLAIM)
                        .bind(namespace)
                        .bind(event_id)
                        .bind(token)
                        .bind($crate::backend::millis(lease))
                        .fetch_optional(&mut *connection)
                        .await?;
                    if claimed.is_some() {
                        return Ok(None);
                    }
                    let held: Option<(Option<String>,)> = sqlx::query_as($sql::CLAIM_HOLDER)
                        .bind(namespace)
                        .bind(event_id)
                        .fetch_optional(&mut *connection)
                        .await?;
                    // No live row: it expired (or was released) since the
                    // claim looked; claim again.
                    match held {
                        Some((Some(_),)) => return Ok(Some($crate::backend::Held::Running)),
                        Some((None,)) => return Ok(Some($crate::backend::Held::Done)),
                        None => {}
                    }
                }
            }

            async fn complete(
                connection: &mut Self::Connection,
                namespace: &str,
                event_id: &str,
                token: &str,
                retention: std::time::Duration,
            ) -> Result<bool, sqlx::Error> {
                let done = sqlx::query($sql::COMPLETE)
                    .bind(namespace)
                    .bind(event_id)
                    .bind(token)
                    .bind($crate::backend::millis(retention))
                    .execute(connection)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn release(
                connection: &mut Self::Connection,
                namespace: &str,
                event_id: &str,
                token: &str,
            ) -> Result<bool, sqlx::Error> {
                let done = sqlx::query($sql::RELEASE)
                    .bind(namespace)
                    .bind(event_id)
                    .bind(token)
                    .execute(connection)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn delete_expired_claims(
                connection: &mut Self::Connection,
                namespace: &str,
            ) -> Result<u64, sqlx::Error> {
                let done = sqlx::query($sql::DELETE_EXPIRED_CLAIMS)
                    .bind(namespace)
                    .execute(connection)
                    .await?;
                Ok(done.rows_affected())
            }
        }
    };
}
