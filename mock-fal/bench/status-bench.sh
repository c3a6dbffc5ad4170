#!/usr/bin/env bash
# Status requests/s against mock-fal, measured with wrk (Debian package `wrk` 4.1.0).
#
#   mvn -B -o -q -pl mock-fal package -DskipTests && mock-fal/bench/status-bench.sh [runs] [seconds] [connections] [threads]
#
# Starts the shaded jar on 127.0.0.1 with a manual clock (so the job's state cannot change under the benchmark),
# submits one pro job, moves it to IN_PROGRESS (5 log lines by then), warms up for one run, then runs `wrk` RUNS
# times against GET .../requests/{id}/status?logs=1 and prints each run and the median. Set LOGGING=1 to keep the
# one-line-per-request access log on (written to /dev/null), JAR to benchmark another build.
set -euo pipefail
RUNS=${1:-5}
SECONDS_PER_RUN=${2:-10}
CONNECTIONS=${3:-16}
THREADS=${4:-2}
PORT=${PORT:-18795}
JAR=${JAR:-mock-fal/target/mock-fal.jar}
BASE="http://127.0.0.1:${PORT}"
AUTH="Authorization: Key bench-key"

command -v wrk >/dev/null || { echo "wrk not found: apt-get install -y wrk" >&2; exit 2; }
[ -f "$JAR" ] || { echo "$JAR not found: mvn -B -o -q -pl mock-fal package -DskipTests" >&2; exit 2; }

QUIET=--quiet
[ "${LOGGING:-0}" = "1" ] && QUIET=
java -jar "$JAR" --port "$PORT" --manual-clock $QUIET --api-key bench-key 2>/dev/null &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT

for _ in $(seq 1 120); do
  curl -fs "$BASE/_mock/clock" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "$BASE/_mock/clock" >/dev/null

ID=$(curl -fs -X POST "$BASE/fal-ai/kling-video/o3/pro/reference-to-video" -H "$AUTH" -H 'Content-Type: application/json' \
  -d '{"prompt":"bench","duration":"5"}' | sed -E 's/.*"request_id":"([^"]+)".*/\1/')
# 15 s queue wait + 80% of the 318 s run: IN_PROGRESS with the start line and four progress lines.
curl -fs -X POST "$BASE/_mock/clock/advance" -d '{"seconds": 270}' >/dev/null
URL="$BASE/fal-ai/kling-video/requests/$ID/status?logs=1"
echo "status: $(curl -s -o /dev/null -w '%{http_code} %{size_download} bytes' -H "$AUTH" "$URL")"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1)"
echo "wrk -t$THREADS -c$CONNECTIONS -d${SECONDS_PER_RUN}s (first run is warm-up, not counted)"

wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -H "$AUTH" "$URL" >/dev/null
RESULTS=()
for i in $(seq 1 "$RUNS"); do
  OUT=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" --latency -H "$AUTH" "$URL")
  RPS=$(echo "$OUT" | awk '/Requests\/sec/ {print $2}')
  P50=$(echo "$OUT" | awk '$1=="50%" {print $2}')
  P99=$(echo "$OUT" | awk '$1=="99%" {print $2}')
  NON2XX=$(echo "$OUT" | awk '/Non-2xx/ {print $5}')
  echo "run $i: $RPS req/s, p50 $P50, p99 $P99${NON2XX:+, non-2xx $NON2XX}"
  RESULTS+=("$RPS")
done
MEDIAN=$(printf '%s\n' "${RESULTS[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}')
echo "median of $RUNS runs: $MEDIAN req/s"
