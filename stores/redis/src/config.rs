//! Where Redis is, how to reach it, and the namespace of a deployment's keys.

use std::fmt;
use std::time::Duration;

/// The longest namespace accepted.
pub const MAX_NAMESPACE_LEN: usize = 64;
const DEFAULT_RESPONSE_TIMEOUT: Duration = Duration::from_secs(1);

/// How a [`RedisStore`](crate::RedisStore) and a [`RedisQueue`](crate::RedisQueue)
/// reach Redis: one server or a Redis Cluster, TLS, the namespace of their
/// keys, and whether a write must reach replicas before it counts.
///
/// **The namespace is required**: FusionAuth sends the same event, with the
/// same id, to every webhook. Two apps (or two webhooks of one app) that share
/// a Redis with the same keys would see each other's events: app A marks an
/// event done and app B's delivery is dropped as a duplicate, or B's workers
/// consume A's stream and acknowledge A's events as unrouted. Give each
/// deployment its own namespace, such as the app's name, and the same one to
/// all its receivers and workers.
///
/// | key | name | slot |
/// |---|---|---|
/// | dedup mark of event `id` | `fusionauth-webhooks:<ns>:dedup:<id>` | spread over the cluster |
/// | the stream | `fusionauth-webhooks:{<ns>}:events` | one slot per namespace |
/// | its retry set | `fusionauth-webhooks:{<ns>}:events:retry` | the stream's |
/// | its dead letters | `fusionauth-webhooks:{<ns>}:events:dead` | the stream's |
/// | the consumer group (on the stream) | `fusionauth-webhooks:<ns>:workers` | |
///
/// The `{<ns>}` hash tag keeps what one script touches in one Cluster slot;
/// dedup keys have none, so that claims spread over every primary.
///
/// # Example
///
/// ```
/// use std::time::Duration;
/// use fusionauth_webhooks_redis::RedisConfig;
///
/// let config = RedisConfig::new("redis://127.0.0.1:6379/", "billing")?
///     .wait_for_replicas(1, Duration::from_millis(100));
/// assert_eq!(config.namespace(), "billing");
///
/// let cluster = RedisConfig::cluster(["redis://10.0.0.1:6379/", "redis://10.0.0.2:6379/"], "billing")?;
/// assert!(cluster.is_cluster());
///
/// assert!(RedisConfig::new("redis://127.0.0.1:6379/", "").is_err(), "a namespace is required");
/// # Ok::<(), fusionauth_webhooks_redis::ConfigError>(())
/// ```
#[derive(Clone)]
#[must_use]
pub struct RedisConfig {
    pub(crate) nodes: Vec<String>,
    pub(crate) cluster: bool,
    pub(crate) namespace: String,
    pub(crate) replication: Option<Replication>,
    pub(crate) response_timeout: Duration,
    pub(crate) patience: Duration,
    #[cfg(feature = "tls")]
    pub(crate) tls: Option<crate::TlsConfig>,
}

/// Writes must reach this many replicas within this time (`WAIT`), else they
/// fail (the webhook answers 503).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Replication {
    pub(crate) replicas: u32,
    pub(crate) timeout: Duration,
}

/// A [`RedisConfig`] that cannot work.
///
/// ```
/// use fusionauth_webhooks_redis::{ConfigError, RedisConfig};
///
/// let error = RedisConfig::new("redis://127.0.0.1/", "{billing}").unwrap_err();
/// assert_eq!(error, ConfigError::Namespace("{billing}".into()));
/// assert!(error.to_string().contains("such as the app's name"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The namespace is empty, too long, or has characters other than ASCII
    /// letters, digits, `-`, `_` and `.` (braces would break the Cluster hash tag).
    #[error(
        "invalid Redis namespace {0:?}: use 1 to {MAX_NAMESPACE_LEN} ASCII letters, digits, `-`, `_` or `.` (such as the app's name)"
    )]
    Namespace(String),
    /// No URL was given.
    #[error("no Redis URL given")]
    NoUrl,
    /// A URL that is not `redis://` or `rediss://`.
    #[error("unsupported Redis URL scheme in {0:?}: use redis:// or rediss://")]
    Scheme(String),
    /// A `rediss://` URL without the crate's `tls` feature.
    #[error("{0:?} asks for TLS: enable the `tls` feature of fusionauth-webhooks-redis")]
    TlsNotEnabled(String),
    /// Cluster nodes mixing `redis://` and `rediss://`.
    #[error("the cluster nodes mix redis:// and rediss:// URLs")]
    MixedSchemes,
}

