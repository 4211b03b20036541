//! The typed payloads against the project's own fixture bodies
//! (`tests/fixtures/events/<type>.json`, one per event type): each reads as
//! its typed variant and writes back the same JSON.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use fusionauth_webhooks::domain::{AuthenticationThreat, EventLogType, LoginFailedReasonCode};
use fusionauth_webhooks::{Event, EventRequest, EventType, ParseErrorKind, Payload};
use serde_json::{Value, json};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events")
}

/// Every fixture: its event type (from the file name) and its bytes.
fn fixtures() -> Vec<(String, Bytes)> {
    let mut fixtures: Vec<(String, Bytes)> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "json")
        })
        .map(|path| {
            let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
            (name, Bytes::from(std::fs::read(&path).unwrap()))
        })
        .collect();
    fixtures.sort();
    fixtures
}

fn fixture(name: &str) -> Bytes {
    Bytes::from(std::fs::read(fixtures_dir().join(format!("{name}.json"))).unwrap())
}

fn payload_of(body: &[u8]) -> Payload {
    Event::parse(Bytes::copy_from_slice(body))
        .unwrap()
        .payload()
        .unwrap()
}

/// The body of a payload, as JSON.
fn written(payload: &Payload) -> Value {
    serde_json::to_value(EventRequest { event: payload }).unwrap()
}

fn json_of(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap()
}

#[test]
fn every_event_type_has_exactly_one_fixture() {
    let names: Vec<String> = fixtures().into_iter().map(|(name, _)| name).collect();
    let mut expected: Vec<String> = EventType::ALL
        .iter()
        .map(|ty| ty.as_str().to_owned())
        .collect();
    expected.sort();
    assert_eq!(names, expected);
    assert_eq!(names.len(), 64);
}

