//! One `redis-server` child process.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::{
    ENV_REDIS_SERVER, STARTUP, StartError, binary, command, free_port, ping, query,
    replica_acknowledges,
};

const LOG_FILE: &str = "redis.log";

/// A `redis-server` child process that this test owns.
///
/// By default it keeps an append-only file in its temporary directory
/// (`appendfsync everysec`), so that [`stop`](RedisServer::stop) then
/// [`restart`](RedisServer::restart) is an outage that loses nothing, as with
/// a production Redis; [`RedisServerBuilder::persistence`] turns that off (a
/// restart then loses everything). The directory is removed with the value.
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
    tls_port: Option<u16>,
    primary: Option<u16>,
    dir: tempfile::TempDir,
    binary: PathBuf,
    args: Vec<String>,
}

/// How to start a [`RedisServer`]: persistence, TLS, replication.
///
/// ```
/// use fusionauth_webhooks_redis::testing::RedisServer;
///
/// let primary = RedisServer::builder().persistence(false).start().expect("redis-server starts");
/// let replica = RedisServer::builder().replica_of(&primary).start().expect("a replica starts");
/// replica.wait_for_replication().expect("the replica is in sync");
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct RedisServerBuilder {
    persistence: bool,
    tls: Option<TlsFiles>,
    replica_of: Option<u16>,
    args: Vec<String>,
}

/// The PEM files of a TLS server: its certificate and key, and the CA that
/// signed the clients' certificates.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    /// The server's certificate (PEM).
    pub certificate: PathBuf,
    /// The server's private key (PEM).
    pub key: PathBuf,
    /// The CA certificate that client certificates must chain to (PEM).
    pub ca: PathBuf,
    /// Whether clients must present a certificate (`tls-auth-clients yes`).
    pub require_client_certificates: bool,
}

impl RedisServerBuilder {
    /// Whether it writes an append-only file (default yes). Without, a
    /// restart comes back empty: a data loss.
    pub fn persistence(mut self, persistence: bool) -> RedisServerBuilder {
        self.persistence = persistence;
        self
    }

    /// Also listens with TLS on a port of its own ([`RedisServer::tls_url`]);
    /// the plaintext port stays open on loopback for the test harness.
    pub fn tls(mut self, files: TlsFiles) -> RedisServerBuilder {
        self.tls = Some(files);
        self
    }

    /// Starts as a replica of `primary`.
    pub fn replica_of(mut self, primary: &RedisServer) -> RedisServerBuilder {
        self.replica_of = Some(primary.port);
        self
    }

    /// One more `redis-server` argument (such as `--cluster-enabled`).
    pub fn arg(mut self, arg: impl Into<String>) -> RedisServerBuilder {
        self.args.push(arg.into());
        self
    }

    /// Starts the server and waits until it answers `PING`.
    pub fn start(self) -> Result<RedisServer, StartError> {
        let dir = tempfile::tempdir().map_err(|error| StartError::Setup(error.to_string()))?;
        let port = free_port()?;
        let mut args: Vec<String> = vec![
            "--bind".into(),
            "127.0.0.1".into(),
            "--port".into(),
            port.to_string(),
            "--save".into(),
            String::new(),
            "--daemonize".into(),
            "no".into(),
            "--dir".into(),
            dir.path().display().to_string(),
            "--logfile".into(),
            dir.path().join(LOG_FILE).display().to_string(),
            // A replica syncs at once (the default waits 5 s for more replicas).
            "--repl-diskless-sync-delay".into(),
            "0".into(),
        ];
        if self.persistence {
            args.extend(["--appendonly", "yes", "--appendfsync", "everysec"].map(String::from));
        } else {
            args.extend(["--appendonly", "no"].map(String::from));
        }
        let mut tls_port = None;
        if let Some(tls) = &self.tls {
            let tls_port_number = free_port()?;
            tls_port = Some(tls_port_number);
            args.extend([
                "--tls-port".into(),
                tls_port_number.to_string(),
                "--tls-cert-file".into(),
                tls.certificate.display().to_string(),
                "--tls-key-file".into(),
                tls.key.display().to_string(),
                "--tls-ca-cert-file".into(),
                tls.ca.display().to_string(),
                "--tls-auth-clients".into(),
                if tls.require_client_certificates {
                    "yes"
                } else {
                    "no"
                }
                .into(),
            ]);
        }
        if let Some(primary) = self.replica_of {
            args.extend([
                "--replicaof".into(),
                "127.0.0.1".into(),
                primary.to_string(),
            ]);
        }
        args.extend(self.args);
        let mut server = RedisServer {
            child: None,
            port,
            tls_port,
            primary: self.replica_of,
            dir,
            binary: binary(ENV_REDIS_SERVER, "redis-server"),
            args,
        };
        server.spawn()?;
        Ok(server)
    }
}

