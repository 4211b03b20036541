//! A real PostgreSQL for tests (feature `testing`): a fresh cluster in a
//! temporary directory on a free port, stopped when dropped.

mod binaries;

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

pub use binaries::ENV_POSTGRES_BIN;

const STARTUP: Duration = Duration::from_secs(30);
/// The unprivileged user the server runs as when the tests run as root
/// (`initdb` refuses root); Debian's `postgresql` package creates it.
const SYSTEM_USER: &str = "postgres";

/// A PostgreSQL server child process that this test owns.
///
/// [`start`](PostgresServer::start) runs `initdb` and `postgres` from
/// Debian's `postgresql` package (found as [`ENV_POSTGRES_BIN`] says) in a
/// temporary directory, listening on 127.0.0.1 only, with trust
/// authentication for the user `postgres`. Durability is off (`fsync`,
/// `synchronous_commit`, `full_page_writes`): tests kill clients, never the
/// server ([`start_durable`](PostgresServer::start_durable) keeps it on). Run as root, the server runs as the `postgres` system user
/// (through `setpriv`), in a directory that user owns. The directory is
/// removed with the value, after the server stopped.
///
/// A test that needs PostgreSQL should
/// `PostgresServer::start().expect(..)`: it then fails, saying what is
/// missing, where the server cannot start; it never passes silently.
///
/// # Example
///
/// ```
/// use fusionauth_webhooks_sqlx::testing::PostgresServer;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let server = PostgresServer::start().expect("PostgreSQL starts (apt-get install postgresql)");
/// let pool = server.database().await?; // a new, empty database
/// let (answer,): (i32,) = sqlx::query_as("SELECT 6 * 7").fetch_one(&pool).await?;
/// assert_eq!(answer, 42);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct PostgresServer {
    child: Option<Child>,
    port: u16,
    // Removed once the server stopped (Drop stops it first).
    _dir: tempfile::TempDir,
}

/// Why a PostgreSQL server could not be started.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// `initdb` or `postgres` is not installed where they were looked for.
    #[error(
        "PostgreSQL's `{binary}` was not found ({cause}); install it with \
         `apt-get install -y postgresql` (what `.ci/run` does) or set {ENV_POSTGRES_BIN} \
         to the directory holding initdb and postgres"
    )]
    NotInstalled {
        /// The program looked for.
        binary: String,
        /// Where it was looked for, or the operating system's error.
        cause: String,
    },
    /// `initdb` failed.
    #[error("initdb failed: {0}")]
    Initdb(String),
    /// The server ran but did not accept connections in time.
    #[error("postgres did not accept connections on port {port} within {STARTUP:?}: {detail}")]
    NotAnswering {
        /// The port it was told to use.
        port: u16,
        /// What was seen (its exit status and log, or the last error).
        detail: String,
    },
    /// The temporary directory, its owner or a free port could not be had.
    #[error("cannot prepare PostgreSQL: {0}")]
    Setup(String),
}

impl PostgresServer {
    /// Initializes a cluster and starts its server on a free port, waiting
    /// until it accepts connections.
    pub fn start() -> Result<PostgresServer, StartError> {
        PostgresServer::start_with(false)
    }

    /// [`start`](PostgresServer::start), with PostgreSQL's durable defaults
    /// (`fsync`, `synchronous_commit` and `full_page_writes` on): a commit
    /// waits for the disk, as in production. For benchmarks.
    pub fn start_durable() -> Result<PostgresServer, StartError> {
        PostgresServer::start_with(true)
    }

