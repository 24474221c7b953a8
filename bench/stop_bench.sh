#!/usr/bin/env bash
# Stop -> exit of `ov2ha record` at the end of a one-hour recording (360 local
# chunks of 10 s): the time from the 'q' in the stop file to the process exit,
# with every final file written. OpenVidu allows 30 s; target: <= 2 s.
#
# The hour is made with bench/make_chunks.sh, then `record` starts on top of it
# (numbering continues at 0361). During a real hour the live join takes in each
# chunk as it closes; here it takes in the pre-made hour in its first seconds,
# so the measured stop comes SETTLE_SECONDS after the start, once that is done.
# For comparison, one more run stops 3 s after the start, while the live join
# is still catching up (a recorder restarted onto an hour of chunks and
# stopped at once); that figure has no target.
set -euo pipefail

OV2HA=${OV2HA:-build/ov2ha}
BENCH_DIR=${BENCH_DIR:-bench-out}
CHUNKS=${CHUNKS:-360}
RUNS=${RUNS:-3}
SETTLE_SECONDS=${SETTLE_SECONDS:-20}
here=$(cd "$(dirname "$0")" && pwd)

work="$BENCH_DIR/stop"
rm -rf "$work"
mkdir -p "$work/recordings/bench/chunks"
"$here/make_chunks.sh" "$work/recordings/bench/chunks" "$CHUNKS" 10 >/dev/null

# Prints the seconds from 'q' to exit of one record run stopped after $1 s.
stop_after() {
    "$OV2HA" record --log-level warn --recordings-dir "$work/recordings" --video-id bench \
        --stop-file "$work/stop" --video-input "lavfi:testsrc2=size=1280x720:rate=25" \
        --audio-input "lavfi:sine=frequency=440:sample_rate=48000" &
    local pid=$!
    sleep "$1"
    local start end
    start=$(date +%s.%N)
    echo q >"$work/stop"
    wait "$pid"
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}

times=()
for _ in $(seq "$RUNS"); do
    times+=("$(stop_after "$SETTLE_SECONDS")")
done
cold=$(stop_after 3)
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((RUNS + 1) / 2))p")
final="$work/recordings/bench/bench.mp4"
duration=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$final")
printf 'final video: %s s, %s bytes, %d chunks\n' "$duration" "$(stat -c %s "$final")" \
    "$(ls "$work/recordings/bench/chunks" | wc -l)"
printf 'stop -> exit after an hour of recording (runs: %s): median %.2f s (target <= 2 s)\n' \
    "${times[*]}" "$median"
printf 'stop -> exit 3 s after restarting onto the hour (live join catching up): %.2f s\n' "$cold"
awk -v m="$median" 'BEGIN { exit !(m <= 2.0) }'
