//! `doctor`: read-only diagnosis.

use super::print_json;
use crate::args::{Cli, DoctorArgs};
use crate::exit::{Code, Failure, Missing, Outcome, sync_failure};

pub(crate) async fn run(cli: &Cli, args: &DoctorArgs) -> Outcome {
    let mut missing = Missing::default();
    let client = args.fusionauth.client(&mut missing)?;
    let receiver = args.receiver.receiver(&mut missing);
    missing.check()?;
    let (Some(client), Some(receiver)) = (client, receiver) else {
        return Err(Failure::usage("the configuration is incomplete"));
    };
    let report = fusionauth_webhooks_client::workflows::doctor(&client, &receiver, args.recent)
        .await
        .map_err(sync_failure(client.base_url()))?;
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
