#!/usr/bin/env bash
# Runs one fuzz target with libFuzzer on the stable toolchain.
#
#   fuzz/run.sh TARGET SECONDS [extra libFuzzer flags...]
#   fuzz/run.sh --list
#   fuzz/run.sh --build            # build every target, run nothing
#
# Targets are built with LLVM's SanitizerCoverage pass (`-C passes=sancov-module`,
# stable rustc flags), which is what cargo-fuzz does on nightly; no nightly and no
# cargo-fuzz needed. libfuzzer-sys compiles libFuzzer with the C++ compiler (g++).
# The corpus grows in fuzz/corpus/TARGET (not committed), starting from the
# committed seeds in fuzz/seeds/TARGET; crashes land in fuzz/artifacts/TARGET.
# The run's summary line (executions, corpus size, crashes) is appended to
# fuzz/runs.log (or $FUZZ_RUNS_LOG). Exit status is non-zero when libFuzzer found a crash, a leak,
# a timeout (hang) or ran out of memory.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
targets=(webhook_handle event_parse basic_auth signature_header jwks)
triple="$(rustc -vV | sed -n 's/^host: //p')"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"

if [[ "${1:-}" == "--list" ]]; then
    printf '%s\n' "${targets[@]}"
    exit 0
fi

command -v c++ >/dev/null || {
    echo "run.sh: a C++ compiler is needed to build libFuzzer (apt-get install g++)" >&2
    exit 2
}

build() {
    # Only the fuzz targets' crates get coverage instrumentation: with --target,
    # RUSTFLAGS do not reach build scripts and proc macros.
    RUSTFLAGS="${RUSTFLAGS:-} --cfg fuzzing -C passes=sancov-module \
        -C llvm-args=-sanitizer-coverage-level=4 \
        -C llvm-args=-sanitizer-coverage-inline-8bit-counters \
        -C llvm-args=-sanitizer-coverage-pc-table \
        -C llvm-args=-sanitizer-coverage-trace-compares \
        -C llvm-args=-sanitizer-coverage-stack-depth \
        -C debug-assertions -C overflow-checks" \
        cargo build --release --features libfuzzer --target "$triple" "$@"
}

seed() {
    [[ -d seeds/webhook_handle ]] || cargo run --quiet --bin seeds
}

if [[ "${1:-}" == "--build" ]]; then
    seed
    build $(printf -- "--bin %s " "${targets[@]}")
    exit 0
fi

target="${1:?usage: fuzz/run.sh TARGET SECONDS [libFuzzer flags...]}"
seconds="${2:?usage: fuzz/run.sh TARGET SECONDS [libFuzzer flags...]}"
shift 2
[[ " ${targets[*]} " == *" $target "* ]] || {
    echo "run.sh: unknown target $target (one of: ${targets[*]})" >&2
    exit 2
}

seed
build --bin "$target"
mkdir -p "corpus/$target" "artifacts/$target"
log="$(mktemp)"
status=0
# -timeout: an input taking over 10 s is reported as a hang (a crash).
# -rss_limit_mb: a run growing past 2 GiB is reported (out of memory).
"$CARGO_TARGET_DIR/$triple/release/$target" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="artifacts/$target/" -print_final_stats=1 "$@" \
    "corpus/$target" "seeds/$target" 2>&1 | tee "$log" || status=$?
executions="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
units="$(find "corpus/$target" -type f | wc -l)"
crashes="$(find "artifacts/$target" -type f | wc -l)"
echo "$(date -u +%FT%TZ) target=$target seconds=$seconds executions=${executions:-0} corpus=$units artifacts=$crashes status=$status" |
    tee -a "${FUZZ_RUNS_LOG:-runs.log}"
rm -f "$log"
exit "$status"
