// `?` on a `Result<_, &str>`: the label names `reject` and `internal`.
use fusionauth_webhooks::Router;
use fusionauth_webhooks::payload::UserCreate;

fn check(allowed: bool) -> Result<(), &'static str> {
    if allowed { Ok(()) } else { Err("blocked") }
}

fn main() {
    let _ = Router::new().on(|_created: UserCreate| async move {
        check(false)?;
        Ok(())
    });
}
