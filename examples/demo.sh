#!/usr/bin/env bash
# The main job on built-in defaults: record a synthetic source in chunks into a
# local folder, crash the recorder with SIGKILL, start it again (numbering
# continues, the cut chunk stays readable), stop it with 'q' the way OpenVidu
# does, and show the final MP4, .info, .recording.<id> and thumbnail.
set -euo pipefail

OV2HA=${OV2HA:-build/ov2ha}
OUT=${DEMO_DIR:-demo-out}
VIDEO_ID=demo
FIRST_RUN_SECONDS=${FIRST_RUN_SECONDS:-14}
SECOND_RUN_SECONDS=${SECOND_RUN_SECONDS:-16}

rm -rf "$OUT"
mkdir -p "$OUT/recordings"
OUT=$(cd "$OUT" && pwd)
RECORDING="$OUT/recordings/$VIDEO_ID"

record() {
    "$OV2HA" record \
        --recordings-dir "$OUT/recordings" --video-id "$VIDEO_ID" --stop-file "$OUT/stop" \
        --video-input "lavfi:testsrc2=size=1280x720:rate=25" \
        --audio-input "lavfi:sine=frequency=440:sample_rate=48000" \
        >>"$OUT/record.log" 2>&1 &
    pid=$!
}

chunk_list() { ls "$RECORDING/chunks" | tr '\n' ' '; }

echo "== 1. recording a test pattern and a tone into $RECORDING/chunks (10 s chunks)"
record
sleep "$FIRST_RUN_SECONDS"
echo "   chunks so far: $(chunk_list)"

echo "== 2. crashing the recorder with SIGKILL (pid $pid) in the middle of a chunk"
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
cut_chunk=$(ls "$RECORDING/chunks" | sort -n | tail -1)
cut_seconds=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$RECORDING/chunks/$cut_chunk")
echo "   the cut chunk $cut_chunk is readable: $cut_seconds s of media survived the kill"

echo "== 3. starting the recorder again with the same VIDEO_ID"
record
sleep "$SECOND_RUN_SECONDS"
echo "   chunks now: $(chunk_list)"

echo "== 4. stopping it as OpenVidu does: echo 'q' > stop"
stop_started=$(date +%s.%N)
echo q >"$OUT/stop"
status=0
wait "$pid" || status=$?
stop_seconds=$(printf "%.2f" "$(echo "$(date +%s.%N) - $stop_started" | bc)")
echo "   recorder exited with status $status, $stop_seconds s after the 'q'"

echo "== 5. the recording, as OpenVidu will read it"
final="$RECORDING/$VIDEO_ID.mp4"
duration=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$final")
echo "   final video:    $final ($(stat -c %s "$final") bytes, $duration s)"
echo "   info:           $RECORDING/$VIDEO_ID.info"
echo "   recording json: $RECORDING/.recording.$VIDEO_ID"
echo "   thumbnail:      $RECORDING/$VIDEO_ID.jpg"
echo "   log:            $OUT/record.log"
echo
echo "   .recording.$VIDEO_ID says:"
sed 's/^/     /' "$RECORDING/.recording.$VIDEO_ID"
echo
echo "final duration: $duration s (two runs of about $FIRST_RUN_SECONDS s and $SECOND_RUN_SECONDS s, minus the second lost to the crash)"
exit "$status"
