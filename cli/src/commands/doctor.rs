//! `doctor`: read-only diagnosis.

use super::print_json;
use crate::args::{Cli, DoctorArgs};
use crate::exit::{Code, Outcome};

pub(crate) async fn run(cli: &Cli, args: &DoctorArgs) -> Outcome {
    let client = cli.client()?;
    let receiver = args.receiver.receiver()?;
    let report =
        fusionauth_webhooks_client::workflows::doctor(&client, &receiver, args.recent).await?;
    if cli.json {
        print_json(&serde_json::json!({
            "webhookId": report.webhook_id,
            "problems": report.problems(),
            "findings": report.findings,
        }));
    } else {
        print!("{report}");
    }
    Ok(if report.problems() > 0 {
        Code::Findings
    } else {
        Code::Ok
    })
}
