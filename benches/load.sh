#!/usr/bin/env bash
# HTTP load test: each adapter's example receiver against a hand-written axum
# receiver (benches/baseline_axum.rs) and the floor (benches/null_axum.rs: an
# axum receiver that reads the body and answers 200, no credential check, no
# JSON), one after the other, on 127.0.0.1.
#
#   bash benches/load.sh                # about 12 minutes
#   (typed_axum: the SDK doing equal work, a typed payload of every event)
#   DURATION=3 ROUNDS=1 CONNECTIONS="16" FIXED="" SERVERS="null_axum baseline_axum axum" bash benches/load.sh
#   PIN=0 bash benches/load.sh          # server and load generator not pinned
#
# Two phases per server:
# 1. closed loop (wrk): as many requests as the server takes at 1, 16 and 64
#    connections: requests/s, p50 and p99 latency;
# 2. fixed rate (oha, FIXED="connections:requests-per-second ...", default
#    "1:2000 16:10000 64:10000", below every server's capacity; FIXED=""
#    skips it): p50 and p99 at the same offered load, corrected for
#    coordinated omission. In the closed loop a faster server is also
#    offered more load, so its p99 is not comparable; and at one connection
#    wrk's p99 swings by several times between runs of the same binary on a
#    small VM.
# Then peak RSS. Each figure is the median of ROUNDS rounds (default 3, each
# 5 s per run), and comes with its ratio to the baseline and to the floor.
#
# Installs wrk from Debian's packages and oha with `cargo install --locked`
# when they are missing (needs root for apt; oha takes about 4 minutes to
# build once). Every run is bounded in time and targets loopback only.
#
# On a machine with two or more cores the server runs on core 0 and wrk on
# core 1 (taskset), so the two do not steal each other's time slices: that
# noise otherwise dominates the p99 at one connection. PIN=0 lets the
# scheduler place them (the way a receiver usually runs).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-"1 16 64"}
SERVERS=${SERVERS:-"null_axum baseline_axum typed_axum axum actix_web warp hyper"}
FIXED=${FIXED-"1:2000 16:10000 64:10000"}
PIN=${PIN:-1}
PORT=${PORT:-18080}
KEY="load-test-key-5b8e1c2d9f3a4e6b7c0d1e2f3a4b5c6d"
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)" >&2
  apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null
fi

if [ -n "$FIXED" ] && ! command -v oha >/dev/null; then
  echo "installing oha (cargo install --locked oha)" >&2
  cargo install --locked --quiet oha
  export PATH="$HOME/.cargo/bin:$PATH"
fi

echo "building the release examples" >&2
# shellcheck disable=SC2086
cargo build --release --quiet --all-features $(for s in $SERVERS; do printf -- '--example %s ' "$s"; done)

