package io.director.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A Streamable HTTP upstream: the reference everything server in its HTTP mode, answering with event streams. */
class HttpUpstreamIT {
  static final Path EVERYTHING = McpGatewayIT.EVERYTHING;
  static DirectorProcess director;
  static Api api;
  static String bearer;
  static int upstreamPort;
  static Process upstream;

  @BeforeAll
  static void start() throws Exception {
    upstreamPort = DirectorProcess.freePort();
    upstream = startUpstream();
    director = DirectorProcess.serve(Files.createTempDirectory("director-http-up"), Map.of("PASSWORD_HASH_COST", "4", "MCP_REQUEST_TIMEOUT", "15s"));
    api = new Api(director);
    bearer = api.registerTenant("http-up", "http-up-admin").bearer();
  }

  static Process startUpstream() throws Exception {
    return startUpstream("streamableHttp", upstreamPort);
  }

  static Process startUpstream(String mode, int port) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("node", EVERYTHING.toString(), mode).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("PORT", Integer.toString(port));
    Process p = pb.start();
    awaitPort(port);
    return p;
  }

  static void awaitPort(int port) {
    await().atMost(Duration.ofSeconds(20)).until(() -> {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return true;
      } catch (java.io.IOException e) {
        return false;
      }
    });
  }

  @AfterAll
  static void stop() {
    if (director != null) director.close();
    if (upstream != null) upstream.destroyForcibly();
  }

  @Test
  void toolsOfAnHttpUpstreamAreServedAndAnExpiredUpstreamSessionIsRenewedTransparently() throws Exception {
    String playbook = api.json(api.call("POST", "/api/playbooks", bearer, Map.of("name", "over-http", "memory", false,
        "servers", List.of(Map.of("name", "remote", "transport", "http", "url", "http://127.0.0.1:" + upstreamPort + "/mcp",
            "headers", Map.of("X-Team", "director-tests"))))), 201).get("id").asString();
    McpClient client = new McpClient(director, playbook, bearer);
    client.initialize("2025-11-25");
    List<String> names = McpGatewayIT.names(client.request("tools/list", null).get("result").get("tools"));
    assertThat(names).contains("remote__echo", "remote__get-sum");
    assertThat(client.callTool("remote__echo", "{\"message\":\"over http\"}").get("result").get("content").get(0).get("text").asString())
        .isEqualTo("Echo: over http");

    // the upstream restarts and forgets every session; Director initialises again without the client noticing
    upstream.destroyForcibly().waitFor();
    upstream = startUpstream();
    JsonNode after = client.callTool("remote__echo", "{\"message\":\"after restart\"}");
    assertThat(after.has("result")).as(after.toString()).isTrue();
    assertThat(after.get("result").get("content").get(0).get("text").asString()).isEqualTo("Echo: after restart");

    JsonNode overview = api.json(api.call("GET", "/api/playbooks/" + playbook + "/tools", bearer, null), 200);
    assertThat(overview.get("servers").get(0).get("state").asString()).isEqualTo("ready");
  }

  @Test
  void aLegacySseUpstreamIsServedToModernClients() throws Exception {
    int ssePort = DirectorProcess.freePort();
    Process sse = startUpstream("sse", ssePort);
    try {
      String playbook = api.json(api.call("POST", "/api/playbooks", bearer, Map.of("name", "over-sse", "memory", false,
          "servers", List.of(Map.of("name", "old", "transport", "sse", "url", "http://127.0.0.1:" + ssePort + "/sse")))), 201).get("id").asString();
      McpClient client = new McpClient(director, playbook, bearer);
      client.initialize("2025-11-25");
      assertThat(McpGatewayIT.names(client.request("tools/list", null).get("result").get("tools"))).contains("old__echo");
      assertThat(client.callTool("old__echo", "{\"message\":\"translated\"}").get("result").get("content").get(0).get("text").asString())
          .isEqualTo("Echo: translated");
      sse.destroyForcibly().waitFor();
      JsonNode down = client.callTool("old__echo", "{\"message\":\"down\"}");
      assertThat(down.has("error")).isTrue();
      sse = startUpstream("sse", ssePort);
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
          .until(() -> client.callTool("old__echo", "{\"message\":\"back\"}").has("result"));
    } finally {
      sse.destroyForcibly();
    }
  }

  @Test
  void anUnreachableHttpUpstreamIsAnErrorNotAHang() throws Exception {
    String playbook = api.json(api.call("POST", "/api/playbooks", bearer, Map.of("name", "nowhere", "memory", false,
        "servers", List.of(Map.of("name", "gone", "transport", "http", "url", "http://127.0.0.1:" + DirectorProcess.freePort() + "/mcp")))), 201)
        .get("id").asString();
    McpClient client = new McpClient(director, playbook, bearer);
    client.initialize("2025-06-18");
    assertThat(client.request("tools/list", null).get("result").get("tools")).isEmpty();
    JsonNode call = client.callTool("gone__echo", "{}");
    assertThat(call.get("error").get("code").asInt()).isEqualTo(-32602);
    JsonNode overview = api.json(api.call("GET", "/api/playbooks/" + playbook + "/tools", bearer, null), 200);
    assertThat(overview.get("servers").get(0).get("state").asString()).isEqualTo("failed");
    assertThat(overview.get("servers").get(0).get("last_error").asString()).contains("cannot reach");
  }
}
