//! The schema: this crate's migrations, run by sqlx's migrator.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use futures_util::future::BoxFuture;
use sqlx::Pool;
use sqlx::error::BoxDynError;
use sqlx::migrate::{MigrateError, Migration, MigrationSource, MigrationType, Migrator};

use crate::backend::Backend;

/// The prefix of every table this crate creates: `fusionauth_webhooks_inbox`,
/// `fusionauth_webhooks_queue`, `fusionauth_webhooks_dead_letters` and
/// `fusionauth_webhooks_claims`. Keep your own tables' names out of it.
pub const TABLE_PREFIX: &str = "fusionauth_webhooks_";

/// sqlx's [`Migrator`] with this crate's migrations for `DB`: run it on
/// every start (it applies what is missing, under PostgreSQL's advisory
/// lock, and does nothing the next time).
///
/// sqlx 0.8 records the migrations of every migrator in one table per
/// database, `_sqlx_migrations`. This migrator ignores the versions your
/// app's own migrations add there; if your app runs its own migrator on the
/// same database, give it
/// [`set_ignore_missing(true)`](Migrator::set_ignore_missing) too, or copy
/// this crate's `migrations/` files (one directory per database) into your
/// own migrations instead of running this migrator. The versions are
/// timestamps, as `sqlx migrate add` makes them. On SQLite, run the
/// migrations from one process at a time (PostgreSQL serializes them).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use sqlx::Sqlite;
///
/// let migrator = fusionauth_webhooks_sqlx::migrator::<Sqlite>().await;
/// assert_eq!(migrator.iter().count(), 1);
/// # Ok(())
/// # }
/// ```
pub async fn migrator<DB: Backend>() -> Migrator {
    let mut migrator = Migrator::new(Migrations::<DB>(PhantomData))
        .await
        .unwrap_or_else(|error| panic!("the embedded migrations resolve: {error}"));
    migrator.set_ignore_missing(true);
    migrator
}

/// Creates or updates this crate's tables in the database of `pool`
/// ([`migrator`]`().run(pool)`).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
/// fusionauth_webhooks_sqlx::migrate(&pool).await?;
/// fusionauth_webhooks_sqlx::migrate(&pool).await?; // nothing left to do
/// let (tables,): (i64,) = sqlx::query_as(
///     "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'fusionauth_webhooks_%'",
/// )
/// .fetch_one(&pool)
/// .await?;
/// assert_eq!(tables, 4);
/// # Ok(())
/// # }
/// ```
pub async fn migrate<DB: Backend>(pool: &Pool<DB>) -> Result<(), MigrateError> {
    migrator::<DB>().await.run(pool).await
}

/// The migrations embedded for `DB`.
struct Migrations<DB>(PhantomData<DB>);

impl<DB> fmt::Debug for Migrations<DB> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("fusionauth-webhooks-sqlx migrations")
    }
}

impl<'s, DB: Backend> MigrationSource<'s> for Migrations<DB> {
    fn resolve(self) -> BoxFuture<'s, Result<Vec<Migration>, BoxDynError>> {
        let migrations = DB::MIGRATIONS
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    Cow::Borrowed(description),
                    MigrationType::Simple,
                    Cow::Borrowed(sql),
                    false,
                )
            })
            .collect();
        Box::pin(std::future::ready(Ok(migrations)))
    }
}
