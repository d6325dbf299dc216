// A client on the official TypeScript SDK 2.x, which speaks the stateless protocol revision
// 2026-07-28 when the server offers it (server/discover) and falls back to initialize otherwise.
// It answers sampling and elicitation, records progress, and prints one JSON line with what it saw.
//   node ts2-client.mjs <url> <authorization> <persona> <tool> <json-arguments>
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";

const [url, authorization, persona, tool, args] = process.argv.slice(2);
const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: authorization } } });
const client = new Client({ name: "director-ts2-" + persona, version: "1.0.0" },
  { capabilities: { sampling: {}, elicitation: { form: {} } }, versionNegotiation: { mode: "auto" } });
const seen = { sampling: [], elicitation: [], progress: [] };
client.setRequestHandler("sampling/createMessage", async (request) => {
  seen.sampling.push(request.params.messages[0]?.content?.text ?? "");
  return { model: "model-of-" + persona, role: "assistant", content: { type: "text", text: "sampled by " + persona } };
});
client.setRequestHandler("elicitation/create", async (request) => {
  seen.elicitation.push(request.params.message);
  return { action: "accept", content: { name: "name of " + persona, check: true } };
});

try {
  await client.connect(transport);
  const tools = await client.listTools();
  const result = await client.callTool({ name: tool, arguments: JSON.parse(args) }, { onprogress: (p) => seen.progress.push(p.progress) });
  console.log(JSON.stringify({
    persona,
    protocol: client.getNegotiatedProtocolVersion?.() ?? null,
    discover: client.getDiscoverResult?.() ?? null,
    tools: tools.tools.map((t) => t.name),
    result,
    ...seen,
  }));
  await client.close();
  process.exit(0);
} catch (e) {
  console.error(String(e?.stack ?? e));
  process.exit(1);
}
