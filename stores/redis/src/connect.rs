//! Connecting to Redis, and turning its errors into the core's.

use std::fmt::Display;
use std::time::Duration;

use fusionauth_webhooks::delivery::{QueueError, StoreError};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

/// A connection manager that fails fast while Redis is away (so a webhook
/// answers 503 at once) and reconnects in the background.
pub(crate) async fn connection_manager(
    url: &str,
    response_timeout: Option<Duration>,
) -> Result<ConnectionManager, redis::RedisError> {
    let client = redis::Client::open(url)?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(1)))
        .set_response_timeout(response_timeout)
        .set_number_of_retries(1)
        .set_max_delay(Duration::from_millis(500));
    ConnectionManager::new_with_config(client, config).await
}

pub(crate) fn unavailable(error: impl Display) -> StoreError {
    StoreError::unavailable(error)
}

pub(crate) fn queue_unavailable(error: impl Display) -> QueueError {
    QueueError::unavailable(error)
}