#[test]
fn every_fixture_reads_as_its_typed_variant_and_writes_back_the_same_json() {
    let mut failures = Vec::new();
    for (name, body) in fixtures() {
        let expected_type = EventType::from_wire(&name);
        let payload = payload_of(&body);
        if matches!(payload, Payload::Unknown(_)) || payload.event_type() != expected_type {
            failures.push(format!("{name}: read as {:?}", payload.event_type()));
        } else if written(&payload) != json_of(&body) {
            failures.push(format!("{name}: the JSON written back differs"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn an_unknown_type_becomes_unknown_with_its_name_and_json_kept() {
    let body = br#"{"event": {
        "type": "user.teleport.complete",
        "id": "0f9e8d7c-6b5a-4938-a7b6-c5d4e3f2a1b0",
        "destination": {"planet": "Mars", "crater": "Jezero"},
        "user": {"id": "not even checked for unknown types"}
    }}"#;
    let event = Event::parse(Bytes::from_static(body)).unwrap();
    let payload = event.payload().unwrap();
    let Payload::Unknown(unknown) = &payload else {
        panic!("expected Unknown, got {:?}", payload.event_type());
    };
    assert_eq!(unknown.event_type, "user.teleport.complete");
    assert_eq!(unknown.json["destination"]["crater"], "Jezero");
    assert_eq!(payload.type_name(), "user.teleport.complete");
    assert_eq!(payload.event_type(), None);
    assert_eq!(written(&payload), json_of(body));
}

#[test]
fn unknown_fields_are_kept_at_every_level() {
    let body = fixture("user.create");
    let Payload::UserCreate(created) = payload_of(&body) else {
        panic!("expected user.create");
    };
    assert_eq!(
        created
            .extra
            .get_as::<Value>("futureEnvelopeField")
            .unwrap(),
        Some(json!({"rolloutWave": 2}))
    );
    let user = created.user.clone().unwrap();
    assert_eq!(
        user.extra.get_as::<Value>("futureUserField").unwrap(),
        Some(json!(["a", 1, null, true]))
    );
    assert_eq!(
        written(&Payload::UserCreate(created)),
        json_of(&body),
        "unknown fields must be written back"
    );
}

#[test]
fn unknown_enum_values_are_kept_and_written_back() {
    let body = fixture("user.login.suspicious");
    let Payload::UserLoginSuspicious(suspicious) = payload_of(&body) else {
        panic!("expected user.login.suspicious");
    };
    assert_eq!(
        suspicious.threats_detected.as_deref(),
        Some(
            &[
                AuthenticationThreat::ImpossibleTravel,
                AuthenticationThreat::SuspiciousUserAgent,
                AuthenticationThreat::Other("DeepfakeVoice".into()),
            ][..]
        )
    );
    assert_eq!(
        written(&Payload::UserLoginSuspicious(suspicious)),
        json_of(&body)
    );

    let Payload::EventLogCreate(created) = payload_of(&fixture("event-log.create")) else {
        panic!("expected event-log.create");
    };
    assert_eq!(
        created.event_log.unwrap().log_type,
        Some(EventLogType::Other("Trace".into()))
    );
}

#[test]
fn a_wrong_type_in_a_known_field_is_an_error_naming_the_field() {
    let body = br#"{"event": {"type": "user.delete", "user": {"id": 42}}}"#;
    let event = Event::parse(Bytes::from_static(body)).unwrap();
    let error = event.payload().unwrap_err();
    assert_eq!(error.kind(), ParseErrorKind::Schema);
    assert!(
        error
            .to_string()
            .starts_with("`event.user.id` has the wrong type or value"),
        "{error}"
    );
}

#[test]
fn a_wrong_type_in_a_lenient_enum_is_an_error() {
    let body = br#"{"event": {"type": "user.two-factor.challenge", "clientRisk": 3}}"#;
    let error = Event::parse(Bytes::from_static(body))
        .unwrap()
        .payload()
        .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("`event.clientRisk` has the wrong type or value"),
        "{error}"
    );
}

#[test]
fn a_null_field_reads_as_absent() {
    let body =
        br#"{"event": {"type": "user.delete", "user": {"id": null, "email": "a@example.org"}}}"#;
    let Payload::UserDelete(deleted) = payload_of(body) else {
        panic!("expected user.delete");
    };
    let user = deleted.user.unwrap();
    assert_eq!(user.id, None);
    assert_eq!(user.email.as_deref(), Some("a@example.org"));
}

#[test]
fn both_two_factor_failed_attempt_spellings_read_as_one_variant_keeping_the_spelling() {
    for spelling in [
        "user.two-factor.failed-attempt",
        "user.two-factor.failed.attempt",
    ] {
        let body = format!(r#"{{"event": {{"type": "{spelling}", "method": "sms"}}}}"#);
        let payload = payload_of(body.as_bytes());
        let Payload::UserTwoFactorFailedAttempt(failed) = &payload else {
            panic!("{spelling}: expected UserTwoFactorFailedAttempt");
        };
        assert_eq!(failed.envelope.event_type, spelling);
        assert_eq!(written(&payload)["event"]["type"], spelling);
    }
}

#[test]
fn user_action_types_the_documented_actionee_fields() {
    let body = br#"{"event": {
        "type": "user.action",
        "actioneeUserId": "b3d5f7a9-1c2e-4a4b-8d6f-0e1a2b3c4d5e",
        "actioneeId": "b3d5f7a9-1c2e-4a4b-8d6f-0e1a2b3c4d5e",
        "phase": "end"
    }}"#;
    let payload = payload_of(body);
    let Payload::UserAction(action) = &payload else {
        panic!("expected user.action");
    };
    assert!(action.actionee_user_id.is_some());
    // The spelling of FusionAuth's docs sample is kept, untyped.
    assert!(action.extra.contains_key("actioneeId"));
    assert_eq!(written(&payload), json_of(body));
}

#[test]
fn typed_fields_are_read_from_the_fixtures() {
    let Payload::UserLoginFailed(failed) = payload_of(&fixture("user.login.failed")) else {
        panic!("expected user.login.failed");
    };
    let reason = failed.reason.unwrap();
    assert_eq!(reason.code, Some(LoginFailedReasonCode::LambdaValidation));
    let errors = reason.lambda_result.unwrap();
    assert_eq!(
        errors.field_errors.unwrap()["loginId"][0].code.as_deref(),
        Some("[blocked]loginId")
    );

    let Payload::AuditLogCreate(audit) = payload_of(&fixture("audit-log.create")) else {
        panic!("expected audit-log.create");
    };
    assert_eq!(audit.audit_log.unwrap().id, Some(424_242));

    let Payload::JwtRefreshTokenRevoke(revoke) = payload_of(&fixture("jwt.refresh-token.revoke"))
    else {
        panic!("expected jwt.refresh-token.revoke");
    };
    let ttl = revoke.application_time_to_live_in_seconds.unwrap();
    assert_eq!(ttl.values().copied().collect::<Vec<_>>(), [3600, 900]);

    let Payload::EntityUpdate(update) = payload_of(&fixture("entity.update")) else {
        panic!("expected entity.update");
    };
    let entity_type = update.entity.unwrap().entity_type.unwrap();
    assert_eq!(entity_type.permissions.unwrap().len(), 2);

    let Payload::UserUpdate(update) = payload_of(&fixture("user.update")) else {
        panic!("expected user.update");
    };
    let user = update.user.unwrap();
    assert_eq!(
        user.registrations.unwrap()[0]
            .roles
            .as_deref()
            .map(<[_]>::len),
        Some(2)
    );
    assert_eq!(user.identities.unwrap().len(), 2);
    assert_eq!(
        update.original.unwrap().last_name.as_deref(),
        Some("Yamada")
    );
}

#[cfg(feature = "testing")]
mod samples {
    use super::*;
    use fusionauth_webhooks::samples;

    #[test]
    fn every_sample_has_its_event_type_and_round_trips() {
        for &event_type in EventType::ALL {
            let payload = samples::payload(event_type);
            assert_eq!(payload.event_type(), Some(event_type));
            assert_eq!(payload.type_name(), event_type.as_str());

            let body = samples::body(event_type);
            let event = Event::parse(body.clone()).unwrap();
            assert_eq!(event.event_type(), Some(event_type));
            let read = event.payload().unwrap();
            assert_eq!(read, payload, "{event_type}: reads back as written");
            assert_eq!(written(&read), json_of(&body), "{event_type}");
        }
    }

    #[test]
    fn samples_carry_envelope_and_subject_ids() {
        let deleted = samples::user_delete();
        assert_eq!(deleted.envelope.id, Some(samples::EVENT_ID));
        assert_eq!(deleted.envelope.tenant_id, Some(samples::TENANT_ID));
        assert_eq!(deleted.envelope.linked_object_id, Some(samples::USER_ID));
        assert!(deleted.envelope.info.unwrap().location.is_some());
        assert_eq!(samples::kickstart_success().envelope.tenant_id, None);
        assert_eq!(
            samples::group_member_add().envelope.linked_object_id,
            Some(samples::GROUP_ID)
        );
    }
}

#[test]
fn unknown_fields_and_custom_data_are_written_back_byte_for_byte() {
    let body = r#"{"event":{"type":"user.delete","user":{"data":{"b" : [1, 2.50],"a":{"x" :null}},"futureField" : "é\u00e9"}}}"#;
    let Payload::UserDelete(deleted) = payload_of(body.as_bytes()) else {
        panic!("expected user.delete");
    };
    let user = deleted.user.unwrap();
    let data = user.data.clone().unwrap();
    // In the order sent, each value as its exact text.
    assert_eq!(data.keys().collect::<Vec<_>>(), ["b", "a"]);
    assert_eq!(data.get("b").unwrap().get(), "[1, 2.50]");
    assert_eq!(user.extra.get("futureField").unwrap().get(), r#""é\u00e9""#);
    let written = serde_json::to_string(&user).unwrap();
    assert!(
        written.contains(r#""data":{"b":[1, 2.50],"a":{"x" :null}}"#),
        "{written}"
    );
    assert!(written.contains(r#""futureField":"é\u00e9""#), "{written}");
}

#[test]
fn a_repeated_key_in_custom_data_is_kept_and_the_last_one_read() {
    let body = r#"{"event":{"type":"user.delete","user":{"data":{"plan":"free","plan":"team"}}}}"#;
    let Payload::UserDelete(deleted) = payload_of(body.as_bytes()) else {
        panic!("expected user.delete");
    };
    let data = deleted.user.unwrap().data.unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(
        data.get_as::<String>("plan").unwrap().as_deref(),
        Some("team")
    );
    assert_eq!(data.to_map().unwrap()["plan"], "team");
}

#[test]
fn custom_data_nested_deeper_than_a_parse_allows_is_malformed_json() {
    let nested = format!("{}{}", "[".repeat(200), "]".repeat(200));
    let body =
        format!(r#"{{"event":{{"type":"user.delete","user":{{"data":{{"deep":{nested}}}}}}}}}"#);
    let event = Event::parse(Bytes::from(body)).unwrap();
    let error = event.payload().unwrap_err();
    assert_eq!(error.kind(), ParseErrorKind::Syntax);
    // 120 levels fit, as they would in a Value parse.
    let nested = format!("{}{}", "[".repeat(120), "]".repeat(120));
    let body =
        format!(r#"{{"event":{{"type":"user.delete","user":{{"data":{{"deep":{nested}}}}}}}}}"#);
    assert!(Event::parse(Bytes::from(body)).unwrap().payload().is_ok());
}
