//! Writes the two big `user.delete` bodies of the memory measurement to a
//! directory, for `benches/memory.sh`.
//!
//! ```sh
//! cargo run --example memory_bodies --features testing -- <directory>
//! ```

#[path = "bodies/big.rs"]
mod big;

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let dir = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .ok_or_else(|| std::io::Error::other("usage: memory_bodies <directory>"))?;
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("registrations.json"), big::many_registrations())?;
    std::fs::write(
        dir.join("unknown-field.json"),
        big::unknown_field_of_zeros(),
    )?;
    Ok(())
}
