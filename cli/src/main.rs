//! `fusionauth-webhooks`: send test events to a receiver, make FusionAuth's
//! webhook match it, diagnose delivery, list and replay logged events, and
//! receive events locally while developing.

mod args;
mod commands;
mod exit;

use clap::Parser;

use crate::args::{Cli, Command};

#[tokio::main]
async fn main() {
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
