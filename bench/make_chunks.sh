#!/usr/bin/env bash
# Makes N chunks of S seconds in a folder, as a recorder would leave them:
# fragmented MP4 (H.264 + stereo AAC, the recorder's audio layout, so its own
# chunks join with these) named 0001.mp4 .. NNNN.mp4. One chunk is encoded
# with the ffmpeg CLI and copied N times, so making 360 is quick.
#
# usage: bench/make_chunks.sh FOLDER [N=360] [S=10]
set -euo pipefail

if [[ $# -lt 1 || $1 == -h || $1 == --help ]]; then
    echo "usage: $0 FOLDER [N=360] [S=10]" >&2
    echo "  makes N fragmented-MP4 chunks of S seconds (1280x720@25 testsrc2 + 48 kHz stereo sine)" >&2
    exit 2
fi
folder=$1
count=${2:-360}
seconds=${3:-10}

command -v ffmpeg >/dev/null || { echo "$0: ffmpeg is not installed" >&2; exit 1; }
mkdir -p "$folder"
first="$folder/0001.mp4"
ffmpeg -v error -y \
    -f lavfi -i "testsrc2=size=1280x720:rate=25" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000" \
    -t "$seconds" \
    -c:v libx264 -preset ultrafast -crf 28 -pix_fmt yuv420p \
    -c:a aac -ac 2 \
    -movflags +frag_keyframe+empty_moov+default_base_moof -frag_duration 1000000 \
    "$first"
for ((i = 2; i <= count; i++)); do
    cp "$first" "$folder/$(printf '%04d' "$i").mp4"
done
echo "made $count chunks of $seconds s in $folder ($(du -sh "$folder" | cut -f1))"
