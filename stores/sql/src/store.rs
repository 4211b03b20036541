//! The deduplication store on a SQL table.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use fusionauth_webhooks::delivery::{Claim, ClaimToken, DedupStore, StoreError};
use sqlx::Pool;
use sqlx::pool::PoolConnection;
use uuid::Uuid;

use crate::backend::{Backend, Held, turn_to_write};

/// A connection, and the turn to write with it (see [`turn_to_write`]).
type Writer<DB> = (Option<tokio::sync::OwnedMutexGuard<()>>, PoolConnection<DB>);

/// A [`DedupStore`] in the table `fusionauth_webhooks_claims`, shared by
/// every replica on the database, one row per namespace and event id.
///
/// A claim inserts the row with a random token and an expiry (the lease),
/// or takes over a row whose expiry passed, in one statement (an
/// `INSERT ... ON CONFLICT DO UPDATE ... WHERE expired`): of concurrent
/// claims exactly one wins. Completing and releasing compare the token, so
/// a stale holder cannot touch a newer claim; a done mark drops the token
/// and lasts for the retention. Times come from the database's clock.
///
/// For exactly-once effects in the same database, use the
/// [`Inbox`](crate::Inbox): its mark commits with the effects, where this
/// store's claim, like Redis's, is at least once around a crash. Expired
/// rows stay until [`cleanup`](SqlStore::cleanup) deletes them (they are
/// ignored meanwhile).
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use fusionauth_webhooks::delivery::{Claim, DedupStore};
/// use fusionauth_webhooks_sqlx::SqlStore;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
/// fusionauth_webhooks_sqlx::migrate(&pool).await?;
/// let store = SqlStore::new(pool, "todo-app");
/// let id = uuid::Uuid::from_u128(7);
/// let Claim::Claimed(token) = store.claim(id, Duration::from_secs(30)).await? else {
///     panic!("the first claim wins");
/// };
/// assert_eq!(store.claim(id, Duration::from_secs(30)).await?, Claim::InProgress);
/// assert!(store.complete(id, &token, Duration::from_secs(3600)).await?);
/// assert_eq!(store.claim(id, Duration::from_secs(30)).await?, Claim::Done);
/// # Ok(())
/// # }
/// ```
pub struct SqlStore<DB: Backend> {
    pool: Pool<DB>,
    namespace: String,
}

impl<DB: Backend> SqlStore<DB> {
    /// The store of `namespace` (your app's name: apps sharing a database
    /// keep apart by it) on the database of `pool`.
    pub fn new(pool: Pool<DB>, namespace: impl Into<String>) -> SqlStore<DB> {
        SqlStore {
            pool,
            namespace: namespace.into(),
        }
    }

    /// The namespace.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// Deletes this namespace's expired claims and done marks; how many.
    /// Run it now and then (an hourly task, say): expired rows are ignored,
    /// only their space is wasted.
    pub async fn cleanup(&self) -> Result<u64, sqlx::Error> {
        let _turn = turn_to_write(&self.pool).await;
        let mut connection = self.pool.acquire().await?;
        DB::delete_expired_claims(&mut connection, &self.namespace).await
    }

    /// A connection to write with, once it is this process's turn.
    async fn writer(&self) -> Result<Writer<DB>, StoreError> {
        let turn = turn_to_write(&self.pool).await;
        let connection = self.pool.acquire().await.map_err(StoreError::unavailable)?;
        Ok((turn, connection))
    }
}

#[async_trait]
impl<DB: Backend> DedupStore for SqlStore<DB> {
    async fn claim(&self, id: Uuid, lease: Duration) -> Result<Claim, StoreError> {
        let token = ClaimToken::random();
        let (_turn, mut connection) = self.writer().await?;
        let held = DB::claim(
            &mut connection,
            &self.namespace,
            &id.to_string(),
            token.as_str(),
            lease,
        )
        .await
        .map_err(StoreError::unavailable)?;
        Ok(match held {
            None => Claim::Claimed(token),
            Some(Held::Running) => Claim::InProgress,
            Some(Held::Done) => Claim::Done,
        })
    }

    async fn complete(
        &self,
        id: Uuid,
        token: &ClaimToken,
        retention: Duration,
    ) -> Result<bool, StoreError> {
        let (_turn, mut connection) = self.writer().await?;
        DB::complete(
            &mut connection,
            &self.namespace,
            &id.to_string(),
            token.as_str(),
            retention,
        )
        .await
        .map_err(StoreError::unavailable)
    }

    async fn release(&self, id: Uuid, token: &ClaimToken) -> Result<bool, StoreError> {
        let (_turn, mut connection) = self.writer().await?;
        DB::release(
            &mut connection,
            &self.namespace,
            &id.to_string(),
            token.as_str(),
        )
        .await
        .map_err(StoreError::unavailable)
    }
}

impl<DB: Backend> Clone for SqlStore<DB> {
    fn clone(&self) -> SqlStore<DB> {
        SqlStore {
            pool: self.pool.clone(),
            namespace: self.namespace.clone(),
        }
    }
}

impl<DB: Backend> fmt::Debug for SqlStore<DB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqlStore")
            .field("database", &DB::NAME)
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}
