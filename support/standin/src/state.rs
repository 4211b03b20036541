//! What the stand-in holds.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{Value, json};

use crate::description::Call;
use uuid::Uuid;

/// The stand-in's objects, as FusionAuth's JSON.
#[derive(Debug)]
pub struct State {
    /// Webhooks by id.
    pub webhooks: BTreeMap<Uuid, Value>,
    /// Webhook event logs, each the exact JSON text FusionAuth would serve
    /// (its `event` the whole request body, `{"event": {...}}`), served byte
    /// for byte; see [`StandIn::log_event`](crate::StandIn::log_event).
    pub event_logs: Vec<String>,
    /// Key Master keys by id (with `secret` for HMAC keys).
    pub keys: BTreeMap<Uuid, Value>,
    /// Tenants by id.
    pub tenants: BTreeMap<Uuid, Value>,
    /// What `/.well-known/jwks.json` serves.
    pub jwks: Value,
    /// Every request seen, as `"METHOD /path"`.
    pub requests: Vec<String>,
    /// Every request seen, whole, to check against FusionAuth's API description.
    pub calls: Vec<Call>,
    /// The `X-FusionAuth-TenantId` header of each request (`None` when absent).
    pub tenant_headers: Vec<Option<String>>,
    /// When set, every `/api/` call answers this status.
    pub fail_with: Option<u16>,
    /// How long every answer waits.
    pub delay: Duration,
    /// The clock for `insertInstant` and `lastUpdateInstant` (epoch ms), advanced on each write.
    pub now: i64,
}

impl Default for State {
    fn default() -> State {
        State {
            webhooks: BTreeMap::new(),
            event_logs: Vec::new(),
            keys: BTreeMap::new(),
            tenants: BTreeMap::new(),
            jwks: json!({ "keys": [] }),
            requests: Vec::new(),
            calls: Vec::new(),
            tenant_headers: Vec::new(),
            fail_with: None,
            delay: Duration::ZERO,
            now: 1_750_000_000_000,
        }
    }
}

impl State {
    /// The next instant of the stand-in's clock.
    pub fn tick(&mut self) -> i64 {
        self.now += 1000;
        self.now
    }
}
