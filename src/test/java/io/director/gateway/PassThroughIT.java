package io.director.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

/**
 * What an upstream says back while a client's call runs — sampling, elicitation, progress — reaches
 * that client and no other, and the client's answer gets back to the upstream; with real TypeScript
 * SDK clients and the reference everything server shared over stdio and over Streamable HTTP.
 */
class PassThroughIT {
  static final Path CLIENT = Path.of("test-peers/ts-interactive.mjs").toAbsolutePath();
  static final Path PLAIN_CLIENT = TypeScriptSdkClientIT.CLIENT;
  static DirectorProcess director;
  static Process httpUpstream;
  static String key;
  static String playbook;

  @BeforeAll
  static void start() throws Exception {
    int port = DirectorProcess.freePort();
    httpUpstream = HttpUpstreamIT.startUpstream("streamableHttp", port);
    director = DirectorProcess.serve(Files.createTempDirectory("director-pass"), Map.of("PASSWORD_HASH_COST", "4", "MCP_UPSTREAM_POOL_SIZE", "3"));
    Api api = new Api(director);
    Api.Login admin = api.registerTenant("pass", "pass-admin");
    key = api.createKey(admin, "interactive", List.of("mcp:connect")).get("key").asString();
    playbook = api.json(api.call("POST", "/api/playbooks", admin.bearer(), Map.of("name", "pass",
        "servers", List.of(
            Map.of("name", "local", "transport", "stdio", "command", "node", "args", List.of(McpGatewayIT.EVERYTHING.toString(), "stdio")),
            Map.of("name", "remote", "transport", "http", "url", "http://127.0.0.1:" + port + "/mcp")))), 201).get("id").asString();
  }

  @AfterAll
  static void stop() {
    if (director != null) director.close();
    if (httpUpstream != null) httpUpstream.destroyForcibly();
  }

  /** Runs the interactive client and returns the JSON line it prints. */
  static JsonNode interactive(String transport, String persona, String tool, String args, int delayMs) throws Exception {
    return interactive(director, playbook, key, transport, persona, tool, args, delayMs);
  }

  static JsonNode interactive(DirectorProcess director, String playbook, String key, String transport, String persona, String tool,
      String args, int delayMs) throws Exception {
    String url = "http://127.0.0.1:" + director.port() + "/playbooks/" + playbook + (transport.equals("sse") ? "/sse" : "/mcp");
    return node(CLIENT, url, "Bearer " + key, transport, persona, tool, args, Integer.toString(delayMs));
  }

  static JsonNode node(Path script, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("node", script.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(script.getParent().toFile()).start();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        return e.toString();
      }
    });
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(err.get()).isZero();
    return Api.JSON.readTree(out.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
  }

  static String text(JsonNode seen) {
    StringBuilder b = new StringBuilder();
    seen.get("result").get("content").forEach(c -> b.append(c.path("text").asString("")));
    return b.toString();
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "remote"})
  void twoClientsSharingAnUpstreamEachAnswerTheirOwnInterleavedSamplingRequests(String server) throws Exception {
    // both calls are in flight together: each client holds its sampling answer back for two seconds
    CompletableFuture<JsonNode> alpha = CompletableFuture.supplyAsync(() -> run(() -> interactive("http", "alpha",
        server + "__trigger-sampling-request", "{\"prompt\":\"question of alpha\"}", 2000)));
    CompletableFuture<JsonNode> beta = CompletableFuture.supplyAsync(() -> run(() -> interactive("http", "beta",
        server + "__trigger-sampling-request", "{\"prompt\":\"question of beta\"}", 2000)));
    for (var pair : List.of(List.of(alpha.get(), "alpha", "beta"), List.of(beta.get(), "beta", "alpha"))) {
      JsonNode seen = (JsonNode) pair.get(0);
      String me = (String) pair.get(1);
      String other = (String) pair.get(2);
      assertThat(seen.get("sampling")).as(seen.toString()).hasSize(1);
      assertThat(seen.get("sampling").get(0).asString()).contains("question of " + me).doesNotContain("question of " + other);
      assertThat(text(seen)).as(seen.toString()).contains("sampled by " + me).contains("model-of-" + me).doesNotContain(other);
      assertThat(seen.get("result").path("isError").asBoolean(false)).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "remote"})
  void progressNotificationsReachTheClientWithItsOwnToken(String server) throws Exception {
    JsonNode seen = interactive("http", "gamma", server + "__trigger-long-running-operation", "{\"duration\":1,\"steps\":4}", 0);
    List<Integer> progress = new ArrayList<>();
    seen.get("progress").forEach(p -> progress.add(p.asInt()));
    assertThat(progress).as(seen.toString()).containsExactly(1, 2, 3, 4);
    assertThat(text(seen)).contains("Long running operation completed");
  }

  @Test
  void elicitationReachesTheClientAndItsAnswerTheUpstream() throws Exception {
    JsonNode seen = interactive("http", "delta", "local__trigger-elicitation-request", "{}", 0);
    assertThat(seen.get("elicitation")).as(seen.toString()).hasSize(1);
    assertThat(text(seen)).contains("name of delta");
  }

  @Test
  void aLegacySseClientAnswersSamplingToo() throws Exception {
    JsonNode seen = interactive("sse", "epsilon", "local__trigger-sampling-request", "{\"prompt\":\"over sse\"}", 0);
    assertThat(seen.get("sampling").get(0).asString()).contains("over sse");
    assertThat(text(seen)).contains("sampled by epsilon");
  }

  @Test
  void aClientThatCannotSampleGetsAToolErrorRatherThanAHang() throws Exception {
    String url = "http://127.0.0.1:" + director.port() + "/playbooks/" + playbook + "/mcp";
    JsonNode seen = node(PLAIN_CLIENT, url, "Bearer " + key, "http", "local__trigger-sampling-request", "{\"prompt\":\"nobody answers\"}");
    assertThat(seen.get("result").path("isError").asBoolean(false)).as(seen.toString()).isTrue();
  }

  interface Step<T> {
    T get() throws Exception;
  }

  static <T> T run(Step<T> step) {
    try {
      return step.get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
