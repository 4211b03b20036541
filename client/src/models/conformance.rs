//! Every model against FusionAuth's own description of its class
//! (client-builder, read by the stand-in): maximal objects, every field
//! present at both ends of its type's range, go through each model and come
//! back unchanged; every domain field is a typed field of the model (none
//! left in `extra`), and every typed field of the model is a domain field
//! (set by the maximal object).
//!
//! The field lists below are exhaustive patterns: a field added to a model
//! does not compile here until it is checked too.

use fusionauth_standin::description::{Extreme, description};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::*;
use crate::{ApiErrors, ErrorDetail};

/// What does not match between a model and its domain class.
#[derive(Default)]
struct Gaps(Vec<String>);

/// A typed field that may hold nothing.
trait Presence {
    fn is_present(&self) -> bool;
}

impl<T> Presence for Option<T> {
    fn is_present(&self) -> bool {
        self.is_some()
    }
}

/// A plain string is always there (possibly empty).
impl Presence for String {
    fn is_present(&self) -> bool {
        true
    }
}

impl<K, V> Presence for std::collections::BTreeMap<K, V> {
    fn is_present(&self) -> bool {
        !self.is_empty()
    }
}

impl<T> Presence for Vec<T> {
    fn is_present(&self) -> bool {
        !self.is_empty()
    }
}

impl Gaps {
    fn set(&mut self, at: &str, field: &str, value: &impl Presence) {
        if !value.is_present() {
            self.0.push(format!(
                "{at}{field}: a typed field that the domain class lacks (the maximal object left it unset)"
            ));
        }
    }

    fn typed(&mut self, at: &str, extra: &Map<String, Value>) {
        self.0.extend(extra.keys().map(|key| {
            format!("{at}{key}: a domain field that the model leaves untyped in extra")
        }));
    }
}

/// Checks every named field's presence, and that `extra` is empty.
macro_rules! fields {
    ($gaps:expr, $at:expr, $value:expr => $ty:ident { $($field:ident),* $(,)? } $(extra $extra:ident)?) => {{
        let $ty { $($field,)* $($extra,)? } = $value;
        $( $gaps.set($at, stringify!($field), $field); )*
        $( $gaps.typed($at, $extra); )?
    }};
}

/// The maximal objects of `class` at both extremes, each read into `T`,
/// written back unchanged; `check` then lists the model's gaps.
fn conforms<T: DeserializeOwned + Serialize>(class: &str, check: impl Fn(&T, &mut Gaps)) {
    for extreme in [Extreme::Max, Extreme::Min] {
        let maximal = description().maximal(class, extreme);
        let text = maximal.to_string();
        let model: T = serde_json::from_str(&text).unwrap_or_else(|error| {
            panic!("{class} ({extreme:?}) does not read into the model: {error}\n{text}")
        });
        let back = serde_json::to_value(&model).expect("a model is written as JSON");
        assert_eq!(
            back, maximal,
            "{class} ({extreme:?}) changed on its way through the model"
        );
        let mut gaps = Gaps::default();
        check(&model, &mut gaps);
        assert!(
            gaps.0.is_empty(),
            "{class} ({extreme:?}):\n{}",
            gaps.0.join("\n")
        );
    }
}

fn webhook_gaps(webhook: &Webhook, gaps: &mut Gaps, at: &str) {
    fields!(gaps, at, webhook => Webhook {
        id, url, connect_timeout, read_timeout, description, events_enabled, global,
        tenant_ids, headers, http_authentication_username, http_authentication_password,
        ssl_certificate, ssl_certificate_key_id, signature_configuration, data,
        insert_instant, last_update_instant,
    } extra extra);
    if let Some(signature) = &webhook.signature_configuration {
        fields!(gaps, &format!("{at}signatureConfiguration."), signature =>
            SignatureConfiguration { enabled, signing_key_id } extra extra);
    }
}

fn attempt_gaps(attempt: &WebhookAttemptLog, gaps: &mut Gaps, at: &str) {
    fields!(gaps, at, attempt => WebhookAttemptLog {
        id, webhook_event_log_id, webhook_id, start_instant, end_instant, attempt_result,
        webhook_call_response, data,
    } extra extra);
    if let Some(response) = &attempt.webhook_call_response {
        fields!(gaps, &format!("{at}webhookCallResponse."), response =>
            WebhookCallResponse { status_code, url, exception } extra extra);
    }
}

fn event_log_gaps(log: &WebhookEventLog, gaps: &mut Gaps, at: &str) {
    fields!(gaps, at, log => WebhookEventLog {
        id, event, event_type, event_result, failed_attempts, successful_attempts, attempts,
        insert_instant, last_attempt_instant, last_update_instant, linked_object_id, sequence,
        data,
    } extra extra);
    for attempt in log.attempts.iter().flatten() {
        attempt_gaps(attempt, gaps, &format!("{at}attempts[]."));
    }
}

#[test]
fn webhook_and_its_signature_configuration() {
    conforms("Webhook", |webhook: &Webhook, gaps| {
        webhook_gaps(webhook, gaps, "")
    });
}

#[test]
fn webhook_event_log_with_its_attempts_and_the_logged_request() {
    conforms("WebhookEventLog", |log: &WebhookEventLog, gaps| {
        event_log_gaps(log, gaps, "")
    });
}

#[test]
fn webhook_attempt_log_and_call_response() {
    conforms("WebhookAttemptLog", |attempt: &WebhookAttemptLog, gaps| {
        attempt_gaps(attempt, gaps, "")
    });
}

