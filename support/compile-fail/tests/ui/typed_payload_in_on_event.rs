// `on_event` passes the untyped `Event`; a typed payload goes to `.on`.
use fusionauth_webhooks::payload::UserDelete;
use fusionauth_webhooks::{EventType, Router};

fn main() {
    let _ = Router::new().on_event(EventType::UserCreate, |_deleted: UserDelete| async move { Ok(()) });
}
