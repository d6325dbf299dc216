#!/usr/bin/env bash
# Session benchmarks (docs/benchmarks.md): create -> first output byte against a bare process,
# 100 sessions at once, and Director's RSS with 200 idle sessions. Needs bubblewrap.
# Usage: scripts/bench-sessions.sh [rounds]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/java-home.sh"
rounds=${1:-100}
command -v bwrap >/dev/null || { echo "bench: bubblewrap is required (apt-get install bubblewrap)" >&2; exit 1; }
(cd "$root" && ./mvnw -q -B -DskipTests package)
work=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
url="http://127.0.0.1:$port"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

(cd "$work" && PORT=$port MAX_AGENT_SESSIONS=300 MAX_AGENT_SESSIONS_PER_TENANT=300 USER_RATE_LIMIT_MAX_REQUESTS=1000000000 \
  AGENT_SESSION_STOP_GRACE=1s exec "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -jar "$root/target/director.jar" serve >"$work/server.log" 2>&1) &
pid=$!
until curl -fs -o /dev/null "$url/api/health"; do sleep 0.2; done

password=bench-password-0123456789
curl -fs -XPOST "$url/auth/register" -H 'content-type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$password\",\"tenant_id\":\"bench\"}" >/dev/null
access=$(curl -fs -XPOST "$url/auth/login" -H 'content-type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$password\"}" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), $(bwrap --version)"
"$JAVA_HOME/bin/java" "$root/scripts/SessionBench.java" "$url" "Bearer $access" "$pid" "$rounds"
