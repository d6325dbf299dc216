package io.director.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/** The official TypeScript SDK (1.x) as a client of Director, on the Streamable HTTP and legacy SSE transports. */
class TypeScriptSdkClientIT {
  static final Path CLIENT = Path.of("test-peers/ts-client.mjs").toAbsolutePath();
  static DirectorProcess director;
  static String key;
  static String playbook;

  @BeforeAll
  static void start() throws Exception {
    director = DirectorProcess.serve(Files.createTempDirectory("director-ts-sdk"), Map.of("PASSWORD_HASH_COST", "4"));
    Api api = new Api(director);
    Api.Login admin = api.registerTenant("ts", "ts-admin");
    key = api.createKey(admin, "ts-sdk", List.of("mcp:connect")).get("key").asString();
    playbook = api.json(api.call("POST", "/api/playbooks", admin.bearer(), Map.of("name", "ts",
        "servers", List.of(Map.of("name", "everything", "transport", "stdio", "command", "node",
            "args", List.of(McpGatewayIT.EVERYTHING.toString(), "stdio"))))), 201).get("id").asString();
  }

  @AfterAll
  static void stop() {
    if (director != null) director.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "sse"})
  void theTypeScriptSdkListsAndCallsTools(String transport) throws Exception {
    String url = "http://127.0.0.1:" + director.port() + "/playbooks/" + playbook + (transport.equals("sse") ? "/sse" : "/mcp");
    Process p = new ProcessBuilder("node", CLIENT.toString(), url, "Bearer " + key, transport, "everything__echo", "{\"message\":\"from TypeScript\"}")
        .directory(CLIENT.getParent().toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(err).isZero();
    JsonNode seen = Api.JSON.readTree(out.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
    assertThat(seen.get("server").get("name").asString()).isEqualTo("director/ts");
    List<String> tools = new java.util.ArrayList<>();
    seen.get("tools").forEach(n -> tools.add(n.asString()));
    assertThat(tools).contains("everything__echo", "everything__get-sum");
    assertThat(seen.get("result").get("content").get(0).get("text").asString()).isEqualTo("Echo: from TypeScript");
  }
}
