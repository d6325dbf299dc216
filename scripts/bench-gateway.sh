#!/usr/bin/env bash
# Gateway benchmark (docs/benchmarks.md): tools/call of the reference server's echo tool through
# Director against the same Streamable HTTP upstream called directly, 64 concurrent connections.
# Needs wrk and the test peers (npm ci in test-peers). Usage: scripts/bench-gateway.sh [seconds]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/java-home.sh"
duration=${1:-20}
command -v wrk >/dev/null || { echo "bench: wrk is required (apt-get install wrk)" >&2; exit 1; }
everything="$root/test-peers/node_modules/@modelcontextprotocol/server-everything/dist/index.js"
[ -f "$everything" ] || (cd "$root/test-peers" && npm ci --no-audit --no-fund --loglevel=error)
(cd "$root" && ./mvnw -q -B -DskipTests package)
work=$(mktemp -d)
uport=$(( 20000 + RANDOM % 10000 )); dport=$(( 30000 + RANDOM % 10000 ))
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

PORT=$uport node "$everything" streamableHttp >"$work/upstream.log" 2>&1 & pids+=($!)
(cd "$work" && PORT=$dport API_KEY_RATE_LIMIT_MAX_REQUESTS=1000000000 USER_RATE_LIMIT_MAX_REQUESTS=1000000000 \
  PASSWORD_HASH_COST=10 exec "$JAVA_HOME/bin/java" ${BENCH_JAVA_OPTS:-} -jar "$root/target/director.jar" serve >"$work/director.log" 2>&1) & pids+=($!)
until curl -fs -o /dev/null "http://127.0.0.1:$dport/api/health"; do sleep 0.2; done

init='{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}'
session() { # url [extra curl args] -> prints the Mcp-Session-Id
  local url=$1; shift
  curl -s -D - -o /dev/null -XPOST "$url" -H 'content-type: application/json' -H 'accept: application/json, text/event-stream' "$@" -d "$init" \
    | awk 'tolower($1)=="mcp-session-id:" {print $2}' | tr -d '\r'
}
usession=$(session "http://127.0.0.1:$uport/mcp")
password=bench-password-0123456789
curl -fs -XPOST "http://127.0.0.1:$dport/auth/register" -H 'content-type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$password\",\"tenant_id\":\"bench\"}" >/dev/null
access=$(curl -fs -XPOST "http://127.0.0.1:$dport/auth/login" -H 'content-type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$password\"}" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
key=$(curl -fs -XPOST "http://127.0.0.1:$dport/api/keys" -H "Authorization: Bearer $access" -H 'content-type: application/json' \
  -d '{"name":"bench","scopes":["mcp:connect"]}' | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
playbook=$(curl -fs -XPOST "http://127.0.0.1:$dport/api/playbooks" -H "Authorization: Bearer $access" -H 'content-type: application/json' \
  -d "{\"name\":\"bench\",\"servers\":[{\"name\":\"up\",\"transport\":\"http\",\"url\":\"http://127.0.0.1:$uport/mcp\",\"tools\":{\"include\":[\"echo\"]}}]}" \
  | sed -n 's/.*"id":"\([0-9a-f-]\{36\}\)","name":"bench".*/\1/p')
dsession=$(session "http://127.0.0.1:$dport/playbooks/$playbook/mcp" -H "Authorization: Bearer $key")

script() { # file tool-name session [authorization]
  cat > "$1" <<LUA
wrk.method = "POST"
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"$2","arguments":{"message":"hello"}}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json, text/event-stream"
wrk.headers["Mcp-Session-Id"] = "$3"
wrk.headers["MCP-Protocol-Version"] = "2025-06-18"
LUA
  if [ -n "${4:-}" ]; then echo "wrk.headers[\"Authorization\"] = \"Bearer $4\"" >> "$1"; fi
}
script "$work/direct.lua" echo "$usession"
script "$work/director.lua" up__echo "$dsession" "$key"
curl -fs -XPOST "http://127.0.0.1:$dport/playbooks/$playbook/mcp" -H 'content-type: application/json' -H "Authorization: Bearer $key" \
  -H "Mcp-Session-Id: $dsession" -d '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"up__echo","arguments":{"message":"check"}}}' | grep -q 'Echo: check'

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), node $(node --version)"
wrk -t2 -c64 -d15s -s "$work/director.lua" "http://127.0.0.1:$dport/playbooks/$playbook/mcp" >/dev/null
wrk -t2 -c64 -d5s -s "$work/direct.lua" "http://127.0.0.1:$uport/mcp" >/dev/null
echo "--- direct: tools/call echo on the upstream"
wrk -t2 -c64 -d"${duration}s" --latency -s "$work/direct.lua" "http://127.0.0.1:$uport/mcp" | grep -E 'Requests/sec|50%|99%|Non-2xx|Socket'
cat > "$work/ping.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"jsonrpc":"2.0","id":1,"method":"ping"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Mcp-Session-Id"] = "$dsession"
wrk.headers["Authorization"] = "Bearer $key"
LUA
echo "--- Director alone: ping on the playbook endpoint (auth, session, no upstream)"
wrk -t2 -c64 -d"${duration}s" --latency -s "$work/ping.lua" "http://127.0.0.1:$dport/playbooks/$playbook/mcp" | grep -E 'Requests/sec|50%|99%|Non-2xx|Socket'
echo "--- through Director (API key, playbook, shared upstream session)"
wrk -t2 -c64 -d"${duration}s" --latency -s "$work/director.lua" "http://127.0.0.1:$dport/playbooks/$playbook/mcp" | grep -E 'Requests/sec|50%|99%|Non-2xx|Socket'
echo "--- added latency without queueing: one connection, direct then through Director"
wrk -t1 -c1 -d"${duration}s" --latency -s "$work/direct.lua" "http://127.0.0.1:$uport/mcp" | grep -E 'Requests/sec|50%|99%|Non-2xx|Socket'
wrk -t1 -c1 -d"${duration}s" --latency -s "$work/director.lua" "http://127.0.0.1:$dport/playbooks/$playbook/mcp" | grep -E 'Requests/sec|50%|99%|Non-2xx|Socket'
