//! What every example receiver shares: configuration from the environment,
//! a generated API key when none is configured, and log output.
#![allow(dead_code)] // each example uses the part it needs

use std::net::SocketAddr;

use fusionauth_webhooks::{ConfigError, Router, Webhook, WebhookBuilder};

/// Where the examples listen unless `FUSIONAUTH_WEBHOOK_ADDR` says otherwise.
pub(crate) const DEFAULT_ADDR: &str = "127.0.0.1:8080";
/// The path the examples mount the webhook at.
pub(crate) const WEBHOOK_PATH: &str = "/fusionauth-webhook";

/// Variables that configure a credential; with none set, a key is generated.
const CREDENTIAL_VARS: &[&str] = &[
    "FUSIONAUTH_WEBHOOK_API_KEY",
    "FUSIONAUTH_WEBHOOK_BASIC_USER",
    "FUSIONAUTH_WEBHOOK_BASIC_PASSWORD",
    "FUSIONAUTH_WEBHOOK_HEADERS",
    "FUSIONAUTH_WEBHOOK_HMAC_SECRET",
    "FUSIONAUTH_WEBHOOK_JWKS",
];

/// Whether `FUSIONAUTH_WEBHOOK_QUIET` is set: no per-request output, for load
/// tests (writing a line per request would measure the terminal).
pub(crate) fn quiet() -> bool {
    std::env::var_os("FUSIONAUTH_WEBHOOK_QUIET").is_some()
}

/// Shows the SDK's log lines (one per request) on stderr, unless [`quiet`];
/// `RUST_LOG`-style filtering is left out to keep the examples' dependencies
/// small.
pub(crate) fn init_logging() {
    if quiet() {
        return;
    }
    // Colour only on a terminal: a file or a pipe gets plain text.
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stdout());
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_target(false)
        .with_ansi(terminal)
        .init();
}

/// The address to listen on.
pub(crate) fn listen_addr() -> Result<SocketAddr, Box<dyn std::error::Error>> {
    let addr = std::env::var("FUSIONAUTH_WEBHOOK_ADDR").unwrap_or_else(|_| DEFAULT_ADDR.into());
    addr.parse().map_err(|error| {
        format!("FUSIONAUTH_WEBHOOK_ADDR `{addr}` is not an address: {error}").into()
    })
}

/// The webhook configured from the environment; when no credential is
/// configured, with a freshly generated API key, which is returned too.
pub(crate) fn webhook_from_env(router: Router) -> Result<(Webhook, Option<String>), ConfigError> {
    let (builder, generated_key) = builder_from_env(router)?;
    Ok((builder.build()?, generated_key))
}

/// [`webhook_from_env`]'s builder, for an example that sets more.
pub(crate) fn builder_from_env(
    router: Router,
) -> Result<(WebhookBuilder, Option<String>), ConfigError> {
    let configured = CREDENTIAL_VARS
        .iter()
        .any(|name| std::env::var_os(name).is_some());
    let builder = WebhookBuilder::from_env()?.router(router);
    if configured {
        return Ok((builder, None));
    }
    let key = generate_key();
    Ok((builder.api_key(&key), Some(key)))
}

/// 32 random bytes from the operating system, as hex.
fn generate_key() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system has a random source");
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Prints where the receiver listens and, for a generated key, how to try it.
pub(crate) fn print_banner(addr: SocketAddr, generated_key: Option<&str>) {
    let url = format!("http://{addr}{WEBHOOK_PATH}");
    println!("FusionAuth webhook receiver listening on {url}");
    match generated_key {
        Some(key) => {
            println!(
                "No credential configured (FUSIONAUTH_WEBHOOK_API_KEY, ...): generated API key"
            );
            println!("  {key}");
            println!("Set it as the `Authorization` header of the FusionAuth webhook, or try:");
            println!(
                "  curl -i {url} -H 'Authorization: {key}' -H 'Content-Type: application/json' \\\n    \
                 -d '{{\"event\":{{\"type\":\"user.delete\",\"id\":\"e502168a-b469-45d9-a079-fd45f83e0406\",\
                 \"user\":{{\"id\":\"00000000-0000-0000-0000-000000000001\",\"email\":\"jane@example.com\"}}}}}}'"
            );
        }
        None => println!("Credentials from the environment."),
    }
}

/// Logs each event's type and id: the handler every example registers.
pub(crate) fn log_every_event(router: Router) -> Router {
    router.on_any(|event: fusionauth_webhooks::Event| async move {
        let id = event
            .id()
            .map_or_else(|| "none".to_owned(), |id| id.to_string());
        println!("received {} (id {id})", event.type_name());
        Ok(())
    })
}
