//! `replay`: deliver logged events again, in order.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use super::print_json;
use crate::args::{Cli, ReplayArgs};
use crate::exit::{Code, Outcome};

/// From how many events a progress bar is worth drawing.
const PROGRESS_FROM: usize = 20;

pub(crate) async fn run(cli: &Cli, args: &ReplayArgs) -> Outcome {
    let client = cli.client()?;
    let target = args.delivery.target(&args.to)?;
    let search = args.filter.search()?;
    let logs = client
        .search_event_logs_all(&search, args.filter.limit)
        .await?;
    let bar =
        (!cli.json && logs.len() >= PROGRESS_FROM && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new(logs.len() as u64);
            if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}") {
                bar.set_style(style);
            }
            bar
        });
    let summary = fusionauth_webhooks_client::replay(&logs, &target, |delivered| {
        if let Some(bar) = &bar {
            bar.inc(1);
            bar.set_message(delivered.event_type.clone().unwrap_or_default());
        }
    })
    .await;
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
