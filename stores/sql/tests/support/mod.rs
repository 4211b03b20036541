//! Databases for the tests: a SQLite file in a temporary directory, or a
//! fresh database on a PostgreSQL this process starts; both migrated.

#![allow(dead_code, unreachable_pub)]

use std::sync::Arc;

use fusionauth_webhooks_sqlx::testing::PostgresServer;
use sqlx::{PgPool, SqlitePool};

/// A migrated SQLite database, removed with the directory.
pub async fn sqlite() -> (SqlitePool, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let pool = fusionauth_webhooks_sqlx::connect_sqlite(&url)
        .await
        .expect("SQLite opens");
    fusionauth_webhooks_sqlx::migrate(&pool)
        .await
        .expect("migrations run");
    (pool, dir)
}

/// A migrated, fresh PostgreSQL database; the server stops once no test
/// holds it.
pub async fn postgres() -> (PgPool, Arc<PostgresServer>) {
    let server = PostgresServer::shared()
        .unwrap_or_else(|error| panic!("this test needs PostgreSQL: {error}"));
    let pool = server.database().await.expect("a test database");
    fusionauth_webhooks_sqlx::migrate(&pool)
        .await
        .expect("migrations run");
    (pool, server)
}

/// Each behaviour (an `async fn(Pool<DB>)` of the test file), run on SQLite
/// and on PostgreSQL: `behaviour::on_sqlite`, `behaviour::on_postgres`.
#[macro_export]
macro_rules! on_both {
    ($($behaviour:ident),* $(,)?) => {$(
        mod $behaviour {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                let (pool, _dir) = $crate::support::sqlite().await;
                super::$behaviour(pool).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                let (pool, _server) = $crate::support::postgres().await;
                super::$behaviour(pool).await;
            }
        }
    )*};
}
