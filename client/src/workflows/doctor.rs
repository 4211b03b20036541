//! Read-only diagnosis: does FusionAuth send what the receiver expects?

use std::fmt;

use fusionauth_webhooks::EventType;
use serde::Serialize;
use uuid::Uuid;

use crate::models::{
    AttemptResult, EventLogSearch, EventResult, Tenant, TransactionType, Webhook, WebhookEventLog,
};
use crate::receiver::ReceiverConfig;
use crate::workflows::plan::{desired, diff};
use crate::workflows::sync::{SyncError, disabled_on, find_webhook, tenants_of};
use crate::{Error, FusionAuthClient};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Severity {
    /// As expected, or for information.
    Ok,
    /// Works, but worth a look.
    Warning,
    /// Events will not arrive, or will be refused.
    Problem,
}

/// One finding of [`doctor`](crate::workflows::doctor()), with the fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// How bad it is.
    pub severity: Severity,
    /// What was checked, e.g. `webhook`, `headers.Authorization`, `tenant Default`.
    pub check: String,
    /// What was found.
    pub message: String,
    /// How to fix it.
    pub fix: Option<String>,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = match self.severity {
            Severity::Ok => "ok",
            Severity::Warning => "warning",
            Severity::Problem => "PROBLEM",
        };
        write!(f, "[{mark}] {}: {}", self.check, self.message)?;
        if let Some(fix) = &self.fix {
            write!(f, "\n        fix: {fix}")?;
        }
        Ok(())
    }
}

/// What [`doctor`](crate::workflows::doctor()) found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DoctorReport {
    /// The webhook, when found.
    pub webhook_id: Option<Uuid>,
    /// Every finding.
    pub findings: Vec<Finding>,
    /// The most recent event logs, newest first (empty when the event log is unavailable).
    pub recent: Vec<WebhookEventLog>,
}

impl DoctorReport {
    /// How many findings are problems.
    pub fn problems(&self) -> usize {
        self.findings
            .iter()
            .filter(|finding| finding.severity == Severity::Problem)
            .count()
    }
}

impl fmt::Display for DoctorReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for finding in &self.findings {
            writeln!(f, "{finding}")?;
        }
        writeln!(f, "{} problem(s)", self.problems())
    }
}

const SYNC_FIX: &str = "run `fusionauth-webhooks sync`";

fn finding(
    severity: Severity,
    check: impl Into<String>,
    message: impl Into<String>,
    fix: Option<&str>,
) -> Finding {
    Finding {
        severity,
        check: check.into(),
        message: message.into(),
        fix: fix.map(str::to_owned),
    }
}

/// Checks, without changing anything, that FusionAuth sends the receiver
/// what it expects: the webhook exists with the receiver's URL,
/// credentials, signing key and events; the tenants fire those events (and
/// with which transaction type); and how the `recent` last deliveries went.
/// Each finding says how to fix it.
pub async fn doctor(
    client: &FusionAuthClient,
    receiver: &ReceiverConfig,
    recent: u32,
) -> Result<DoctorReport, SyncError> {
    let Some(webhook) = find_webhook(client, receiver).await? else {
        let missing = finding(
            Severity::Problem,
            "webhook",
            format!("no webhook has the url {}", receiver.url),
            Some(SYNC_FIX),
        );
        return Ok(DoctorReport {
            webhook_id: None,
            findings: vec![missing],
            recent: Vec::new(),
        });
    };
    let mut findings = webhook_findings(&webhook, receiver);
    findings.extend(signing_key_findings(client, receiver).await?);
    for tenant in tenants_of(client, &webhook).await? {
        findings.extend(tenant_findings(&tenant, receiver));
    }
    let (delivery, recent) = delivery_findings(client, recent).await?;
    findings.extend(delivery);
    Ok(DoctorReport {
        webhook_id: webhook.id,
        findings,
        recent,
    })
}

/// The webhook against what the receiver needs, field by field.
fn webhook_findings(webhook: &Webhook, receiver: &ReceiverConfig) -> Vec<Finding> {
    let id = webhook.id.map(|id| id.to_string()).unwrap_or_default();
    let url = webhook.url.as_deref().unwrap_or_default();
    let mut findings = vec![finding(
        Severity::Ok,
        "webhook",
        format!("{id} posts to {url}"),
        None,
    )];
    for change in diff(webhook, &desired(Some(webhook), receiver)) {
        let event = change.field.starts_with("eventsEnabled.");
        let (severity, message) = if event && change.after == "off" {
            (
                Severity::Warning,
                "enabled, but no handler takes it (answered 200 unhandled)".to_owned(),
            )
        } else if event {
            (
                Severity::Problem,
                "the receiver handles it but the webhook does not send it".to_owned(),
            )
        } else if change.field == "readTimeout" {
            let message = format!(
                "{} ms is shorter than the receiver's handler timeout allows; want {}",
                change.before, change.after
            );
            (Severity::Warning, message)
        } else {
            let message = format!(
                "is {}, the receiver expects {}",
                change.before, change.after
            );
            (Severity::Problem, message)
        };
        findings.push(finding(severity, change.field, message, Some(SYNC_FIX)));
    }
    let scoped = |ids: &Option<Vec<Uuid>>| ids.as_ref().is_some_and(|ids| !ids.is_empty());
    // Before 1.37 (webhooks with `applicationIds`) every webhook got every tenant's events.
    let before_tenant_scopes = webhook.extra.contains_key("applicationIds");
    if webhook.global != Some(true) && !scoped(&webhook.tenant_ids) && !before_tenant_scopes {
        findings.push(finding(
            Severity::Problem,
            "tenants",
            "the webhook is neither global nor used for any tenant: FusionAuth never calls it",
            Some("make it global or add tenants to it in FusionAuth"),
        ));
    }
    findings
}

