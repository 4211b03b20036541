// `.on` needs a payload type; the untyped `Event` goes to `on_event` or `on_any`.
use fusionauth_webhooks::{Event, Router};

fn main() {
    let _ = Router::new().on(|_event: Event| async move { Ok(()) });
}
