//! What a webhook must look like for a receiver, and how it differs now.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::models::{EventKey, SignatureConfiguration, Webhook};
use crate::receiver::ReceiverConfig;

/// FusionAuth's documented default connect timeout, in ms.
const DEFAULT_CONNECT_TIMEOUT: i32 = 1000;
/// FusionAuth's documented default read timeout, in ms.
const DEFAULT_READ_TIMEOUT: i32 = 2000;
/// How much longer than the handler timeout FusionAuth should wait, in ms.
const READ_TIMEOUT_MARGIN: i32 = 1000;

/// One difference between FusionAuth's webhook and what the receiver needs.
/// Secret values are never shown: they read `(set)`, `(not set)` or `(another value)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Change {
    /// The field, e.g. `url`, `headers.Authorization`, `eventsEnabled.user.delete`.
    pub field: String,
    /// The value now.
    pub before: String,
    /// The value the receiver needs.
    pub after: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} -> {}", self.field, self.before, self.after)
    }
}

/// The webhook the receiver needs: `existing` (or a new one) with the
/// receiver's URL, credentials, timeouts, signing key, events and scope.
/// Headers the receiver does not require are kept (a gateway's key, a trace
/// header), unless they collide with its credentials: an `Authorization`
/// header beside basic auth, or another spelling of a required name.
pub(crate) fn desired(existing: Option<&Webhook>, receiver: &ReceiverConfig) -> Webhook {
    let mut webhook = existing.cloned().unwrap_or_else(|| Webhook {
        description: Some(
            receiver
                .description
                .clone()
                .unwrap_or_else(|| "fusionauth-webhooks receiver".to_owned()),
        ),
        ..Webhook::default()
    });
    webhook.url = Some(receiver.url.clone());

    let required = receiver.credentials.webhook_headers();
    let mut headers = webhook.headers.take().unwrap_or_default();
    let basic = receiver.credentials.basic_auth.is_some();
    headers.retain(|name, _| {
        let replaced = required
            .iter()
            .any(|(wanted, _)| wanted.eq_ignore_ascii_case(name));
        let collides = basic && name.eq_ignore_ascii_case("Authorization");
        !(replaced || collides)
    });
    headers.extend(required);
    webhook.headers =
        (!headers.is_empty() || existing.is_some_and(|w| w.headers.is_some())).then_some(headers);
    let (user, password) = receiver.credentials.basic_auth.clone().unzip();
    webhook.http_authentication_username = user;
    webhook.http_authentication_password = password;

    webhook.connect_timeout = receiver
        .connect_timeout
        .or(webhook.connect_timeout)
        .or(Some(DEFAULT_CONNECT_TIMEOUT));
    let needed = receiver.handler_timeout.map(|timeout| {
        i32::try_from(timeout.as_millis())
            .unwrap_or(i32::MAX)
            .saturating_add(READ_TIMEOUT_MARGIN)
    });
    webhook.read_timeout = Some(
        match (receiver.read_timeout, webhook.read_timeout, needed) {
            (Some(explicit), _, _) => explicit,
            (None, Some(now), Some(needed)) if now >= needed => now,
            (None, Some(now), None) => now,
            (None, _, needed) => needed.unwrap_or(0).max(DEFAULT_READ_TIMEOUT),
        },
    );

    if let Some(key) = receiver.signing_key_id {
        let mut signature = webhook.signature_configuration.take().unwrap_or_default();
        signature.enabled = Some(true);
        signature.signing_key_id = Some(key);
        webhook.signature_configuration = Some(signature);
    }

    let wanted: BTreeSet<EventKey> = receiver
        .event_types
        .iter()
        .map(|ty| EventKey::from(*ty))
        .collect();
    let now: BTreeSet<EventKey> = webhook.enabled_events().into_iter().collect();
    let unknown_now = now.iter().filter(|key| key.event_type().is_none());
    // A receiver that takes everything takes newer types too: keep those FusionAuth enabled.
    let wanted: BTreeSet<EventKey> = if receiver.takes_all_events() {
        wanted.into_iter().chain(unknown_now.cloned()).collect()
    } else {
        wanted
    };
    if wanted != now {
        webhook.events_enabled = Some(wanted.into_iter().map(|key| (key, true)).collect());
    }

    match &receiver.tenant_ids {
        Some(tenants) => {
            webhook.global = Some(false);
            webhook.tenant_ids = Some(tenants.clone());
        }
        None if existing.is_none() => webhook.global = Some(true),
        None => {}
    }
    webhook
}

