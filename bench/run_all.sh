#!/usr/bin/env bash
# Every benchmark, each printing its figures and its ratio to the baseline
# measured in the same run. All run even when one misses its target; the exit
# status says whether any did.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export OV2HA=${OV2HA:-build/ov2ha}
export BENCH_DIR=${BENCH_DIR:-bench-out}
mkdir -p "$BENCH_DIR"

missed=()
for bench in join_bench.sh record_cpu_bench.sh stop_bench.sh serve_bench.sh; do
    echo "== $bench"
    "$here/$bench" || missed+=("$bench")
done
if ((${#missed[@]})); then
    echo "targets missed or benchmarks failed: ${missed[*]}"
    exit 1
fi
