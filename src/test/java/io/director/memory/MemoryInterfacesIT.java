package io.director.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The built-in {@code memory} MCP server (used by the official MCP Java SDK through a playbook) and the memory CLI. */
class MemoryInterfacesIT {
  static DirectorProcess director;
  static Api api;
  static Api.Login one;
  static Api.Login two;
  static String keyOne;
  static String keyTwo;
  static String playbookOne;
  static String playbookTwo;

  @BeforeAll
  static void start() throws Exception {
    director = DirectorProcess.serve(Files.createTempDirectory("director-memory-mcp"), Map.of("PASSWORD_HASH_COST", "4"));
    api = new Api(director);
    one = api.registerTenant("mcp-memory-one", "mcp-memory-one-admin");
    two = api.registerTenant("mcp-memory-two", "mcp-memory-two-admin");
    // keys that may only connect: the playbook's memory tools come with the playbook
    keyOne = api.createKey(one, "agent", List.of("mcp:connect")).get("key").asString();
    keyTwo = api.createKey(two, "agent", List.of("mcp:connect")).get("key").asString();
    playbookOne = api.json(api.call("POST", "/api/playbooks", one.bearer(), Map.of("name", "notes")), 201).get("id").asString();
    playbookTwo = api.json(api.call("POST", "/api/playbooks", two.bearer(), Map.of("name", "notes")), 201).get("id").asString();
  }

  @AfterAll
  static void stop() {
    if (director != null) director.close();
  }

