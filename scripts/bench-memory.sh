#!/usr/bin/env bash
# Memory benchmarks (docs/benchmarks.md): ingest rate with embeddings (batches of 100 events),
# search p50/p95 in one tenant at each size, and the memory the vector index takes.
# Usage: scripts/bench-memory.sh [sizes, default 10000,100000]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/java-home.sh"
sizes=${1:-10000,100000}
(cd "$root" && ./mvnw -q -B -DskipTests package)
work=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
url="http://127.0.0.1:$port"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
[ -n "${BENCH_KEEP_LOG:-}" ] && trap 'cp "$work/server.log" "$BENCH_KEEP_LOG"; cleanup' EXIT

(cd "$work" && PORT=$port USER_RATE_LIMIT_MAX_REQUESTS=1000000000 MEMORY_RATE_LIMIT_WRITES=1000000000 \
  MEMORY_RATE_LIMIT_SEARCH=1000000000 MEMORY_RATE_LIMIT_CONTEXT=1000000000 MAX_REQUEST_BODY_SIZE=8MiB ACCESS_TOKEN_TTL=2h \
  exec "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -jar "$root/target/director.jar" serve >"$work/server.log" 2>&1) &
pid=$!
until curl -fs -o /dev/null "$url/api/health"; do sleep 0.2; done

password=bench-password-0123456789
curl -fs -XPOST "$url/auth/register" -H 'content-type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$password\",\"tenant_id\":\"bench\"}" >/dev/null
access=$(curl -fs -XPOST "$url/auth/login" -H 'content-type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$password\"}" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
"$JAVA_HOME/bin/java" "$root/scripts/MemoryBench.java" "$url" "Bearer $access" "$pid" "$sizes" "$work/server.log"
