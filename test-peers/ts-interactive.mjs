// A client on the official TypeScript SDK (1.x) that answers what an upstream asks back while a
// tool runs: sampling (after a delay, so that two such clients overlap), elicitation and roots.
// It records progress and log notifications, then prints one JSON line with what it saw.
//   node ts-interactive.mjs <url> <authorization> <transport: http|sse> <persona> <tool> <json-arguments> [delay-ms]
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import {
  CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema, LoggingMessageNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";

const [url, authorization, kind, persona, tool, args, delay = "0"] = process.argv.slice(2);
const headers = { Authorization: authorization };
const transport = kind === "sse"
  ? new SSEClientTransport(new URL(url), { requestInit: { headers }, eventSourceInit: { fetch: (u, i) => fetch(u, { ...i, headers: { ...i?.headers, ...headers } }) } })
  : new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
const client = new Client({ name: "director-interactive-" + persona, version: "1.0.0" },
  { capabilities: { sampling: {}, elicitation: {}, roots: { listChanged: true } } });
const seen = { sampling: [], elicitation: [], roots: 0, progress: [], logs: 0 };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
  seen.sampling.push(request.params.messages[0]?.content?.text ?? "");
  await sleep(Number(delay));
  return { model: "model-of-" + persona, role: "assistant", content: { type: "text", text: "sampled by " + persona } };
});
client.setRequestHandler(ElicitRequestSchema, async (request) => {
  seen.elicitation.push(request.params.message);
  return { action: "accept", content: { name: "name of " + persona, check: true } };
});
client.setRequestHandler(ListRootsRequestSchema, async () => {
  seen.roots++;
  return { roots: [{ uri: "file:///work/" + persona, name: persona }] };
});
client.setNotificationHandler(LoggingMessageNotificationSchema, async () => {
  seen.logs++;
});

try {
  await client.connect(transport);
  const result = await client.callTool({ name: tool, arguments: JSON.parse(args) }, undefined, {
    onprogress: (p) => seen.progress.push(p.progress),
    timeout: 60000,
  });
  console.log(JSON.stringify({ persona, result, ...seen }));
  await client.close();
  process.exit(0);
} catch (e) {
  console.error(String(e?.stack ?? e));
  process.exit(1);
}
