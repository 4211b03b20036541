//! Writes a realistic body of any FusionAuth event type, as FusionAuth would
//! POST it, to standard output: for curl, for a test of your own, or to look
//! at the fields.
//!
//! ```sh
//! cargo run --example sample_body --features samples -- user.delete > body.json
//! cargo run --example sample_body --features samples -- --list
//! ```

use std::io::Write as _;
use std::process::ExitCode;

use fusionauth_webhooks::EventType;
use fusionauth_webhooks::samples;

fn main() -> ExitCode {
    let argument = std::env::args().nth(1);
    match argument.as_deref() {
        None | Some("-h" | "--help") => {
            eprintln!("usage: sample_body EVENT_TYPE   (e.g. user.delete), or --list");
            ExitCode::from(2)
        }
        Some("--list") => {
            let names: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
            write_out(format!("{}\n", names.join("\n")).as_bytes())
        }
        Some(name) => match name.parse::<EventType>() {
            Ok(event_type) => write_out(&samples::body(event_type)),
            Err(error) => {
                eprintln!("{error}; `--list` shows the {} types", EventType::ALL.len());
                ExitCode::from(2)
            }
        },
    }
}

/// Writes to standard output; a reader that went away (`| head`) is no error.
fn write_out(bytes: &[u8]) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.write_all(b"\n")) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("cannot write the body: {error}");
            ExitCode::FAILURE
        }
    }
}
