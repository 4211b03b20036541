//! `events`: the webhook event log, with attempts.

use fusionauth_webhooks_client::{WebhookAttemptLog, WebhookEventLog};

use super::print_json;
use crate::args::{Cli, EventsArgs};
use crate::exit::{Code, Outcome};

pub(crate) async fn run(cli: &Cli, args: &EventsArgs) -> Outcome {
    let client = cli.client()?;
    let search = args.filter.search()?;
    let logs = client
        .search_event_logs_all(&search, args.filter.limit)
        .await?;
    if cli.json {
        print_json(&logs);
    } else {
        for log in &logs {
            println!("{}", line(log));
        }
        println!("{} event(s)", logs.len());
    }
    Ok(Code::Ok)
}

/// `#7 2025-06-04T12:30:00Z user.delete Failed [500, 500, timed out]`
fn line(log: &WebhookEventLog) -> String {
    let when = log
        .insert_instant
        .and_then(|instant| instant.to_system_time())
        .map(|time| humantime::format_rfc3339_seconds(time).to_string())
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
