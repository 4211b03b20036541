//! One module per command.

pub(crate) mod doctor;
pub(crate) mod events;
pub(crate) mod listen;
pub(crate) mod replay;
pub(crate) mod send;
pub(crate) mod sync;

/// Prints `value` as one line of JSON.
pub(crate) fn print_json(value: &impl serde::Serialize) {
    match serde_json::to_string(value) {
        Ok(json) => println!("{json}"),
        Err(error) => eprintln!("error: the output could not be written as json: {error}"),
    }
}
