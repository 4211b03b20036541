//! `listen`: a local receiver for development. It prints each event as it
//! arrives and answers it (200, or the status asked for), with the same
//! credential and signature checks as a real receiver; with `--url` it
//! creates a temporary webhook on FusionAuth pointing at itself, removed on
//! exit (Ctrl-C included); with `--forward-to` it relays each event, signed,
//! to the app under development.

pub(crate) mod args;
mod print;
mod temporary;

use std::net::SocketAddr;
use std::sync::Arc;

use fusionauth_webhooks::env::{self, Env};
use fusionauth_webhooks::{Event, HandlerError, Router};
use fusionauth_webhooks_client::receiver::{Credentials, ReceiverConfig, webhook_from_env};
use fusionauth_webhooks_client::workflows::DeliveryTarget;
use fusionauth_webhooks_hyper::WebhookService;
use http::StatusCode;
use serde_json::json;

use self::args::ListenArgs;
use self::print::{Forwarded, Shown};
use self::temporary::Temporary;
use super::print_json;
use crate::args::{Cli, read_secret};
use crate::exit::{Code, Failure, Outcome};

/// The error code of the answers `listen` makes up (a 4xx or 5xx asked for
/// with `--status`, or passed on from the app).
const ANSWER_CODE: &str = "[fusionauthWebhooksListen]";

pub(crate) async fn run(cli: &Cli, args: &ListenArgs) -> Outcome {
    // Before anything is created: a Ctrl-C from now on removes it.
    let mut interrupted = Interrupted::new()?;
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|error| Failure::usage(format!("cannot listen on {}: {error}", args.addr)))?;
    let local = listener
        .local_addr()
        .map_err(|error| Failure::usage(format!("no local address: {error}")))?;
    let url = args
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{local}/"));
    let forward = match &args.forward_to {
        Some(to) => Some(Arc::new(args.delivery.target(to)?)),
        None => None,
    };
    let environment = Environment::new(args, &url)?;
    let router = printing_router(cli.json, args.status, forward);
    let lookup = |name: &str| environment.lookup(name);
    let webhook = webhook_from_env(router, Env::from_fn(&lookup))
        .await
        .map_err(|error| {
            Failure::usage(format!(
                "{error} (listen checks what the receiver checks: set {} or another credential, \
             or give --url to create a temporary webhook with a key of its own)",
                env::FUSIONAUTH_WEBHOOK_API_KEY
            ))
        })?;

    let temporary = match args.fusionauth.url {
        Some(_) => Some(create_webhook(args, &environment).await?),
        None => None,
    };
    announce(cli.json, local, &url, temporary.as_ref(), &environment);

    let service = WebhookService::new(webhook);
    fusionauth_webhooks_hyper::serve_with_shutdown(listener, service, interrupted.wait()).await;

    if let Some(temporary) = temporary {
        let id = temporary.id();
        temporary.remove().await?;
        if cli.json {
            print_json(&json!({ "removed": id }));
        } else {
            println!("Removed the temporary webhook {id}.");
        }
    }
    Ok(Code::Ok)
}

/// The receiver's variables as `listen` sees them: the process environment,
/// with FusionAuth's URL and API key from the command line, this
/// listener's URL, and a generated API key when a temporary webhook is
/// created and no credential is set.
struct Environment {
    fusionauth_url: Option<String>,
    api_key: Option<String>,
    webhook_url: String,
    generated_key: Option<String>,
}

impl Environment {
    fn new(args: &ListenArgs, webhook_url: &str) -> Result<Environment, Failure> {
        let fusionauth = &args.fusionauth;
        let api_key = fusionauth
            .api_key
            .clone()
            .or(read_secret(fusionauth.api_key_file.as_deref())?);
        let no_credential = Credentials::from_env()?.is_empty();
        let generated_key = (fusionauth.url.is_some() && no_credential).then(generate_key);
        Ok(Environment {
            fusionauth_url: fusionauth.url.clone(),
            api_key,
            webhook_url: webhook_url.to_owned(),
            generated_key,
        })
    }

