package io.director.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Two Director instances on one PostgreSQL serve the same playbook; an edit through one is live on the other within a second. */
class GatewayClusterIT {
  static EmbeddedPostgres postgres;
  static DirectorProcess a;
  static DirectorProcess b;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().setDataDirectory(Files.createTempDirectory("director-gw-pg")).start();
    try (Connection c = postgres.getPostgresDatabase().getConnection()) {
      c.createStatement().execute("CREATE DATABASE gateway");
    }
    Map<String, String> env = Map.of("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + postgres.getPort() + "/gateway",
        "DIRECTOR_SECRET", "gateway-cluster-" + "c2VjcmV0cy1tdXN0LW1hdGNoLWFjcm9zcw", "PASSWORD_HASH_COST", "4",
        "AUTH_RATE_LIMIT_MAX_ATTEMPTS", "100");
    a = DirectorProcess.serve(Files.createTempDirectory("director-gw-a"), env);
    b = DirectorProcess.serve(Files.createTempDirectory("director-gw-b"), env);
  }

  @AfterAll
  static void stop() throws Exception {
    if (a != null) a.close();
    if (b != null) b.close();
    if (postgres != null) postgres.close();
  }

  @Test
  void anEditThroughOneInstanceIsServedByTheOtherWithinASecond() throws Exception {
    Api apiA = new Api(a);
    Api.Login admin = apiA.registerTenant("gw", "gw-admin");
    String playbook = apiA.json(apiA.call("POST", "/api/playbooks", admin.bearer(), Map.of("name", "shared", "memory", false,
        "servers", List.of(Map.of("name", "everything", "transport", "stdio", "command", "node",
            "args", List.of(McpGatewayIT.EVERYTHING.toString(), "stdio"), "tools", Map.of("include", List.of("echo")))))), 201)
        .get("id").asString();
    McpClient onB = new McpClient(b, playbook, admin.bearer());
    onB.initialize("2025-06-18");
    assertThat(McpGatewayIT.names(onB.request("tools/list", null).get("result").get("tools"))).containsExactly("everything__echo");

    apiA.json(apiA.call("PUT", "/api/playbooks/" + playbook + "/servers/everything", admin.bearer(), Map.of("name", "everything",
        "transport", "stdio", "command", "node", "args", List.of(McpGatewayIT.EVERYTHING.toString(), "stdio"),
        "tools", Map.of("include", List.of("echo", "get-sum")))), 200);
    long edited = System.nanoTime();
    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50)).until(() ->
        McpGatewayIT.names(onB.request("tools/list", null).get("result").get("tools")).contains("everything__get-sum"));
    assertThat(Duration.ofNanos(System.nanoTime() - edited)).isLessThan(Duration.ofSeconds(1));

    apiA.json(apiA.call("DELETE", "/api/playbooks/" + playbook, admin.bearer(), null), 204);
    await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50)).until(() ->
        onB.post("{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}").statusCode() == 404);
  }

  @Test
  void aStatelessClientMaySendEachRequestToEitherInstance() throws Exception {
    Api apiA = new Api(a);
    Api.Login admin = apiA.registerTenant("gw-stateless", "gw-stateless-admin");
    String playbook = apiA.json(apiA.call("POST", "/api/playbooks", admin.bearer(), Map.of("name", "stateless", "memory", false,
        "servers", List.of(Map.of("name", "everything", "transport", "stdio", "command", "node",
            "args", List.of(McpGatewayIT.EVERYTHING.toString(), "stdio"), "tools", Map.of("include", List.of("echo")))))), 201)
        .get("id").asString();
    for (int i = 0; i < 6; i++) {
      DirectorProcess instance = i % 2 == 0 ? a : b;
      var listed = McpClient.stateless(instance, playbook, admin.bearer(), 2L * i, "tools/list", "{}", null);
      assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
      assertThat(listed.headers().firstValue("Mcp-Session-Id")).isEmpty();
      assertThat(McpGatewayIT.names(Api.JSON.readTree(listed.body()).get("result").get("tools"))).containsExactly("everything__echo");
      var called = McpClient.stateless(instance, playbook, admin.bearer(), 2L * i + 1, "tools/call",
          "{\"name\":\"everything__echo\",\"arguments\":{\"message\":\"round " + i + "\"}}", "everything__echo");
      JsonNode result = Api.JSON.readTree(called.body()).get("result");
      assertThat(result.get("content").get(0).get("text").asString()).isEqualTo("Echo: round " + i);
      assertThat(result.get("resultType").asString()).isEqualTo("complete");
    }
  }

  @Test
  void aStatelessRetryWithInputReachesTheCallOnTheOtherInstance() throws Exception {
    Api apiA = new Api(a);
    Api.Login admin = apiA.registerTenant("gw-mrtr", "gw-mrtr-admin");
    String playbook = apiA.json(apiA.call("POST", "/api/playbooks", admin.bearer(), Map.of("name", "mrtr", "memory", false,
        "servers", List.of(Map.of("name", "everything", "transport", "stdio", "command", "node",
            "args", List.of(McpGatewayIT.EVERYTHING.toString(), "stdio"), "tools", Map.of("include", List.of("trigger-sampling-request")))))), 201)
        .get("id").asString();
    String meta = "\"_meta\":{\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\",\"io.modelcontextprotocol/clientCapabilities\":{\"sampling\":{}}}";
    String call = "\"name\":\"everything__trigger-sampling-request\",\"arguments\":{\"prompt\":\"across instances\"}," + meta;
    JsonNode first = statelessCall(a, playbook, admin.bearer(), 1, "{" + call + "}");
    JsonNode asked = first.get("result");
    assertThat(asked.get("resultType").asString()).as(first.toString()).isEqualTo("input_required");
    String key = asked.get("inputRequests").propertyNames().iterator().next();
    assertThat(asked.get("inputRequests").get(key).get("method").asString()).isEqualTo("sampling/createMessage");
    String state = asked.get("requestState").asString();

    // the retry goes to the other instance, which hands it to the one holding the call
    String answer = "{\"role\":\"assistant\",\"model\":\"m\",\"content\":{\"type\":\"text\",\"text\":\"answered through b\"}}";
    JsonNode done = statelessCall(b, playbook, admin.bearer(), 2,
        "{" + call + ",\"inputResponses\":{\"" + key + "\":" + answer + "},\"requestState\":\"" + state + "\"}");
    assertThat(done.get("id").asInt()).isEqualTo(2);
    assertThat(done.get("result").get("resultType").asString()).as(done.toString()).isEqualTo("complete");
    assertThat(done.get("result").get("content").get(0).get("text").asString()).contains("answered through b");

    // a state nobody issued is refused, on either instance
    JsonNode forged = statelessCall(b, playbook, admin.bearer(), 3, "{" + call + ",\"inputResponses\":{},\"requestState\":\"" + state + "\"}");
    assertThat(forged.get("error").get("code").asInt()).isEqualTo(-32602);
  }

  static JsonNode statelessCall(DirectorProcess instance, String playbook, String bearer, long id, String params) throws Exception {
    var request = java.net.http.HttpRequest.newBuilder(instance.uri("/playbooks/" + playbook + "/mcp")).header("Content-Type", "application/json")
        .header("Accept", "application/json").header("Authorization", bearer).header("MCP-Protocol-Version", "2026-07-28")
        .header("Mcp-Method", "tools/call").header("Mcp-Name", "everything__trigger-sampling-request")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":" + params + "}"));
    var response = instance.send(request);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Api.JSON.readTree(response.body());
  }
}
