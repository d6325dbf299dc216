package io.director.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * The stateless revision 2026-07-28 on the same endpoint as the older ones: the official TypeScript
 * SDK 2.x client negotiates it, and Director translates for upstreams of the older revisions —
 * their sampling and elicitation requests become input_required results the client answers by retrying.
 */
class StatelessIT {
  static final Path CLIENT = Path.of("test-peers/ts2-client.mjs").toAbsolutePath();
  static DirectorProcess director;
  static Process httpUpstream;
  static Api api;
  static Api.Login admin;
  static String key;
  static String playbook;

  @BeforeAll
  static void start() throws Exception {
    int port = DirectorProcess.freePort();
    httpUpstream = HttpUpstreamIT.startUpstream("streamableHttp", port);
    director = DirectorProcess.serve(Files.createTempDirectory("director-stateless"), Map.of("PASSWORD_HASH_COST", "4"));
    api = new Api(director);
    admin = api.registerTenant("stateless", "stateless-admin");
    key = api.createKey(admin, "ts2", List.of("mcp:connect")).get("key").asString();
    playbook = api.json(api.call("POST", "/api/playbooks", admin.bearer(), Map.of("name", "modern",
        "servers", List.of(
            Map.of("name", "local", "transport", "stdio", "command", "node", "args", List.of(McpGatewayIT.EVERYTHING.toString(), "stdio")),
            Map.of("name", "remote", "transport", "http", "url", "http://127.0.0.1:" + port + "/mcp")))), 201).get("id").asString();
  }

  @AfterAll
  static void stop() {
    if (director != null) director.close();
    if (httpUpstream != null) httpUpstream.destroyForcibly();
  }

  static JsonNode ts2(String persona, String tool, String args) throws Exception {
    return ts2(director, playbook, key, persona, tool, args);
  }

  static JsonNode ts2(DirectorProcess director, String playbook, String key, String persona, String tool, String args) throws Exception {
    String url = "http://127.0.0.1:" + director.port() + "/playbooks/" + playbook + "/mcp";
    return PassThroughIT.node(CLIENT, url, "Bearer " + key, persona, tool, args);
  }

