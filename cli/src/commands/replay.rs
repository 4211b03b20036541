//! `replay`: deliver logged events again, in order, page by page.

use std::io::IsTerminal;

use fusionauth_webhooks_client::FusionAuthClient;
use fusionauth_webhooks_client::workflows::ReplaySummary;
use indicatif::{ProgressBar, ProgressStyle};
use uuid::Uuid;

use super::print_json;
use crate::args::{Cli, ReplayArgs};
use crate::exit::{Code, Failure, Outcome, fusionauth_failure};

pub(crate) async fn run(cli: &Cli, args: &ReplayArgs) -> Outcome {
    let client = args.fusionauth.client_alone()?;
    let failed = fusionauth_failure(client.base_url());
    let target = args.delivery.target(&args.to)?;
    let webhook = receivers_webhook(&client, args).await?;
    let search = args.filter.search()?;
    let mut pages = client.event_log_pages(&search, args.filter.limit);
    let bar = (!cli.json && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::no_length();
        if let Ok(style) = ProgressStyle::with_template("{pos} replayed {msg}") {
            bar.set_style(style);
        }
        bar
    });
    let mut summary = ReplaySummary::default();
    // One page in memory at a time, each replayed before the next is fetched.
    while let Some(page) = pages.next_page().await.map_err(&failed)? {
        let logs: Vec<_> = page
            .into_iter()
            .filter(|log| args.filter.keeps(log, webhook))
            .collect();
        let replayed = fusionauth_webhooks_client::workflows::replay(&logs, &target, |delivered| {
            if let Some(bar) = &bar {
                bar.inc(1);
                bar.set_message(delivered.event_type.clone().unwrap_or_default());
            }
        })
        .await;
        summary.add(replayed);
    }
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    if cli.json {
        print_json(&summary);
    } else {
        for delivered in summary.deliveries.iter().filter(|d| !d.acknowledged()) {
            let why = delivered
                .status
                .map(|status| format!("answered {status}"))
                .or_else(|| delivered.error.clone())
                .unwrap_or_default();
            println!(
                "#{} {} {}: {why}",
                delivered
                    .sequence
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
                delivered.event_type.as_deref().unwrap_or("?"),
                delivered
                    .event_id
                    .map(|id| id.to_string())
                    .unwrap_or_default(),
            );
        }
        println!("{summary}");
    }
    Ok(if summary.all_acknowledged() {
        Code::Ok
    } else {
        Code::Findings
    })
}

/// The webhook whose events are replayed: `--webhook-id`, else the one with
/// the receiver's URL; `None` with `--all-webhooks`.
async fn receivers_webhook(
    client: &FusionAuthClient,
    args: &ReplayArgs,
) -> Result<Option<Uuid>, Failure> {
    if args.all_webhooks {
        return Ok(None);
    }
    if let Some(id) = args.filter.webhook_id {
        return Ok(Some(id));
    }
    let url = args.webhook_url.as_deref().ok_or_else(|| {
        Failure::usage(
            "say whose events to replay: --webhook-id, the receiver's URL in --webhook-url or \\
             FUSIONAUTH_WEBHOOK_URL, or --all-webhooks for every webhook of the instance",
        )
    })?;
    let webhooks = client
        .webhooks_with_url(url)
        .await
        .map_err(fusionauth_failure(client.base_url()))?;
    match webhooks.as_slice() {
        [webhook] => Ok(webhook.id),
        [] => Err(Failure::usage(format!(
            "no webhook has the url {url}: give --webhook-id, or --all-webhooks"
        ))),
        several => {
            let ids: Vec<String> = several
                .iter()
                .filter_map(|webhook| webhook.id.map(|id| id.to_string()))
                .collect();
            Err(Failure::usage(format!(
                "{} webhooks have the url {url} ({}): give --webhook-id",
                ids.len(),
                ids.join(", ")
            )))
        }
    }
}