#[test]
fn key_and_its_certificate_information() {
    conforms("Key", |key: &Key, gaps| {
        fields!(gaps, "", key => Key {
            id, kid, algorithm, key_type, public_key, private_key, secret, certificate,
            certificate_information, expiration_instant, issuer, length, name, has_private_key,
            insert_instant, last_update_instant,
        } extra extra);
        if let Some(information) = &key.certificate_information {
            fields!(gaps, "certificateInformation.", information => CertificateInformation {
                issuer, md5_fingerprint, serial_number, sha1_fingerprint, sha1_thumbprint,
                sha256_fingerprint, sha256_thumbprint, subject, valid_from, valid_to,
            } extra extra);
        }
    });
}

#[test]
fn tenant_event_configuration_typed_and_the_rest_of_the_tenant_kept() {
    conforms("EventConfiguration", |config: &EventConfiguration, gaps| {
        fields!(gaps, "", config => EventConfiguration { events } extra extra);
        for data in config.events.iter().flat_map(|events| events.values()) {
            fields!(gaps, "events.*.", data => EventConfigurationData { enabled, transaction_type } extra extra);
        }
    });
    // The tenant types what webhooks need; its hundred other fields pass through `extra`.
    conforms("Tenant", |tenant: &Tenant, gaps| {
        let Tenant {
            id,
            name,
            event_configuration,
            extra: _,
        } = tenant;
        gaps.set("", "id", id);
        gaps.set("", "name", name);
        gaps.set("", "event_configuration", event_configuration);
    });
}

#[test]
fn search_criteria_and_pages() {
    conforms("WebhookSearchCriteria", |search: &WebhookSearch, gaps| {
        fields!(gaps, "", search => WebhookSearch {
            description, url, tenant_id, number_of_results, order_by, start_row,
        });
    });
    conforms(
        "WebhookSearchResponse",
        |page: &WebhookSearchResult, gaps| {
            fields!(gaps, "", page => WebhookSearchResult { webhooks, total });
            for webhook in &page.webhooks {
                webhook_gaps(webhook, gaps, "webhooks[].");
            }
        },
    );
    conforms(
        "WebhookEventLogSearchCriteria",
        |search: &EventLogSearch, gaps| {
            fields!(gaps, "", search => EventLogSearch {
                start, end, event, event_result, event_type, number_of_results, order_by, start_row,
            });
        },
    );
    conforms(
        "WebhookEventLogSearchResponse",
        |page: &EventLogSearchResult, gaps| {
            fields!(gaps, "", page => EventLogSearchResult { webhook_event_logs, total });
            for log in &page.webhook_event_logs {
                event_log_gaps(log, gaps, "webhookEventLogs[].");
            }
        },
    );
}

#[test]
fn json_web_key_set() {
    conforms("JWKSResponse", |jwks: &JsonWebKeySet, gaps| {
        fields!(gaps, "", jwks => JsonWebKeySet { keys });
        for key in &jwks.keys {
            // Members the class does not declare belong in `other`, as in FusionAuth's class.
            let JsonWebKey {
                alg,
                crv,
                d,
                dp,
                dq,
                e,
                kid,
                kty,
                n,
                p,
                q,
                qi,
                use_,
                x,
                x5c,
                x5t,
                x5t_s256,
                y,
                other,
            } = key;
            for (field, value) in [
                ("alg", alg),
                ("crv", crv),
                ("d", d),
                ("dp", dp),
                ("dq", dq),
                ("e", e),
                ("kid", kid),
                ("kty", kty),
                ("n", n),
                ("p", p),
                ("q", q),
                ("qi", qi),
                ("use", use_),
                ("x", x),
                ("x5t", x5t),
                ("x5t#S256", x5t_s256),
                ("y", y),
            ] {
                gaps.set("keys[].", field, value);
            }
            gaps.set("keys[].", "x5c", x5c);
            assert_eq!(other.keys().collect::<Vec<_>>(), ["x-other-member"]);
        }
    });
}

#[test]
fn api_errors() {
    conforms("Errors", |errors: &ApiErrors, gaps| {
        fields!(gaps, "", errors => ApiErrors { field_errors, general_errors });
        for detail in errors
            .general_errors
            .iter()
            .chain(errors.field_errors.values().flatten())
        {
            fields!(gaps, "errors[].", detail => ErrorDetail { code, message, data });
        }
    });
}

#[test]
fn every_value_of_the_enums_the_models_read_comes_back_unchanged() {
    fn each<T: DeserializeOwned + Serialize>(name: &str, known: impl Fn(&T) -> bool) {
        for value in description().enum_values(name).expect("an enum") {
            let json = Value::String(value.clone());
            let read: T = serde_json::from_value(json.clone()).unwrap();
            assert!(
                known(&read),
                "{name}: {value} is not a known value of the model"
            );
            assert_eq!(serde_json::to_value(&read).unwrap(), json);
        }
    }
    each::<EventResult>("WebhookEventResult", |v| {
        !matches!(v, EventResult::Other(_))
    });
    each::<AttemptResult>("WebhookAttemptResult", |v| {
        !matches!(v, AttemptResult::Other(_))
    });
    each::<TransactionType>("TransactionType", |v| {
        !matches!(v, TransactionType::Other(_))
    });
    each::<KeyAlgorithm>("KeyAlgorithm", |v| !matches!(v, KeyAlgorithm::Other(_)));
    each::<KeyType>("KeyType", |v| !matches!(v, KeyType::Other(_)));
    // Event types this version does not know are kept as written, so every one round-trips.
    each::<EventKey>("EventType", |_| true);
}
