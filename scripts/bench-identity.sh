#!/usr/bin/env bash
# Identity benchmarks (docs/benchmarks.md): authenticated request overhead (API key, JWT) against
# the unauthenticated liveness probe of the same server, and login throughput at the default
# bcrypt cost. Rate limits are raised so that they count but never refuse.
# Needs wrk. Usage: scripts/bench-identity.sh [seconds-per-wrk-run]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/java-home.sh"
duration=${1:-20}
command -v wrk >/dev/null || { echo "bench: wrk is required (apt-get install wrk)" >&2; exit 1; }
(cd "$root" && ./mvnw -q -B -DskipTests package)
work=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
url="http://127.0.0.1:$port"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

(cd "$work" && PORT=$port API_KEY_RATE_LIMIT_MAX_REQUESTS=1000000000 USER_RATE_LIMIT_MAX_REQUESTS=1000000000 \
  AUTH_RATE_LIMIT_MAX_ATTEMPTS=1000000000 exec "$JAVA_HOME/bin/java" -jar "$root/target/director.jar" serve >"$work/server.log" 2>&1) &
pid=$!
until curl -fs -o /dev/null "$url/api/health"; do sleep 0.2; done

password=bench-password-0123456789
curl -fs -XPOST "$url/auth/register" -H 'content-type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$password\",\"tenant_id\":\"bench\"}" >/dev/null
access=$(curl -fs -XPOST "$url/auth/login" -H 'content-type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$password\"}" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
key=$(curl -fs -XPOST "$url/api/keys" -H "Authorization: Bearer $access" -H 'content-type: application/json' \
  -d '{"name":"bench","scopes":["mcp:connect"]}' | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
run() { # label, then wrk arguments
  local label=$1; shift
  echo "--- $label"
  wrk -t2 -c64 -d"${duration}s" --latency "$@" | grep -E 'Requests/sec|Latency  |50%|99%|Non-2xx'
}
for warm in "$url/api/health/live" "$url/auth/me"; do wrk -t2 -c64 -d5s -H "Authorization: Bearer $key" "$warm" >/dev/null; done
run "unauthenticated GET /api/health/live" "$url/api/health/live"
run "API key GET /auth/me" -H "Authorization: Bearer $key" "$url/auth/me"
run "JWT GET /auth/me" -H "Authorization: Bearer $access" "$url/auth/me"

cat > "$work/login.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"username":"bench","password":"$password"}'
wrk.headers["Content-Type"] = "application/json"
LUA
echo "--- POST /auth/login, bcrypt cost 12 (default), 1 connection"
wrk -t1 -c1 -d"${duration}s" --latency -s "$work/login.lua" "$url/auth/login" | grep -E 'Requests/sec|50%|99%|Non-2xx'
echo "--- POST /auth/login, bcrypt cost 12 (default), 8 connections"
wrk -t2 -c8 -d"${duration}s" --latency -s "$work/login.lua" "$url/auth/login" | grep -E 'Requests/sec|50%|99%|Non-2xx'
