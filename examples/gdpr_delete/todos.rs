//! The app's own data: todos per FusionAuth user, in SQLite.

use std::path::Path;
use std::sync::{Mutex, PoisonError};

use rusqlite::{Connection, params};
use uuid::Uuid;

/// Todos keyed by the FusionAuth user id.
pub(crate) struct TodoStore {
    connection: Mutex<Connection>,
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
    /// Opens (or creates) the database file and its schema.
    pub(crate) fn open(path: &Path) -> rusqlite::Result<TodoStore> {
        let connection = Connection::open(path)?;
        connection.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE IF NOT EXISTS todos (
                 id INTEGER PRIMARY KEY,
                 user_id TEXT NOT NULL,
                 text TEXT NOT NULL
             );
             CREATE INDEX IF NOT EXISTS todos_by_user ON todos (user_id);",
        )?;
        Ok(TodoStore {
            connection: Mutex::new(connection),
        })
    }

    fn connection(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite consistent (each
        // statement is atomic), so a poisoned lock is safe to keep using.
        self.connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds demo todos when the database is empty; returns how many.
    pub(crate) fn seed_demo_data(&self) -> rusqlite::Result<usize> {
        let connection = self.connection();
        let count: i64 =
            connection.query_row("SELECT COUNT(*) FROM todos", [], |row| row.get(0))?;
        if count > 0 {
            return Ok(0);
        }
        let mut added = 0;
        for (user, email) in DEMO_USERS {
            for text in ["buy milk", "file taxes", "call mum"] {
                connection.execute(
                    "INSERT INTO todos (user_id, text) VALUES (?1, ?2)",
                    params![user.to_string(), format!("{text} ({email})")],
                )?;
                added += 1;
            }
        }
        Ok(added)
    }

    /// Adds one todo.
    #[cfg_attr(not(test), allow(dead_code))] // the example seeds; tests add
    pub(crate) fn add(&self, user: Uuid, text: &str) -> rusqlite::Result<()> {
        self.connection().execute(
            "INSERT INTO todos (user_id, text) VALUES (?1, ?2)",
            params![user.to_string(), text],
        )?;
        Ok(())
    }

    /// How many todos a user has.
    pub(crate) fn count_for(&self, user: Uuid) -> rusqlite::Result<i64> {
        self.connection().query_row(
            "SELECT COUNT(*) FROM todos WHERE user_id = ?1",
            params![user.to_string()],
            |row| row.get(0),
        )
    }

    /// Deletes everything the app keeps about a user, in one transaction;
    /// returns how many rows went. Nothing is deleted if any step fails.
    pub(crate) fn delete_user(&self, user: Uuid) -> rusqlite::Result<usize> {
        let mut connection = self.connection();
        let transaction = connection.transaction()?;
        let deleted = transaction.execute(
            "DELETE FROM todos WHERE user_id = ?1",
            params![user.to_string()],
        )?;
        transaction.commit()?;
        Ok(deleted)
    }

    /// Runs raw SQL: lets tests break the database on purpose.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn execute_batch(&self, sql: &str) -> rusqlite::Result<()> {
        self.connection().execute_batch(sql)
    }
}
