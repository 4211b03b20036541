//! `send TYPE --to URL`: a sample event, signed like FusionAuth signs.

use fusionauth_webhooks::EventType;
use fusionauth_webhooks::samples;

use super::print_json;
use crate::args::{Cli, SendArgs};
use fusionauth_webhooks_client::Error;

use crate::exit::{Code, Failure, Outcome};

pub(crate) async fn run(cli: &Cli, args: &SendArgs) -> Outcome {
    let body = match &args.body {
        Some(path) => std::fs::read(path)
            .map_err(|error| Failure::usage(format!("cannot read {}: {error}", path.display())))?,
        None => {
            let event_type = EventType::from_wire(&args.event_type).ok_or_else(|| {
                Failure::usage(format!(
                    "unknown event type {} (e.g. user.create, user.delete)",
                    args.event_type
                ))
            })?;
            samples::body(event_type).to_vec()
        }
    };
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
    if cli.json {
        print_json(&serde_json::json!({ "status": answer.status, "body": text }));
    } else {
        println!("{}", answer.status);
        if !text.is_empty() {
            println!("{text}");
        }
    }
    Ok(if (200..300).contains(&answer.status) {
        Code::Ok
    } else {
        Code::Findings
    })
}
