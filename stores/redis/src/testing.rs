//! A real `redis-server` for tests (feature `testing`): started on a free port
//! in a temporary directory, stopped when dropped.

use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where the server binary is looked up: this variable, else `redis-server` on the `PATH`.
pub const ENV_REDIS_SERVER: &str = "REDIS_SERVER";

const STARTUP: Duration = Duration::from_secs(10);

/// A `redis-server` child process that this test owns.
///
/// It keeps an append-only file in its temporary directory (`appendfsync
/// everysec`), so that [`stop`](RedisServer::stop) then
/// [`restart`](RedisServer::restart) is an outage that loses nothing, as with
/// a production Redis; the directory is removed with the value. A test that needs Redis should
/// `RedisServer::start().expect(..)`: it then fails, saying why, where the
/// server cannot start; it never passes silently.
///
/// # Example
///
/// ```
/// use fusionauth_webhooks_redis::testing::RedisServer;
///
/// let server = RedisServer::start().expect("redis-server starts (apt-get install redis-server)");
/// assert!(server.url().starts_with("redis://127.0.0.1:"));
/// assert!(server.is_up());
/// ```
#[derive(Debug)]
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
    dir: tempfile::TempDir,
    binary: PathBuf,
}

/// Why a `redis-server` could not be started.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// The binary could not be run.
    #[error(
        "cannot run `{binary}` ({cause}); install it with `apt-get install -y redis-server` \
         or set {ENV_REDIS_SERVER}"
    )]
    NotInstalled {
        /// The binary tried.
        binary: String,
        /// The operating system's error.
        cause: String,
    },
    /// It ran but did not answer `PING` in time.
    #[error("redis-server did not answer PING on port {port} within {STARTUP:?}: {detail}")]
    NotAnswering {
        /// The port it was told to use.
        port: u16,
        /// What was seen (its exit status, or the last connection error).
        detail: String,
    },
    /// The temporary directory or a free port could not be had.
    #[error("cannot prepare redis-server: {0}")]
    Setup(String),
}

impl RedisServer {
    /// Starts a server on a free port and waits until it answers `PING`.
    pub fn start() -> Result<RedisServer, StartError> {
        let dir = tempfile::tempdir().map_err(|error| StartError::Setup(error.to_string()))?;
        let binary = std::env::var_os(ENV_REDIS_SERVER)
            .map_or_else(|| PathBuf::from("redis-server"), PathBuf::from);
        let port = free_port()?;
        let mut server = RedisServer {
            child: None,
            port,
            dir,
            binary,
        };
        server.spawn()?;
        Ok(server)
    }

    /// The URL to connect to, `redis://127.0.0.1:<port>/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether it answers `PING` now.
    pub fn is_up(&self) -> bool {
        ping(self.port).is_ok()
    }

    /// Shuts the server down (an outage), writing its append-only file;
    /// [`restart`](RedisServer::restart) brings it back on the same port with
    /// its data.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SHUTDOWN flushes the append-only file; kill if it does not exit.
            let asked = command(self.port, b"SHUTDOWN\r\n");
            let deadline = Instant::now() + Duration::from_secs(5);
            while asked.is_ok() && Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Kills the server at once (`SIGKILL`), as a crash.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port after [`stop`](RedisServer::stop) or
    /// [`kill`](RedisServer::kill).
    pub fn restart(&mut self) -> Result<(), StartError> {
        self.stop();
        self.spawn()
    }

    fn spawn(&mut self) -> Result<(), StartError> {
        let child = Command::new(&self.binary)
            .args(["--bind", "127.0.0.1", "--port", &self.port.to_string()])
            .args([
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
            ])
            .args(["--daemonize", "no"])
            .arg("--dir")
            .arg(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|error| StartError::NotInstalled {
                binary: self.binary.display().to_string(),
                cause: error.to_string(),
            })?;
        self.child = Some(child);
        let started = Instant::now();
        loop {
            let last = match ping(self.port) {
                Ok(()) => return Ok(()),
                Err(error) => error,
            };
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                self.child = None;
                return Err(StartError::NotAnswering {
                    port: self.port,
                    detail: format!("it exited with {status}"),
                });
            }
            if started.elapsed() > STARTUP {
                self.stop();
                return Err(StartError::NotAnswering {
                    port: self.port,
                    detail: last,
                });
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
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

fn command(port: u16, command: &[u8]) -> Result<TcpStream, String> {
    let timeout = Duration::from_millis(500);
    let address = (Ipv4Addr::LOCALHOST, port).into();
    let mut stream = TcpStream::connect_timeout(&address, timeout).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    stream.write_all(command).map_err(|e| e.to_string())?;
    Ok(stream)
}

fn ping(port: u16) -> Result<(), String> {
    let mut stream = command(port, b"PING\r\n")?;
    let mut answer = [0_u8; 7];
    stream.read_exact(&mut answer).map_err(|e| e.to_string())?;
    if &answer == b"+PONG\r\n" {
        Ok(())
    } else {
        Err(format!(
            "unexpected answer {:?}",
            String::from_utf8_lossy(&answer)
        ))
    }
}