  @Test
  void theTypeScriptSdk2NegotiatesTheStatelessRevisionAndCallsTools() throws Exception {
    JsonNode seen = ts2("alpha", "local__echo", "{\"message\":\"stateless hello\"}");
    assertThat(seen.get("protocol").asString()).isEqualTo("2026-07-28");
    assertThat(seen.get("discover").get("supportedVersions").toString()).contains("2026-07-28");
    assertThat(seen.get("discover").get("_meta").get("io.modelcontextprotocol/serverInfo").get("name").asString()).isEqualTo("director/modern");
    assertThat(seen.get("tools").toString()).contains("local__echo", "remote__echo");
    assertThat(PassThroughIT.text(seen)).isEqualTo("Echo: stateless hello");
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "remote"})
  void samplingOfALegacyUpstreamBecomesInputRequiredAndEachClientGetsItsOwnAnswer(String server) throws Exception {
    CompletableFuture<JsonNode> beta = CompletableFuture.supplyAsync(() -> PassThroughIT.run(() ->
        ts2("beta", server + "__trigger-sampling-request", "{\"prompt\":\"question of beta\"}")));
    CompletableFuture<JsonNode> gamma = CompletableFuture.supplyAsync(() -> PassThroughIT.run(() ->
        ts2("gamma", server + "__trigger-sampling-request", "{\"prompt\":\"question of gamma\"}")));
    for (var pair : List.of(List.of(beta.get(), "beta", "gamma"), List.of(gamma.get(), "gamma", "beta"))) {
      JsonNode seen = (JsonNode) pair.get(0);
      assertThat(seen.get("protocol").asString()).isEqualTo("2026-07-28");
      assertThat(seen.get("sampling").get(0).asString()).contains("question of " + pair.get(1));
      assertThat(PassThroughIT.text(seen)).as(seen.toString()).contains("sampled by " + pair.get(1)).doesNotContain((String) pair.get(2));
    }
  }

  @Test
  void elicitationAndProgressReachAStatelessClient() throws Exception {
    JsonNode elicited = ts2("delta", "local__trigger-elicitation-request", "{}");
    assertThat(elicited.get("elicitation")).hasSize(1);
    assertThat(PassThroughIT.text(elicited)).contains("name of delta");
    JsonNode progressed = ts2("epsilon", "remote__trigger-long-running-operation", "{\"duration\":1,\"steps\":4}");
    assertThat(progressed.get("progress").toString()).isEqualTo("[1,2,3,4]");
  }

  @Test
  void resultsSayTheirTypeAndListsHowLongTheyMayBeCached() throws Exception {
    HttpResponse<String> listed = McpClient.stateless(director, playbook, admin.bearer(), 1, "tools/list", "{}", null);
    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(listed.headers().firstValue("Mcp-Session-Id")).isEmpty();
    JsonNode result = Api.JSON.readTree(listed.body()).get("result");
    assertThat(result.get("resultType").asString()).isEqualTo("complete");
    assertThat(result.get("ttlMs").asInt()).isZero();
    assertThat(result.get("cacheScope").asString()).isEqualTo("private");
    assertThat(result.get("_meta").get("io.modelcontextprotocol/serverInfo").get("name").asString()).isEqualTo("director/modern");
  }

  @Test
  void badStatelessRequestsGetClearErrorsAndNothingElse() throws Exception {
    // a version nobody speaks: 400 naming what is supported
    HttpRequest.Builder b = raw("tools/list").POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\","
        + "\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2099-01-01\",\"io.modelcontextprotocol/clientCapabilities\":{}}}}"));
    JsonNode unsupported = expect(director.send(b), 400);
    assertThat(unsupported.get("error").get("code").asInt()).isEqualTo(-32022);
    assertThat(unsupported.get("error").get("data").get("supported").toString()).contains("2026-07-28", "2025-11-25");
    assertThat(unsupported.get("error").get("data").get("requested").asString()).isEqualTo("2099-01-01");

    // no client capabilities in the envelope
    b = raw("tools/list").POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\","
        + "\"params\":{\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}"));
    assertThat(expect(director.send(b), 400).get("error").get("code").asInt()).isEqualTo(-32602);

    // the modern header without an envelope
    b = raw("tools/list").POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}"));
    JsonNode bare = expect(director.send(b), 400);
    assertThat(bare.get("error").get("data").get("envelope").get("missing").toString()).contains("_meta");

    // headers that disagree with the body
    HttpResponse<String> wrongMethod = McpClient.stateless(director, playbook, admin.bearer(), 4, "tools/list", "{}", null);
    assertThat(wrongMethod.statusCode()).isEqualTo(200);
    b = raw("prompts/list").POST(HttpRequest.BodyPublishers.ofString(envelope(5, "tools/list", "{}")));
    assertThat(expect(director.send(b), 400).get("error").get("code").asInt()).isEqualTo(-32020);
    HttpResponse<String> wrongName = McpClient.stateless(director, playbook, admin.bearer(), 6, "tools/call",
        "{\"name\":\"local__echo\",\"arguments\":{\"message\":\"x\"}}", "local__get-sum");
    assertThat(expect(wrongName, 400).get("error").get("code").asInt()).isEqualTo(-32020);

    // methods the revision does not have, and a requestState nobody issued
    assertThat(expect(McpClient.stateless(director, playbook, admin.bearer(), 7, "ping", "{}", null), 404).get("error").get("code").asInt())
        .isEqualTo(-32601);
    HttpResponse<String> forged = McpClient.stateless(director, playbook, admin.bearer(), 8, "tools/call",
        "{\"name\":\"local__echo\",\"arguments\":{\"message\":\"x\"},\"requestState\":\"made-up\",\"inputResponses\":{}}", "local__echo");
    assertThat(expect(forged, 200).get("error").get("message").asString()).contains("requestState");

    // after all that, the endpoint still answers
    HttpResponse<String> fine = McpClient.stateless(director, playbook, admin.bearer(), 9, "tools/call",
        "{\"name\":\"local__echo\",\"arguments\":{\"message\":\"still here\"}}", "local__echo");
    assertThat(expect(fine, 200).get("result").get("content").get(0).get("text").asString()).isEqualTo("Echo: still here");
  }

  @Test
  void aListenStreamIsAcknowledgedAndToldWhenThePlaybookChanges() throws Exception {
    HttpRequest request = raw("subscriptions/listen").POST(HttpRequest.BodyPublishers.ofString(envelope(42, "subscriptions/listen",
        "{\"notifications\":{\"toolsListChanged\":true,\"resourceSubscriptions\":[\"x://y\"]}}"))).build();
    HttpResponse<InputStream> stream = java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    LinkedBlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          if (line.startsWith("data:")) events.add(Api.JSON.readTree(line.substring(5).trim()));
        }
      } catch (java.io.IOException ignored) {
        // stream closed
      }
    });
    JsonNode ack = events.poll(10, TimeUnit.SECONDS);
    assertThat(ack.get("method").asString()).isEqualTo("notifications/subscriptions/acknowledged");
    assertThat(ack.get("params").get("notifications").toString()).isEqualTo("{\"toolsListChanged\":true}");
    assertThat(ack.get("params").get("_meta").get("io.modelcontextprotocol/subscriptionId").asInt()).isEqualTo(42);

    api.json(api.call("PATCH", "/api/playbooks/" + playbook, admin.bearer(), Map.of("description", "edited while listening")), 200);
    JsonNode changed = events.poll(10, TimeUnit.SECONDS);
    assertThat(changed).isNotNull();
    assertThat(changed.get("method").asString()).isEqualTo("notifications/tools/list_changed");
    assertThat(changed.get("params").get("_meta").get("io.modelcontextprotocol/subscriptionId").asInt()).isEqualTo(42);
    assertThat(events.poll(500, TimeUnit.MILLISECONDS)).as("only the changes asked for").isNull();
  }

  static HttpRequest.Builder raw(String method) {
    return HttpRequest.newBuilder(director.uri("/playbooks/" + playbook + "/mcp")).header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream").header("Authorization", admin.bearer())
        .header("MCP-Protocol-Version", "2026-07-28").header("Mcp-Method", method);
  }

  static String envelope(long id, String method, String params) {
    String meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{}}";
    String p = params.equals("{}") ? "{" + meta + "}" : params.replaceFirst("^\\{", "{" + meta + ",");
    return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + p + "}";
  }

  static JsonNode expect(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return Api.JSON.readTree(response.body());
  }
}
