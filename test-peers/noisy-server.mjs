// A small stdio MCP server that misbehaves the way real ones do: it prints log lines and garbage to
// stdout between JSON-RPC messages. Director must ignore the noise and keep serving. One tool: "add".
import { createInterface } from "node:readline";

const out = (m) => process.stdout.write(JSON.stringify(m) + "\n");
process.stdout.write("starting noisy server... (this line is not JSON-RPC)\n");
process.stdout.write("{ broken json\n");
const rl = createInterface({ input: process.stdin });
rl.on("line", (line) => {
  let m;
  try { m = JSON.parse(line); } catch { return; }
  process.stdout.write(`log: got ${m.method ?? "response"}\n`);
  if (m.id === undefined) return;
  switch (m.method) {
    case "initialize":
      return out({ jsonrpc: "2.0", id: m.id, result: { protocolVersion: m.params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: "noisy", version: "1" } } });
    case "tools/list":
      return out({ jsonrpc: "2.0", id: m.id, result: { tools: [{ name: "add", description: "Adds a and b", inputSchema: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } } }, "x-vendor": { kept: true } }] } });
    case "tools/call":
      process.stdout.write("[1] 12345\n");
      return out({ jsonrpc: "2.0", id: m.id, result: { content: [{ type: "text", text: String(m.params.arguments.a + m.params.arguments.b) }], "x-extra": "passed through" } });
    default:
      return out({ jsonrpc: "2.0", id: m.id, error: { code: -32601, message: "Method not found" } });
  }
});
