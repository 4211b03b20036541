// An async closure whose future uses the state it captured: the compiler
// says it is not `Fn`; the fix (clone, then `move`) is in `Router::on`'s docs.
use std::sync::{Arc, Mutex};

use fusionauth_webhooks::Router;
use fusionauth_webhooks::payload::UserDelete;

fn main() {
    let deleted: Arc<Mutex<Vec<String>>> = Arc::default();
    let _ = Router::new().on(async move |gone: UserDelete| {
        let email = gone.user.and_then(|user| user.email).unwrap_or_default();
        deleted.lock().unwrap().push(email);
        Ok(())
    });
}