impl RedisConfig {
    /// One Redis server (or a primary behind a proxy) at `url`
    /// (`redis://[user:password@]host:port/db`, or `rediss://` for TLS), with
    /// the deployment's `namespace`.
    pub fn new(url: impl Into<String>, namespace: &str) -> Result<RedisConfig, ConfigError> {
        RedisConfig::with_nodes(vec![url.into()], false, namespace)
    }

    /// A Redis Cluster, reached through any of `nodes` (its topology is
    /// discovered from them and followed through failovers).
    pub fn cluster<I, S>(nodes: I, namespace: &str) -> Result<RedisConfig, ConfigError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        RedisConfig::with_nodes(nodes.into_iter().map(Into::into).collect(), true, namespace)
    }

    fn with_nodes(
        nodes: Vec<String>,
        cluster: bool,
        namespace: &str,
    ) -> Result<RedisConfig, ConfigError> {
        check_namespace(namespace)?;
        let schemes = nodes
            .iter()
            .map(|url| scheme(url))
            .collect::<Result<Vec<bool>, ConfigError>>()?;
        let Some(&tls) = schemes.first() else {
            return Err(ConfigError::NoUrl);
        };
        if schemes.iter().any(|&other| other != tls) {
            return Err(ConfigError::MixedSchemes);
        }
        if tls && !cfg!(feature = "tls") {
            return Err(ConfigError::TlsNotEnabled(redact(&nodes[0])));
        }
        Ok(RedisConfig {
            nodes,
            cluster,
            namespace: namespace.to_owned(),
            replication: None,
            response_timeout: DEFAULT_RESPONSE_TIMEOUT,
            patience: Duration::ZERO,
            #[cfg(feature = "tls")]
            tls: None,
        })
    }

    /// Acknowledge a write only once `replicas` replicas hold it, waiting up to
    /// `timeout` (`WAIT replicas timeout` after the write, on its connection).
    /// Else the operation fails: an enqueued delivery is answered 503 (and
    /// FusionAuth retries it), a claim is given up, a settlement is retried.
    ///
    /// Redis replicates asynchronously: without this, an event answered 202
    /// is lost if its primary dies before a replica copied it. It costs a
    /// replica round trip per write (`BENCHMARKS.md`), and while a shard has
    /// fewer live replicas than asked (after a failover, until the old primary
    /// rejoins as a replica), its writes fail.
    pub fn wait_for_replicas(mut self, replicas: u32, timeout: Duration) -> RedisConfig {
        self.replication = (replicas > 0).then_some(Replication { replicas, timeout });
        self
    }

    /// The bound on each answer from Redis (1 s): past it, the operation fails
    /// at once, so a webhook answers 503 rather than hang. A `WAIT` gets its
    /// own timeout on top.
    pub fn response_timeout(mut self, timeout: Duration) -> RedisConfig {
        self.response_timeout = timeout;
        self
    }

    /// How long a write keeps retrying while Redis is unreachable (down,
    /// restarting, a Cluster failing over), pausing 20 ms, then twice as long
    /// each time up to 0.5 s. None by default: it fails at once, so that a
    /// webhook answers 503 and FusionAuth retries.
    ///
    /// Give workers more than a failover takes (about twice the Cluster's
    /// `cluster-node-timeout`, plus a second): a settlement or done mark in
    /// flight when a primary dies then lands on the replica that takes over,
    /// instead of failing and leaving the event to run again once its claim's
    /// lease expires. A retried write that had in fact reached Redis happens
    /// twice: a second queue entry (handled once, thanks to deduplication), a
    /// settlement reported as [`Lost`](fusionauth_webhooks::delivery::QueueError::Lost).
    ///
    /// With [`wait_for_replicas`](RedisConfig::wait_for_replicas), a write
    /// that reached the primary but not its replicas in time is not written
    /// again: it waits again (`WAIT`), within the same bound, for a replica to
    /// (re)join and acknowledge it.
    pub fn retry_unreachable_for(mut self, patience: Duration) -> RedisConfig {
        self.patience = patience;
        self
    }

    /// The deployment's namespace.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// Whether this is a Redis Cluster.
    pub fn is_cluster(&self) -> bool {
        self.cluster
    }

    /// The bound on an answer to a write, `WAIT` included.
    pub(crate) fn write_timeout(&self) -> Duration {
        self.response_timeout + self.replication.map_or(Duration::ZERO, |r| r.timeout)
    }
}

