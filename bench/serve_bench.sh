#!/usr/bin/env bash
# Heartbeats through `ov2ha serve` against the Redis limit on the same machine, in one run:
# starts a redis-server and `ov2ha serve` on free loopback ports, registers SESSIONS sessions
# through the API, then drives PUT /api/sessions/{id}/heartbeat with wrk (keep-alive,
# CONNECTIONS connections, ids picked at random by bench/serve_heartbeat.lua) and measures
# `redis-benchmark -t set` at the same concurrency, RUNS times each, alternating, so that both
# see the same background load. Prints the medians of serve's requests/s and p99 latency, the
# ratio to Redis's SET rate (target >= 0.5), p99 (target <= 5 ms) and serve's peak RSS (VmHWM;
# target <= 30 MB), with the part that is serve's own memory (RssAnon).
#
# Environment: OV2HA (binary, default build/ov2ha), BENCH_DIR (work folder, default
# ./bench-out), SESSIONS (default 10000), CONNECTIONS (default 32), DURATION (seconds of each
# wrk run, default 5), THREADS (wrk threads, default 2), RUNS (default 3).
# Exit status: 0 when every target is met, 1 when one is missed or a tool fails.
set -euo pipefail

ov2ha=${OV2HA:-build/ov2ha}
bench_dir=${BENCH_DIR:-./bench-out}
sessions=${SESSIONS:-10000}
connections=${CONNECTIONS:-32}
duration=${DURATION:-5}
threads=${THREADS:-2}
runs=${RUNS:-3}
here=$(cd "$(dirname "$0")" && pwd)

[[ -x $ov2ha ]] || { echo "$0: no ov2ha binary at $ov2ha (set OV2HA)" >&2; exit 1; }
for tool in redis-server redis-benchmark wrk python3; do
    command -v "$tool" >/dev/null || { echo "$0: $tool is not installed (make setup)" >&2; exit 1; }
done

work="$bench_dir/serve"
rm -rf "$work"
mkdir -p "$work"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

redis_port=$(free_port)
serve_port=$(free_port)
redis_pid=""
serve_pid=""
cleanup() {
    [[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
    [[ -n $redis_pid ]] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
    return 0
}
trap cleanup EXIT

redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work" --save "" --appendonly no \
    --daemonize no >"$work/redis.log" 2>&1 &
redis_pid=$!
for _ in $(seq 100); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.05
done

user=bench
password=bench-password
HA_CONTROLLER_USERNAME=$user HA_CONTROLLER_PASSWORD=$password \
    "$ov2ha" serve --listen "127.0.0.1:$serve_port" --redis "redis://127.0.0.1:$redis_port/0" \
    2>"$work/serve.log" &
serve_pid=$!
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$serve_port/actuator/health" >/dev/null 2>&1 && break
    sleep 0.05
done
authorization="Basic $(printf '%s' "$user:$password" | base64)"

# Registration over one keep-alive connection, as a recorder fleet would have done it.
python3 - "$serve_port" "$sessions" "$authorization" <<'PY'
import http.client, json, sys
port, count, authorization = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
connection = http.client.HTTPConnection("127.0.0.1", port)
for n in range(count):
    body = json.dumps({"sessionId": f"bench-{n}", "clientId": "bench-host", "clientHost": "10.0.0.1",
                       "uniqueSessionId": f"ses_{n}",
                       "environment": {"url": "https://layout.example/session", "onlyVideo": "false",
                                       "resolution": "1280x720", "framerate": "25",
                                       "videoId": f"bench-{n}", "videoName": f"bench-{n}",
                                       "videoFormat": "mp4", "chunkTimeSize": "10"}})
    connection.request("POST", "/api/sessions", body,
                       {"Content-Type": "application/json", "Authorization": authorization})
    answer = connection.getresponse()
    answer.read()
    if answer.status != 201:
        sys.exit(f"registration of bench-{n} answered {answer.status}")
PY
echo "registered $sessions sessions"

median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
serve_runs=()
p99_runs=()
redis_runs=()
errors=""
for ((run = 1; run <= runs; run++)); do
    SESSIONS=$sessions AUTHORIZATION=$authorization \
        wrk -t"$threads" -c"$connections" -d"${duration}s" --latency \
        -s "$here/serve_heartbeat.lua" "http://127.0.0.1:$serve_port" >"$work/wrk-$run.txt"
    serve_runs+=("$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk-$run.txt")")
    p99_runs+=("$(awk '$1 == "99%" {v = $2;
        if (v ~ /us$/) printf "%.3f", v / 1000; else if (v ~ /ms$/) printf "%.3f", v + 0;
        else printf "%.3f", v * 1000 }' "$work/wrk-$run.txt")")
    errors+=$(awk '/Non-2xx/ {print $NF}' "$work/wrk-$run.txt")
    redis-benchmark -p "$redis_port" -c "$connections" -n $((connections * 5000)) -t set -q \
        >"$work/redis-benchmark-$run.txt" 2>&1
    redis_runs+=("$(tr '\r' '\n' <"$work/redis-benchmark-$run.txt" |
        awk '/^SET: [0-9.]+ requests per second/ {print $2}' | tail -1)")
    echo "run $run: serve ${serve_runs[-1]} requests/s, p99 ${p99_runs[-1]} ms; redis SET ${redis_runs[-1]} requests/s"
done
serve_rps=$(printf '%s\n' "${serve_runs[@]}" | median)
p99_ms=$(printf '%s\n' "${p99_runs[@]}" | median)
redis_rps=$(printf '%s\n' "${redis_runs[@]}" | median)

hwm_kb=$(awk '/^VmHWM:/ {print $2}' "/proc/$serve_pid/status")
anon_kb=$(awk '/^RssAnon:/ {print $2}' "/proc/$serve_pid/status")
libraries=$(awk '$6 ~ /\.so/ {print $6}' "/proc/$serve_pid/maps" | sort -u | wc -l)

ratio=$(awk -v a="$serve_rps" -v b="$redis_rps" 'BEGIN {printf "%.2f", a / b}')
hwm_mb=$(awk -v k="$hwm_kb" 'BEGIN {printf "%.1f", k / 1024}')
anon_mb=$(awk -v k="$anon_kb" 'BEGIN {printf "%.1f", k / 1024}')
verdict() { if awk -v x="$1" -v y="$3" "BEGIN {exit !(x $2 y)}"; then echo met; else echo MISSED; fi; }

echo
echo "serve heartbeats:  $serve_rps requests/s, p99 $p99_ms ms (medians of $runs runs: $connections connections, ${threads} wrk threads, ${duration} s each)"
echo "redis SET:         $redis_rps requests/s (median of $runs runs, $connections connections)"
echo "ratio serve/redis: $ratio (target >= 0.5: $(verdict "$ratio" '>=' 0.5))"
echo "p99:               $p99_ms ms (target <= 5 ms: $(verdict "$p99_ms" '<=' 5))"
echo "serve peak RSS:    $hwm_mb MB VmHWM (target <= 30 MB: $(verdict "$hwm_mb" '<=' 30));" \
     "$anon_mb MB of it is serve's own memory (RssAnon), the rest the $libraries shared" \
     "libraries it maps (FFmpeg is loaded only by the commands that use media)"
[[ -z $errors ]] || echo "non-2xx answers: $errors"

failed=0
[[ $(verdict "$ratio" '>=' 0.5) == met ]] || failed=1
[[ $(verdict "$p99_ms" '<=' 5) == met ]] || failed=1
[[ $(verdict "$hwm_mb" '<=' 30) == met ]] || failed=1
[[ -z $errors ]] || failed=1
exit $failed
