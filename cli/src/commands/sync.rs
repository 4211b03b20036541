//! `sync`: make FusionAuth's webhook match the receiver.

use fusionauth_webhooks_client::workflows::SyncOptions;

use super::print_json;
use crate::args::{Cli, SyncArgs};
use crate::exit::{Code, Failure, Missing, Outcome, sync_failure};

pub(crate) async fn run(cli: &Cli, args: &SyncArgs) -> Outcome {
    let mut missing = Missing::default();
    let client = args.fusionauth.client(&mut missing)?;
    let receiver = args.receiver.receiver(&mut missing);
    missing.check()?;
    let (Some(client), Some(receiver)) = (client, receiver) else {
        return Err(Failure::usage("the configuration is incomplete"));
    };
    let mut options = SyncOptions::default();
    options.enable_tenant_events = args.enable_tenant_events;
    options.dry_run = args.dry_run;
    let report = fusionauth_webhooks_client::workflows::sync(&client, &receiver, options)
        .await
        .map_err(sync_failure(client.base_url()))?;
    if cli.json {
        print_json(&report);
    } else {
        print!("{report}");
    }
    // Events left disabled on a tenant will not arrive: a finding. A dry run
    // that would enable them reports what it would do, and that is all.
    Ok(if report.events_left_disabled() {
        Code::Findings
    } else {
        Code::Ok
    })
}
