#!/usr/bin/env bash
# Times `ov2ha join` on 360 chunks of 10 s (1280x720, made by make_chunks.sh)
# against `ffmpeg -f concat -c copy` and against `cp` of the same bytes, runs
# each several times and prints the medians and the two ratios with their
# targets: join / ffmpeg concat <= 0.8 and join / cp <= 2.
#
# Environment: OV2HA (binary, default build/ov2ha), BENCH_DIR (work folder,
# default ./bench-out; the chunks stay there for the next run), RUNS (default 5),
# CHUNKS (default 360), SECONDS_PER_CHUNK (default 10).
# Exit status: 0 when both targets are met, 1 when one is missed or a tool fails.
set -euo pipefail

ov2ha=${OV2HA:-build/ov2ha}
bench_dir=${BENCH_DIR:-./bench-out}
runs=${RUNS:-5}
count=${CHUNKS:-360}
seconds=${SECONDS_PER_CHUNK:-10}
here=$(cd "$(dirname "$0")" && pwd)

[[ -x $ov2ha ]] || { echo "$0: no ov2ha binary at $ov2ha (set OV2HA)" >&2; exit 1; }
for tool in ffmpeg ffprobe; do
    command -v "$tool" >/dev/null || { echo "$0: $tool is not installed" >&2; exit 1; }
done

chunks="$bench_dir/chunks"
mkdir -p "$bench_dir"
made=0
if [[ -d $chunks ]]; then
    made=$(find "$chunks" -maxdepth 1 -name '[0-9][0-9][0-9][0-9]*.mp4' | wc -l)
fi
if [[ $made -ne $count ]]; then
    rm -rf "$chunks"
    "$here/make_chunks.sh" "$chunks" "$count" "$seconds"
fi
chunks=$(cd "$chunks" && pwd)
list="$bench_dir/concat-list.txt"
for ((i = 1; i <= count; i++)); do
    printf "file '%s/%04d.mp4'\n" "$chunks" "$i"
done >"$list"

join_out="$bench_dir/join.mp4"
concat_out="$bench_dir/concat.mp4"
cp_out="$bench_dir/cp-copy"

now() { date +%s.%N; }

# Runs "$@" after removing the previous output and flushing earlier writes,
# so every run starts alike; prints the elapsed seconds.
timed() {
    rm -rf "$join_out" "$concat_out" "$cp_out"
    sync
    local start end
    start=$(now)
    "$@"
    end=$(now)
    awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f\n", b - a}'
}

run_join() { "$ov2ha" join "$chunks" -o "$join_out" >/dev/null; }
run_concat() { ffmpeg -v error -y -f concat -safe 0 -i "$list" -c copy "$concat_out"; }
run_cp() { mkdir "$cp_out" && cp "$chunks"/*.mp4 "$cp_out/"; }

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

cat "$chunks"/*.mp4 >/dev/null # same warm page cache for every tool
echo "bench: $count chunks of $seconds s ($(du -sh "$chunks" | cut -f1)), $runs runs each, $(nproc) cores"
join_times=() concat_times=() cp_times=()
for ((run = 1; run <= runs; run++)); do
    join_times+=("$(timed run_join)")
    concat_times+=("$(timed run_concat)")
    cp_times+=("$(timed run_cp)")
    printf 'run %d: join %.2f s, ffmpeg concat %.2f s, cp %.2f s\n' "$run" \
        "${join_times[-1]}" "${concat_times[-1]}" "${cp_times[-1]}"
done

# Leave one join output to look at, and check it against ffmpeg's.
run_join
join_duration=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$join_out")
run_concat
concat_duration=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$concat_out")
rm -rf "$concat_out" "$cp_out"

join_median=$(median "${join_times[@]}")
concat_median=$(median "${concat_times[@]}")
cp_median=$(median "${cp_times[@]}")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f\n", a / b}'; }
concat_ratio=$(ratio "$join_median" "$concat_median")
cp_ratio=$(ratio "$join_median" "$cp_median")
verdict() { if awk -v a="$1" -v b="$2" 'BEGIN {exit !(a <= b)}'; then echo met; else echo MISSED; fi; }

printf 'median: ov2ha join %.2f s, ffmpeg concat %.2f s, cp %.2f s\n' \
    "$join_median" "$concat_median" "$cp_median"
printf 'output duration: ov2ha join %.3f s, ffmpeg concat %.3f s\n' \
    "$join_duration" "$concat_duration"
printf 'join / ffmpeg concat = %.2f (target <= 0.8): %s\n' "$concat_ratio" \
    "$(verdict "$concat_ratio" 0.8)"
printf 'join / cp            = %.2f (target <= 2.0): %s\n' "$cp_ratio" "$(verdict "$cp_ratio" 2)"
[[ $(verdict "$concat_ratio" 0.8) == met && $(verdict "$cp_ratio" 2) == met ]]