impl RedisServer {
    /// Starts a server with the defaults (persistence on, no TLS) on a free
    /// port and waits until it answers `PING`.
    pub fn start() -> Result<RedisServer, StartError> {
        RedisServer::builder().start()
    }

    /// A builder for other settings.
    pub fn builder() -> RedisServerBuilder {
        RedisServerBuilder {
            persistence: true,
            tls: None,
            replica_of: None,
            args: Vec::new(),
        }
    }

    /// The URL to connect to, `redis://127.0.0.1:<port>/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// The TLS URL, `rediss://127.0.0.1:<tls port>/`, when started with TLS
    /// (its certificate must name the IP address 127.0.0.1).
    pub fn tls_url(&self) -> Option<String> {
        self.tls_port
            .map(|port| format!("rediss://127.0.0.1:{port}/"))
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Its temporary directory (its append-only file, a cluster's `nodes.conf`).
    pub fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Whether it answers `PING` now.
    pub fn is_up(&self) -> bool {
        ping(self.port).is_ok()
    }

    /// Runs one command (`["INFO", "replication"]`) on a connection of its
    /// own and returns the answer as text.
    pub fn query(&self, args: &[&str]) -> Result<String, String> {
        query(self.port, args)
    }

    /// Waits until this replica is in sync with its primary, as both see it,
    /// and acknowledges writes (the primary counts it for `WAIT`).
    pub fn wait_for_replication(&self) -> Result<(), StartError> {
        let started = Instant::now();
        let me = format!("port={},state=online", self.port);
        loop {
            let info = self.query(&["INFO", "replication"]).unwrap_or_default();
            let primary = self
                .primary
                .and_then(|port| query(port, &["INFO", "replication"]).ok())
                .unwrap_or_default();
            if info.contains("master_link_status:up")
                && !info.contains("master_sync_in_progress:1")
                && primary.contains(&me)
                && self.primary.is_some_and(|port| {
                    replica_acknowledges(port, Duration::from_secs(2)).unwrap_or(false)
                })
            {
                return Ok(());
            }
            if started.elapsed() > STARTUP {
                return Err(StartError::NotAnswering {
                    port: self.port,
                    detail: format!("the replica did not sync: {info}\nits primary: {primary}"),
                });
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Shuts the server down (an outage), writing its append-only file when it
    /// keeps one; [`restart`](RedisServer::restart) brings it back on the
    /// same port.
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

    /// Starts it again on the same port and directory after
    /// [`stop`](RedisServer::stop) or [`kill`](RedisServer::kill).
    pub fn restart(&mut self) -> Result<(), StartError> {
        self.stop();
        self.spawn()
    }

    fn spawn(&mut self) -> Result<(), StartError> {
        let child = Command::new(&self.binary)
            .args(&self.args)
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
                    detail: format!(
                        "it exited with {status} (arguments: {}); its log ends: {}",
                        self.args.join(" "),
                        self.log_tail()
                    ),
                });
            }
            if started.elapsed() > STARTUP {
                self.stop();
                return Err(StartError::NotAnswering {
                    port: self.port,
                    detail: format!("{last}; its log ends: {}", self.log_tail()),
                });
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl RedisServer {
    fn log_tail(&self) -> String {
        let log = std::fs::read_to_string(self.dir.path().join(LOG_FILE)).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(5)..].join("\n")
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.kill();
    }
}
