//! Real Redis servers for tests (feature `testing`): a `redis-server` started
//! on a free port in a temporary directory ([`RedisServer`]), optionally with
//! TLS or as a replica, and a six-node Redis Cluster ([`RedisCluster`]); each
//! is stopped when dropped.
//!
//! A test that needs one should `start().expect(..)` it: it then fails, saying
//! what is missing, where the servers cannot start; it never passes silently.

use std::io::{Read as _, Write as _};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::time::Duration;

mod cluster;
mod server;

pub use cluster::RedisCluster;
pub use server::{RedisServer, RedisServerBuilder, TlsFiles};

/// Where the server binary is looked up: this variable, else `redis-server` on the `PATH`.
pub const ENV_REDIS_SERVER: &str = "REDIS_SERVER";
/// Where `redis-cli` (which creates a cluster) is looked up: this variable,
/// else `redis-cli` on the `PATH`.
pub const ENV_REDIS_CLI: &str = "REDIS_CLI";

const STARTUP: Duration = Duration::from_secs(10);

/// Why a `redis-server` (or a cluster of them) could not be started.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// A binary could not be run.
    #[error(
        "cannot run `{binary}` ({cause}); install it with `apt-get install -y redis-server redis-tools` \
         or set {ENV_REDIS_SERVER} / {ENV_REDIS_CLI}"
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
    /// The cluster could not be formed (`redis-cli --cluster create` failed,
    /// or the nodes did not agree in time).
    #[error("the Redis Cluster did not form: {0}")]
    Cluster(String),
    /// The temporary directory or a free port could not be had.
    #[error("cannot prepare redis-server: {0}")]
    Setup(String),
}

fn binary(variable: &str, default: &str) -> PathBuf {
    std::env::var_os(variable).map_or_else(|| PathBuf::from(default), PathBuf::from)
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

/// Runs one command on the plaintext port of a local server (a short-lived
/// connection of its own) and reads its answer as text.
fn query(port: u16, args: &[&str]) -> Result<String, String> {
    let client = redis::Client::open(format!("redis://127.0.0.1:{port}/"))
        .map_err(|error| error.to_string())?;
    let mut connection = client
        .get_connection_with_timeout(Duration::from_millis(500))
        .map_err(|error| error.to_string())?;
    let mut command = redis::cmd(args[0]);
    for arg in &args[1..] {
        command.arg(*arg);
    }
    command
        .query::<String>(&mut connection)
        .map_err(|error| error.to_string())
}

/// Whether the primary on `port` has a replica that acknowledges a write
/// within `within` (`WAIT`). A replica that just synced is counted by `WAIT`
/// only after its first acknowledgement, which it sends once a second: a
/// harness that hands out a replica must wait for it. The probe key is
/// written and deleted again; in a cluster, keys are tried until one is
/// served by this primary.
fn replica_acknowledges(port: u16, within: Duration) -> Result<bool, String> {
    let client = redis::Client::open(format!("redis://127.0.0.1:{port}/"))
        .map_err(|error| error.to_string())?;
    let mut connection = client
        .get_connection_with_timeout(Duration::from_millis(500))
        .map_err(|error| error.to_string())?;
    connection
        .set_read_timeout(Some(within + Duration::from_secs(1)))
        .map_err(|error| error.to_string())?;
    for candidate in 0..200 {
        let key = format!("fusionauth-webhooks-testing:probe:{candidate}");
        let answer: redis::RedisResult<(i64, i64, i64)> = redis::pipe()
            .cmd("SET")
            .arg(&key)
            .arg(1)
            .ignore()
            .cmd("DEL")
            .arg(&key)
            .cmd("WAIT")
            .arg(1)
            .arg(u64::try_from(within.as_millis()).unwrap_or(u64::MAX))
            .cmd("EXISTS")
            .arg(&key)
            .query(&mut connection);
        match answer {
            Ok((_, acknowledged, _)) => return Ok(acknowledged >= 1),
            Err(error) if error.code() == Some("MOVED") => continue,
            Err(error) => return Err(error.to_string()),
        }
    }
    Err(format!("no probe key is served by the node on port {port}"))
}
