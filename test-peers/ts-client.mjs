// A client built on the official TypeScript SDK (1.x): connects to a Director playbook, lists
// the tools and calls one, printing one JSON line with what it saw. Used by the Java tests.
//   node ts-client.mjs <url> <authorization> <transport: http|sse> <tool> <json-arguments>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";

const [url, authorization, kind, tool, args] = process.argv.slice(2);
const headers = { Authorization: authorization };
const transport = kind === "sse"
  ? new SSEClientTransport(new URL(url), { requestInit: { headers }, eventSourceInit: { fetch: (u, i) => fetch(u, { ...i, headers: { ...i?.headers, ...headers } }) } })
  : new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
const client = new Client({ name: "director-ts-test", version: "1.0.0" });
try {
  await client.connect(transport);
  const tools = await client.listTools();
  const result = await client.callTool({ name: tool, arguments: JSON.parse(args) });
  console.log(JSON.stringify({
    server: client.getServerVersion(),
    protocol: transport.protocolVersion ?? null,
    tools: tools.tools.map((t) => t.name),
    result,
  }));
  await client.close();
  process.exit(0);
} catch (e) {
  console.error(String(e?.stack ?? e));
  process.exit(1);
}