/// Whether `url` asks for TLS.
fn scheme(url: &str) -> Result<bool, ConfigError> {
    if url.starts_with("rediss://") {
        Ok(true)
    } else if url.starts_with("redis://") {
        Ok(false)
    } else {
        Err(ConfigError::Scheme(redact(url)))
    }
}

/// The URL without its password, for an error message.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            format!("{}://***{}", &url[..scheme_end], &url[at..])
        }
        _ => url.to_owned(),
    }
}

fn check_namespace(namespace: &str) -> Result<(), ConfigError> {
    let valid = (1..=MAX_NAMESPACE_LEN).contains(&namespace.len())
        && namespace
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"-_.".contains(&byte));
    if valid {
        Ok(())
    } else {
        Err(ConfigError::Namespace(namespace.to_owned()))
    }
}

impl fmt::Debug for RedisConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // URLs may carry a password.
        let nodes: Vec<String> = self.nodes.iter().map(|url| redact(url)).collect();
        let mut debug = f.debug_struct("RedisConfig");
        debug
            .field("nodes", &nodes)
            .field("cluster", &self.cluster)
            .field("namespace", &self.namespace)
            .field("replication", &self.replication)
            .field("response_timeout", &self.response_timeout)
            .field("patience", &self.patience);
        #[cfg(feature = "tls")]
        debug.field("tls", &self.tls);
        debug.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_namespace_must_be_short_plain_ascii_without_braces() {
        for good in ["billing", "app-1", "a.b_c", &"x".repeat(MAX_NAMESPACE_LEN)] {
            assert!(RedisConfig::new("redis://h/", good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "{billing}",
            "a b",
            "é",
            "a:b",
            &"x".repeat(MAX_NAMESPACE_LEN + 1),
        ] {
            assert_eq!(
                RedisConfig::new("redis://h/", bad).err(),
                Some(ConfigError::Namespace(bad.to_owned())),
                "{bad}"
            );
        }
    }

    #[test]
    fn urls_must_be_redis_urls_of_one_scheme() {
        assert_eq!(
            RedisConfig::new("http://user:secret@h/", "ns").err(),
            Some(ConfigError::Scheme("http://***@h/".into()))
        );
        assert_eq!(
            RedisConfig::cluster(Vec::<String>::new(), "ns").err(),
            Some(ConfigError::NoUrl)
        );
        assert_eq!(
            RedisConfig::cluster(["redis://a/", "rediss://b/"], "ns").err(),
            Some(ConfigError::MixedSchemes)
        );
    }

    #[test]
    fn debug_hides_passwords() {
        let config = RedisConfig::new("redis://user:hunter2@h:6379/", "ns").unwrap();
        let shown = format!("{config:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("redis://***@h:6379/"), "{shown}");
    }
}
