#!/usr/bin/env bash
# Platform benchmarks (docs/benchmarks.md): start-to-healthy (first and second run on one data dir),
# idle heap and RSS, and /api/health/live throughput and latency at 64 connections against the
# cheapest static response of the same server (/robots.txt) as a baseline.
# Needs wrk (apt-get install wrk). Usage: scripts/bench.sh [seconds-per-wrk-run]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/java-home.sh"
duration=${1:-20}
command -v wrk >/dev/null || { echo "bench: wrk is required (apt-get install wrk)" >&2; exit 1; }
(cd "$root" && ./mvnw -q -B -DskipTests package)
work=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

start_to_healthy() { # sets $elapsed: milliseconds from exec to the first 200 from /api/health
  local t0 t1
  t0=$(date +%s%N)
  (cd "$work" && PORT=$port exec "$JAVA_HOME/bin/java" -jar "$root/target/director.jar" serve >"$work/server.log" 2>&1) &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port/api/health"; do
    kill -0 "$pid" 2>/dev/null || { echo "bench: server died" >&2; tail -20 "$work/server.log" >&2; exit 1; }
    sleep 0.05
  done
  t1=$(date +%s%N)
  elapsed=$(( (t1 - t0) / 1000000 ))
}

stop() { kill -TERM "$pid"; wait "$pid" || true; pid=""; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
start_to_healthy; first=$elapsed; stop
start_to_healthy; second=$elapsed
echo "start to healthy, embedded database: first run ${first} ms, second run ${second} ms"

sleep 20
jpid=$pid
"$JAVA_HOME/bin/jcmd" "$jpid" GC.run >/dev/null
sleep 2
heap_kb=$("$JAVA_HOME/bin/jcmd" "$jpid" GC.heap_info | awk '/garbage-first heap/ {for (i=1;i<=NF;i++) if ($i=="used") {v=$(i+1); sub("K,?","",v); print v}}')
rss_kb=$(awk '/VmRSS/{print $2}' /proc/"$jpid"/status)
pg_rss_kb=$(for p in $(pgrep -f "postgres -D $work"); do awk '/VmRSS/{print $2}' /proc/$p/status; done | awk '{s+=$1} END {print s+0}')
echo "idle after GC: heap used $((heap_kb / 1024)) MiB, JVM RSS $((rss_kb / 1024)) MiB, embedded PostgreSQL RSS (all backends) $((pg_rss_kb / 1024)) MiB"

for path in /robots.txt /api/health/live; do
  wrk -t2 -c64 -d5s "http://127.0.0.1:$port$path" >/dev/null   # warm-up
done
for path in /robots.txt /api/health/live; do
  echo "--- wrk -t2 -c64 -d${duration}s --latency $path"
  wrk -t2 -c64 -d"${duration}s" --latency "http://127.0.0.1:$port$path" | grep -E 'Requests/sec|Latency  |99%|50%|Non-2xx|Socket errors'
done
