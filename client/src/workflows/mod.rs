//! What the command and a receiver's startup do with the API: make
//! FusionAuth's webhook match the receiver ([`sync()`]), find what would stop
//! delivery ([`doctor()`]), and send logged events again ([`replay()`]).

mod delivery;
mod doctor;
mod plan;
mod replay;
mod sync;

pub use delivery::{Answer, DeliveryTarget};
pub use doctor::{DoctorReport, Finding, Severity, doctor};
pub use plan::Change;
pub use replay::{Delivered, ReplaySummary, RouterReplay, in_order, replay, replay_into_router};
pub use sync::{SyncError, SyncOptions, SyncReport, TenantEvents, WebhookAction, sync};
