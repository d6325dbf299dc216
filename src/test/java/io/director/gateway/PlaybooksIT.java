package io.director.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Playbooks as data over the REST API of the real jar: CRUD, masking, encryption at rest, apply/export, safety. */
class PlaybooksIT {
  static final String UPSTREAM_KEY = "sk-live-upstream-" + System.nanoTime();
  static final String HEADER_TOKEN = "Bearer hdr-" + System.nanoTime();
  static Path workDir;
  static DirectorProcess director;
  static Api api;
  static Api.Login owner;
  static Api.Login other;

  @BeforeAll
  static void start() throws Exception {
    workDir = Files.createTempDirectory("director-playbooks");
    director = DirectorProcess.serve(workDir, Map.of("PASSWORD_HASH_COST", "4", "AUTH_RATE_LIMIT_MAX_ATTEMPTS", "1000"));
    api = new Api(director);
    owner = api.registerTenant("pb-one", "pb-one-admin");
    other = api.registerTenant("pb-two", "pb-two-admin");
  }

  @AfterAll
  static void stop() {
    if (director != null) director.close();
  }

  static Map<String, Object> document(String name) {
    return Map.of("name", name, "description", "tools for the team",
        "servers", List.of(
            Map.of("name", "everything", "transport", "stdio", "command", "npx", "args", List.of("-y", "@modelcontextprotocol/server-everything"),
                "env", Map.of("API_KEY", UPSTREAM_KEY, "LOG_LEVEL", "debug", "PLAIN_BUT_SECRET", Map.of("value", "hidden-value-1", "secret", true))),
            Map.of("name", "remote", "transport", "http", "url", "https://mcp.example.test/mcp", "headers", Map.of("Authorization", HEADER_TOKEN),
                "tools", Map.of("include", List.of("search*"), "overrides", Map.of("search_docs", Map.of("name", "find", "description", "Find docs"))))),
        "prompts", List.of(Map.of("name", "greet", "template", "Hello {{name}}", "arguments", List.of(Map.of("name", "name", "required", true)))));
  }

  @Test
  void aPlaybookIsCreatedReadAndListedWithEverySecretMasked() throws Exception {
    JsonNode created = api.json(api.call("POST", "/api/playbooks", owner.bearer(), document("masked")), 201);
    String id = created.get("id").asString();
    JsonNode read = api.json(api.call("GET", "/api/playbooks/" + id, owner.bearer(), null), 200);
    String text = read.toString();
    assertThat(text).doesNotContain(UPSTREAM_KEY).doesNotContain(HEADER_TOKEN).doesNotContain("hidden-value-1");
    JsonNode env = read.get("servers").get(0).get("env");
    assertThat(env.get("API_KEY").get("value").asString()).isEqualTo("********");
    assertThat(env.get("API_KEY").get("secret").asBoolean()).isTrue();
    assertThat(env.get("LOG_LEVEL").asString()).isEqualTo("debug");
    assertThat(env.get("PLAIN_BUT_SECRET").get("secret").asBoolean()).isTrue();
    assertThat(read.get("servers").get(1).get("headers").get("Authorization").get("value").asString()).isEqualTo("********");
    assertThat(read.get("servers").get(1).get("tools").get("overrides").get("search_docs").get("name").asString()).isEqualTo("find");
    assertThat(read.get("prompts").get(0).get("template").asString()).isEqualTo("Hello {{name}}");
    JsonNode list = api.json(api.call("GET", "/api/playbooks", owner.bearer(), null), 200);
    assertThat(list.findValues("name").stream().map(JsonNode::asString)).contains("masked");
    assertThat(api.json(api.call("GET", "/api/playbooks/" + id + "/export", owner.bearer(), null), 200).toString()).doesNotContain(UPSTREAM_KEY);
  }

