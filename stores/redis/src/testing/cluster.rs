//! A local Redis Cluster of six `redis-server` nodes.

use std::process::Command;
use std::time::{Duration, Instant};

use super::{ENV_REDIS_CLI, RedisServer, StartError, binary, free_port, replica_acknowledges};

const NODES: usize = 6;
/// Short, so that a killed primary's replica takes over within seconds.
const NODE_TIMEOUT_MS: u64 = 1000;
const FORMING: Duration = Duration::from_secs(20);

/// A Redis Cluster of six local nodes, three primaries with one replica each
/// (`--cluster-enabled yes`, a one-second `cluster-node-timeout`), created
/// with `redis-cli --cluster create`; every node is killed when dropped.
///
/// [`kill`](RedisCluster::kill) a primary and its replica takes over within
/// a few seconds ([`wait_for_failover`](RedisCluster::wait_for_failover));
/// [`restart`](RedisCluster::restart) brings the node back as a replica of
/// the new primary.
///
/// # Example
///
/// ```
/// use fusionauth_webhooks_redis::testing::RedisCluster;
///
/// let cluster = RedisCluster::start().expect("a cluster starts (apt-get install redis-server redis-tools)");
/// assert_eq!(cluster.urls().len(), 6);
/// let primary = cluster.primary_of("some-key").expect("a primary serves every slot");
/// assert!(cluster.node(primary).is_up());
/// ```
#[derive(Debug)]
pub struct RedisCluster {
    nodes: Vec<RedisServer>,
}

impl RedisCluster {
    /// Starts six nodes, joins them into a cluster and waits until every slot
    /// is served and every replica is in sync with its primary.
    pub fn start() -> Result<RedisCluster, StartError> {
        let mut nodes = Vec::with_capacity(NODES);
        for _ in 0..NODES {
            // The bus port is named: the default (port + 10000) can overflow
            // for a port from the ephemeral range.
            let bus = free_port()?;
            nodes.push(
                RedisServer::builder()
                    .arg("--cluster-enabled")
                    .arg("yes")
                    .arg("--cluster-config-file")
                    .arg("nodes.conf")
                    .arg("--cluster-node-timeout")
                    .arg(NODE_TIMEOUT_MS.to_string())
                    .arg("--cluster-port")
                    .arg(bus.to_string())
                    .start()?,
            );
        }
        let cluster = RedisCluster { nodes };
        let cli = binary(ENV_REDIS_CLI, "redis-cli");
        let output = Command::new(&cli)
            .args(["--cluster", "create"])
            .args(
                cluster
                    .nodes
                    .iter()
                    .map(|node| format!("127.0.0.1:{}", node.port())),
            )
            .args(["--cluster-replicas", "1", "--cluster-yes"])
            .output()
            .map_err(|error| StartError::NotInstalled {
                binary: cli.display().to_string(),
                cause: error.to_string(),
            })?;
        if !output.status.success() {
            return Err(StartError::Cluster(format!(
                "`redis-cli --cluster create` exited with {}: {}{}",
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            )));
        }
        cluster.wait_until_ok()?;
        Ok(cluster)
    }

    /// Every node's URL (the client's seed nodes).
    pub fn urls(&self) -> Vec<String> {
        self.nodes.iter().map(RedisServer::url).collect()
    }

    /// Node `index` (0 to 5).
    pub fn node(&self, index: usize) -> &RedisServer {
        &self.nodes[index]
    }

    /// The index of the node that serves `key`'s slot as a primary now, as a
    /// live node sees it.
    pub fn primary_of(&self, key: &str) -> Result<usize, String> {
        let asked = self.live_node()?;
        let slot: u16 = asked
            .query(&["CLUSTER", "KEYSLOT", key])
            .and_then(|slot| slot.parse().map_err(|error| format!("{error}")))?;
        let nodes = asked.query(&["CLUSTER", "NODES"])?;
        let port = nodes
            .lines()
            .find_map(|line| primary_port_of(line, slot))
            .ok_or_else(|| format!("no healthy primary serves slot {slot}:\n{nodes}"))?;
        self.nodes
            .iter()
            .position(|node| node.port() == port)
            .ok_or_else(|| format!("slot {slot} is served by an unknown port {port}"))
    }

