#!/usr/bin/env bash
# The in-process pipeline benchmark (benches/pipeline.rs) over several builds
# of the committed HEAD, each a clone with its own target directory, so that
# the code-layout luck of one build cannot make or break a target. Rounds go
# round-robin over the builds; for each body it prints the ratio to the
# `serde_json::Value` parse of the same run (the median over every round of
# every build, and the spread), then each build's allocation counts.
#
#   bash benches/builds.sh                   # 3 builds x 3 rounds, about 25 minutes
#   BUILDS=2 ROUNDS=1 bash benches/builds.sh
#   KEEP=/tmp/pipeline-builds bash benches/builds.sh   # keep the clones and results
set -euo pipefail
cd "$(dirname "$0")/.."

BUILDS=${BUILDS:-3}
ROUNDS=${ROUNDS:-3}
FILTER='^(small|typical|bulk)/'
WORK=${KEEP:-$(mktemp -d)}
mkdir -p "$WORK/results"
[ -n "${KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT

for build in $(seq 1 "$BUILDS"); do
    rm -rf "$WORK/build$build"
    git clone -q . "$WORK/build$build"
    echo "build $build: $(git -C "$WORK/build$build" rev-parse --short HEAD), target $WORK/target$build" >&2
    (cd "$WORK/build$build" && CARGO_TARGET_DIR="$WORK/target$build" \
        cargo bench -q --no-run --bench pipeline --bench allocations --features testing)
done

for round in $(seq 1 "$ROUNDS"); do
    for build in $(seq 1 "$BUILDS"); do
        echo "round $round, build $build" >&2
        (cd "$WORK/build$build" && CARGO_TARGET_DIR="$WORK/target$build" \
            cargo bench -q --bench pipeline --features testing -- \
            --warm-up-time 1 --measurement-time 3 "$FILTER" >/dev/null 2>&1)
        for body in small typical bulk; do
            for bench in baseline_value_parse typed_handler unrouted; do
                estimates="$WORK/target$build/criterion/$body/$bench/new/estimates.json"
                median=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["median"]["point_estimate"])' "$estimates")
                echo "$build $round $body $bench $median" >>"$WORK/results/pipeline.txt"
            done
        done
    done
done

python3 - "$WORK/results/pipeline.txt" <<'EOF'
import collections, statistics, sys

runs = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    build, round_, body, bench, median = line.split()
    runs[(body, build, round_)][bench] = float(median)

def fmt(ns):
    return f"{ns / 1e6:.2f} ms" if ns >= 1e6 else f"{ns / 1e3:.2f} µs"

print("| body | baseline | typed handler | ratio: median (spread) | unrouted | ratio: median (spread) |")
print("|---|---|---|---|---|---|")
for body in ("small", "typical", "bulk"):
    rounds = [times for (b, _, _), times in runs.items() if b == body]
    cells = []
    for bench in ("typed_handler", "unrouted"):
        ratios = sorted(r[bench] / r["baseline_value_parse"] for r in rounds)
        cells.append((statistics.median(r[bench] for r in rounds), ratios))
    baseline = statistics.median(r["baseline_value_parse"] for r in rounds)
    row = [body, fmt(baseline)]
    for time, ratios in cells:
        row += [fmt(time), f"{statistics.median(ratios):.2f} ({ratios[0]:.2f}–{ratios[-1]:.2f})"]
    print("| " + " | ".join(row) + " |")
print(f"\n{len(rounds)} runs per body: {len(set(b for _, b, _ in runs))} builds x {len(set(r for _, _, r in runs))} rounds")
EOF

for build in $(seq 1 "$BUILDS"); do
    echo
    echo "allocations, build $build:"
    (cd "$WORK/build$build" && CARGO_TARGET_DIR="$WORK/target$build" \
        cargo bench -q --bench allocations --features testing 2>/dev/null)
done
