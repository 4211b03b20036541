#!/usr/bin/env bash
# Instructions per request of the in-process pipeline (benches/pipeline.rs's
# cases), counted by callgrind, and their ratio to a serde_json::Value parse
# of the same body: a deterministic stand-in for the timed ratios of
# benches/builds.sh, for comparing two versions of the code on a busy
# machine. Instructions are not time (cache misses, branch mispredictions
# and allocator behaviour are not in them): the timed ratios decide.
#
#   bash benches/instructions.sh          # about 3 minutes after the build
#   BODIES="typical" bash benches/instructions.sh
#
# For each body and case it runs the case N and 2N times (after a warm-up
# run) and divides the difference of the two counts by N.
set -euo pipefail
cd "$(dirname "$0")/.."

BODIES=${BODIES:-"small typical bulk"}
CASES=${CASES:-"baseline typed unrouted"}

if ! command -v valgrind >/dev/null; then
    echo "installing valgrind (Debian package)" >&2
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq >/dev/null && $sudo apt-get install -y -qq valgrind >/dev/null
fi

binary=$(cargo bench --no-run --bench instructions --features testing --message-format=json 2>/dev/null |
    python3 -c 'import json, sys
for line in sys.stdin:
    message = json.loads(line)
    if message.get("reason") == "compiler-artifact" and message["target"]["name"] == "instructions" and message.get("executable"):
        print(message["executable"])')

count() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$binary" "$@" 2>&1 |
        awk '/Collected :/ { print $NF }'
}

printf '%-8s %-9s %14s %7s\n' body case instructions ratio
for body in $BODIES; do
    runs=100
    [ "$body" = bulk ] && runs=2
    baseline=""
    for case in $CASES; do
        once=$(count "$body" "$case" "$runs")
        twice=$(count "$body" "$case" $((2 * runs)))
        per=$(((twice - once) / runs))
        [ "$case" = baseline ] && baseline=$per
        ratio="-"
        [ -n "$baseline" ] && ratio=$(awk -v a="$per" -v b="$baseline" 'BEGIN { printf "%.3f", a / b }')
        printf '%-8s %-9s %14d %7s\n' "$body" "$case" "$per" "$ratio"
    done
done
