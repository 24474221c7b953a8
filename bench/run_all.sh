#!/usr/bin/env bash
# Every benchmark, each printing its figures and its ratio to the baseline
# measured in the same run. A benchmark that misses its target says so and
# exits non-zero; the others still run, and this script reports which missed.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export OV2HA=${OV2HA:-build/ov2ha}
export BENCH_DIR=${BENCH_DIR:-bench-out}
mkdir -p "$BENCH_DIR"

missed=()
for bench in join_bench.sh record_cpu_bench.sh stop_bench.sh upload_bench.sh serve_bench.sh; do
    echo "== $bench"
    "$here/$bench" || missed+=("$bench")
done
if [[ ${#missed[@]} -gt 0 ]]; then
    echo "missed their targets or failed: ${missed[*]}"
    exit 1
fi
echo "every benchmark met its target"
