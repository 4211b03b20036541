// An async closure that moves shared state into its future: the compiler
// says it is not `Fn`; the fix (clone, then `move`) is in `Router::on`'s docs.
use std::sync::{Arc, Mutex};

use fusionauth_webhooks::Router;
use fusionauth_webhooks::payload::UserDelete;

fn main() {
    let deleted = Arc::new(Mutex::new(Vec::new()));
    let _ = Router::new().on(async move |gone: UserDelete| {
        let deleted = deleted;
        deleted.lock().unwrap().push(gone.user);
        Ok(())
    });
}
