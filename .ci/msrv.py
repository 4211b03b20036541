"""MSRV check without a second toolchain (none can be installed here).

Fails when a crate of the workspace, or any crate it depends on, declares a
`rust-version` newer than the workspace's. Together with clippy's
`incompatible_msrv` lint (on by default, reading `rust-version`), which flags
standard library items newer than the MSRV in our own code, this is what CI
checks of the MSRV. Reads `cargo metadata` from standard input.
"""

import json
import sys


def version(text):
    parts = [int(part) for part in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


metadata = json.load(sys.stdin)
members = set(metadata["workspace_members"])
ours = {p["rust_version"] for p in metadata["packages"] if p["id"] in members}
if len(ours) != 1 or None in ours:
    sys.exit(f"every workspace crate needs the same rust-version, found {sorted(map(str, ours))}")
msrv = ours.pop()
newer = sorted(
    f"{p['name']} {p['version']} needs Rust {p['rust_version']}"
    for p in metadata["packages"]
    if p.get("rust_version") and version(p["rust_version"]) > version(msrv)
)
if newer:
    sys.exit(f"dependencies newer than the MSRV {msrv}:\n" + "\n".join(newer))
print(f"MSRV {msrv}: no dependency declares a newer rust-version")
