//! Several replicas on one Redis: receivers that deduplicate and queue events,
//! and workers that run the handlers.
//!
//! ```sh
//! redis-server --daemonize yes                    # or REDIS_URL=redis://host:port/
//! export REDIS_NAMESPACE=my-app                   # required: this app's keys in Redis
//! FUSIONAUTH_WEBHOOK_API_KEY=change-me cargo run --example workers --features delivery -- receiver
//! cargo run --example workers --features delivery -- worker
//! ```
//!
//! `REDIS_NAMESPACE` names this deployment's keys: FusionAuth sends the same
//! event, with the same id, to every webhook, so two apps sharing a Redis must
//! not share keys (one would drop the other's events as duplicates).
//! `REDIS_CLUSTER_NODES` (`redis://host1:6379/,redis://host2:6379/`) instead of
//! `REDIS_URL` connects to a Redis Cluster.
//!
//! The receiver listens on `FUSIONAUTH_WEBHOOK_ADDR` (default 127.0.0.1:8080)
//! at any path, with its credentials from the environment
//! (`WebhookBuilder::from_env`). `user.create` (transactional: its handler may veto
//! the new user) runs in the request, deduplicated on the event id; the
//! `*.complete` events are written to a Redis stream and answered 202, and a
//! worker runs their handlers. Start as many receivers and workers as you
//! like: the store and the stream are shared.

use std::time::Duration;

use fusionauth_webhooks::{Event, EventType, HandlerError, Router, WebhookBuilder, Worker};
use fusionauth_webhooks_redis::{RedisConfig, RedisQueue, RedisStore};

/// Handled on a worker: the receiver answers 202 once Redis holds them.
const QUEUED: [EventType; 2] = [EventType::UserCreateComplete, EventType::UserUpdateComplete];

fn router() -> Router {
    Router::new()
        .on_event(EventType::UserCreate, |event: Event| async move {
            // In the request: a rejection here vetoes the user in FusionAuth.
            match event.tenant_id() {
                Some(_) => Ok(()),
                None => Err(HandlerError::reject("[noTenant]")),
            }
        })
        .on_events(QUEUED, |event: Event| async move {
            // On a worker: sync the user to the CRM, send the email, ...
            println!("worker: {} {:?}", event.type_name(), event.id());
            Ok(())
        })
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let namespace = std::env::var("REDIS_NAMESPACE")
        .map_err(|_| "set REDIS_NAMESPACE to this app's name (its keys in Redis)")?;
    let (config, url) = match std::env::var("REDIS_CLUSTER_NODES") {
        Ok(nodes) => (
            RedisConfig::cluster(nodes.split(','), &namespace)?,
            nodes.clone(),
        ),
        Err(_) => {
            let url =
                std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/".into());
            (RedisConfig::new(url.as_str(), &namespace)?, url)
        }
    };
    let role = std::env::args().nth(1).unwrap_or_default();
    // A worker's settlements in flight when Redis restarts or fails over land
    // once it is back, instead of leaving their events to run again; a
    // receiver answers 503 at once (FusionAuth retries).
    let config = match role.as_str() {
        "worker" => config.retry_unreachable_for(Duration::from_secs(15)),
        _ => config,
    };
    // A consumer name per process: a dead worker's messages are reclaimed by name.
    let consumer = format!("{role}-{}", std::process::id());
    let queue = RedisQueue::connect(&config, &consumer).await?;
    let store = RedisStore::connect(&config).await?;
    match role.as_str() {
        "receiver" => {
            let webhook = WebhookBuilder::from_env()?
                .router(router())
                .enqueue(QUEUED, queue)
                .deduplicate(store)
                .handler_timeout(Duration::from_secs(5))
                .build()?;
            let addr = std::env::var("FUSIONAUTH_WEBHOOK_ADDR")
                .unwrap_or_else(|_| "127.0.0.1:8080".into());
            let listener = tokio::net::TcpListener::bind(&addr).await?;
            println!("receiver on http://{addr}/, queueing to {url}");
            fusionauth_webhooks_hyper::serve_with_shutdown(listener, webhook, async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await;
        }
        "worker" => {
            // The handler deadline defaults to half the queue's reclaim idle
            // time (30 s of 60 s): a slower handler would run twice.
            let worker = Worker::new(router(), queue).deduplicate(store);
            println!("worker {consumer} consuming from {url}");
            worker
                .run(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await;
        }
        _ => return Err("usage: workers receiver|worker".into()),
    }
    Ok(())
}
