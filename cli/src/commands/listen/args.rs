//! `listen`'s arguments.

use std::net::SocketAddr;

use clap::Args;

use crate::args::{DeliveryArgs, FusionAuthArgs};

/// Receive FusionAuth's events locally, print each one, and optionally
/// relay it to the app under development.
#[derive(Debug, Args)]
pub(crate) struct ListenArgs {
    /// The address to listen on (`127.0.0.1:0` picks a free port).
    #[arg(long, default_value = "127.0.0.1:8090")]
    pub(crate) addr: SocketAddr,
    /// The URL FusionAuth POSTs to, when it is not the listening address as
    /// seen from FusionAuth: `http://host.docker.internal:8090/` for a
    /// FusionAuth in Docker.
    #[arg(long, value_name = "URL")]
    pub(crate) public_url: Option<String>,
    /// The status to answer every authenticated event with: 200, or a 4xx
    /// or 5xx to try FusionAuth's failure paths (a 4xx vetoes a
    /// transactional event; FusionAuth retries after a failure). With
    /// --forward-to, the app's answer is passed on unless this is given.
    #[arg(long, value_name = "CODE", value_parser = answer_status)]
    pub(crate) status: Option<u16>,
    /// The event types the temporary webhook asks for, comma separated
    /// (default: every type). Only with --url / FUSIONAUTH_URL.
    #[arg(long, value_delimiter = ',', value_name = "TYPES")]
    pub(crate) events: Vec<String>,
    /// Relay each event to this URL (the app under development), with the
    /// credentials and signature below, as FusionAuth would send it.
    #[arg(long, value_name = "URL")]
    pub(crate) forward_to: Option<String>,
    #[command(flatten)]
    pub(crate) delivery: DeliveryArgs,
    /// The FusionAuth to create the temporary webhook on (optional).
    #[command(flatten)]
    pub(crate) fusionauth: FusionAuthArgs,
}

/// 200, or a client or server error status.
fn answer_status(text: &str) -> Result<u16, String> {
    let status: u16 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a status code"))?;
    match status {
        200 | 400..=599 => Ok(status),
        _ => Err(format!(
            "{status}: answer 200, or a 4xx or 5xx (a webhook answers 200 when it handled the event)"
        )),
    }
}
