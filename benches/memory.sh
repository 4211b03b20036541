#!/usr/bin/env bash
# Peak RSS growth of the gdpr_delete example (a debug build, as in issue 8
# part 5) over one request, as a multiple of the body, for the two big
# `user.delete` bodies of benches/bodies/big.rs:
#   registrations  ~7 MiB, 18,000 registrations
#   unknown-field  ~6 MiB, a user with an unknown field holding [0,0,...]
#
#   bash benches/memory.sh          # about a minute after the build
#   ROUNDS=1 PROFILE=release bash benches/memory.sh
#
# For each body and round a fresh server takes a small warm-up request, then
# the body; growth = VmHWM after the body - VmRSS before it (from
# /proc/<pid>/status). Prints every round and the median. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
PROFILE=${PROFILE:-debug}
PORT=${PORT:-18090}
KEY="memory-test-key-0c4f6a8e2b1d3f5a7c9e0b2d4f6a8c1e"
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

release=()
[ "$PROFILE" = release ] && release=(--release)
cargo build -q "${release[@]}" --example gdpr_delete --example memory_bodies --features testing
TARGET=${CARGO_TARGET_DIR:-target}/$PROFILE/examples
"$TARGET/memory_bodies" "$WORK"

kib() { awk -v field="$2:" '$1 == field { print $2 }' "/proc/$1/status"; }

post() {
    curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $KEY" \
        -H 'Content-Type: application/json' --data-binary "@$1" \
        "http://127.0.0.1:$PORT/fusionauth-webhook"
}

for body in registrations unknown-field; do
    file="$WORK/$body.json"
    size=$(stat -c %s "$file")
    ratios=()
    for round in $(seq "$ROUNDS"); do
        rm -f "$WORK/todos.db"
        FUSIONAUTH_WEBHOOK_API_KEY=$KEY FUSIONAUTH_WEBHOOK_ADDR=127.0.0.1:$PORT \
            FUSIONAUTH_WEBHOOK_QUIET=1 GDPR_DELETE_DB="$WORK/todos.db" \
            "$TARGET/gdpr_delete" >/dev/null 2>&1 &
        pid=$!
        for _ in $(seq 100); do
            curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
            sleep 0.1
        done
        printf '{"event":{"type":"user.delete","user":{"id":"%s"}}}' \
            00000000-0000-0000-0000-000000000001 >"$WORK/small.json"
        status=$(post "$WORK/small.json")
        [ "$status" = 200 ] || { echo "warm-up answered $status" >&2; exit 1; }
        before=$(kib "$pid" VmRSS)
        status=$(post "$file")
        [ "$status" = 200 ] || { echo "$body answered $status" >&2; exit 1; }
        peak=$(kib "$pid" VmHWM)
        kill "$pid"
        wait "$pid" 2>/dev/null || true
        ratio=$(awk -v g=$(((peak - before) * 1024)) -v s="$size" 'BEGIN { printf "%.2f", g / s }')
        echo "$body round $round: body $size bytes, RSS $before KiB -> peak $peak KiB: ${ratio}x"
        ratios+=("$ratio")
    done
    sorted=$(printf '%s\n' "${ratios[@]}" | sort -n | tr '\n' ' ')
    median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
    echo "$body: median ${median}x the body (runs: $sorted)"
done
