//! A FusionAuth webhook receiver as an AWS Lambda function (Function URL or
//! API Gateway), run locally in cargo-lambda's emulator:
//!
//! ```sh
//! pip install cargo-lambda            # once
//! cargo lambda watch --example lambda # the emulator, on 127.0.0.1:9000
//! ```
//!
//! The emulator serves the function as a Function URL at
//! `http://127.0.0.1:9000/` (any path). The function takes credentials from
//! the environment (see `WebhookBuilder::from_env`; pass them with
//! `cargo lambda watch --env-var FUSIONAUTH_WEBHOOK_API_KEY=...`) or
//! generates an API key, prints a curl command at its cold start, and logs
//! every event's type and id. Deployed, configure the credential: a key
//! generated at each cold start differs between execution environments.
//! `cargo run --example lambda` outside the emulator stops at once, naming
//! the Lambda environment variables it lacks.

mod support;

use fusionauth_webhooks::Router;

/// Where the emulator serves Function URLs by default (`cargo lambda watch`).
const EMULATOR_ADDR: &str = "127.0.0.1:9000";

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    support::init_logging();
    let missing: Vec<_> = [
        "AWS_LAMBDA_RUNTIME_API",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
    ]
    .into_iter()
    .filter(|name| std::env::var_os(name).is_none())
    .collect();
    if !missing.is_empty() {
        return Err(format!(
            "not in a Lambda environment ({} unset): run `cargo lambda watch --example lambda`",
            missing.join(", ")
        )
        .into());
    }
    let (webhook, generated_key) =
        support::webhook_from_env(support::log_every_event(Router::new()))?;
    // The Function URL answers at every path; the banner shows the path
    // every other example uses.
    support::print_banner(EMULATOR_ADDR.parse()?, generated_key.as_deref());
    fusionauth_webhooks_lambda::run(webhook).await
}
