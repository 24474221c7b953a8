#!/usr/bin/env bash
# Stop -> exit of `ov2ha record` with a one-hour recording (360 local chunks of
# 10 s) already in its chunk folder: the time from the 'q' in the stop file to
# the process exit, with every final file written. OpenVidu allows 30 s;
# target: <= 2 s.
set -euo pipefail

OV2HA=${OV2HA:-build/ov2ha}
BENCH_DIR=${BENCH_DIR:-bench-out}
CHUNKS=${CHUNKS:-360}
RUNS=${RUNS:-3}
here=$(cd "$(dirname "$0")" && pwd)

work="$BENCH_DIR/stop"
rm -rf "$work"
mkdir -p "$work/recordings/bench/chunks"
"$here/make_chunks.sh" "$work/recordings/bench/chunks" "$CHUNKS" 10 >/dev/null

times=()
for run in $(seq "$RUNS"); do
    rm -f "$work/recordings/bench/bench.mp4"
    "$OV2HA" record --log-level warn --recordings-dir "$work/recordings" --video-id bench \
        --stop-file "$work/stop" --video-input "lavfi:testsrc2=size=1280x720:rate=25" \
        --audio-input "lavfi:sine=frequency=440:sample_rate=48000" &
    pid=$!
    sleep 3
    start=$(date +%s.%N)
    echo q >"$work/stop"
    wait "$pid"
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
chunks_now=$(ls "$work/recordings/bench/chunks" | wc -l)
printf 'stop -> exit with %d local chunks (runs: %s): median %.2f s (target <= 2 s)\n' \
    "$chunks_now" "${times[*]}" "$median"