    fn lookup(&self, name: &str) -> Option<String> {
        match name {
            env::FUSIONAUTH_URL => self.fusionauth_url.clone(),
            env::FUSIONAUTH_API_KEY => self.api_key.clone(),
            env::FUSIONAUTH_WEBHOOK_URL => Some(self.webhook_url.clone()),
            env::FUSIONAUTH_WEBHOOK_API_KEY if self.generated_key.is_some() => {
                self.generated_key.clone()
            }
            _ => std::env::var(name).ok(),
        }
    }
}

/// 244 random bits (two version 4 UUIDs) as 64 hex digits.
fn generate_key() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

async fn create_webhook(
    args: &ListenArgs,
    environment: &Environment,
) -> Result<Temporary, Failure> {
    let event_types = temporary::event_types(&args.events)?;
    let lookup = |name: &str| environment.lookup(name);
    let receiver = ReceiverConfig::from_env_with(event_types, Env::from_fn(&lookup))?;
    let (temporary, report) = Temporary::create(args.fusionauth.client_alone()?, receiver).await?;
    for warning in temporary::disabled_warnings(&report.tenants) {
        eprintln!("warning: {warning}");
    }
    Ok(temporary)
}

fn announce(
    json: bool,
    local: SocketAddr,
    url: &str,
    temporary: Option<&Temporary>,
    environment: &Environment,
) {
    let webhook_id = temporary.map(Temporary::id);
    if json {
        print_json(
            &json!({ "listening": format!("http://{local}/"), "url": url, "webhookId": webhook_id }),
        );
        return;
    }
    println!("Listening on http://{local}/ (FusionAuth POSTs to {url})");
    if let Some(id) = webhook_id {
        println!("Created the temporary webhook {id}; it is removed on exit (Ctrl-C).");
    }
    if environment.generated_key.is_some() {
        println!("No credential configured: the webhook sends a generated API key.");
    }
    println!("Waiting for events...");
}

/// A router that prints every event, forwards it when asked, and answers
/// the status asked for (or the app's).
fn printing_router(
    json: bool,
    status: Option<u16>,
    forward: Option<Arc<DeliveryTarget>>,
) -> Router {
    Router::new().on_any(move |event: Event| {
        let forward = forward.clone();
        async move {
            let forwarded = match &forward {
                Some(target) => Some(match target.send(event.raw().clone()).await {
                    Ok(answer) => Forwarded::Answered(answer.status),
                    Err(error) => Forwarded::Failed(error.to_string()),
                }),
                None => None,
            };
            let answer = status.unwrap_or(match &forwarded {
                Some(Forwarded::Answered(status @ (400..=599))) => *status,
                Some(Forwarded::Answered(200..=299)) | None => 200,
                // Unreachable, or an answer a webhook cannot give.
                Some(Forwarded::Answered(_) | Forwarded::Failed(_)) => 502,
            });
            let shown = Shown {
                event: &event,
                status: answer,
                forwarded,
            };
            print::show(&shown, json);
            match StatusCode::from_u16(answer) {
                Ok(status) if status.is_success() => Ok(()),
                Ok(status) => Err(HandlerError::reject_with_status(status, ANSWER_CODE)
                    .with_message("answered by fusionauth-webhooks listen")),
                Err(_) => Err(HandlerError::reject(ANSWER_CODE)),
            }
        }
    })
}

/// Ctrl-C (SIGINT) or SIGTERM, listened for from its creation on: one that
/// comes before [`wait`](Interrupted::wait) is polled is not lost.
struct Interrupted {
    #[cfg(unix)]
    signals: [tokio::signal::unix::Signal; 2],
}

impl Interrupted {
    fn new() -> Result<Interrupted, Failure> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let listen = |kind| {
                signal(kind)
                    .map_err(|error| Failure::usage(format!("cannot handle signals: {error}")))
            };
            Ok(Interrupted {
                signals: [
                    listen(SignalKind::interrupt())?,
                    listen(SignalKind::terminate())?,
                ],
            })
        }
        #[cfg(not(unix))]
        Ok(Interrupted {})
    }

    async fn wait(&mut self) {
        #[cfg(unix)]
        {
            let [interrupt, terminate] = &mut self.signals;
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
