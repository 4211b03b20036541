#!/usr/bin/env bash
# cargo-lambda, the Lambda emulator that tests/adapter_lambda.rs runs
# (`cargo lambda watch --only-lambda-apis`), from PyPI when missing. Prints
# the directory that holds it, for PATH:
#   export PATH="$(bash .ci/cargo-lambda.sh):$PATH"
set -euo pipefail
VERSION=1.9.2

if command -v cargo-lambda >/dev/null; then
  dirname "$(command -v cargo-lambda)"
  exit 0
fi
# pip puts console scripts in this interpreter's scripts directory (or the
# user's, when the interpreter's is not writable).
scripts=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')
user_scripts=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts", f"{__import__("os").name}_user"))')
for dir in "$scripts" "$user_scripts"; do
  if [ -x "$dir/cargo-lambda" ]; then echo "$dir"; exit 0; fi
done
if ! python3 -m pip install --quiet --disable-pip-version-check "cargo-lambda==$VERSION" >&2 \
  && ! python3 -m pip install --quiet --disable-pip-version-check --user "cargo-lambda==$VERSION" >&2; then
  echo "cargo-lambda is missing and could not be installed: run pip install cargo-lambda==$VERSION" >&2
  exit 1
fi
for dir in "$scripts" "$user_scripts"; do
  if [ -x "$dir/cargo-lambda" ]; then echo "$dir"; exit 0; fi
done
echo "pip installed cargo-lambda, but not in $scripts nor $user_scripts" >&2
exit 1
