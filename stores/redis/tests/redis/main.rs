//! The Redis store and queue against real servers (a `redis-server`, with
//! TLS, with a replica, and a six-node Redis Cluster, each started by the
//! tests), one module per situation. One test binary: linking one is most of
//! a test's build time.

mod cluster;
mod fencing;
mod namespaces;
mod poison;
mod queue;
mod recovery;
mod replication;
mod store;
mod support;
#[cfg(feature = "tls")]
mod tls;
