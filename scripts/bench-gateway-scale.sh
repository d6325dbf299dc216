#!/usr/bin/env bash
# Gateway scale benchmarks (docs/benchmarks.md): heap and RSS with 1,000 idle client sessions on one
# playbook, and the first tools/list on a playbook with 50 stdio upstreams (the reference server).
# Usage: scripts/bench-gateway-scale.sh [sessions] [upstreams]
set -euo pipefail
[ -n "${BENCH_DEBUG:-}" ] && set -x
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/java-home.sh"
sessions=${1:-1000}
upstreams=${2:-50}
everything="$root/test-peers/node_modules/@modelcontextprotocol/server-everything/dist/index.js"
[ -f "$everything" ] || (cd "$root/test-peers" && npm ci --no-audit --no-fund --loglevel=error)
(cd "$root" && ./mvnw -q -B -DskipTests package)
work=$(mktemp -d)
port=$(( 20000 + RANDOM % 20000 ))
url="http://127.0.0.1:$port"
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
(cd "$work" && PORT=$port API_KEY_RATE_LIMIT_MAX_REQUESTS=1000000000 MCP_LIST_DEADLINE=120s MCP_REQUEST_TIMEOUT=120s \
  exec "$JAVA_HOME/bin/java" -jar "$root/target/director.jar" serve >"$work/director.log" 2>&1) &
pid=$!
until curl -fs -o /dev/null "$url/api/health"; do sleep 0.2; done
password=bench-password-0123456789
curl -fs -XPOST "$url/auth/register" -H 'content-type: application/json' -d "{\"username\":\"bench\",\"password\":\"$password\",\"tenant_id\":\"bench\"}" >/dev/null
access=$(curl -fs -XPOST "$url/auth/login" -H 'content-type: application/json' -d "{\"username\":\"bench\",\"password\":\"$password\"}" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
key=$(curl -fs -XPOST "$url/api/keys" -H "Authorization: Bearer $access" -H 'content-type: application/json' -d '{"name":"bench","scopes":["mcp:connect"]}' | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
new_playbook() { # prints the new playbook's id (the first id in the answer; servers have ids too)
  curl -sS -XPOST "$url/api/playbooks" -H "Authorization: Bearer $access" -H 'content-type: application/json' -d "$1" \
    | grep -o '"id":"[0-9a-f-]\{36\}"' | head -n 1 | cut -d'"' -f4
}
init='{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}'
jcmd="$JAVA_HOME/bin/jcmd"
heap() { "$jcmd" "$pid" GC.run >/dev/null; sleep 1; "$jcmd" "$pid" GC.heap_info | awk '/garbage-first heap/ {for (i=1;i<=NF;i++) if ($i=="used") {v=$(i+1); sub("K,?","",v); print int(v/1024)}}'; }
rss() { awk '/VmRSS/{print int($2/1024)}' /proc/"$pid"/status; }

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), node $(node --version)"
idle=$(new_playbook '{"name":"idle"}')
before_heap=$(heap); before_rss=$(rss)
for i in $(seq 1 "$sessions"); do
  curl -fs -o /dev/null -XPOST "$url/playbooks/$idle/mcp" -H 'content-type: application/json' -H "Authorization: Bearer $key" -d "$init"
done
after_heap=$(heap); after_rss=$(rss)
echo "$sessions idle sessions: heap after GC ${before_heap} -> ${after_heap} MiB, RSS ${before_rss} -> ${after_rss} MiB"

servers=""
for i in $(seq 1 "$upstreams"); do
  servers="$servers{\"name\":\"s$i\",\"transport\":\"stdio\",\"command\":\"node\",\"args\":[\"$everything\",\"stdio\"],\"tools\":{\"include\":[\"echo\"]}},"
done
many=$(new_playbook "{\"name\":\"many\",\"servers\":[${servers%,}]}")
session=$(curl -s -D - -o /dev/null -XPOST "$url/playbooks/$many/mcp" -H 'content-type: application/json' -H "Authorization: Bearer $key" -d "$init" \
  | awk 'tolower($1)=="mcp-session-id:" {print $2}' | tr -d '\r')
t0=$(date +%s%N)
count=$(curl -fs -XPOST "$url/playbooks/$many/mcp" -H 'content-type: application/json' -H "Authorization: Bearer $key" -H "Mcp-Session-Id: $session" \
  -d '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' | grep -o '__echo' | wc -l)
t1=$(date +%s%N)
t2=$(date +%s%N)
curl -fs -o /dev/null -XPOST "$url/playbooks/$many/mcp" -H 'content-type: application/json' -H "Authorization: Bearer $key" -H "Mcp-Session-Id: $session" \
  -d '{"jsonrpc":"2.0","id":2,"method":"tools/list"}'
t3=$(date +%s%N)
echo "first tools/list on $upstreams stdio upstreams: $(( (t1 - t0) / 1000000 )) ms ($count tools); second: $(( (t3 - t2) / 1000000 )) ms; JVM RSS $(rss) MiB"
