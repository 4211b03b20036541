#!/usr/bin/env bash
# CI smoke run: every fuzz target for 10 s from its committed seeds (about
# 50 s of fuzzing after the build). Fails on any crash, hang or 5xx oracle.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/run.sh" --build
for target in $("$here/run.sh" --list); do
    "$here/run.sh" "$target" 10 >/dev/null
done
