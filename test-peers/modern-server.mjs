// An MCP server that speaks only the stateless revision 2026-07-28 (TypeScript SDK 2.x,
// createMcpHandler with legacy requests rejected), for testing Director's translation to clients
// of the older revisions.   node modern-server.mjs <port>
import http from "node:http";
import { McpServer, createMcpHandler, inputRequired, acceptedContent } from "@modelcontextprotocol/server";
import * as z from "zod/v4";

let grown = false;
const factory = () => {
  const server = new McpServer({ name: "modern-upstream", version: "1.0.0" }, { capabilities: { logging: {} } });
  server.registerTool("echo", { description: "Echoes a message.", inputSchema: z.object({ message: z.string() }) },
    async ({ message }) => ({ content: [{ type: "text", text: "Modern echo: " + message }] }));
  server.registerTool("count", { description: "Reports progress for each step.", inputSchema: z.object({ steps: z.number() }) },
    async ({ steps }, ctx) => {
      const token = ctx.mcpReq._meta?.progressToken;
      for (let i = 1; i <= steps; i++) {
        if (token !== undefined) {
          await ctx.mcpReq.notify({ method: "notifications/progress", params: { progressToken: token, progress: i, total: steps } });
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      return { content: [{ type: "text", text: "counted to " + steps }] };
    });
  server.registerTool("ask-name", { description: "Asks the user for a name.", inputSchema: z.object({}) }, async (_args, ctx) => {
    const schema = z.object({ name: z.string() });
    const answer = acceptedContent(ctx.mcpReq.inputResponses, "who", schema);
    if (!answer) {
      return inputRequired({ inputRequests: { who: inputRequired.elicit({ message: "Who are you?", requestedSchema: schema }) },
        requestState: "asked-once" });
    }
    return { content: [{ type: "text", text: "Hello, " + answer.name }] };
  });
  server.registerTool("ask-model", { description: "Asks the client's model.", inputSchema: z.object({ prompt: z.string() }) },
    async ({ prompt }, ctx) => {
      const answer = ctx.mcpReq.inputResponses?.model;
      if (!answer) {
        return inputRequired({ inputRequests: { model: inputRequired.createMessage({
          messages: [{ role: "user", content: { type: "text", text: prompt } }], maxTokens: 50 }) } });
      }
      return { content: [{ type: "text", text: "The model said: " + (answer.content?.text ?? "?") }] };
    });
  server.registerTool("grow", { description: "Adds the tool 'grown'.", inputSchema: z.object({}) }, async () => {
    grown = true;
    setTimeout(() => handler.notify.toolsChanged(), 10);
    return { content: [{ type: "text", text: "grown" }] };
  });
  if (grown) {
    server.registerTool("grown", { description: "Exists after grow.", inputSchema: z.object({}) },
      async () => ({ content: [{ type: "text", text: "I grew" }] }));
  }
  return server;
};
const handler = createMcpHandler(factory, { legacy: "reject", onerror: (e) => console.error("[modern]", e.message) });
const port = Number(process.argv[2]);
http.createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const request = new Request("http://127.0.0.1:" + port + req.url, { method: req.method, headers: req.headers,
    body: ["GET", "HEAD", "DELETE"].includes(req.method) ? undefined : Buffer.concat(chunks) });
  const response = await handler.fetch(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (response.body) {
    for await (const c of response.body) res.write(c);
  }
  res.end();
}).listen(port, "127.0.0.1");
