#!/usr/bin/env bash
# Upload throughput of `ov2ha upload` against `curl --aws-sigv4` sending the same bytes to
# the same s3rver in the same run: one 200 MB file, and 100 chunk-sized files (2.5 MB
# each) that curl sends one after the other, as a script would. Runs each several times,
# prints the medians, both throughputs and both ratios with their targets: single file
# >= 0.95 of curl's throughput, many files > 1.0 (better than curl).
#
# s3rver checks the access key, not the signature, and wants x-amz-content-sha256, which
# curl 7.88 does not send by itself: curl gets `-H "x-amz-content-sha256: UNSIGNED-PAYLOAD"`
# (it then signs that header; newer curl sends it unasked). ov2ha hashes every body (its
# SHA-256, signed) before sending it, as its S3 client always does; curl sends the bytes
# unhashed. With the default settings the 200 MB file goes up as a multipart upload (parts
# of 8 MiB, 4 at a time).
#
# Lines that explain the judged single-file figure, not judged themselves: where ov2ha's
# time went (process start, parts, and s3rver's answer to CompleteMultipartUpload, read
# from ov2ha's debug log); the same multipart upload driven by curl (the file pre-split in
# 8 MiB parts, 4 sent at a time, then CompleteMultipartUpload, timed on its own), which
# shows what s3rver's completion costs any client (it re-reads, re-hashes and rewrites the
# whole object on its one thread; AWS does not); the file as one PutObject
# (--multipart-threshold-mb 1024); the CPU seconds s3rver spent on each single-file upload
# (from /proc: its one thread at full speed is the bound on every upload's time); and the
# start-up of each tool (--version).
#
# Environment: OV2HA (binary, default build/ov2ha), BENCH_DIR (work folder, default
# ./bench-out; the input files stay there for the next run), RUNS (default 3), S3RVER
# (s3rver.js, default node_modules/s3rver/bin/s3rver.js), OV2HA_UPLOAD_FLAGS (extra flags
# for `ov2ha upload`, e.g. "--multipart-threshold-mb 256").
# Exit status: 0 when both targets are met, 1 when one is missed or a tool fails.
set -euo pipefail

ov2ha=${OV2HA:-build/ov2ha}
bench_dir=${BENCH_DIR:-./bench-out}
runs=${RUNS:-3}
here=$(cd "$(dirname "$0")" && pwd)
s3rver=${S3RVER:-$here/../node_modules/s3rver/bin/s3rver.js}
read -r -a upload_flags <<<"${OV2HA_UPLOAD_FLAGS:-}"

[[ -x $ov2ha ]] || { echo "$0: no ov2ha binary at $ov2ha (set OV2HA)" >&2; exit 1; }
for tool in curl node python3; do
    command -v "$tool" >/dev/null || { echo "$0: $tool is not installed (make setup)" >&2; exit 1; }
done
[[ -f $s3rver ]] || { echo "$0: no s3rver at $s3rver (make setup installs it)" >&2; exit 1; }

work="$bench_dir/upload"
inputs="$work/inputs"
mkdir -p "$inputs/many"
single="$inputs/single.bin"
single_bytes=200000000
many_count=100
many_size=2500000
if [[ ! -f $single || $(stat -c %s "$single") -ne $single_bytes ]]; then
    head -c "$single_bytes" /dev/urandom >"$single"
fi
for ((i = 1; i <= many_count; i++)); do
    file=$(printf '%s/many/%04d.mp4' "$inputs" "$i")
    if [[ ! -f $file || $(stat -c %s "$file") -ne $many_size ]]; then
        head -c "$many_size" /dev/urandom >"$file"
    fi
done
many_bytes=$((many_count * many_size))

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
endpoint="http://127.0.0.1:$port"
rm -rf "$work/s3rver"
mkdir -p "$work/s3rver"
node --openssl-legacy-provider "$s3rver" --address 127.0.0.1 --port "$port" \
    --directory "$work/s3rver" --silent >"$work/s3rver.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    curl -s -o /dev/null "$endpoint" && break
    sleep 0.1
done

export HA_AWS_S3_SERVICE_ENDPOINT=$endpoint HA_AWS_ACCESS_KEY=S3RVER HA_AWS_SECRET_KEY=S3RVER
echo tiny >"$work/tiny"
"$ov2ha" --log-level warn upload --create-bucket "$work/tiny" s3://bench/setup >/dev/null

