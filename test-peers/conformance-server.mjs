// Director's conformance target: an MCP server with exactly what the official conformance suite
// (@modelcontextprotocol/conformance, server mode) exercises, built on the TypeScript SDK 1.x.
// The tests run the suite against it directly and then through Director, with this server as the
// playbook's upstream over stdio and over Streamable HTTP.
//   node conformance-server.mjs stdio
//   node conformance-server.mjs http <port>
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import {
  CallToolRequestSchema, CompleteRequestSchema, CreateMessageResultSchema, ElicitResultSchema, GetPromptRequestSchema,
  ListPromptsRequestSchema, ListResourcesRequestSchema, ListResourceTemplatesRequestSchema, ListToolsRequestSchema,
  McpError, ErrorCode, ReadResourceRequestSchema, SubscribeRequestSchema, UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";

// a 1x1 PNG and eight silent WAV samples, both generated for these tests
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGPQyr8MAAIzAW15hZf3AAAAAElFTkSuQmCC";
const WAV = "UklGRjQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YRAAAAAAAAAAAAAAAAAAAAAAAAAA";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const empty = { type: "object", properties: {} };

const tools = [
  { name: "test_simple_text", description: "Answers with one line of text.", inputSchema: empty },
  { name: "test_image_content", description: "Answers with a PNG image.", inputSchema: empty },
  { name: "test_audio_content", description: "Answers with a WAV clip.", inputSchema: empty },
  { name: "test_embedded_resource", description: "Answers with an embedded text resource.", inputSchema: empty },
  { name: "test_multiple_content_types", description: "Answers with text, an image and a resource.", inputSchema: empty },
  { name: "test_tool_with_logging", description: "Logs three messages while it runs.", inputSchema: empty },
  { name: "test_error_handling", description: "Always fails, as a tool error.", inputSchema: empty },
  { name: "test_tool_with_progress", description: "Reports progress three times.", inputSchema: empty },
  { name: "test_sampling", description: "Asks the client's model to answer a prompt.",
    inputSchema: { type: "object", properties: { prompt: { type: "string" } }, required: ["prompt"] } },
  { name: "test_elicitation", description: "Asks the user for a name and an e-mail address.",
    inputSchema: { type: "object", properties: { message: { type: "string" } }, required: ["message"] } },
  { name: "test_elicitation_sep1034_defaults", description: "Elicits a form whose fields have defaults.", inputSchema: empty },
  { name: "test_elicitation_sep1330_enums", description: "Elicits a form with every kind of enum.", inputSchema: empty },
  { name: "json_schema_2020_12_tool", description: "Declares its input with JSON Schema 2020-12.", inputSchema: {
    $schema: "https://json-schema.org/draft/2020-12/schema", type: "object",
    $defs: { address: { type: "object", properties: { street: { type: "string" }, city: { type: "string" } } } },
    properties: { name: { type: "string" }, address: { $ref: "#/$defs/address" } }, additionalProperties: false } },
];

const resources = [
  { uri: "test://static-text", name: "static-text", description: "A fixed text.", mimeType: "text/plain" },
  { uri: "test://static-binary", name: "static-binary", description: "A fixed PNG.", mimeType: "image/png" },
  { uri: "test://watched-resource", name: "watched-resource", description: "A resource clients may subscribe to.", mimeType: "text/plain" },
];

const prompts = [
  { name: "test_simple_prompt", description: "A prompt without arguments." },
  { name: "test_prompt_with_arguments", description: "A prompt with two arguments.",
    arguments: [{ name: "arg1", description: "first", required: true }, { name: "arg2", description: "second", required: true }] },
  { name: "test_prompt_with_embedded_resource", description: "A prompt that embeds a resource.",
    arguments: [{ name: "resourceUri", description: "the resource to embed", required: true }] },
  { name: "test_prompt_with_image", description: "A prompt with an image." },
];

function text(t) {
  return { type: "text", text: t };
}

async function callTool(server, request, extra) {
  const args = request.params.arguments ?? {};
  switch (request.params.name) {
    case "test_simple_text":
      return { content: [text("This is a simple text response for testing.")] };
    case "test_image_content":
      return { content: [{ type: "image", data: PNG, mimeType: "image/png" }] };
    case "test_audio_content":
      return { content: [{ type: "audio", data: WAV, mimeType: "audio/wav" }] };
    case "test_embedded_resource":
      return { content: [{ type: "resource", resource: { uri: "test://embedded-resource", mimeType: "text/plain",
        text: "This is an embedded resource content." } }] };
    case "test_multiple_content_types":
      return { content: [text("Multiple content types test:"), { type: "image", data: PNG, mimeType: "image/png" },
        { type: "resource", resource: { uri: "test://mixed-content-resource", mimeType: "application/json", text: '{"test":"data","value":123}' } }] };
    case "test_tool_with_logging": {
      for (const [i, data] of ["Tool execution started", "Tool processing data", "Tool execution completed"].entries()) {
        if (i > 0) await sleep(50);
        await extra.sendNotification({ method: "notifications/message", params: { level: "info", logger: "conformance", data } });
      }
      return { content: [text("Tool with logging executed successfully")] };
    }
    case "test_error_handling":
      return { isError: true, content: [text("This tool intentionally returns an error for testing")] };
    case "test_tool_with_progress": {
      const token = extra._meta?.progressToken;
      for (const [i, progress] of [0, 50, 100].entries()) {
        if (i > 0) await sleep(50);
        if (token !== undefined) {
          await extra.sendNotification({ method: "notifications/progress", params: { progressToken: token, progress, total: 100 } });
        }
      }
      return { content: [text(String(token))] };
    }
    case "test_sampling": {
      const answer = await extra.sendRequest({ method: "sampling/createMessage", params: {
        messages: [{ role: "user", content: text(String(args.prompt ?? "")) }], maxTokens: 100 } }, CreateMessageResultSchema);
      return { content: [text("LLM response: " + (answer.content?.text ?? JSON.stringify(answer.content)))] };
    }
    case "test_elicitation": {
      const answer = await extra.sendRequest({ method: "elicitation/create", params: { message: String(args.message ?? ""),
        requestedSchema: { type: "object", properties: { username: { type: "string", description: "User's response" },
          email: { type: "string", description: "User's email address" } }, required: ["username", "email"] } } }, ElicitResultSchema);
      return { content: [text("User response: action=" + answer.action + ", content=" + JSON.stringify(answer.content ?? {}))] };
    }
    case "test_elicitation_sep1034_defaults": {
      const answer = await extra.sendRequest({ method: "elicitation/create", params: {
        message: "Please review and update the form fields with defaults",
        requestedSchema: { type: "object", required: [], properties: {
          name: { type: "string", description: "Name", default: "John Doe" },
          age: { type: "integer", description: "Age", default: 30 },
          score: { type: "number", description: "Score", default: 95.5 },
          status: { type: "string", description: "Status", enum: ["active", "inactive", "pending"], default: "active" },
          verified: { type: "boolean", description: "Verified", default: true } } } } }, ElicitResultSchema);
      return { content: [text("Elicitation completed: action=" + answer.action + ", content=" + JSON.stringify(answer.content ?? {}))] };
    }
    case "test_elicitation_sep1330_enums": {
      const answer = await extra.sendRequest({ method: "elicitation/create", params: {
        message: "Please choose from each kind of list",
        requestedSchema: { type: "object", properties: {
          untitledSingle: { type: "string", enum: ["option1", "option2", "option3"] },
          titledSingle: { type: "string", oneOf: [{ const: "value1", title: "First Option" }, { const: "value2", title: "Second Option" },
            { const: "value3", title: "Third Option" }] },
          legacyEnum: { type: "string", enum: ["opt1", "opt2", "opt3"], enumNames: ["Option One", "Option Two", "Option Three"] },
          untitledMulti: { type: "array", minItems: 1, maxItems: 3, items: { type: "string", enum: ["option1", "option2", "option3"] } },
          titledMulti: { type: "array", items: { anyOf: [{ const: "value1", title: "First Choice" }, { const: "value2", title: "Second Choice" },
            { const: "value3", title: "Third Choice" }] } } } } } }, ElicitResultSchema);
      return { content: [text("Elicitation completed: action=" + answer.action + ", content=" + JSON.stringify(answer.content ?? {}))] };
    }
    case "json_schema_2020_12_tool":
      return { content: [text("Received: " + JSON.stringify(args))] };
    default:
      throw new McpError(ErrorCode.InvalidParams, "Unknown tool: " + request.params.name);
  }
}

function readResource(uri) {
  if (uri === "test://static-text") return [{ uri, mimeType: "text/plain", text: "This is the content of the static text resource." }];
  if (uri === "test://static-binary") return [{ uri, mimeType: "image/png", blob: PNG }];
  if (uri === "test://watched-resource") return [{ uri, mimeType: "text/plain", text: "Watched resource content." }];
  const m = /^test:\/\/template\/([^/]+)\/data$/.exec(uri);
  if (m) return [{ uri, mimeType: "application/json", text: JSON.stringify({ id: m[1], templateTest: true, data: "Data for ID: " + m[1] }) }];
  throw new McpError(ErrorCode.InvalidParams, "Unknown resource: " + uri);
}

function getPrompt(name, args) {
  switch (name) {
    case "test_simple_prompt":
      return { messages: [{ role: "user", content: text("This is a simple prompt for testing.") }] };
    case "test_prompt_with_arguments":
      return { messages: [{ role: "user", content: text(`Prompt with arguments: arg1='${args.arg1}', arg2='${args.arg2}'`) }] };
    case "test_prompt_with_embedded_resource":
      return { messages: [
        { role: "user", content: { type: "resource", resource: { uri: String(args.resourceUri), mimeType: "text/plain",
          text: "Embedded resource content for testing." } } },
        { role: "user", content: text("Please process the embedded resource above.") }] };
    case "test_prompt_with_image":
      return { messages: [{ role: "user", content: { type: "image", data: PNG, mimeType: "image/png" } },
        { role: "user", content: text("Please analyze the image above.") }] };
    default:
      throw new McpError(ErrorCode.InvalidParams, "Unknown prompt: " + name);
  }
}

function newServer() {
  const server = new Server({ name: "director-conformance-target", version: "1.0.0" }, { capabilities: {
    tools: { listChanged: true }, resources: { subscribe: true, listChanged: true }, prompts: { listChanged: true },
    logging: {}, completions: {} } });
  const subscriptions = new Set();
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
  server.setRequestHandler(CallToolRequestSchema, (request, extra) => callTool(server, request, extra));
  server.setRequestHandler(ListResourcesRequestSchema, async () => ({ resources }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({ resourceTemplates: [
    { uriTemplate: "test://template/{id}/data", name: "template-data", description: "Data for an id.", mimeType: "application/json" }] }));
  server.setRequestHandler(ReadResourceRequestSchema, async (request) => ({ contents: readResource(request.params.uri) }));
  server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    subscriptions.add(request.params.uri);
    return {};
  });
  server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    subscriptions.delete(request.params.uri);
    return {};
  });
  server.setRequestHandler(ListPromptsRequestSchema, async () => ({ prompts }));
  server.setRequestHandler(GetPromptRequestSchema, async (request) => getPrompt(request.params.name, request.params.arguments ?? {}));
  server.setRequestHandler(CompleteRequestSchema, async (request) => {
    const value = String(request.params.argument?.value ?? "");
    const values = request.params.ref?.name === "test_prompt_with_arguments"
      ? ["test-one", "test-two", "other"].filter((v) => v.startsWith(value)) : [];
    return { completion: { values, total: values.length, hasMore: false } };
  });
  return server;
}

const [mode, port] = process.argv.slice(2);
if (mode === "stdio") {
  await newServer().connect(new StdioServerTransport());
} else if (mode === "http") {
  const sessions = new Map();
  const local = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;
  createServer(async (req, res) => {
    const origin = req.headers.origin;
    if (origin !== undefined && !local.test(origin)) {
      res.writeHead(403, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: null,
        error: { code: -32600, message: "Origin not allowed" } }));
      return;
    }
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString("utf8")) : undefined;
    const id = req.headers["mcp-session-id"];
    let transport = id ? sessions.get(id) : undefined;
    if (!transport) {
      if (id || req.method !== "POST" || body?.method !== "initialize") {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: null,
          error: { code: -32001, message: "Session not found" } }));
        return;
      }
      transport = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sid) => sessions.set(sid, transport) });
      transport.onclose = () => transport.sessionId && sessions.delete(transport.sessionId);
      await newServer().connect(transport);
    }
    await transport.handleRequest(req, res, body);
  }).listen(Number(port), "127.0.0.1");
} else {
  console.error("usage: conformance-server.mjs stdio | http <port>");
  process.exit(2);
}
