//! Opening a SQLite database as the inbox, the queue and the store want it.

use std::str::FromStr as _;
use std::time::Duration;

use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};

/// How long a SQLite connection waits for another writer (the busy timeout).
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens (creating it if needed) the SQLite database at `url`
/// (`sqlite://PATH`, or `sqlite::memory:`), as the inbox, queue and store
/// want it: write-ahead logging, so that readers never wait for the writer
/// and several processes of one machine share the file; a
/// [busy timeout](SQLITE_BUSY_TIMEOUT) for the one writer at a time; and
/// sqlx's default `synchronous = FULL`, so that a committed inbox row (and
/// the 2xx sent after it) survives a power cut. Then run
/// [`migrate`](crate::migrate).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let url = format!("sqlite://{}", dir.path().join("app.db").display());
/// let pool = fusionauth_webhooks_sqlx::connect_sqlite(&url).await?;
/// fusionauth_webhooks_sqlx::migrate(&pool).await?;
/// let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode").fetch_one(&pool).await?;
/// assert_eq!(mode, "wal");
/// # Ok(())
/// # }
/// ```
pub async fn connect_sqlite(url: &str) -> Result<SqlitePool, sqlx::Error> {
    connect_sqlite_with(SqliteConnectOptions::from_str(url)?).await
}

/// [`connect_sqlite`] with options of your own (a file name that is no URL,
/// say), which the settings above then complete.
///
/// ```
/// use sqlx::sqlite::SqliteConnectOptions;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let options = SqliteConnectOptions::new().filename(dir.path().join("a file?.db"));
/// let pool = fusionauth_webhooks_sqlx::connect_sqlite_with(options).await?;
/// fusionauth_webhooks_sqlx::migrate(&pool).await?;
/// assert!(dir.path().join("a file?.db").exists());
/// # Ok(())
/// # }
/// ```
pub async fn connect_sqlite_with(options: SqliteConnectOptions) -> Result<SqlitePool, sqlx::Error> {
    let options = options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(SQLITE_BUSY_TIMEOUT);
    SqlitePool::connect_with(options).await
}