/// Whether the key FusionAuth must sign with exists.
async fn signing_key_findings(
    client: &FusionAuthClient,
    receiver: &ReceiverConfig,
) -> Result<Option<Finding>, SyncError> {
    let Some(key_id) = receiver.signing_key_id else {
        return Ok(None);
    };
    Ok(Some(match client.retrieve_key(key_id).await {
        Ok(key) => {
            let kid = key.kid.as_deref().unwrap_or("?");
            let algorithm = key
                .algorithm
                .as_ref()
                .map_or("?", |algorithm| algorithm.as_str());
            finding(
                Severity::Ok,
                "signing key",
                format!("{key_id} (kid {kid}, {algorithm})"),
                None,
            )
        }
        Err(Error::NotFound) => finding(
            Severity::Problem,
            "signing key",
            format!("no key {key_id} in Key Master"),
            Some(
                "create the key in Key Master, or set FUSIONAUTH_WEBHOOK_SIGNING_KEY_ID to an existing key",
            ),
        ),
        Err(error) => return Err(error.into()),
    }))
}

/// Whether the tenant fires the receiver's events, and which of them are transactions.
fn tenant_findings(tenant: &Tenant, receiver: &ReceiverConfig) -> Vec<Finding> {
    let label = tenant
        .name
        .clone()
        .or_else(|| tenant.id.map(|id| id.to_string()))
        .unwrap_or_default();
    let name = format!("tenant {label}");
    let disabled = disabled_on(tenant, receiver);
    let mut findings = vec![if disabled.is_empty() {
        finding(
            Severity::Ok,
            name.clone(),
            "fires every event the receiver handles",
            None,
        )
    } else {
        let names: Vec<&str> = disabled.iter().map(|ty| ty.as_str()).collect();
        finding(
            Severity::Problem,
            name.clone(),
            format!("does not fire {}", names.join(", ")),
            Some("run `fusionauth-webhooks sync --enable-tenant-events`"),
        )
    }];
    let transactional: Vec<String> = receiver
        .tenant_event_types()
        .filter(|ty| tenant.is_enabled(*ty))
        .filter_map(|ty| transaction_note(ty, tenant.transaction_type(ty)))
        .collect();
    if !transactional.is_empty() {
        findings.push(finding(
            Severity::Ok,
            format!("{name} transactions"),
            format!(
                "a failed delivery fails the user's operation (504, no retry) for: {}",
                transactional.join(", ")
            ),
            None,
        ));
    }
    findings
}

/// How the last `recent` deliveries went, from the event log (newest first).
async fn delivery_findings(
    client: &FusionAuthClient,
    recent: u32,
) -> Result<(Option<Finding>, Vec<WebhookEventLog>), SyncError> {
    let search = EventLogSearch {
        number_of_results: Some(i32::try_from(recent).unwrap_or(i32::MAX)),
        order_by: Some("insertInstant DESC".to_owned()),
        ..EventLogSearch::default()
    };
    let logs = match client.search_event_logs(&search).await {
        Ok(page) => page.webhook_event_logs,
        Err(Error::NotFound | Error::UnexpectedStatus { .. }) => {
            let unavailable = finding(
                Severity::Warning,
                "event log",
                "not available (it needs FusionAuth 1.53 or later)",
                None,
            );
            return Ok((Some(unavailable), Vec::new()));
        }
        Err(error) => return Err(error.into()),
    };
    if logs.is_empty() {
        return Ok((None, logs));
    }
    let failed: Vec<&WebhookEventLog> = logs
        .iter()
        .filter(|log| log.event_result == Some(EventResult::Failed))
        .collect();
    let mut message = format!(
        "{} of the last {} deliveries failed",
        failed.len(),
        logs.len()
    );
    let found = match failed.first() {
        None => finding(Severity::Ok, "recent deliveries", message, None),
        Some(last) => {
            message.push_str(&format!("; last failure: {}", describe_failure(last)));
            finding(
                Severity::Problem,
                "recent deliveries",
                message,
                Some(
                    "see `fusionauth-webhooks events --failed`, then `fusionauth-webhooks replay --failed --to URL`",
                ),
            )
        }
    };
    Ok((Some(found), logs))
}

fn transaction_note(event_type: EventType, transaction: Option<TransactionType>) -> Option<String> {
    match transaction {
        Some(TransactionType::None) | None => None,
        Some(other) if event_type.is_transactional() => Some(format!("{event_type} ({other})")),
        Some(_) => None,
    }
}

/// The last failed attempt of a log: its status or exception.
pub(crate) fn describe_failure(log: &WebhookEventLog) -> String {
    let event = log
        .event_type
        .as_ref()
        .map(|key| key.as_str())
        .unwrap_or("event");
    let attempt = log
        .attempts
        .iter()
        .flatten()
        .rev()
        .find(|attempt| attempt.attempt_result != Some(AttemptResult::Success));
    let why = attempt
        .and_then(|attempt| attempt.webhook_call_response.as_ref())
        .map(
            |response| match (&response.status_code, &response.exception) {
                (_, Some(exception)) => exception.clone(),
                (Some(status), None) => format!("status {status}"),
                (None, None) => "no answer".to_owned(),
            },
        )
        .unwrap_or_else(|| "no attempt logged".to_owned());
    format!("{event}: {why}")
}
