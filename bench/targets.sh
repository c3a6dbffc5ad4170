#!/usr/bin/env bash
# Runs every performance target's benchmark in turn (the "Targets, side by side" table of BENCHMARKS.md) and prints
# each one's result lines; full logs go to target/bench-logs/. Run it on a machine with nothing else building: the
# ratios hold up under load, the absolute times do not. Takes ~15 minutes (P3 at fal's pace runs beside the others).
#
# usage: bench/run targets
set -uo pipefail
cd "$(dirname "$0")/.."
logs=target/bench-logs
mkdir -p "$logs"
say() { echo "$(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg): $*" >&2; }

if [[ -z ${BENCH_NO_BUILD:-} ]]; then
  mvn -B -q -pl server,mock-fal -am package -DskipTests >&2 || exit 1
  mvn -B -q -pl server,mock-fal -am test-compile >&2 || exit 1
fi
export BENCH_NO_BUILD=1
# P3 at fal's real pace mostly sleeps: beside the others (its figure is a count of requests, not a time).
bench/run upstream-requests 1 >"$logs/p3-real-pace.log" 2>&1 &
real_pace=$!

run() { # name pattern command...
  local name=$1 pattern=$2
  shift 2
  say "$name: $*"
  timeout 1200 "$@" >"$logs/$name.log" 2>&1 || say "$name FAILED (rc $?), see $logs/$name.log"
  grep -E "$pattern" "$logs/$name.log"
}
run p1-cold-start '÷ node|^node|launcher, cached|java -jar|class archive' env FIRST_RUN=0 bench/run cold-start 5
# P2: every lane is warmed by 20,000 calls at 16 callers first (the "warmup" lines), the one-caller row too.
run p2-http-overhead '^\{"(lane|warmup)"' bench/run http-overhead 32 5 3
run p2-http-overhead-1-caller '^\{"(lane|warmup)"' env OPEN_RATES=none bench/run http-overhead 1 5 3
# The same rows with undici's Pool.request as the client of every lane (Node's fetch spends ~4x the CPU per call).
run p2-http-overhead-undici '^\{"(lane|warmup)"' env CLIENT=undici bench/run http-overhead 32 5 3
# The same lanes with wrk as the client (1 and 32 connections): what the server side adds without Node's client cost.
run p2-http-overhead-wrk '^\{"(lane|warmup)"' bench/run http-overhead-wrk 1,32 5 3
run p3-mock-x10 '^\{"speed"' bench/run upstream-requests 10
run p4-status-vs-hello '^median' bench/run status-vs-hello 5 8 16 2
run p5-sqlite '^RESULT' bench/run p5-scale
run p5-postgresql '^RESULT' env LEDGER=postgresql bench/run p5-scale
run p6-streaming '^upload:|^result download:' bench/run p6-streaming 1024 7
say "p3-real-pace: waiting for the 5.5-minute job"
wait "$real_pace" || say "p3-real-pace FAILED, see $logs/p3-real-pace.log"
grep -E '^\{"speed"' "$logs/p3-real-pace.log"
say "done; logs in $logs/"
