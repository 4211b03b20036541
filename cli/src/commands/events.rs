//! `events`: the webhook event log, with attempts, page by page.

use fusionauth_webhooks::Instant;
use fusionauth_webhooks_client::models::{WebhookAttemptLog, WebhookEventLog};

use super::print_json;
use crate::args::{Cli, EventsArgs};
use crate::exit::{Code, Outcome, fusionauth_failure};

pub(crate) async fn run(cli: &Cli, args: &EventsArgs) -> Outcome {
    let client = args.fusionauth.client_alone()?;
    let failed = fusionauth_failure(client.base_url());
    let search = args.filter.search()?;
    let mut pages = client.event_log_pages(&search, args.filter.limit);
    let webhook = args.filter.webhook_id;
    // Text is written page by page, one page in memory at a time; JSON once
    // the search is done (at most the limit, or 10,000 logs), so that an
    // error never leaves half an array.
    let mut kept = Vec::new();
    let mut shown = 0;
    while let Some(page) = pages.next_page().await.map_err(&failed)? {
        for log in page
            .into_iter()
            .filter(|log| args.filter.keeps(log, webhook))
        {
            if cli.json {
                kept.push(log);
            } else {
                println!("{}", line(&log));
                shown += 1;
            }
        }
    }
    if cli.json {
        print_json(&kept);
    } else {
        println!("{shown} event(s)");
    }
    Ok(Code::Ok)
}

/// `#7 2025-06-04T12:30:00Z user.delete Failed [500, 500, timed out]`
fn line(log: &WebhookEventLog) -> String {
    let when = log
        .insert_instant
        .and_then(rfc3339)
        .unwrap_or_else(|| "-".to_owned());
    let attempts: Vec<String> = log.attempts.iter().flatten().map(attempt).collect();
    format!(
        "#{} {} {} {} {} [{}]",
        log.sequence.map(|n| n.to_string()).unwrap_or_default(),
        when,
        log.event_type
            .as_ref()
            .map(|key| key.as_str())
            .unwrap_or("?"),
        log.event_id().map(|id| id.to_string()).unwrap_or_default(),
        log.event_result
            .as_ref()
            .map(|result| result.as_str())
            .unwrap_or("?"),
        attempts.join(", ")
    )
}

/// The instant as RFC 3339, for the years 1970 to 9999 (humantime writes no others).
fn rfc3339(instant: Instant) -> Option<String> {
    const YEAR_10000: i64 = 253_402_300_800_000;
    let written = (0..YEAR_10000).contains(&instant.as_millis());
    let time = instant.to_system_time().filter(|_| written)?;
    Some(humantime::format_rfc3339_seconds(time).to_string())
}

fn attempt(attempt: &WebhookAttemptLog) -> String {
    match &attempt.webhook_call_response {
        Some(response) => match (&response.status_code, &response.exception) {
            (_, Some(exception)) => exception.clone(),
            (Some(status), None) => status.to_string(),
            (None, None) => "no answer".to_owned(),
        },
        None => attempt
            .attempt_result
            .as_ref()
            .map_or_else(|| "?".to_owned(), ToString::to_string),
    }
}
