//! `fusionauth-webhooks`: send test events to a receiver, make FusionAuth's
//! webhook match it, diagnose delivery, list and replay logged events, and
//! receive events locally while developing.

mod args;
mod commands;
mod exit;

use clap::{CommandFactory, Parser};
use fusionauth_webhooks::env::{self, Env};

use crate::args::{Cli, Command};
use crate::exit::Failure;

#[tokio::main]
async fn main() {
    // clap takes a variable that is set but empty as an empty value; the
    // SDK's rule is that it is an error naming the variable (a blank secret
    // must not turn signing off), so check first, by that rule.
    if let Err(failure) = check_environment(&Cli::command()) {
        let json = std::env::args().any(|arg| arg == "--json");
        std::process::exit(failure.report(json).into());
    }
    let cli = Cli::parse();
    let outcome = match &cli.command {
        Command::Send(send) => commands::send::run(&cli, send).await,
        Command::Sync(sync) => commands::sync::run(&cli, sync).await,
        Command::Doctor(doctor) => commands::doctor::run(&cli, doctor).await,
        Command::Events(events) => commands::events::run(&cli, events).await,
        Command::Replay(replay) => commands::replay::run(&cli, replay).await,
        Command::Listen(listen) => commands::listen::run(&cli, listen).await,
    };
    let code = match outcome {
        Ok(code) => code,
        Err(failure) => failure.report(cli.json),
    };
    std::process::exit(code.into());
}

/// Every variable an argument of `command` (or of its subcommands) reads,
/// checked by the core's rule.
fn check_environment(command: &clap::Command) -> Result<(), Failure> {
    for argument in command.get_arguments() {
        let name = env::ALL
            .iter()
            .find(|name| argument.get_env() == Some(std::ffi::OsStr::new(name)));
        if let Some(name) = name {
            Env::process()
                .var(name)
                .map_err(|error| Failure::usage(error.to_string()))?;
        }
    }
    command.get_subcommands().try_for_each(check_environment)
}
