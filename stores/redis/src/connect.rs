//! Connecting to one Redis or a Redis Cluster, and running writes (commands
//! and scripts) on it, with `WAIT` when replication is asked for.

use std::fmt;
use std::time::Duration;

use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::cluster::ClusterClientBuilder;
use redis::cluster_async::ClusterConnection;
use redis::{Cmd, FromRedisValue, Pipeline, RedisFuture, Script, ToRedisArgs, Value};

use crate::config::{RedisConfig, Replication};

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

/// A Redis error, or a write that did not reach the replicas asked for.
#[derive(Debug)]
pub(crate) enum WriteError {
    Redis(redis::RedisError),
    NotReplicated {
        acknowledged: i64,
        wanted: Replication,
    },
}

impl WriteError {
    /// The server's error code (`NOGROUP`, `NOSCRIPT` ...).
    pub(crate) fn code(&self) -> Option<&str> {
        match self {
            WriteError::Redis(error) => error.code(),
            WriteError::NotReplicated { .. } => None,
        }
    }
}

impl From<redis::RedisError> for WriteError {
    fn from(error: redis::RedisError) -> WriteError {
        WriteError::Redis(error)
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Redis(error) => error.fmt(f),
            WriteError::NotReplicated {
                acknowledged,
                wanted,
            } => write!(
                f,
                "written on the primary, but {acknowledged} of the {} replicas asked for acknowledged it within {:?}",
                wanted.replicas, wanted.timeout
            ),
        }
    }
}

/// A script's keys and arguments, run as `EVALSHA` (loading the script on
/// `NOSCRIPT`: a new or failed-over node has an empty script cache).
pub(crate) struct ScriptCall<'a> {
    script: &'a Script,
    keys: Vec<Vec<u8>>,
    args: Vec<Vec<u8>>,
}

impl<'a> ScriptCall<'a> {
    pub(crate) fn new(script: &'a Script) -> ScriptCall<'a> {
        ScriptCall {
            script,
            keys: Vec::new(),
            args: Vec::new(),
        }
    }

    pub(crate) fn key(mut self, key: impl ToRedisArgs) -> ScriptCall<'a> {
        key.write_redis_args(&mut self.keys);
        self
    }

    pub(crate) fn arg(mut self, arg: impl ToRedisArgs) -> ScriptCall<'a> {
        arg.write_redis_args(&mut self.args);
        self
    }

    fn command(&self) -> Cmd {
        let mut command = redis::cmd("EVALSHA");
        command
            .arg(self.script.get_hash())
            .arg(self.keys.len())
            .arg(&self.keys)
            .arg(&self.args);
        command
    }

    /// Runs the script (a read, or a write whose loss is harmless).
    pub(crate) async fn run<T: FromRedisValue>(
        &self,
        connection: &mut Connection,
    ) -> Result<T, WriteError> {
        write(connection, &self.command(), Some(self.script), None).await
    }

    /// Runs the script, then waits for the replicas when asked to.
    pub(crate) async fn write<T: FromRedisValue>(
        &self,
        connection: &mut Connection,
        replication: Option<Replication>,
    ) -> Result<T, WriteError> {
        write(connection, &self.command(), Some(self.script), replication).await
    }
}

/// Runs a write command, then waits for the replicas when asked to.
pub(crate) async fn write_command<T: FromRedisValue>(
    connection: &mut Connection,
    command: &Cmd,
    replication: Option<Replication>,
) -> Result<T, WriteError> {
    write(connection, command, None, replication).await
}

async fn write<T: FromRedisValue>(
    connection: &mut Connection,
    command: &Cmd,
    script: Option<&Script>,
    replication: Option<Replication>,
) -> Result<T, WriteError> {
    let mut loaded = false;
    loop {
        let answer = match replication {
            // A server's error comes back as a value.
            None => connection
                .req_packed_command(command)
                .await
                .and_then(Value::extract_error),
            Some(wanted) => replicated(connection, command, wanted).await?,
        };
        match answer {
            Err(error) if error.code() == Some("NOSCRIPT") && !loaded => {
                if let Some(script) = script {
                    script.load_async(connection).await?;
                    loaded = true;
                    continue;
                }
                return Err(error.into());
            }
            Err(error) => return Err(error.into()),
            Ok(value) => {
                return Ok(redis::from_redis_value(value).map_err(redis::RedisError::from)?);
            }
        }
    }
}

/// The command and `WAIT` in one pipeline, so that both go down the same
/// connection (`WAIT` counts that connection's writes) to the node that holds
/// the command's key. The command's own answer, or why the write does not count.
async fn replicated(
    connection: &mut Connection,
    command: &Cmd,
    wanted: Replication,
) -> Result<redis::RedisResult<Value>, WriteError> {
    let mut pipeline = redis::pipe();
    pipeline
        .add_command(command.clone())
        .cmd("WAIT")
        .arg(wanted.replicas)
        .arg(
            u64::try_from(wanted.timeout.as_millis())
                .unwrap_or(u64::MAX)
                .max(1),
        );
    // Errors come back as values, so that the command's own (NOSCRIPT,
    // NOGROUP) is told apart from the pipeline's.
    let mut answers: Vec<Value> = pipeline.ignore_errors().query_async(connection).await?;
    let (Some(waited), Some(answer)) = (answers.pop(), answers.pop()) else {
        return Err(WriteError::Redis(redis::RedisError::from((
            redis::ErrorKind::UnexpectedReturnType,
            "WAIT pipeline",
            "fewer than two answers".to_owned(),
        ))));
    };
    let answer = answer.extract_error();
    if answer.is_err() {
        return Ok(answer);
    }
    let acknowledged: i64 =
        redis::from_redis_value(waited.extract_error()?).map_err(redis::RedisError::from)?;
    if acknowledged < i64::from(wanted.replicas) {
        return Err(WriteError::NotReplicated {
            acknowledged,
            wanted,
        });
    }
    Ok(answer)
}
