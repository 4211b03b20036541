//! Checks a directory of captured webhook bodies against the typed event
//! model: each `*.json` file must parse to its typed payload (not
//! `Unknown`) and serialize back to the same JSON.
//!
//! ```text
//! cargo run --example check_events --features testing -- path/to/bodies
//! ```
//!
//! Prints one line per file (type, typed variant or UNKNOWN, `ok` or the
//! first JSON pointer where the round trip differs) and a summary, and exits
//! non-zero if any file fails. Useful on payloads captured from your own
//! FusionAuth instance.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use fusionauth_webhooks::{Event, EventRequest, Payload};
use serde_json::Value;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: check_events <directory of *.json bodies>");
        return ExitCode::from(2);
    };
    let files = match json_files(&dir) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("cannot read {}: {error}", dir.display());
            return ExitCode::from(2);
        }
    };

    let mut failed = 0;
    for file in &files {
        let name = file.file_name().unwrap_or_default().to_string_lossy();
        match check(file) {
            Ok(line) => println!("ok    {name}: {line}"),
            Err(line) => {
                failed += 1;
                println!("FAIL  {name}: {line}");
            }
        }
    }
    println!(
        "{} files: {} typed and lossless, {failed} failed",
        files.len(),
        files.len() - failed
    );
    if files.is_empty() {
        eprintln!("no *.json files in {}", dir.display());
    }
    if failed == 0 && !files.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn json_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path
            .extension()
            .is_some_and(|extension| extension == "json")
        {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// One file's verdict: a description on success, the problem on failure.
fn check(file: &Path) -> Result<String, String> {
    let body = std::fs::read(file).map_err(|error| format!("cannot read: {error}"))?;
    let input: Value =
        serde_json::from_slice(&body).map_err(|error| format!("not JSON: {error}"))?;
    let event = Event::parse(body.into()).map_err(|error| format!("envelope: {error}"))?;
    let payload = event
        .payload()
        .map_err(|error| format!("{}: payload: {error}", event.type_name()))?;
    let variant = match (&payload, payload.event_type()) {
        (Payload::Unknown(_), _) | (_, None) => {
            return Err(format!("{}: UNKNOWN", event.type_name()));
        }
        (_, Some(event_type)) => format!("{event_type:?}"),
    };
    let output = serde_json::to_value(EventRequest { event: &payload })
        .map_err(|error| format!("{}: cannot serialize: {error}", event.type_name()))?;
    match first_difference(&input, &output, String::new()) {
        None => Ok(format!("{} -> {variant}, round trip ok", event.type_name())),
        Some(pointer) => Err(format!(
            "{} -> {variant}, round trip differs at {}",
            event.type_name(),
            if pointer.is_empty() { "/" } else { &pointer }
        )),
    }
}

/// The JSON pointer of the first place where `a` and `b` differ.
fn first_difference(a: &Value, b: &Value, pointer: String) -> Option<String> {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            keys.into_iter().find_map(|key| {
                let child = format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"));
                match (a.get(key), b.get(key)) {
                    (Some(a), Some(b)) => first_difference(a, b, child),
                    _ => Some(child),
                }
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(index, (a, b))| first_difference(a, b, format!("{pointer}/{index}"))),
        _ if a == b => None,
        _ => Some(pointer),
    }
}
