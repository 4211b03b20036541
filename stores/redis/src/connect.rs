//! Connecting to one Redis or a Redis Cluster.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster::ClusterClientBuilder;
use redis::cluster_async::ClusterConnection;
use redis::{Cmd, Pipeline, RedisFuture, Value};

use crate::config::RedisConfig;

/// A connection to one Redis (a [`ConnectionManager`], which reconnects by
/// itself) or to a Redis Cluster (which follows its topology through
/// failovers). Either fails fast while Redis is away, so that a webhook
/// answers 503 at once.
#[derive(Clone)]
pub(crate) enum Connection {
    Single(ConnectionManager),
    Cluster(ClusterConnection),
}

/// What a connection is for: commands, or blocking reads (`XREADGROUP ...
/// BLOCK`), which answer after their own timeout and get a connection of
/// their own so that they hold up nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    Commands,
    BlockingReads { longest_block: Duration },
}

pub(crate) async fn connect(
    config: &RedisConfig,
    purpose: Purpose,
) -> Result<Connection, redis::RedisError> {
    let response_timeout = match purpose {
        Purpose::Commands => config.write_timeout(),
        Purpose::BlockingReads { longest_block } => config.response_timeout + longest_block,
    };
    #[cfg(feature = "tls")]
    if config.tls.is_some() || config.nodes.iter().any(|url| url.starts_with("rediss://")) {
        crate::tls::install_crypto_provider();
    }
    if config.cluster {
        let builder = ClusterClientBuilder::new(config.nodes.clone())
            .connection_timeout(Duration::from_secs(1))
            .response_timeout(response_timeout)
            // Short waits between retries, within the response timeout: a
            // failover shows as a few failed operations, then the new primary.
            .retries(5)
            .min_retry_wait(20)
            .max_retry_wait(250);
        #[cfg(feature = "tls")]
        let builder = match &config.tls {
            Some(tls) => builder.certs(tls.certificates()),
            None => builder,
        };
        let client = builder.build()?;
        return Ok(Connection::Cluster(client.get_async_connection().await?));
    }
    #[cfg(feature = "tls")]
    let client = match &config.tls {
        Some(tls) => redis::Client::build_with_tls(config.nodes[0].as_str(), tls.certificates())?,
        None => redis::Client::open(config.nodes[0].as_str())?,
    };
    #[cfg(not(feature = "tls"))]
    let client = redis::Client::open(config.nodes[0].as_str())?;
    let manager = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(1)))
        .set_response_timeout(Some(response_timeout))
        .set_number_of_retries(1)
        .set_max_delay(Duration::from_millis(500));
    Ok(Connection::Single(
        ConnectionManager::new_with_config(client, manager).await?,
    ))
}

/// How many connections carry commands when writes wait for replicas:
/// `WAIT` holds its connection until the replicas answer, and the commands
/// queued behind it on that connection wait with it.
const REPLICATED_CONNECTIONS: usize = 8;

/// The connections that carry commands (one, or a few taken in turn when
/// writes wait for replicas).
#[derive(Clone)]
pub(crate) struct Commands {
    connections: Arc<[Connection]>,
    next: Arc<AtomicUsize>,
}

impl Commands {
    pub(crate) async fn connect(config: &RedisConfig) -> Result<Commands, redis::RedisError> {
        let count = if config.replication.is_some() {
            REPLICATED_CONNECTIONS
        } else {
            1
        };
        let mut connections = Vec::with_capacity(count);
        for _ in 0..count {
            connections.push(connect(config, Purpose::Commands).await?);
        }
        Ok(Commands {
            connections: connections.into(),
            next: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// The next connection in turn.
    pub(crate) fn get(&self) -> Connection {
        let turn = self.next.fetch_add(1, Ordering::Relaxed);
        self.connections[turn % self.connections.len()].clone()
    }
}

impl ConnectionLike for Connection {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            Connection::Single(connection) => connection.req_packed_command(cmd),
            Connection::Cluster(connection) => connection.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            Connection::Single(connection) => {
                connection.req_packed_commands(pipeline, offset, count)
            }
            Connection::Cluster(connection) => {
                connection.req_packed_commands(pipeline, offset, count)
            }
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Connection::Single(connection) => connection.get_db(),
            Connection::Cluster(connection) => connection.get_db(),
        }
    }
}
