//! The smallest FusionAuth webhook Lambda function: the webhook from the
//! function's environment (`FUSIONAUTH_WEBHOOK_API_KEY`, ...), a handler
//! per event that logs its type, on a single-threaded runtime (one
//! invocation at a time, as Lambda sends them). What
//! `benches/lambda_cold_start.sh` measures; run it in the emulator with
//! `cargo lambda watch -p fusionauth-webhooks-lambda --example function`.

use fusionauth_webhooks::{Event, Router, WebhookBuilder};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    let router = Router::new().on_any(|event: Event| async move {
        println!("received {}", event.type_name());
        Ok(())
    });
    let webhook = WebhookBuilder::from_env()?.router(router).build()?;
    fusionauth_webhooks_lambda::run(webhook).await
}