    fn start_with(durable: bool) -> Result<PostgresServer, StartError> {
        let binaries = binaries::find()?;
        let dir = tempfile::Builder::new()
            .prefix("fusionauth-webhooks-postgres-")
            .tempdir()
            .map_err(|error| StartError::Setup(error.to_string()))?;
        let as_root = binaries::running_as_root();
        if as_root {
            hand_over(dir.path())?;
        }
        let data = dir.path().join("data");
        let output = binaries::command(&binaries.initdb, as_root)
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
            .stdin(Stdio::null())
            .output()
            .map_err(|error| StartError::Initdb(error.to_string()))?;
        if !output.status.success() {
            return Err(StartError::Initdb(format!(
                "{}: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr).trim()
            )));
        }
        let port = free_port()?;
        let log = dir.path().join("postgres.log");
        let log_file = std::fs::File::create(&log)
            .map_err(|error| StartError::Setup(format!("{}: {error}", log.display())))?;
        let mut command = binaries::command(&binaries.postgres, as_root);
        command
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string()])
            .args(["-c", "listen_addresses=127.0.0.1"])
            .args([
                "-c",
                "unix_socket_directories=",
                "-c",
                "max_connections=300",
            ]);
        if !durable {
            command
                .args(["-c", "fsync=off", "-c", "synchronous_commit=off"])
                .args(["-c", "full_page_writes=off"]);
        }
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .map_err(|error| StartError::NotInstalled {
                binary: binaries.postgres.display().to_string(),
                cause: error.to_string(),
            })?;
        let mut server = PostgresServer {
            child: Some(child),
            port,
            _dir: dir,
        };
        server.wait_until_up(&log)?;
        Ok(server)
    }

    /// One server shared by the tests of a process that run at the same
    /// time: started by the first that asks, stopped when the last one
    /// holding it drops it (a later test starts another). Give each test its
    /// own [`database`](PostgresServer::database).
    ///
    /// ```
    /// use fusionauth_webhooks_sqlx::testing::PostgresServer;
    ///
    /// let first = PostgresServer::shared().expect("PostgreSQL starts");
    /// let second = PostgresServer::shared().expect("PostgreSQL starts");
    /// assert_eq!(first.port(), second.port());
    /// ```
    pub fn shared() -> Result<Arc<PostgresServer>, StartError> {
        static SHARED: Mutex<Weak<PostgresServer>> = Mutex::new(Weak::new());
        let mut shared = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(server) = shared.upgrade() {
            return Ok(server);
        }
        let server = Arc::new(PostgresServer::start()?);
        *shared = Arc::downgrade(&server);
        Ok(server)
    }

    /// The URL of the database `postgres`, as the superuser `postgres`.
    pub fn url(&self) -> String {
        self.url_of("postgres")
    }

    /// The URL of the database `name`, as the superuser `postgres`.
    pub fn url_of(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Creates a new, empty database and returns its URL: each test its
    /// own, on one server.
    pub async fn create_database(&self) -> Result<String, sqlx::Error> {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let admin = PgPoolOptions::new()
            .max_connections(1)
            .connect(&self.url())
            .await?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await?;
        admin.close().await;
        Ok(self.url_of(&name))
    }

    /// A pool on a new, empty database ([`create_database`](PostgresServer::create_database)).
    pub async fn database(&self) -> Result<PgPool, sqlx::Error> {
        let url = self.create_database().await?;
        PgPoolOptions::new().max_connections(20).connect(&url).await
    }

    fn wait_until_up(&mut self, log: &Path) -> Result<(), StartError> {
        let started = Instant::now();
        let address = (Ipv4Addr::LOCALHOST, self.port).into();
        loop {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                self.child = None;
                return Err(StartError::NotAnswering {
                    port: self.port,
                    detail: format!("it exited with {status}: {}", tail(log)),
                });
            }
            // The postmaster listens once it can take connections.
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if started.elapsed() > STARTUP {
                self.stop();
                return Err(StartError::NotAnswering {
                    port: self.port,
                    detail: tail(log),
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Stops the server: a fast shutdown (`SIGINT`: sessions are ended,
    /// open transactions rolled back), then `SIGKILL` if it lingers.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let asked = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .is_ok_and(|status| status.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        while asked && Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for PostgresServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Makes the directory the `postgres` user's, for a server run as it.
fn hand_over(dir: &Path) -> Result<(), StartError> {
    let status = Command::new("chown")
        .arg(format!("{SYSTEM_USER}:"))
        .arg(dir)
        .status()
        .map_err(|error| StartError::Setup(format!("chown: {error}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(StartError::Setup(format!(
            "cannot give {} to the `{SYSTEM_USER}` user (does it exist? Debian's postgresql \
             package creates it): chown {status}",
            dir.display()
        )))
    }
}

fn free_port() -> Result<u16, StartError> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|error| StartError::Setup(format!("no free port: {error}")))?;
    listener
        .local_addr()
        .map(|address| address.port())
        .map_err(|error| StartError::Setup(error.to_string()))
}

/// The end of the server's log, for an error message.
fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(5)..].join(" | ")
}
