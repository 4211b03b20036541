//! How `listen` shows each event: one line of text (coloured on a terminal),
//! or one line of JSON for scripts.

use anstyle::{AnsiColor, Style};
use fusionauth_webhooks::Event;
use serde_json::{Value, json};

/// What came of one event: the status answered, and the app's answer when
/// it was forwarded.
pub(crate) struct Shown<'a> {
    pub(crate) event: &'a Event,
    pub(crate) status: u16,
    pub(crate) forwarded: Option<Forwarded>,
}

/// The app's answer to a forwarded event.
pub(crate) enum Forwarded {
    /// The status it answered.
    Answered(u16),
    /// Why it could not be reached.
    Failed(String),
}

/// The fields worth a glance, read from the event's JSON.
struct Glance {
    json: Value,
}

impl Glance {
    fn of(event: &Event) -> Glance {
        let json = serde_json::from_slice::<Value>(event.raw())
            .map(|mut body| body["event"].take())
            .unwrap_or(Value::Null);
        Glance { json }
    }

    fn text(&self, path: &[&str]) -> Option<&str> {
        path.iter()
            .try_fold(&self.json, |value, key| value.get(key))
            .and_then(Value::as_str)
    }

    fn application_id(&self) -> Option<&str> {
        self.text(&["applicationId"])
            .or_else(|| self.text(&["registration", "applicationId"]))
    }

    fn login(&self) -> Option<&str> {
        self.text(&["user", "email"])
            .or_else(|| self.text(&["user", "username"]))
    }
}

/// Prints one event as text or JSON.
pub(crate) fn show(shown: &Shown<'_>, json: bool) {
    let glance = Glance::of(shown.event);
    if json {
        let forwarded = match &shown.forwarded {
            None => Value::Null,
            Some(Forwarded::Answered(status)) => json!({ "status": status }),
            Some(Forwarded::Failed(error)) => json!({ "error": error }),
        };
        crate::commands::print_json(&json!({
            "type": shown.event.type_name(),
            "id": shown.event.id(),
            "tenantId": shown.event.tenant_id(),
            "applicationId": glance.application_id(),
            "userId": glance.text(&["user", "id"]),
            "login": glance.login(),
            "status": shown.status,
            "forwarded": forwarded,
            "event": glance.json,
        }));
        return;
    }
    let dim = Style::new().dimmed();
    let kind = Style::new().bold().fg_color(Some(AnsiColor::Cyan.into()));
    let mut line = format!(
        "{dim}{}{dim:#}  {kind}{}{kind:#}",
        humantime::format_rfc3339_seconds(std::time::SystemTime::now()),
        shown.event.type_name(),
    );
    let mut field = |label: &str, value: Option<String>| {
        if let Some(value) = value {
            line.push_str(&format!("  {dim}{label}{dim:#} {value}"));
        }
    };
    field("id", shown.event.id().map(|id| id.to_string()));
    field("tenant", shown.event.tenant_id().map(|id| id.to_string()));
    field("application", glance.application_id().map(str::to_owned));
    field("user", glance.text(&["user", "id"]).map(str::to_owned));
    field("login", glance.login().map(str::to_owned));
    line.push_str(&format!("  → {}", status(shown.status)));
    match &shown.forwarded {
        Some(Forwarded::Answered(answer)) => {
            line.push_str(&format!(" (app answered {})", status(*answer)));
        }
        Some(Forwarded::Failed(error)) => {
            let red = Style::new().fg_color(Some(AnsiColor::Red.into()));
            line.push_str(&format!(" ({red}forwarding failed: {error}{red:#})"));
        }
        None => {}
    }
    anstream::println!("{line}");
}

/// A status, green when it is a success and red otherwise.
fn status(status: u16) -> String {
    let colour = if (200..300).contains(&status) {
        AnsiColor::Green
    } else {
        AnsiColor::Red
    };
    let style = Style::new().bold().fg_color(Some(colour.into()));
    format!("{style}{status}{style:#}")
}
