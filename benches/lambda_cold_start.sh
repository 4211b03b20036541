#!/usr/bin/env bash
# The Lambda function's cold start, measured in cargo-lambda's emulator:
# the release build of `adapters/lambda/examples/function.rs` (the webhook
# from the environment, one handler) started afresh ROUNDS times, each
# time with a delivery already waiting at the Function URL, from the
# process's start to the answer (what a delivery that lands on a new
# execution environment waits for, less Lambda's own loading of the
# environment, which no emulator has); then the same delivery again on the
# warm function. Prints each round, then the medians and the binary's size.
#
#   bash benches/lambda_cold_start.sh            # 20 rounds
#   ROUNDS=5 bash benches/lambda_cold_start.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-20}
PATH="$(bash .ci/cargo-lambda.sh):$PATH"
cargo build --quiet --release -p fusionauth-webhooks-lambda --example function
binary="${CARGO_TARGET_DIR:-target}/release/examples/function"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
cargo-lambda lambda watch --only-lambda-apis --ignore-changes \
  --invoke-address 127.0.0.1 --invoke-port "$port" >"$log" 2>&1 &
emulator=$!
trap 'kill "$emulator" 2>/dev/null; wait "$emulator" 2>/dev/null; rm -f "$log"' EXIT

BINARY="$binary" PORT="$port" ROUNDS="$ROUNDS" python3 - <<'EOF'
import os, socket, statistics, subprocess, time, urllib.request

binary, port, rounds = os.environ["BINARY"], int(os.environ["PORT"]), int(os.environ["ROUNDS"])
deadline = time.monotonic() + 60
while True:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        break
    except OSError:
        if time.monotonic() > deadline:
            raise SystemExit("the emulator is not listening after 60 s")
        time.sleep(0.05)

key = "cold-start-measurement-key-0123456789"
env = dict(os.environ,
           AWS_LAMBDA_RUNTIME_API=f"http://127.0.0.1:{port}/.rt",
           AWS_LAMBDA_FUNCTION_NAME="_",
           AWS_LAMBDA_FUNCTION_MEMORY_SIZE="128",
           AWS_LAMBDA_FUNCTION_VERSION="1",
           FUSIONAUTH_WEBHOOK_API_KEY=key)
body = b'{"event":{"type":"user.delete","id":"e502168a-b469-45d9-a079-fd45f83e0406"}}'

def deliver():
    request = urllib.request.Request(f"http://127.0.0.1:{port}/fusionauth-webhook", data=body,
                                     headers={"Authorization": key, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200, response.status

cold, warm = [], []
for round in range(rounds):
    started = time.perf_counter()
    function = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deliver()
        cold.append(time.perf_counter() - started)
        started = time.perf_counter()
        deliver()
        warm.append(time.perf_counter() - started)
    finally:
        function.kill()
        function.wait()
    print(f"round {round + 1}: cold {cold[-1] * 1000:.1f} ms, warm {warm[-1] * 1000:.1f} ms")

print(f"median of {rounds}: cold start to the first answer {statistics.median(cold) * 1000:.1f} ms "
      f"(min {min(cold) * 1000:.1f}, max {max(cold) * 1000:.1f}); "
      f"warm delivery {statistics.median(warm) * 1000:.1f} ms")
EOF
echo "binary: $(stat -c %s "$binary") bytes ($binary, release, not stripped)"
