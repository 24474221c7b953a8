#!/usr/bin/env bash
# CPU cost of `ov2ha record` against the ffmpeg CLI doing the same work: lavfi
# test sources paced to the wall clock (-re), libx264 ultrafast CRF 28 + AAC
# 128k stereo, 10-second fragmented-MP4 chunks. Prints the user+sys CPU seconds
# of each, and their ratio against the target of 1.03 (exit 1 above it).
# ov2ha's figure is taken at the stop; what it spends after (join, .info,
# thumbnail: work the CLI does not do) is printed beside it.
#
# Environment: OV2HA (default build/ov2ha), BENCH_DIR (default ./bench-out),
# BENCH_SECONDS (default 60), BENCH_RUNS (default 1: runs the pair that many
# times and keeps the lowest figure of each, the one least disturbed by other
# load). The two run side by side. Needs GNU time (apt-get install -y time).
set -euo pipefail

OV2HA=${OV2HA:-build/ov2ha}
BENCH_DIR=${BENCH_DIR:-./bench-out}
BENCH_SECONDS=${BENCH_SECONDS:-60}
BENCH_RUNS=${BENCH_RUNS:-1}
CHUNK_SECONDS=10
TARGET=1.03
VIDEO=testsrc2=size=1280x720:rate=25
AUDIO=sine=frequency=440:sample_rate=48000

if [[ ! -x /usr/bin/time ]]; then
    echo "GNU time is missing: apt-get install -y time" >&2
    exit 2
fi
if [[ ! -x $OV2HA ]]; then
    echo "no ov2ha binary at $OV2HA (set OV2HA)" >&2
    exit 2
fi

# The same work as ov2ha: stereo audio (ov2ha always encodes stereo, as
# OpenVidu's pulse capture is), an IDR at every chunk boundary, 1 s fragments.
# Prints its user+sys CPU seconds.
run_cli() {
    local out=$1
    mkdir -p "$out"
    /usr/bin/time -f "%U %S" -o "$out.time" ffmpeg -nostdin -hide_banner \
        -re -f lavfi -i "$VIDEO" -re -f lavfi -i "$AUDIO" -t "$BENCH_SECONDS" \
        -c:v libx264 -preset ultrafast -crf 28 -pix_fmt yuv420p \
        -force_key_frames "expr:gte(t,n_forced*$CHUNK_SECONDS)" \
        -c:a aac -b:a 128k -ac 2 \
        -f segment -segment_time "$CHUNK_SECONDS" \
        -segment_format_options movflags=+frag_keyframe+empty_moov+default_base_moof:frag_duration=1000000 \
        "$out/%04d.mp4" >"$out.log" 2>&1 || {
        echo "ffmpeg failed; see $out.log" >&2
        exit 2
    }
    awk '{ printf "%.2f", $1 + $2 }' "$out.time"
}

# ov2ha runs until its stop file says 'q' at BENCH_SECONDS, as OpenVidu stops
# it. Its CPU is read from /proc just before the stop (capture, encode, chunks:
# the CLI's work) and from GNU time at exit (plus the join, .info and .jpg).
# Prints "CAPTURE TOTAL".
run_ov2ha() {
    local out=$1
    mkdir -p "$out"
    /usr/bin/time -f "%U %S" -o "$out.time" \
        "$OV2HA" record --recordings-dir "$out" --video-id bench --stop-file "$out/stop" \
        --video-input "lavfi:$VIDEO" --audio-input "lavfi:$AUDIO" \
        --chunk-time-size "$CHUNK_SECONDS" --max-duration $((BENCH_SECONDS * 2)) \
        >"$out.log" 2>&1 &
    local timer=$!
    sleep "$BENCH_SECONDS"
    local recorder capture
    recorder=$(pgrep -P "$timer")
    capture=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' \
        "/proc/$recorder/stat")
    echo q >"$out/stop"
    wait "$timer" || {
        echo "ov2ha failed; see $out.log" >&2
        exit 2
    }
    echo "$capture $(awk '{ printf "%.2f", $1 + $2 }' "$out.time")"
}

lowest() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }

rm -rf "$BENCH_DIR"
mkdir -p "$BENCH_DIR"
cli="" capture="" total=""
for run in $(seq "$BENCH_RUNS"); do
    # Side by side, so that other load on the machine weighs on both alike.
    run_cli "$BENCH_DIR/cli-$run" >"$BENCH_DIR/cli-$run.seconds" &
    cli_job=$!
    run_ov2ha "$BENCH_DIR/ov2ha-$run" >"$BENCH_DIR/ov2ha-$run.seconds"
    wait "$cli_job"
    run_cli_seconds=$(cat "$BENCH_DIR/cli-$run.seconds")
    read -r run_capture run_total <"$BENCH_DIR/ov2ha-$run.seconds"
    echo "run $run: ffmpeg CLI $run_cli_seconds, ov2ha capture $run_capture, total $run_total"
    cli=$(lowest "$run_cli_seconds" "$cli")
    capture=$(lowest "$run_capture" "$capture")
    total=$(lowest "$run_total" "$total")
done

ratio=$(awk -v a="$capture" -v b="$cli" 'BEGIN { printf "%.3f", a / b }')
total_ratio=$(awk -v a="$total" -v b="$cli" 'BEGIN { printf "%.3f", a / b }')
echo "ffmpeg CLI:            $cli CPU seconds for $BENCH_SECONDS s"
echo "ov2ha record, capture: $capture CPU seconds for $BENCH_SECONDS s"
echo "ov2ha record, total:   $total CPU seconds (with the join, .info and thumbnail)"
echo "ratio:                 $ratio (target <= $TARGET); with finalizing $total_ratio"
awk -v r="$ratio" -v t="$TARGET" 'BEGIN { exit !(r <= t) }'
