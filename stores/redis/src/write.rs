//! Running commands and scripts: `WAIT` for replicas when asked, and retrying
//! while Redis is unreachable, as long as the configuration allows.

use std::fmt;
use std::time::Duration;

use redis::aio::ConnectionLike as _;
use redis::{Cmd, FromRedisValue, RetryMethod, ToRedisArgs, Value};

use crate::config::{RedisConfig, Replication};
use crate::connect::Connection;

const FIRST_PAUSE: Duration = Duration::from_millis(20);
const LONGEST_PAUSE: Duration = Duration::from_millis(500);

/// How a write is run: whether it waits for replicas, and how long it keeps
/// retrying while Redis is unreachable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Policy {
    pub(crate) replication: Option<Replication>,
    pub(crate) patience: Duration,
}

impl Policy {
    /// No `WAIT`, no retry: a read, or a write whose loss is harmless (the
    /// caller tries again anyway).
    pub(crate) const IMMEDIATE: Policy = Policy {
        replication: None,
        patience: Duration::ZERO,
    };

    pub(crate) fn of(config: &RedisConfig) -> Policy {
        Policy {
            replication: config.replication,
            patience: config.patience,
        }
    }

    /// The same, without waiting for replicas (a read, or a write whose
    /// loss is harmless).
    pub(crate) fn unreplicated(self) -> Policy {
        Policy {
            replication: None,
            ..self
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
        /// The write's own answer: it happened on the primary.
        answer: Value,
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

    /// Whether Redis was unreachable (down, restarting, failing over), as
    /// opposed to refusing the operation.
    fn unreachable(&self) -> bool {
        match self {
            WriteError::Redis(error) => !matches!(error.retry_method(), RetryMethod::NoRetry),
            // The write happened: running it again would do it twice.
            WriteError::NotReplicated { .. } => false,
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
                ..
            } => write!(
                f,
                "written on the primary, but {acknowledged} of the {} replicas asked for acknowledged it within {:?}",
                wanted.replicas, wanted.timeout
            ),
        }
    }
}

/// A Lua script: its source and SHA1, to run it as `EVALSHA`, or as `EVAL`
/// on `NOSCRIPT` (a new or failed-over node has an empty script cache; `EVAL`
/// goes to the key's node only and caches it there, where `SCRIPT LOAD` would
/// go to every node of a Cluster and fail while one is down).
#[derive(Debug, Clone)]
pub(crate) struct Lua {
    source: &'static str,
    sha1: String,
}

impl Lua {
    pub(crate) fn new(source: &'static str) -> Lua {
        Lua {
            source,
            sha1: redis::Script::new(source).get_hash().to_owned(),
        }
    }
}

/// A script's keys and arguments.
pub(crate) struct ScriptCall<'a> {
    script: &'a Lua,
    keys: Vec<Vec<u8>>,
    args: Vec<Vec<u8>>,
}

