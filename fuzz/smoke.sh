#!/usr/bin/env bash
# CI smoke run: every fuzz target for SMOKE_SECONDS (default 10 s) from its
# committed seeds, after the build. Fails on any crash, hang or 5xx oracle.
# The runs are not added to runs.log, which records the long runs.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/run.sh" --build
for target in $("$here/run.sh" --list); do
    FUZZ_RUNS_LOG=/dev/null "$here/run.sh" "$target" "${SMOKE_SECONDS:-10}" >/dev/null
done
