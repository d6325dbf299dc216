package io.director.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * An upstream that speaks only the stateless revision 2026-07-28 (the TypeScript SDK 2.x server,
 * legacy requests rejected) serves clients of the older revisions through Director: its
 * input_required results become sampling and elicitation requests to the client that made the
 * call, and its list changes reach Director on a subscriptions/listen stream.
 */
class ModernUpstreamIT {
  static final Path SERVER = Path.of("test-peers/modern-server.mjs").toAbsolutePath();
  static DirectorProcess director;
  static Process upstream;
  static Api.Login admin;
  static String key;
  static String playbook;

  @BeforeAll
  static void start() throws Exception {
    int port = DirectorProcess.freePort();
    upstream = new ProcessBuilder("node", SERVER.toString(), Integer.toString(port)).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    HttpUpstreamIT.awaitPort(port);
    director = DirectorProcess.serve(Files.createTempDirectory("director-modern-up"), Map.of("PASSWORD_HASH_COST", "4"));
    Api api = new Api(director);
    admin = api.registerTenant("modern-up", "modern-up-admin");
    key = api.createKey(admin, "clients", List.of("mcp:connect")).get("key").asString();
    playbook = api.json(api.call("POST", "/api/playbooks", admin.bearer(), Map.of("name", "to-modern",
        "servers", List.of(Map.of("name", "modern", "transport", "http", "url", "http://127.0.0.1:" + port + "/mcp")))), 201)
        .get("id").asString();
  }

  @AfterAll
  static void stop() {
    if (director != null) director.close();
    if (upstream != null) upstream.destroyForcibly();
  }

  @Test
  void aClientOfAnOlderRevisionListsAndCallsTheToolsOfAStatelessUpstream() throws Exception {
    McpClient client = new McpClient(director, playbook, admin.bearer());
    client.initialize("2025-06-18");
    assertThat(McpGatewayIT.names(client.request("tools/list", null).get("result").get("tools")))
        .contains("modern__echo", "modern__count", "modern__ask-name", "modern__ask-model");
    JsonNode called = client.callTool("modern__echo", "{\"message\":\"across revisions\"}");
    assertThat(called.get("result").get("content").get(0).get("text").asString()).isEqualTo("Modern echo: across revisions");
  }

  @Test
  void inputRequiredResultsBecomeRequestsToTheClientThatMadeTheCall() throws Exception {
    JsonNode elicited = PassThroughIT.interactive(director, playbook, key, "http", "alpha", "modern__ask-name", "{}", 0);
    assertThat(elicited.get("elicitation").get(0).asString()).isEqualTo("Who are you?");
    assertThat(PassThroughIT.text(elicited)).isEqualTo("Hello, name of alpha");

    JsonNode sampled = PassThroughIT.interactive(director, playbook, key, "sse", "beta", "modern__ask-model", "{\"prompt\":\"what now\"}", 0);
    assertThat(sampled.get("sampling").get(0).asString()).isEqualTo("what now");
    assertThat(PassThroughIT.text(sampled)).isEqualTo("The model said: sampled by beta");

    JsonNode counted = PassThroughIT.interactive(director, playbook, key, "http", "gamma", "modern__count", "{\"steps\":3}", 0);
    assertThat(counted.get("progress").toString()).isEqualTo("[1,2,3]");
  }

  @Test
  void aStatelessClientAnswersAStatelessUpstreamThroughDirector() throws Exception {
    JsonNode seen = StatelessIT.ts2(director, playbook, key, "delta", "modern__ask-name", "{}");
    assertThat(seen.get("protocol").asString()).isEqualTo("2026-07-28");
    assertThat(PassThroughIT.text(seen)).isEqualTo("Hello, name of delta");
  }

  @Test
  void aListChangeOfTheUpstreamReachesClients() throws Exception {
    McpClient client = new McpClient(director, playbook, admin.bearer());
    client.initialize("2025-11-25");
    assertThat(McpGatewayIT.names(client.request("tools/list", null).get("result").get("tools"))).doesNotContain("modern__grown");
    assertThat(client.callTool("modern__grow", "{}").get("result").get("content").get(0).get("text").asString()).isEqualTo("grown");
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() ->
        McpGatewayIT.names(client.request("tools/list", null).get("result").get("tools")).contains("modern__grown"));
  }
}