  static McpSyncClient client(String playbook, String key) {
    HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + director.port())
        .endpoint("/playbooks/" + playbook + "/mcp").requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + key)).build();
    McpSyncClient client = McpClient.sync(transport).requestTimeout(Duration.ofSeconds(30)).build();
    client.initialize();
    return client;
  }

  static McpSchema.CallToolResult call(McpSyncClient client, String tool, Map<String, Object> arguments) {
    return client.callTool(new McpSchema.CallToolRequest(tool, arguments));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> structured(McpSchema.CallToolResult r) {
    assertThat(r.isError()).as(r.toString()).isNotEqualTo(Boolean.TRUE);
    return (Map<String, Object>) r.structuredContent();
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> results(McpSchema.CallToolResult r) {
    return (List<Map<String, Object>>) structured(r).get("results");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyPlaybookServesTheMemoryToolsInItsOwnNamespace() throws Exception {
    try (McpSyncClient client = client(playbookOne, keyOne)) {
      List<McpSchema.Tool> tools = client.listTools().tools();
      assertThat(tools).extracting(McpSchema.Tool::name)
          .contains("memory_remember", "memory_search", "memory_context", "memory_decide", "memory_forget");
      assertThat((List<Object>) tools.stream().filter(t -> t.name().equals("memory_search")).findFirst().orElseThrow().inputSchema().get("required"))
          .containsExactly("query");

      Map<String, Object> remembered = structured(call(client, "memory_remember", Map.of("text",
          "The nightly data export to the warehouse starts at 02:00 UTC", "tags", List.of("rule"))));
      String id = (String) remembered.get("id");
      assertThat(remembered.get("namespace")).isEqualTo("notes");
      List<Map<String, Object>> found = results(call(client, "memory_search", Map.of("query", "when does the warehouse sync run at night?")));
      assertThat(found).extracting(h -> h.get("id")).first().isEqualTo(id);

      Map<String, Object> decided = structured(call(client, "memory_decide", Map.of("title", "Warehouse", "decision", "Use BigQuery",
          "rationale", "cheaper at our volume", "alternatives", List.of("Snowflake"))));
      Map<String, Object> context = structured(call(client, "memory_context", Map.of("query", "warehouse export", "token_budget", 1000)));
      assertThat(context.get("namespace")).isEqualTo("notes");
      assertThat(context.toString()).contains(id).contains((String) decided.get("id"));

      // the same memory is there over REST, in the namespace named after the playbook
      JsonNode rest = api.json(api.call("POST", "/api/memory/search", one.bearer(), Map.of("query", "warehouse export", "namespace", "notes")), 200);
      assertThat(rest.get("results").findValues("id").stream().map(JsonNode::asString)).contains(id);

      // a caller's mistake is a tool error, not a protocol failure
      McpSchema.CallToolResult empty = call(client, "memory_search", Map.of("query", ""));
      assertThat(empty.isError()).isTrue();
      assertThat(((McpSchema.TextContent) empty.content().get(0)).text()).contains("memory.empty-query");
      McpSchema.CallToolResult unknownArg = call(client, "memory_remember", Map.of("text", "x", "namespace", "elsewhere"));
      assertThat(unknownArg.isError()).isTrue();
      assertThat(((McpSchema.TextContent) unknownArg.content().get(0)).text()).contains("namespace");
      McpSchema.CallToolResult secret = call(client, "memory_remember", Map.of("text", "token is ghp_abcdefghijklmnopqrstuvwxyz0123456789"));
      assertThat(structured(secret).get("text").toString()).doesNotContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789");

      // forgotten means gone, over MCP and over REST
      assertThat(structured(call(client, "memory_forget", Map.of("id", id))).get("type")).isEqualTo("memory");
      assertThat(results(call(client, "memory_search", Map.of("query", "nightly data export warehouse")))).extracting(h -> h.get("id"))
          .doesNotContain(id);
      assertThat(api.call("GET", "/api/memory/memories/" + id, one.bearer(), null).statusCode()).isEqualTo(404);
      assertThat(call(client, "memory_forget", Map.of("id", id)).isError()).isTrue();
    }
  }

  @Test
  void anotherTenantsPlaybookOfTheSameNameSeesNothingOfThisOne() throws Exception {
    String text = "The on-call phone for payments is kept by Ingrid this week";
    String mine;
    try (McpSyncClient client = client(playbookOne, keyOne)) {
      mine = (String) structured(call(client, "memory_remember", Map.of("text", text))).get("id");
    }
    try (McpSyncClient other = client(playbookTwo, keyTwo)) {
      String theirs = (String) structured(call(other, "memory_remember", Map.of("text", text))).get("id");
      for (String mode : List.of("text", "vector", "hybrid")) {
        assertThat(results(call(other, "memory_search", Map.of("query", "who has the payments on-call phone", "mode", mode, "k", 100))))
            .extracting(h -> h.get("id")).contains(theirs).doesNotContain(mine);
      }
      assertThat(structured(call(other, "memory_context", Map.of("query", "payments on-call"))).toString()).doesNotContain(mine);
      assertThat(call(other, "memory_forget", Map.of("id", mine)).isError()).isTrue();
    }
    assertThat(api.call("GET", "/api/memory/memories/" + mine, one.bearer(), null).statusCode()).isEqualTo(200);
    // and tenant two's key cannot open tenant one's playbook at all
    assertThatThrownBy(() -> client(playbookOne, keyTwo)).isInstanceOf(RuntimeException.class);
  }

  @Test
  void aPlaybookCanOptOutOfMemory() throws Exception {
    String id = api.json(api.call("POST", "/api/playbooks", one.bearer(), Map.of("name", "no-memory", "memory", false)), 201).get("id").asString();
    try (McpSyncClient client = client(id, keyOne)) {
      assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).noneMatch(n -> n.startsWith("memory_"));
      assertThatThrownBy(() -> call(client, "memory_search", Map.of("query", "anything"))).hasMessageContaining("Unknown tool");
    }
    // and back in
    api.json(api.call("PATCH", "/api/playbooks/" + id, one.bearer(), Map.of("memory", true)), 200);
    try (McpSyncClient client = client(id, keyOne)) {
      assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name).contains("memory_search");
    }
  }

  @Test
  void theCliRemembersSearchesBuildsContextForgetsExportsAndImports() throws Exception {
    String key = api.createKey(one, "cli", List.of("memory:read", "memory:write")).get("key").asString();
    Path home = Files.createTempDirectory("director-memory-cli");
    Map<String, String> env = new HashMap<>(Map.of("DIRECTOR_URL", "http://127.0.0.1:" + director.port(), "DIRECTOR_API_KEY", key,
        "XDG_CONFIG_HOME", home.toString()));
    DirectorProcess remember = DirectorProcess.run(home, env, "memory", "remember", "-n", "cli-ns", "-t", "rule", "--importance", "0.9",
        "Code reviews need two approvals for anything touching payments");
    assertThat(remember.awaitExit(Duration.ofSeconds(30))).as(remember.allOutput()).isZero();
    String id = remember.stdout().get(0).trim();
    assertThat(id).matches("[0-9a-f-]{36}");
    DirectorProcess search = DirectorProcess.run(home, env, "memory", "search", "-n", "cli-ns", "how many reviewers for billing changes");
    assertThat(search.awaitExit(Duration.ofSeconds(30))).as(search.allOutput()).isZero();
    assertThat(search.stdout().get(0)).contains(id).contains("two approvals");
    DirectorProcess context = DirectorProcess.run(home, env, "memory", "context", "-n", "cli-ns", "--budget", "500", "reviewing a payments PR");
    assertThat(context.awaitExit(Duration.ofSeconds(30))).as(context.allOutput()).isZero();
    assertThat(String.join("\n", context.stdout())).contains("## rules").contains(id).contains("of 500 tokens");

    Path file = home.resolve("cli-ns.jsonl");
    DirectorProcess export = DirectorProcess.run(home, env, "memory", "export", "cli-ns", "-o", file.toString());
    assertThat(export.awaitExit(Duration.ofSeconds(30))).as(export.allOutput()).isZero();
    assertThat(Files.readAllLines(file)).hasSize(2);
    DirectorProcess imported = DirectorProcess.run(home, env, "memory", "import", "cli-copy", file.toString());
    assertThat(imported.awaitExit(Duration.ofSeconds(60))).as(imported.allOutput()).isZero();
    assertThat(imported.stdout().get(0)).contains("imported 0 events, 1 memories, 0 decisions into cli-copy");
    assertThat(api.json(api.call("GET", "/api/memory/memories?namespace=cli-copy", one.bearer(), null), 200).get("memories")
        .get(0).get("text").asString()).contains("two approvals");

    DirectorProcess forget = DirectorProcess.run(home, env, "memory", "forget", id);
    assertThat(forget.awaitExit(Duration.ofSeconds(30))).as(forget.allOutput()).isZero();
    assertThat(api.call("GET", "/api/memory/memories/" + id, one.bearer(), null).statusCode()).isEqualTo(404);
    DirectorProcess again = DirectorProcess.run(home, env, "memory", "forget", id);
    assertThat(again.awaitExit(Duration.ofSeconds(30))).isNotZero();
    assertThat(again.allOutput()).contains("memory.not-found");
    DirectorProcess empty = DirectorProcess.run(home, env, "memory", "search", "-k", "0", "anything");
    assertThat(empty.awaitExit(Duration.ofSeconds(30))).isNotZero();
    assertThat(empty.allOutput()).contains("422");
  }
}
