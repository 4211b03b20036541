//! Finding PostgreSQL's server programs, and running them as the right user.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{SYSTEM_USER, StartError};

/// The directory holding `initdb` and `postgres`; else Debian's
/// `/usr/lib/postgresql/<newest version>/bin`; else the `PATH`.
pub const ENV_POSTGRES_BIN: &str = "POSTGRES_BIN";

/// The two programs a cluster needs.
#[derive(Debug)]
pub(super) struct Binaries {
    pub(super) initdb: PathBuf,
    pub(super) postgres: PathBuf,
}

pub(super) fn find() -> Result<Binaries, StartError> {
    let dir = match std::env::var_os(ENV_POSTGRES_BIN) {
        Some(dir) => Some(PathBuf::from(dir)),
        None => debian_bin_dir(),
    };
    Ok(Binaries {
        initdb: locate("initdb", dir.as_deref())?,
        postgres: locate("postgres", dir.as_deref())?,
    })
}

/// Debian installs the server outside the `PATH`, one directory per major
/// version: the newest.
fn debian_bin_dir() -> Option<PathBuf> {
    let versions = std::fs::read_dir("/usr/lib/postgresql").ok()?;
    versions
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let version: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").is_file().then_some((version, bin))
        })
        .max_by_key(|(version, _)| *version)
        .map(|(_, bin)| bin)
}

fn locate(program: &str, dir: Option<&Path>) -> Result<PathBuf, StartError> {
    if let Some(dir) = dir {
        let path = dir.join(program);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(StartError::NotInstalled {
                binary: program.to_owned(),
                cause: format!("no {}", path.display()),
            })
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| StartError::NotInstalled {
            binary: program.to_owned(),
            cause: "not in /usr/lib/postgresql/*/bin nor on the PATH".to_owned(),
        })
}

/// Whether this process runs as root, whom `initdb` and `postgres` refuse.
pub(super) fn running_as_root() -> bool {
    // The effective user id is the second field of `Uid:` (Linux).
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|line| line.starts_with("Uid:"))?;
            line.split_whitespace().nth(2).map(|uid| uid == "0")
        })
        .unwrap_or(false)
}

/// `program`, run as the `postgres` system user when we are root:
/// `setpriv` switches users and then executes it in place, so that the
/// child is the server itself (and stopping it stops the server).
pub(super) fn command(program: &Path, as_root: bool) -> Command {
    if !as_root {
        return Command::new(program);
    }
    let mut command = Command::new("setpriv");
    command
        .arg(format!("--reuid={SYSTEM_USER}"))
        .arg(format!("--regid={SYSTEM_USER}"))
        .arg("--init-groups")
        .arg("--")
        .arg(program);
    command
}