    /// Kills node `index` at once (`SIGKILL`), as a crash.
    pub fn kill(&mut self, index: usize) {
        self.nodes[index].kill();
    }

    /// Starts node `index` again (after [`kill`](RedisCluster::kill)) with its
    /// `nodes.conf`: it rejoins, as a replica of whoever took over.
    pub fn restart(&mut self, index: usize) -> Result<(), StartError> {
        self.nodes[index].restart()
    }

    /// Waits until another node than `old` serves `key`'s slot as a primary and
    /// the cluster is `ok` again; the new primary's index.
    pub fn wait_for_failover(&self, key: &str, old: usize) -> Result<usize, StartError> {
        let started = Instant::now();
        loop {
            if let Ok(primary) = self.primary_of(key)
                && primary != old
                && self.states_ok()
            {
                return Ok(primary);
            }
            if started.elapsed() > FORMING {
                return Err(StartError::Cluster(format!(
                    "no replica took over `{key}`'s slot from node {old} within {FORMING:?}"
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until every live node says `cluster_state:ok`, every live
    /// replica is in sync with its primary, and every primary with a replica
    /// sees it acknowledge a write.
    pub fn wait_until_ok(&self) -> Result<(), StartError> {
        let started = Instant::now();
        loop {
            if self.states_ok() && self.replicas_linked() {
                return Ok(());
            }
            if started.elapsed() > FORMING {
                let states: Vec<String> = self
                    .live_nodes()
                    .map(|node| {
                        let nodes = node.query(&["CLUSTER", "NODES"]).unwrap_or_default();
                        format!("port {}:\n{nodes}", node.port())
                    })
                    .collect();
                return Err(StartError::Cluster(format!(
                    "not every node was ok with its replicas in sync within {FORMING:?}: {}",
                    states.join("\n")
                )));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn live_nodes(&self) -> impl Iterator<Item = &RedisServer> {
        self.nodes.iter().filter(|node| node.is_up())
    }

    fn live_node(&self) -> Result<&RedisServer, String> {
        self.live_nodes()
            .next()
            .ok_or_else(|| "no node of the cluster is up".to_owned())
    }

    fn states_ok(&self) -> bool {
        self.live_nodes().all(|node| {
            node.query(&["CLUSTER", "INFO"])
                .is_ok_and(|info| info.contains("cluster_state:ok"))
        })
    }

    fn replicas_linked(&self) -> bool {
        let mut primaries = 0;
        let linked = self.live_nodes().all(|node| {
            let info = node.query(&["INFO", "replication"]).unwrap_or_default();
            if info.contains("role:master") {
                primaries += 1;
                // Its replica (if it has one now) acknowledges writes.
                info.contains("connected_slaves:0")
                    || replica_acknowledges(node.port(), Duration::from_secs(2)).unwrap_or(false)
            } else {
                info.contains("master_link_status:up")
                    && !info.contains("master_sync_in_progress:1")
            }
        });
        linked && primaries == NODES / 2
    }
}

/// The port of the node on this `CLUSTER NODES` line if it is a healthy
/// primary serving `slot`.
fn primary_port_of(line: &str, slot: u16) -> Option<u16> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let flags = fields.get(2)?;
    if !flags.contains("master") || flags.contains("fail") {
        return None;
    }
    let serves = fields.iter().skip(8).any(|range| {
        let mut bounds = range.splitn(2, '-').map(str::parse::<u16>);
        match (bounds.next(), bounds.next()) {
            (Some(Ok(low)), Some(Ok(high))) => (low..=high).contains(&slot),
            (Some(Ok(single)), None) => single == slot,
            _ => false, // a migrating or importing slot: [slot->-id]
        }
    });
    if !serves {
        return None;
    }
    let address = fields.get(1)?;
    let host_port = address.split('@').next()?;
    host_port.rsplit(':').next()?.parse().ok()
}