# A typical user.update body (about 2.5 KB), as FusionAuth sends it.
cat > "$WORK/body.json" <<'JSON'
{"event":{"id":"3d5e8f21-6a4b-4c9d-8e7f-0a1b2c3d4e5f","createInstant":1749040200000,"type":"user.update","tenantId":"9b2e4c61-0d3f-4a8b-b5c7-6e1f2a3b4c5d","info":{"ipAddress":"203.0.113.42","userAgent":"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36","deviceType":"BROWSER","location":{"city":"Lagos","country":"NG","latitude":6.455,"longitude":3.394,"region":"LA","displayString":"Lagos, LA, NG"}},"linkedObjectId":"7f3c2a51-8d0e-4b6a-9c47-1e2d3f4a5b6c","original":{"id":"7f3c2a51-8d0e-4b6a-9c47-1e2d3f4a5b6c","email":"ada.previous@example.com","firstName":"Ada","lastName":"Okafor","active":true,"verified":true,"tenantId":"9b2e4c61-0d3f-4a8b-b5c7-6e1f2a3b4c5d","insertInstant":1717500000000,"lastLoginInstant":1749040100000,"passwordChangeRequired":false,"preferredLanguages":["en","fr"],"timezone":"Africa/Lagos","data":{"plan":"pro","seats":12,"flags":{"beta":true,"newsletter":false}},"registrations":[{"id":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","applicationId":"5c7a9e13-2b4d-4f60-8a1c-3e5f7b9d0a2c","roles":["admin","user"],"insertInstant":1717500000000,"lastLoginInstant":1749040100000,"verified":true,"data":{"theme":"dark"}}]},"user":{"id":"7f3c2a51-8d0e-4b6a-9c47-1e2d3f4a5b6c","email":"ada.okafor@example.com","firstName":"Ada","lastName":"Okafor","active":true,"verified":true,"tenantId":"9b2e4c61-0d3f-4a8b-b5c7-6e1f2a3b4c5d","insertInstant":1717500000000,"lastLoginInstant":1749040100000,"lastUpdateInstant":1749040200000,"passwordChangeRequired":false,"preferredLanguages":["en","fr"],"timezone":"Africa/Lagos","twoFactor":{"methods":[{"id":"35VW","method":"authenticator","authenticator":{"algorithm":"HmacSHA1","codeLength":6,"timeStep":30}}]},"data":{"plan":"pro","seats":12,"flags":{"beta":true,"newsletter":false}},"memberships":[{"id":"c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f","groupId":"2e4f6a8c-1b3d-4e5f-9a7b-c8d0e2f4a6b8","insertInstant":1717500000000}],"registrations":[{"id":"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","applicationId":"5c7a9e13-2b4d-4f60-8a1c-3e5f7b9d0a2c","roles":["admin","user"],"insertInstant":1717500000000,"lastLoginInstant":1749040100000,"verified":true,"data":{"theme":"dark"}},{"id":"1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e","applicationId":"6d8b0f24-3c5e-4071-9b2d-4f6a8c0e1b3d","roles":["user"],"insertInstant":1717600000000,"verified":true}]}}}
JSON

cat > "$WORK/post.lua" <<LUA
local f = io.open("$WORK/body.json", "rb")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "$KEY"
LUA

# Latency in microseconds from wrk's "50%   1.23ms" style.
to_us() { awk '{ v=$1; if (v ~ /us$/) { sub(/us$/,"",v); print v } else if (v ~ /ms$/) { sub(/ms$/,"",v); print v*1000 } else if (v ~ /s$/) { sub(/s$/,"",v); print v*1000000 } else print v }'; }

results="$WORK/results.tsv"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
SERVER_CPU=""; LOAD_CPU=""; PINNING="server and load generator share the cores"
if [ "$PIN" != 0 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  SERVER_CPU="taskset -c 0"; LOAD_CPU="taskset -c 1"; PINNING="server on core 0, load generator on core 1"
fi

# Rounds go over all servers in turn, so that a noisy moment of the machine
# hits one round of every server rather than every round of one.
for round in $(seq "$ROUNDS"); do
  for server in $SERVERS; do
    echo "round $round/$ROUNDS: $server" >&2
    FUSIONAUTH_WEBHOOK_API_KEY=$KEY FUSIONAUTH_WEBHOOK_ADDR=127.0.0.1:$PORT FUSIONAUTH_WEBHOOK_QUIET=1 \
      $SERVER_CPU "${CARGO_TARGET_DIR:-target}/release/examples/$server" >"$WORK/$server.log" 2>&1 &
    pid=$!
    for _ in $(seq 100); do
      curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
      sleep 0.1
    done
    # One request must succeed before measuring.
    status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: $KEY" -H 'Content-Type: application/json' \
      --data-binary @"$WORK/body.json" "http://127.0.0.1:$PORT/fusionauth-webhook")
    if [ "$status" != 200 ]; then
      echo "$server answered $status to a valid event; log:" >&2; cat "$WORK/$server.log" >&2; exit 1
    fi
    for c in $CONNECTIONS; do
      threads=$(( c < 2 ? 1 : 2 ))
      $LOAD_CPU wrk -t"$threads" -c"$c" -d"${DURATION}s" --latency -s "$WORK/post.lua" \
        "http://127.0.0.1:$PORT/fusionauth-webhook" >"$WORK/wrk.txt"
      rps=$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.txt")
      p50=$(awk '$1=="50%" {print $2}' "$WORK/wrk.txt" | to_us)
      p99=$(awk '$1=="99%" {print $2}' "$WORK/wrk.txt" | to_us)
      errors=$(awk '/Non-2xx|Socket errors/ {print}' "$WORK/wrk.txt" | tr '\n' ' ')
      [ -z "$errors" ] || echo "$server c=$c: $errors" >&2
      printf 'closed\t%s\t%s\t%s\t%s\t%s\t-\t1\n' "$server" "$c" "$rps" "$p50" "$p99" >>"$results"
    done
    for fixed in $FIXED; do
      conns=${fixed%%:*}; rate=${fixed##*:}
      $LOAD_CPU oha -z "${DURATION}s" -c "$conns" -q "$rate" --latency-correction --no-tui --output-format json \
        -m POST -H "Authorization: $KEY" -H "Content-Type: application/json" -D "$WORK/body.json" \
        "http://127.0.0.1:$PORT/fusionauth-webhook" >"$WORK/oha.json"
      python3 - "$WORK/oha.json" "$server" "$fixed" >>"$results" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
codes = report.get("statusCodeDistribution", {})
ok = codes.get("200", 0) / max(1, sum(codes.values()))
p = report["latencyPercentiles"]
print("fixed", sys.argv[2], sys.argv[3], f"{report['summary']['requestsPerSec']:.0f}",
      f"{p['p50'] * 1e6:.0f}", f"{p['p99'] * 1e6:.0f}", f"{p['p99.9'] * 1e6:.0f}", f"{ok:.4f}", sep="\t")
PY
    done
    printf 'rss\t%s\t-\t%s\t-\t-\t-\t1\n' "$server" "$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")" >>"$results"
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done

echo
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r)"
echo "${DURATION}s per run, median of $ROUNDS rounds; $PINNING; load average before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "x: ratio to baseline_axum (the hand-written receiver); floor: ratio to null_axum (read the body, answer 200)"
python3 - "$results" <<'PY'
import statistics, sys
from collections import defaultdict

rows = defaultdict(list)
for line in open(sys.argv[1]):
    kind, server, load, *values = line.rstrip("\n").split("\t")
    rows[kind, server, load].append([float(v) if v != "-" else None for v in values])

def median(kind, server, load, column):
    values = [row[column] for row in rows.get((kind, server, load), []) if row[column] is not None]
    return statistics.median(values) if values else float("nan")

servers = sorted({server for _, server, _ in rows})
rss = {server: median("rss", server, "-", 0) / 1024 for server in servers}
base, floor = "baseline_axum", "null_axum"

def ratio(value, reference):
    return value / reference if reference == reference and reference else float("nan")

print("\nclosed loop (wrk: as fast as each server answers)")
print(f"{'server':<14} {'conns':>5} {'req/s':>9} {'p50 us':>8} {'p99 us':>8} {'x req/s':>8} {'x p50':>6} {'x p99':>6} {'floor':>6} {'peak RSS':>9}")
for server in servers:
    for load in sorted({l for k, s, l in rows if k == "closed" and s == server}, key=int):
        rps, p50, p99 = (median("closed", server, load, i) for i in range(3))
        b = [median("closed", base, load, i) for i in range(3)]
        f = median("closed", floor, load, 0)
        print(f"{server:<14} {load:>5} {rps:>9.0f} {p50:>8.0f} {p99:>8.0f} {ratio(rps, b[0]):>8.2f} {ratio(p50, b[1]):>6.2f} {ratio(p99, b[2]):>6.2f} {ratio(rps, f):>6.2f} {rss[server]:>5.1f} MiB")

fixed = sorted({l for k, _, l in rows if k == "fixed"}, key=lambda l: int(l.split(":")[0]))
if fixed:
    print("\nfixed rate (oha, latency-corrected): connections:offered req/s")
    print(f"{'server':<14} {'load':>8} {'req/s':>7} {'p50 us':>8} {'p99 us':>8} {'p99.9 us':>9} {'x p50':>6} {'x p99':>6} {'floor p99':>9} {'200s':>8}")
    for server in servers:
        for load in fixed:
            rps, p50, p99, p999, ok = (median("fixed", server, load, i) for i in range(5))
            b50, b99 = median("fixed", base, load, 1), median("fixed", base, load, 2)
            f99 = median("fixed", floor, load, 2)
            print(f"{server:<14} {load:>8} {rps:>7.0f} {p50:>8.0f} {p99:>8.0f} {p999:>9.0f} {ratio(p50, b50):>6.2f} {ratio(p99, b99):>6.2f} {ratio(p99, f99):>9.2f} {ok * 100:>7.2f}%")
PY