  @Test
  void secretsAreEncryptedAtRest() throws Exception {
    api.json(api.call("POST", "/api/playbooks", owner.bearer(), document("at-rest")), 201);
    String port = Files.readAllLines(workDir.resolve("data/postgres/postmaster.pid")).get(3).trim();
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/director", "postgres", "");
        ResultSet rs = c.createStatement().executeQuery("SELECT spec::text FROM playbook_servers")) {
      int rows = 0;
      while (rs.next()) {
        rows++;
        assertThat(rs.getString(1)).doesNotContain(UPSTREAM_KEY).doesNotContain(HEADER_TOKEN).doesNotContain("hidden-value-1");
        if (rs.getString(1).contains("API_KEY")) assertThat(rs.getString(1)).contains("v1:").contains("debug");
      }
      assertThat(rows).isGreaterThanOrEqualTo(2);
    }
    assertThat(director.allOutput()).doesNotContain(UPSTREAM_KEY).doesNotContain(HEADER_TOKEN);
  }

  @Test
  void exportThenApplyRoundTripsAndApplyIsIdempotent() throws Exception {
    JsonNode first = api.json(api.call("PUT", "/api/playbooks/apply", owner.bearer(), document("applied")), 201);
    JsonNode exported = api.json(api.call("GET", "/api/playbooks/" + first.get("id").asString() + "/export", owner.bearer(), null), 200);
    assertThat(exported.has("id")).isFalse();
    JsonNode again = api.json(api.call("PUT", "/api/playbooks/apply", owner.bearer(), exported), 200);
    assertThat(again.get("id").asString()).isEqualTo(first.get("id").asString());
    assertThat(again.get("servers").get(0).get("id").asString()).isEqualTo(first.get("servers").get(0).get("id").asString());
    JsonNode reexported = api.json(api.call("GET", "/api/playbooks/" + first.get("id").asString() + "/export", owner.bearer(), null), 200);
    assertThat(reexported).isEqualTo(exported);

    ObjectNode edited = (ObjectNode) exported.deepCopy();
    ((tools.jackson.databind.node.ArrayNode) edited.get("servers")).remove(1);
    edited.put("description", "one server now");
    JsonNode changed = api.json(api.call("PUT", "/api/playbooks/apply", owner.bearer(), edited), 200);
    assertThat(changed.get("servers")).hasSize(1);
    assertThat(changed.get("description").asString()).isEqualTo("one server now");
    assertThat(changed.get("revision").asLong()).isGreaterThan(first.get("revision").asLong());
  }

  @Test
  void serversAndPromptsAreEditedOneByOneAndMaskedValuesKeepTheirSecret() throws Exception {
    String id = api.json(api.call("POST", "/api/playbooks", owner.bearer(), Map.of("name", "one-by-one")), 201).get("id").asString();
    Map<String, Object> server = Map.of("name", "files", "transport", "stdio", "command", "node", "args", List.of("server.js"),
        "env", Map.of("GITHUB_TOKEN", "ghp_original"));
    api.json(api.call("POST", "/api/playbooks/" + id + "/servers", owner.bearer(), server), 201);
    assertThat(api.call("POST", "/api/playbooks/" + id + "/servers", owner.bearer(), server).statusCode()).isEqualTo(409);
    JsonNode shown = api.json(api.call("GET", "/api/playbooks/" + id + "/servers/files", owner.bearer(), null), 200);
    ObjectNode resend = (ObjectNode) shown.deepCopy();
    resend.remove("id");
    resend.put("disabled", true);
    api.json(api.call("PUT", "/api/playbooks/" + id + "/servers/files", owner.bearer(), resend), 200);
    assertProblem(api.call("PUT", "/api/playbooks/" + id + "/servers/files", owner.bearer(),
        Map.of("name", "files", "transport", "stdio", "command", "node", "env", Map.of("OTHER_TOKEN", "********"))), 400, "gateway.masked-value-unknown");
    assertThat(api.json(api.call("GET", "/api/playbooks/" + id + "/servers/files", owner.bearer(), null), 200).get("disabled").asBoolean()).isTrue();

    api.json(api.call("POST", "/api/playbooks/" + id + "/prompts", owner.bearer(), Map.of("name", "summary", "template", "Summarise {{text}}")), 201);
    api.json(api.call("PUT", "/api/playbooks/" + id + "/prompts/summary", owner.bearer(), Map.of("name", "summary", "template", "Short: {{text}}")), 200);
    assertThat(api.json(api.call("GET", "/api/playbooks/" + id + "/prompts", owner.bearer(), null), 200).get(0).get("template").asString())
        .isEqualTo("Short: {{text}}");
    api.json(api.call("DELETE", "/api/playbooks/" + id + "/prompts/summary", owner.bearer(), null), 204);
    api.json(api.call("DELETE", "/api/playbooks/" + id + "/servers/files", owner.bearer(), null), 204);
    assertProblem(api.call("DELETE", "/api/playbooks/" + id + "/servers/files", owner.bearer(), null), 404, "gateway.server-not-found");
    api.json(api.call("PATCH", "/api/playbooks/" + id, owner.bearer(), Map.of("name", "renamed", "memory", false)), 200);
    api.json(api.call("DELETE", "/api/playbooks/" + id, owner.bearer(), null), 204);
    assertProblem(api.call("GET", "/api/playbooks/" + id, owner.bearer(), null), 404, "gateway.playbook-not-found");
  }

  @Test
  void unsafeUpstreamsAreRefused() throws Exception {
    assertProblem(api.call("POST", "/api/playbooks", owner.bearer(), Map.of("name", "shell",
        "servers", List.of(Map.of("name", "sh", "transport", "stdio", "command", "/bin/sh", "args", List.of("-c", "id"))))), 422,
        "gateway.command-not-allowed");
    assertProblem(api.call("POST", "/api/playbooks", owner.bearer(), Map.of("name", "plain",
        "servers", List.of(Map.of("name", "web", "transport", "http", "url", "http://mcp.example.test/mcp")))), 422, "gateway.insecure-url");
    api.json(api.call("POST", "/api/playbooks", owner.bearer(), Map.of("name", "loopback",
        "servers", List.of(Map.of("name", "local", "transport", "sse", "url", "http://127.0.0.1:9000/sse")))), 201);
    assertProblem(api.call("POST", "/api/playbooks", owner.bearer(), Map.of("name", "clash",
        "servers", List.of(Map.of("name", "a", "transport", "stdio", "command", "npx", "prefix", "tools"),
            Map.of("name", "b", "transport", "stdio", "command", "npx", "prefix", "tools")))), 409, "gateway.prefix-collision");
  }

  @Test
  void anotherTenantsPlaybookIsNotFound() throws Exception {
    String id = api.json(api.call("POST", "/api/playbooks", owner.bearer(), document("private")), 201).get("id").asString();
    for (String path : List.of("/api/playbooks/" + id, "/api/playbooks/" + id + "/export", "/api/playbooks/" + id + "/servers",
        "/api/playbooks/" + id + "/servers/everything")) {
      assertProblem(api.call("GET", path, other.bearer(), null), 404, "gateway.playbook-not-found");
    }
    assertProblem(api.call("DELETE", "/api/playbooks/" + id, other.bearer(), null), 404, "gateway.playbook-not-found");
    assertProblem(api.call("PUT", "/api/playbooks/" + id + "/servers/everything", other.bearer(),
        Map.of("name", "everything", "transport", "stdio", "command", "npx")), 404, "gateway.playbook-not-found");
    assertThat(api.json(api.call("GET", "/api/playbooks", other.bearer(), null), 200).toString()).doesNotContain("private");
    // the same name is free in the other tenant
    api.json(api.call("POST", "/api/playbooks", other.bearer(), document("private")), 201);
  }

  @Test
  void badDocumentsAre4xxProblemsAndChangeNothing() throws Exception {
    List<Object> bodies = List.of("", "[]", "{", "{}", Map.of("name", ""), Map.of("name", "x".repeat(100)), Map.of("name", "ok", "colour", "red"),
        Map.of("name", "ok", "servers", "none"), Map.of("name", "ok", "servers", List.of(Map.of("name", "Bad Name", "transport", "stdio", "command", "npx"))),
        Map.of("name", "ok", "servers", List.of(Map.of("name", "a__b", "transport", "stdio", "command", "npx"))),
        Map.of("name", "ok", "servers", List.of(Map.of("name", "s", "transport", "carrier-pigeon"))),
        Map.of("name", "ok", "servers", List.of(Map.of("name", "s", "transport", "stdio"))),
        Map.of("name", "ok", "servers", List.of(Map.of("name", "s", "transport", "http", "url", "ftp://x"))),
        Map.of("name", "ok", "servers", List.of(Map.of("name", "s", "transport", "stdio", "command", "npx", "env", Map.of("BAD NAME", "x")))),
        Map.of("name", "ok", "servers", List.of(Map.of("name", "s", "transport", "http", "url", "https://h", "headers", Map.of("X", "a\r\nInjected: 1")))),
        Map.of("name", "ok", "servers", List.of(Map.of("name", "s", "transport", "stdio", "command", "npx", "args", List.of(Map.of())))),
        Map.of("name", "ok", "prompts", List.of(Map.of("name", "p"))),
        Map.of("name", "'; DROP TABLE playbooks; --"),
        Map.of("name", "ok", "memory", "yes"));
    for (Object body : bodies) {
      HttpResponse<String> response = api.call("POST", "/api/playbooks", owner.bearer(), body);
      assertThat(response.statusCode()).as(String.valueOf(body)).isBetween(400, 499);
      assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    }
    assertThat(api.json(api.call("GET", "/api/playbooks", owner.bearer(), null), 200).findValues("name").stream().map(JsonNode::asString))
        .doesNotContain("ok");
  }

  static void assertProblem(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(Api.JSON.readTree(response.body()).get("code").asString()).isEqualTo(code);
  }
}