curl_s3() { # CURL ARGUMENTS...
    curl -sSf --aws-sigv4 "aws:amz:us-east-1:s3" --user S3RVER:S3RVER \
        -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$@"
}
curl_put() { # FILE KEY
    curl_s3 -o /dev/null -T "$1" "$endpoint/bench/$2"
}
run_curl_single() { curl_put "$single" curl/single.bin; }
# The single file as a multipart upload, as ov2ha sends it by default: 8 MiB parts, 4 in
# flight at a time. Leaves the seconds CompleteMultipartUpload took in $work/curl-complete.
run_curl_multipart() {
    local url="$endpoint/bench/curl/multipart.bin" upload_id part number=0 i etag start end
    local xml="<CompleteMultipartUpload>" answers="$work/curl-parts"
    upload_id=$(curl_s3 -X POST "$url?uploads" | sed -n 's:.*<UploadId>\(.*\)</UploadId>.*:\1:p')
    [[ -n $upload_id ]] || { echo "$0: s3rver started no multipart upload" >&2; return 1; }
    rm -rf "$answers"
    mkdir -p "$answers"
    for part in "$parts_dir"/part.*; do
        number=$((number + 1))
        while (($(jobs -rp | wc -l) >= part_parallelism)); do wait -n || true; done
        curl_s3 -o /dev/null -D "$answers/$number" -T "$part" \
            "$url?partNumber=$number&uploadId=$upload_id" &
    done
    wait
    for ((i = 1; i <= number; i++)); do
        etag=$(tr -d '\r' <"$answers/$i" | sed -n 's/^[Ee][Tt][Aa][Gg]: *//p')
        [[ -n $etag ]] || { echo "$0: s3rver kept no part $i (no ETag)" >&2; return 1; }
        xml+="<Part><PartNumber>$i</PartNumber><ETag>$etag</ETag></Part>"
    done
    xml+="</CompleteMultipartUpload>"
    start=$(now)
    curl_s3 -o /dev/null -X POST -H "Content-Type: application/xml" --data-binary "$xml" \
        "$url?uploadId=$upload_id"
    end=$(now)
    awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f\n", b - a}' >"$work/curl-complete"
}
run_curl_many() {
    local file
    for file in "$inputs"/many/*.mp4; do
        curl_put "$file" "curl/many/$(basename "$file")"
    done
}
# The judged run; its debug log (one line per request) says where the time went.
run_ov2ha_single() {
    "$ov2ha" --log-level debug upload "${upload_flags[@]}" "$single" s3://bench/ov2ha \
        >/dev/null 2>"$work/ov2ha-single.log" || { cat "$work/ov2ha-single.log" >&2; return 1; }
}
run_ov2ha_single_put() {
    "$ov2ha" --log-level warn upload "${upload_flags[@]}" --multipart-threshold-mb 1024 \
        "$single" s3://bench/ov2ha-put >/dev/null
}
run_ov2ha_many() {
    "$ov2ha" --log-level warn upload "${upload_flags[@]}" "$inputs/many" s3://bench/ov2ha/many \
        >/dev/null
}

now() { date +%s.%N; }
quiet() { "$@" >/dev/null; }
# The CPU seconds s3rver (one Node thread) has used so far.
server_cpu() {
    awk -v ticks="$(getconf CLK_TCK)" '{printf "%.3f\n", ($14 + $15) / ticks}' "/proc/$server/stat"
}
# Runs FUNCTION timed: appends its seconds to the array TIMES and the CPU seconds s3rver
# spent meanwhile to the array CPUS.
measure() { # TIMES CPUS FUNCTION
    local -n times=$1 cpus=$2
    local before after
    before=$(server_cpu)
    times+=("$(timed "$3")")
    after=$(server_cpu)
    cpus+=("$(awk -v a="$before" -v b="$after" 'BEGIN {printf "%.3f", b - a}')")
}
timed() {
    local start end
    start=$(now)
    "$@"
    end=$(now)
    awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f\n", b - a}'
}
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
rate() { awk -v bytes="$1" -v seconds="$2" 'BEGIN {printf "%.1f", bytes / 1e6 / seconds}'; }
# From an ov2ha debug log: the seconds from CreateMultipartUpload's answer to the last
# UploadPart's answer, and the seconds s3rver took to answer CompleteMultipartUpload.
phases() {
    awk 'function seconds(stamp, parts, clock) {
             split(stamp, parts, "T"); split(substr(parts[2], 1, length(parts[2]) - 1), clock, ":")
             return clock[1] * 3600 + clock[2] * 60 + clock[3]
         }
         /operation=CreateMultipartUpload / { created = seconds($1) }
         /operation=UploadPart / { last = seconds($1) }
         /operation=CompleteMultipartUpload / { match($0, /ms=[0-9]+/); ms = substr($0, RSTART + 3, RLENGTH - 3) }
         END { parts = last - created; if (parts < 0) parts += 86400; printf "%.3f %.3f\n", parts, ms / 1000 }' "$1"
}

part_parallelism=4
parts_dir="$inputs/parts"
if [[ ! $parts_dir/stamp -nt $single ]]; then
    rm -rf "$parts_dir"
    mkdir -p "$parts_dir"
    split -b $((8 * 1024 * 1024)) -d -a 4 "$single" "$parts_dir/part."
    touch "$parts_dir/stamp"
fi

cat "$single" "$inputs"/many/*.mp4 >/dev/null # the same warm page cache for both tools
echo "bench: 1 file of $((single_bytes / 1000000)) MB and $many_count files of" \
    "$(awk -v b="$many_size" 'BEGIN {print b / 1e6}') MB to s3rver, $runs runs each, $(nproc) cores"
curl_single=() ov2ha_single=() ov2ha_put=() curl_many=() ov2ha_many=()
curl_multipart=() curl_complete=() ov2ha_parts=() ov2ha_complete=()
curl_single_cpu=() ov2ha_single_cpu=() curl_multipart_cpu=() ov2ha_put_cpu=()
for ((run = 1; run <= runs; run++)); do
    # Alternate who goes first, so neither always meets a server that just worked hard.
    if ((run % 2)); then
        measure curl_single curl_single_cpu run_curl_single
        measure ov2ha_single ov2ha_single_cpu run_ov2ha_single
        measure curl_multipart curl_multipart_cpu run_curl_multipart
        measure ov2ha_put ov2ha_put_cpu run_ov2ha_single_put
        curl_many+=("$(timed run_curl_many)")
        ov2ha_many+=("$(timed run_ov2ha_many)")
    else
        measure ov2ha_put ov2ha_put_cpu run_ov2ha_single_put
        measure curl_multipart curl_multipart_cpu run_curl_multipart
        measure ov2ha_single ov2ha_single_cpu run_ov2ha_single
        measure curl_single curl_single_cpu run_curl_single
        ov2ha_many+=("$(timed run_ov2ha_many)")
        curl_many+=("$(timed run_curl_many)")
    fi
    curl_complete+=("$(cat "$work/curl-complete")")
    read -r parts complete < <(phases "$work/ov2ha-single.log")
    ov2ha_parts+=("$parts")
    ov2ha_complete+=("$complete")
    printf 'run %d: single file: curl %.2f s, ov2ha %.2f s (parts %.2f s, completion %.2f s);' \
        "$run" "${curl_single[-1]}" "${ov2ha_single[-1]}" "$parts" "$complete"
    printf ' curl multipart %.2f s (completion %.2f s); one PutObject %.2f s;' \
        "${curl_multipart[-1]}" "${curl_complete[-1]}" "${ov2ha_put[-1]}"
    printf ' %d files: curl %.2f s, ov2ha %.2f s\n' "$many_count" "${curl_many[-1]}" \
        "${ov2ha_many[-1]}"
done
ov2ha_start=() curl_start=()
for ((run = 1; run <= 5; run++)); do
    ov2ha_start+=("$(timed quiet "$ov2ha" --version)")
    curl_start+=("$(timed quiet curl --version)")
done

curl_single_s=$(median "${curl_single[@]}")
ov2ha_single_s=$(median "${ov2ha_single[@]}")
ov2ha_put_s=$(median "${ov2ha_put[@]}")
curl_multipart_s=$(median "${curl_multipart[@]}")
curl_complete_s=$(median "${curl_complete[@]}")
ov2ha_parts_s=$(median "${ov2ha_parts[@]}")
ov2ha_complete_s=$(median "${ov2ha_complete[@]}")
ov2ha_start_s=$(median "${ov2ha_start[@]}")
curl_start_s=$(median "${curl_start[@]}")
curl_single_cpu_s=$(median "${curl_single_cpu[@]}")
ov2ha_single_cpu_s=$(median "${ov2ha_single_cpu[@]}")
curl_multipart_cpu_s=$(median "${curl_multipart_cpu[@]}")
ov2ha_put_cpu_s=$(median "${ov2ha_put_cpu[@]}")
curl_many_s=$(median "${curl_many[@]}")
ov2ha_many_s=$(median "${ov2ha_many[@]}")
single_ratio=$(awk -v c="$curl_single_s" -v o="$ov2ha_single_s" 'BEGIN {printf "%.2f", c / o}')
put_ratio=$(awk -v c="$curl_single_s" -v o="$ov2ha_put_s" 'BEGIN {printf "%.2f", c / o}')
multipart_ratio=$(awk -v c="$curl_multipart_s" -v o="$ov2ha_single_s" 'BEGIN {printf "%.2f", c / o}')
many_ratio=$(awk -v c="$curl_many_s" -v o="$ov2ha_many_s" 'BEGIN {printf "%.2f", c / o}')
verdict() { if awk -v a="$1" -v b="$2" -v strict="$3" 'BEGIN {exit !(strict ? a > b : a >= b)}'; then echo met; else echo MISSED; fi; }
single_verdict=$(verdict "$single_ratio" 0.95 0)
many_verdict=$(verdict "$many_ratio" 1.0 1)

printf 'single file: curl %s MB/s, ov2ha %s MB/s (medians %.2f s, %.2f s)\n' \
    "$(rate "$single_bytes" "$curl_single_s")" "$(rate "$single_bytes" "$ov2ha_single_s")" \
    "$curl_single_s" "$ov2ha_single_s"
printf '  ov2ha: %.2f s of parts (CreateMultipartUpload to the last part), %.2f s waiting for\n' \
    "$ov2ha_parts_s" "$ov2ha_complete_s"
printf '  s3rver to answer CompleteMultipartUpload, the rest start-up and hashing the first parts\n'
printf 'single file, multipart by curl (8 MiB parts, 4 at a time): %s MB/s (median %.2f s, of\n' \
    "$(rate "$single_bytes" "$curl_multipart_s")" "$curl_multipart_s"
printf '  which CompleteMultipartUpload %.2f s); ov2ha / curl multipart = %s (not judged)\n' \
    "$curl_complete_s" "$multipart_ratio"
printf 'single file as one PutObject: ov2ha %s MB/s (median %.2f s), %s of curl (not judged)\n' \
    "$(rate "$single_bytes" "$ov2ha_put_s")" "$ov2ha_put_s" "$put_ratio"
printf 's3rver CPU seconds per single-file upload (its one thread bounds each upload): curl\n'
printf '  PUT %.2f, ov2ha multipart %.2f, curl multipart %.2f, ov2ha PutObject %.2f (medians)\n' \
    "$curl_single_cpu_s" "$ov2ha_single_cpu_s" "$curl_multipart_cpu_s" "$ov2ha_put_cpu_s"
printf '%d files:   curl %s MB/s, ov2ha %s MB/s (medians %.2f s, %.2f s)\n' "$many_count" \
    "$(rate "$many_bytes" "$curl_many_s")" "$(rate "$many_bytes" "$ov2ha_many_s")" \
    "$curl_many_s" "$ov2ha_many_s"
printf 'start-up (--version): ov2ha %.3f s, curl %.3f s (medians of 5, in every run above)\n' \
    "$ov2ha_start_s" "$curl_start_s"
printf 'ov2ha / curl throughput, single file = %s (target >= 0.95): %s\n' "$single_ratio" \
    "$single_verdict"
printf 'ov2ha / curl throughput, %d files   = %s (target > 1.0): %s\n' "$many_count" \
    "$many_ratio" "$many_verdict"
[[ $single_verdict == met && $many_verdict == met ]]