impl<'a> ScriptCall<'a> {
    pub(crate) fn new(script: &'a Lua) -> ScriptCall<'a> {
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

    fn command(&self, verb: &str, script: &str) -> Cmd {
        let mut command = redis::cmd(verb);
        command
            .arg(script)
            .arg(self.keys.len())
            .arg(&self.keys)
            .arg(&self.args);
        command
    }

    /// Runs the script as `policy` says.
    pub(crate) async fn run<T: FromRedisValue>(
        &self,
        connection: &mut Connection,
        policy: Policy,
    ) -> Result<T, WriteError> {
        let by_hash = self.command("EVALSHA", &self.script.sha1);
        let by_source = self.command("EVAL", self.script.source);
        let key = self.keys.first().map_or(&[][..], Vec::as_slice);
        run(connection, &by_hash, key, Some(&by_source), policy).await
    }
}

/// Runs a command on `key` as `policy` says.
pub(crate) async fn run_command<T: FromRedisValue>(
    connection: &mut Connection,
    command: &Cmd,
    key: &str,
    policy: Policy,
) -> Result<T, WriteError> {
    run(connection, command, key.as_bytes(), None, policy).await
}

/// Within the policy's patience, with pauses that double up to half a
/// second: runs the write again while Redis is unreachable, and waits again
/// for replicas that did not acknowledge it (a replica rejoining after a
/// failover) without writing twice.
async fn run<T: FromRedisValue>(
    connection: &mut Connection,
    command: &Cmd,
    key: &[u8],
    fallback: Option<&Cmd>,
    policy: Policy,
) -> Result<T, WriteError> {
    let started = tokio::time::Instant::now();
    let mut pause = FIRST_PAUSE;
    let mut outcome = once(connection, command, fallback, policy.replication).await;
    loop {
        let patient = started.elapsed() + pause < policy.patience;
        outcome = match outcome {
            Err(error) if patient && error.unreachable() => {
                tokio::time::sleep(pause).await;
                once(connection, command, fallback, policy.replication).await
            }
            Err(WriteError::NotReplicated { wanted, answer, .. }) if patient => {
                tokio::time::sleep(pause).await;
                wait_again(connection, key, wanted, answer).await
            }
            other => {
                let value = other?;
                return Ok(redis::from_redis_value(value).map_err(redis::RedisError::from)?);
            }
        };
        pause = (pause * 2).min(LONGEST_PAUSE);
    }
}

/// Runs `command`, or `fallback` (`EVAL`) when the node does not know the
/// script (`NOSCRIPT`).
async fn once(
    connection: &mut Connection,
    command: &Cmd,
    fallback: Option<&Cmd>,
    replication: Option<Replication>,
) -> Result<Value, WriteError> {
    let first = answer(connection, command, replication).await?;
    match (first, fallback) {
        (Err(error), Some(fallback)) if error.code() == Some("NOSCRIPT") => {
            Ok(answer(connection, fallback, replication).await??)
        }
        (first, _) => Ok(first?),
    }
}

/// The command's own answer (`Ok(Err(..))` for its own error), or why it
/// failed or does not count.
async fn answer(
    connection: &mut Connection,
    command: &Cmd,
    replication: Option<Replication>,
) -> Result<redis::RedisResult<Value>, WriteError> {
    match replication {
        // A server's error comes back as a value.
        None => Ok(connection
            .req_packed_command(command)
            .await
            .and_then(Value::extract_error)),
        Some(wanted) => replicated(connection, command, wanted).await,
    }
}

/// The command and `WAIT` in one pipeline, so that both go down the same
/// connection (`WAIT` counts that connection's writes) to the node that holds
/// the command's key. The command's own answer (`Ok(Err(..))` for its own
/// error, such as `NOSCRIPT`), or why the write does not count.
async fn replicated(
    connection: &mut Connection,
    command: &Cmd,
    wanted: Replication,
) -> Result<redis::RedisResult<Value>, WriteError> {
    let mut pipeline = redis::pipe();
    pipeline.add_command(command.clone());
    let (answer, acknowledged) = with_wait(connection, pipeline, wanted).await?;
    let answer = answer.extract_error();
    match (answer, acknowledged) {
        (Err(error), _) => Ok(Err(error)),
        (Ok(answer), acknowledged) if acknowledged < i64::from(wanted.replicas) => {
            Err(WriteError::NotReplicated {
                acknowledged,
                wanted,
                answer,
            })
        }
        (Ok(answer), _) => Ok(Ok(answer)),
    }
}

/// `WAIT` again, after a read of `key` that routes it to the same node and
/// connection as the write: that connection's writes so far reach the
/// replicas, or the write still does not count. (Should the connection have
/// been replaced in between, the new one has written nothing and `WAIT`
/// answers at once: the write is then taken as replicated, which only the
/// primary's death within that moment can prove wrong.)
async fn wait_again(
    connection: &mut Connection,
    key: &[u8],
    wanted: Replication,
    answer: Value,
) -> Result<Value, WriteError> {
    let mut pipeline = redis::pipe();
    pipeline.cmd("EXISTS").arg(key);
    match with_wait(connection, pipeline, wanted).await? {
        (_, acknowledged) if acknowledged < i64::from(wanted.replicas) => {
            Err(WriteError::NotReplicated {
                acknowledged,
                wanted,
                answer,
            })
        }
        _ => Ok(answer),
    }
}

/// Runs `pipeline` (one command) followed by `WAIT`: the command's answer
/// (an error as a value) and how many replicas acknowledged.
async fn with_wait(
    connection: &mut Connection,
    mut pipeline: redis::Pipeline,
    wanted: Replication,
) -> Result<(Value, i64), WriteError> {
    pipeline.cmd("WAIT").arg(wanted.replicas).arg(
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
    let acknowledged: i64 =
        redis::from_redis_value(waited.extract_error()?).map_err(redis::RedisError::from)?;
    Ok((answer, acknowledged))
}
