//! `send TYPE --to URL`: a sample event, signed like FusionAuth signs.

use fusionauth_webhooks::samples;
use fusionauth_webhooks::{Event, EventType};
use fusionauth_webhooks_client::Error;
use uuid::Uuid;

use super::print_json;
use crate::args::{Cli, SendArgs};
use crate::exit::{Code, Failure, Outcome};

pub(crate) async fn run(cli: &Cli, args: &SendArgs) -> Outcome {
    let body = body(args)?;
    // What was sent, for the output: read back from the body itself.
    let sent = Event::parse(body.clone().into()).ok();
    let target = args.delivery.target(&args.to)?;
    let answer = match target.send(body).await {
        Ok(answer) => answer,
        // The receiver was reached but did not take the event (a redirect
        // elsewhere, an answer too large): refused, not unreachable.
        Err(error @ (Error::Redirected { .. } | Error::ResponseTooLarge { .. })) => {
            return Err(Failure::refused(error.to_string()));
        }
        Err(error) => return Err(error.into()),
    };
    let text = String::from_utf8_lossy(&answer.body);
    let event_type = sent.as_ref().map(|event| event.type_name().to_owned());
    let event_id = sent.as_ref().and_then(Event::id);
    let object_id = sent.as_ref().and_then(Event::linked_object_id);
    if cli.json {
        print_json(&serde_json::json!({
            "status": answer.status,
            "body": text,
            "eventType": event_type,
            "eventId": event_id,
            "objectId": object_id,
        }));
    } else {
        println!(
            "sent {} (event id {}{}) to {}",
            event_type.as_deref().unwrap_or("an event without a type"),
            event_id.map_or_else(|| "none".to_owned(), |id| id.to_string()),
            object_id.map_or_else(String::new, |id| format!(", object {id}")),
            args.to
        );
        println!("{}", answer.status);
        if !text.is_empty() {
            println!("{text}");
        }
    }
    if answer.status == 401 {
        eprintln!(
            "hint: the receiver refused the credentials or the signature: check that send uses \
             the values the receiver requires (FUSIONAUTH_WEBHOOK_API_KEY or --key-file, \
             _BASIC_USER/_BASIC_PASSWORD, _HEADERS, and --hmac-secret-file/--kid or \
             --signing-key when it verifies signatures); the receiver's log says which check \
             failed"
        );
    }
    Ok(if (200..300).contains(&answer.status) {
        Code::Ok
    } else {
        Code::Findings
    })
}

/// The body: the sample of the type with a fresh event id (or `--event-id`),
/// or the file, byte for byte unless `--event-id` replaces its id.
fn body(args: &SendArgs) -> Result<Vec<u8>, Failure> {
    let (body, event_id) = match &args.body {
        Some(path) => {
            let body = std::fs::read(path).map_err(|error| {
                Failure::usage(format!("cannot read {}: {error}", path.display()))
            })?;
            (body, args.event_id)
        }
        None => {
            let event_type = EventType::from_wire(&args.event_type).ok_or_else(|| {
                Failure::usage(format!(
                    "unknown event type {} (e.g. user.create, user.delete)",
                    args.event_type
                ))
            })?;
            // A fresh id per send: a receiver that deduplicates on it
            // would drop a second send of the sample's fixed id.
            let id = args.event_id.unwrap_or_else(Uuid::new_v4);
            (samples::body(event_type).to_vec(), Some(id))
        }
    };
    match event_id {
        None => Ok(body),
        Some(id) => with_event_id(&body, id),
    }
}

/// `body` with `event.id` set to `id` (the other fields as they were).
fn with_event_id(body: &[u8], id: Uuid) -> Result<Vec<u8>, Failure> {
    let mut json: serde_json::Value = serde_json::from_slice(body)
        .map_err(|error| Failure::usage(format!("--event-id needs a JSON body: {error}")))?;
    let event = json
        .get_mut("event")
        .and_then(serde_json::Value::as_object_mut)
        .ok_or_else(|| Failure::usage("--event-id needs a body of the shape {\"event\": {..}}"))?;
    event.insert("id".to_owned(), serde_json::Value::String(id.to_string()));
    serde_json::to_vec(&json)
        .map_err(|error| Failure::usage(format!("the body could not be written: {error}")))
}
