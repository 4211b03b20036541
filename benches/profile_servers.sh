#!/usr/bin/env bash
# Where a receiver's CPU time goes at one connection: each server of
# benches/load.sh (release build) answers load.sh's user.update body on one
# keep-alive connection from a small Python client while `perf record`
# samples the server alone; prints, per server, the requests answered and
# the share of its samples in the kernel's socket and wake-up calls and in
# the top user-space functions (self time: release builds have no frame
# pointers, so there are no reliable call graphs). Needs perf (Debian's
# linux-perf) and root or perf_event_paranoid <= 1. Loopback only, bounded
# in time.
#
#   bash benches/profile_servers.sh           # about a minute after the build
#   SECONDS_PER_SERVER=20 SERVERS="null_axum axum" bash benches/profile_servers.sh
set -euo pipefail
cd "$(dirname "$0")/.."

SERVERS=${SERVERS:-"null_axum baseline_axum axum typed_axum"}
SECONDS_PER_SERVER=${SECONDS_PER_SERVER:-8}
PORT=${PORT:-18086}
KEY="load-test-key-5b8e1c2d9f3a4e6b7c0d1e2f3a4b5c6d"
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

command -v perf >/dev/null || { echo "perf is missing (apt-get install linux-perf)" >&2; exit 1; }
# shellcheck disable=SC2086
cargo build --release --quiet --all-features $(for s in $SERVERS; do printf -- '--example %s ' "$s"; done)
sed -n "/^cat > \"\$WORK\/body.json\" <<'JSON'$/,/^JSON$/p" benches/load.sh | sed '1d;$d' >"$WORK/body.json"
cat >"$WORK/client.py" <<'PY'
import http.client, sys, time
port, key, body, seconds = int(sys.argv[1]), sys.argv[2], open(sys.argv[3], "rb").read(), float(sys.argv[4])
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
end, count = time.time() + seconds, 0
while time.time() < end:
    connection.request("POST", "/fusionauth-webhook", body,
                       {"Authorization": key, "Content-Type": "application/json"})
    response = connection.getresponse()
    response.read()
    assert response.status == 200, response.status
    count += 1
print(count)
PY

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for server in $SERVERS; do
    FUSIONAUTH_WEBHOOK_API_KEY=$KEY FUSIONAUTH_WEBHOOK_ADDR=127.0.0.1:$PORT FUSIONAUTH_WEBHOOK_QUIET=1 \
        "${CARGO_TARGET_DIR:-target}/release/examples/$server" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 100); do
        curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break
        sleep 0.1
    done
    python3 "$WORK/client.py" "$PORT" "$KEY" "$WORK/body.json" $((SECONDS_PER_SERVER + 2)) >"$WORK/$server.count" &
    client=$!
    sleep 1
    perf record -q -F 2000 -p "$pid" -o "$WORK/$server.data" -- sleep "$SECONDS_PER_SERVER" >/dev/null 2>&1
    wait "$client"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    echo
    echo "== $server: $(cat "$WORK/$server.count") requests in $((SECONDS_PER_SERVER + 2)) s (client-bound)"
    perf report -i "$WORK/$server.data" --no-children --sort symbol --stdio 2>/dev/null |
        python3 -c '
import re, sys
groups = {"socket writes (writev)": r"writev|tcp_sendmsg|__tcp_push|ip_|dev_|loopback|net_rx|__netif|skb",
          "socket reads (recv)": r"recv|tcp_recvmsg|copy_user|_copy_to_iter",
          "waiting and waking (epoll, futex, scheduler)": r"epoll|futex|schedule|task_switch|spin_unlock_irq|pick_|enqueue|dequeue|try_to_wake|update_|select_task",
          "the webhook and serde_json": r"fusionauth|serde_json|sha2|subtle",
          "hyper, axum, tokio": r"hyper|axum|tokio|tower|http::"}
shares, top = {name: 0.0 for name in groups}, []
for line in sys.stdin:
    match = re.match(r"\s+([0-9.]+)%\s+\[[.kH]\]\s+(.*)", line)
    if not match:
        continue
    share, symbol = float(match.group(1)), match.group(2).strip()
    top.append((share, symbol))
    for name, pattern in groups.items():
        if re.search(pattern, symbol):
            shares[name] += share
            break
for name, share in shares.items():
    print(f"  {share:5.1f} %  {name}")
print("  top functions:")
for share, symbol in sorted(top, reverse=True)[:8]:
    print(f"  {share:5.1f} %    {symbol[:100]}")
'
done