/// The headers of `webhook` that the receiver does not require (kept by
/// [`desired`]), by name.
pub(crate) fn kept_headers(webhook: &Webhook, receiver: &ReceiverConfig) -> Vec<String> {
    let required = receiver.credentials.webhook_headers();
    webhook
        .headers
        .iter()
        .flatten()
        .map(|(name, _)| name)
        .filter(|name| {
            !required
                .iter()
                .any(|(wanted, _)| wanted.eq_ignore_ascii_case(name))
        })
        .cloned()
        .collect()
}

/// The differences between `before` and `after`, field by field.
pub(crate) fn diff(before: &Webhook, after: &Webhook) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut change = |field: String, before: String, after: String| {
        if before != after {
            changes.push(Change {
                field,
                before,
                after,
            });
        }
    };
    change("url".into(), shown(&before.url), shown(&after.url));
    change(
        "connectTimeout".into(),
        shown(&before.connect_timeout),
        shown(&after.connect_timeout),
    );
    change(
        "readTimeout".into(),
        shown(&before.read_timeout),
        shown(&after.read_timeout),
    );
    change("global".into(), shown(&before.global), shown(&after.global));
    change(
        "tenantIds".into(),
        ids(&before.tenant_ids),
        ids(&after.tenant_ids),
    );
    change(
        "httpAuthenticationUsername".into(),
        shown(&before.http_authentication_username),
        shown(&after.http_authentication_username),
    );
    let (password_before, password_after) = secret(
        before.http_authentication_password.as_deref(),
        after.http_authentication_password.as_deref(),
    );
    change(
        "httpAuthenticationPassword".into(),
        password_before,
        password_after,
    );
    let empty = BTreeMap::new();
    let headers_before = before.headers.as_ref().unwrap_or(&empty);
    let headers_after = after.headers.as_ref().unwrap_or(&empty);
    let names: BTreeSet<&String> = headers_before.keys().chain(headers_after.keys()).collect();
    for name in names {
        let (was, will) = secret(
            headers_before.get(name).map(String::as_str),
            headers_after.get(name).map(String::as_str),
        );
        change(format!("headers.{name}"), was, will);
    }
    let signing = |config: &Option<SignatureConfiguration>| match config {
        Some(SignatureConfiguration {
            enabled: Some(true),
            signing_key_id,
            ..
        }) => format!("signed with key {}", shown(signing_key_id)),
        _ => "not signed".to_owned(),
    };
    change(
        "signatureConfiguration".into(),
        signing(&before.signature_configuration),
        signing(&after.signature_configuration),
    );
    let enabled_before: BTreeSet<EventKey> = before.enabled_events().into_iter().collect();
    let enabled_after: BTreeSet<EventKey> = after.enabled_events().into_iter().collect();
    for key in enabled_before.union(&enabled_after) {
        let state =
            |set: &BTreeSet<EventKey>| if set.contains(key) { "on" } else { "off" }.to_owned();
        change(
            format!("eventsEnabled.{key}"),
            state(&enabled_before),
            state(&enabled_after),
        );
    }
    changes
}

fn shown<T: fmt::Display>(value: &Option<T>) -> String {
    value
        .as_ref()
        .map_or_else(|| "(not set)".to_owned(), ToString::to_string)
}

fn ids(ids: &Option<Vec<uuid::Uuid>>) -> String {
    match ids {
        Some(ids) if !ids.is_empty() => ids
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(","),
        _ => "(none)".to_owned(),
    }
}

/// A secret's before and after as `(set)`, `(not set)` or `(another value)`.
fn secret(before: Option<&str>, after: Option<&str>) -> (String, String) {
    let label = |value: Option<&str>| {
        if value.is_some() {
            "(set)"
        } else {
            "(not set)"
        }
        .to_owned()
    };
    match (before, after) {
        (Some(before), Some(after)) if before != after => {
            ("(set)".to_owned(), "(another value)".to_owned())
        }
        (before, after) => (label(before), label(after)),
    }
}
