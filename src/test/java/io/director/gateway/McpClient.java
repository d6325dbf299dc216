package io.director.gateway;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/** A minimal Streamable HTTP MCP client for driving Director in tests. */
final class McpClient {
  final DirectorProcess director;
  final String path;
  final String authorization;
  private final AtomicLong ids = new AtomicLong();
  String sessionId;

  McpClient(DirectorProcess director, String playbookId, String authorization) {
    this.director = director;
    this.path = "/playbooks/" + playbookId + "/mcp";
    this.authorization = authorization;
  }

  HttpResponse<String> post(String body) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(director.uri(path)).header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream").POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) b.header("Authorization", authorization);
    if (sessionId != null) b.header("Mcp-Session-Id", sessionId);
    return director.send(b);
  }

  JsonNode initialize(String version) throws IOException {
    HttpResponse<String> r = post("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" + version
        + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"director-test\",\"version\":\"1\"}}}");
    if (r.statusCode() != 200) throw new AssertionError("initialize: " + r.statusCode() + " " + r.body());
    sessionId = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
    post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    return Api.JSON.readTree(r.body()).get("result");
  }

  /** Sends a request and returns the whole response message. */
  JsonNode request(String method, String paramsJson) throws IOException {
    long id = ids.incrementAndGet();
    HttpResponse<String> r = post("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\""
        + (paramsJson == null ? "" : ",\"params\":" + paramsJson) + "}");
    JsonNode message = r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")
        ? events(r.body()).stream().filter(m -> m.has("id") && !m.has("method")).reduce((a, b) -> b).orElseThrow()
        : Api.JSON.readTree(r.body());
    if (message.get("id").asLong() != id) throw new AssertionError("response id " + message.get("id") + " for request " + id);
    return message;
  }

  /**
   * Sends one request of the stateless revision 2026-07-28: the envelope in params._meta and the
   * headers that must match it; no session. {@code name} is the Mcp-Name header (null for none).
   */
  static HttpResponse<String> stateless(DirectorProcess director, String playbookId, String authorization, long id, String method,
      String paramsJson, String name) throws IOException {
    String envelope = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\","
        + "\"io.modelcontextprotocol/clientCapabilities\":{},\"io.modelcontextprotocol/clientInfo\":{\"name\":\"java-test\",\"version\":\"1\"}}";
    String params = paramsJson == null || paramsJson.equals("{}") ? "{" + envelope + "}" : paramsJson.replaceFirst("^\\{", "{" + envelope + ",");
    HttpRequest.Builder b = HttpRequest.newBuilder(director.uri("/playbooks/" + playbookId + "/mcp")).header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream").header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", method)
        .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}"));
    if (name != null) b.header("Mcp-Name", name);
    if (authorization != null) b.header("Authorization", authorization);
    return director.send(b);
  }

  /** The JSON-RPC messages of an event stream body, in order. */
  static java.util.List<JsonNode> events(String body) {
    java.util.List<JsonNode> out = new java.util.ArrayList<>();
    for (String event : body.split("\n\n")) {
      StringBuilder data = new StringBuilder();
      event.lines().filter(l -> l.startsWith("data:")).forEach(l -> data.append(l.substring(l.startsWith("data: ") ? 6 : 5)));
      if (!data.isEmpty()) out.add(Api.JSON.readTree(data.toString()));
    }
    return out;
  }

  JsonNode callTool(String name, String argumentsJson) throws IOException {
    return request("tools/call", "{\"name\":\"" + name + "\",\"arguments\":" + argumentsJson + "}");
  }
}
