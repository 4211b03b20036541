//! The app's own data: todos per FusionAuth user, in SQLite, beside the
//! inbox's table.

use std::path::Path;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{SqliteConnection, SqlitePool};
use uuid::Uuid;

/// Todos keyed by the FusionAuth user id.
pub(crate) struct TodoStore {
    pool: SqlitePool,
}

/// Demo users seeded on first start.
pub(crate) const DEMO_USERS: [(Uuid, &str); 2] = [
    (
        Uuid::from_u128(0x00000000_0000_0000_0000_000000000001),
        "jane@example.com",
    ),
    (
        Uuid::from_u128(0x00000000_0000_0000_0000_000000000002),
        "john@example.com",
    ),
];

impl TodoStore {
    /// Opens (or creates) the database file, with the inbox's tables and
    /// the app's.
    pub(crate) async fn open(path: &Path) -> Result<TodoStore, Box<dyn std::error::Error>> {
        let options = SqliteConnectOptions::new().filename(path);
        let pool = fusionauth_webhooks_sqlx::connect_sqlite_with(options).await?;
        fusionauth_webhooks_sqlx::migrate(&pool).await?;
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS todos (
                 id INTEGER PRIMARY KEY,
                 user_id TEXT NOT NULL,
                 text TEXT NOT NULL
             );
             CREATE INDEX IF NOT EXISTS todos_by_user ON todos (user_id);",
        )
        .execute(&pool)
        .await?;
        Ok(TodoStore { pool })
    }

    /// The database, for the inbox.
    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Adds demo todos when the database is empty; returns how many.
    pub(crate) async fn seed_demo_data(&self) -> sqlx::Result<usize> {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM todos")
            .fetch_one(&self.pool)
            .await?;
        if count > 0 {
            return Ok(0);
        }
        let mut added = 0;
        for (user, email) in DEMO_USERS {
            for text in ["buy milk", "file taxes", "call mum"] {
                self.add(user, &format!("{text} ({email})")).await?;
                added += 1;
            }
        }
        Ok(added)
    }

    /// Adds one todo.
    pub(crate) async fn add(&self, user: Uuid, text: &str) -> sqlx::Result<()> {
        sqlx::query("INSERT INTO todos (user_id, text) VALUES ($1, $2)")
            .bind(user.to_string())
            .bind(text)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// How many todos a user has.
    pub(crate) async fn count_for(&self, user: Uuid) -> sqlx::Result<i64> {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM todos WHERE user_id = $1")
            .bind(user.to_string())
            .fetch_one(&self.pool)
            .await?;
        Ok(count)
    }

    /// Runs raw SQL: lets tests break the database on purpose.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) async fn execute_batch(&self, sql: &str) -> sqlx::Result<()> {
        sqlx::raw_sql(sql).execute(&self.pool).await?;
        Ok(())
    }
}

/// Deletes everything the app keeps about a user, in the caller's
/// transaction (the inbox's); returns how many rows went.
pub(crate) async fn delete_user(
    transaction: &mut SqliteConnection,
    user: Uuid,
) -> sqlx::Result<u64> {
    let deleted = sqlx::query("DELETE FROM todos WHERE user_id = $1")
        .bind(user.to_string())
        .execute(transaction)
        .await?;
    Ok(deleted.rows_affected())
}
