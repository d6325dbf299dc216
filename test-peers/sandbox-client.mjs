// An MCP client meant to run inside a Director session: it starts the session's bridge
// ($DIRECTOR_MCP_COMMAND, a stdio MCP server) with the official TypeScript SDK, lists the tools and
// calls one, then prints one JSON line with what it saw. Used by the Java tests.
//   node sandbox-client.mjs <tool> <json-arguments>
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [tool, args] = process.argv.slice(2);
const command = process.env.DIRECTOR_MCP_COMMAND;
if (!command) {
  console.error("DIRECTOR_MCP_COMMAND is not set");
  process.exit(2);
}
const transport = new StdioClientTransport({ command, args: [], env: process.env, stderr: "inherit" });
const client = new Client({ name: "director-sandbox-test", version: "1.0.0" });
try {
  await client.connect(transport);
  const tools = await client.listTools();
  const result = await client.callTool({ name: tool, arguments: JSON.parse(args) });
  console.log(JSON.stringify({ server: client.getServerVersion(), tools: tools.tools.map((t) => t.name), result }));
  await client.close();
  process.exit(0);
} catch (e) {
  console.error(String(e?.stack ?? e));
  process.exit(1);
}
