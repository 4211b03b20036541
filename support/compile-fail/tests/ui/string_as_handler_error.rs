// A veto written as a string: `HandlerError::reject("[code]")` is the fix.
use fusionauth_webhooks::Router;
use fusionauth_webhooks::payload::UserCreate;

fn main() {
    let _ = Router::new().on(|_created: UserCreate| async move { Err("blocked".into()) });
}
