//! What a parse error tells: the path of the field at fault by the model's
//! field names, never a key or a value taken from the body.

use bytes::Bytes;
use fusionauth_webhooks::payload::UserDelete;
use fusionauth_webhooks::{Event, ParseError, ParseErrorKind};

/// The error of reading `body`'s typed payload (its envelope must be valid).
fn payload_error(body: &str) -> ParseError {
    let event = Event::parse(Bytes::copy_from_slice(body.as_bytes())).expect("a valid envelope");
    event.payload().expect_err("an invalid payload")
}

#[test]
fn a_wrong_type_deep_in_a_known_field_is_named_by_its_path() {
    let error = payload_error(
        r#"{"event":{"type":"user.update","user":{"email":"a@example.com","registrations":[{},{"roles":"admin"}]}}}"#,
    );
    assert_eq!(error.kind(), ParseErrorKind::Schema);
    assert!(
        error
            .to_string()
            .starts_with("`event.user.registrations[1].roles` has the wrong type or value"),
        "{error}"
    );
    assert!(!error.to_string().contains("admin"), "{error}");
}

#[test]
fn a_map_key_from_the_body_is_redacted_in_the_message_and_debug() {
    let error = payload_error(
        r#"{"event":{"type":"user.registration.create","registration":{"tokens":{"ssn-078-05-1120":42}}}}"#,
    );
    let message = error.to_string();
    assert!(
        message.starts_with("`event.registration.tokens.*` has the wrong type or value"),
        "{message}"
    );
    assert!(!message.contains("ssn"), "{message}");
    assert!(!format!("{error:?}").contains("ssn"), "{error:?}");
}

#[test]
fn a_uuid_map_key_is_redacted_too() {
    let error = payload_error(
        r#"{"event":{"type":"group.create","group":{"roles":{"3c219e58-ed0e-4b18-ad48-f4f92793ae32":[{"name":7}]}}}}"#,
    );
    let message = error.to_string();
    assert!(
        message.starts_with("`event.group.roles.*[0].name` has the wrong type or value"),
        "{message}"
    );
    assert!(!message.contains("3c219e58"), "{message}");
}

#[test]
fn a_map_key_that_is_also_a_field_name_is_kept() {
    // Field names are the model's, so naming one echoes nothing of the body.
    let error = payload_error(
        r#"{"event":{"type":"user.registration.create","registration":{"tokens":{"email":false}}}}"#,
    );
    assert!(
        error
            .to_string()
            .starts_with("`event.registration.tokens.email` has the wrong type or value"),
        "{error}"
    );
}

#[test]
fn a_typed_payload_without_its_type_is_refused() {
    let error = serde_json::from_str::<UserDelete>(r#"{"user":{"email":"a@example.com"}}"#)
        .expect_err("no type");
    assert!(
        error.to_string().starts_with("missing field `type`"),
        "{error}"
    );
}

#[test]
fn a_duplicate_known_field_is_an_error() {
    let error = payload_error(
        r#"{"event":{"type":"user.delete","user":{"email":"a@example.com","email":"b@example.com"}}}"#,
    );
    assert_eq!(error.kind(), ParseErrorKind::Schema);
    assert!(!error.to_string().contains("example.com"), "{error}");
}
