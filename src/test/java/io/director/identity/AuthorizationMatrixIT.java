package io.director.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Every endpoint × every kind of caller → the expected status. Later capabilities add their rows
 * to {@link #MATRIX}. "key+" is an API key holding every scope its tenant admin may grant, "key-"
 * one holding only memory:read; "other-*" belong to another tenant, whose resources must look
 * absent (404), never forbidden.
 */
class AuthorizationMatrixIT {
  static final List<String> CALLERS =
      List.of("anon", "viewer", "member", "other-member", "tenant-admin", "other-admin", "admin", "key+", "key-");

  // method path                     body  anon viewer member o-member t-admin o-admin admin key+ key-
  static final String MATRIX = """
      GET    /auth/me                   -   401  200    200    200      200     200     200   200  200
      GET    /auth/sessions             -   401  200    200    200      200     200     200   403  403
      GET    /api/keys                  -   401  200    200    200      200     200     200   200  200
      POST   /api/keys                  key 401  201    201    201      201     201     201   403  403
      DELETE /api/keys/{tenant-key}     -   401  404    404    404      204     404     204   403  403
      GET    /api/users                 -   401  403    403    403      200     200     200   403  403
      POST   /api/users                 user 401 403    403    403      201     201     201   403  403
      PATCH  /api/users/{viewer}        role 401 403    403    403      200     404     200   403  403
      GET    /api/audit                 -   401  403    403    403      200     200     200   403  403
      GET    /metrics                   -   401  403    403    403      200     200     200   200  403
      GET    /metrics/json              -   401  403    403    403      200     200     200   200  403
      POST   /api/config/validate       cfg 401  200    200    200      200     200     200   200  200
      DELETE /auth/sessions/{member-session} - 401 404  204    404      404     404     404   403  403
      GET    /api/health                -   200  200    200    200      200     200     200   200  200
      GET    /api/playbooks             -   401  200    200    200      200     200     200   200  403
      POST   /api/playbooks             pb  401  403    201    201      201     201     201   201  403
      GET    /api/playbooks/{playbook}  -   401  200    200    404      200     404     404   200  403
      GET    /api/playbooks/{playbook}/export - 401 200  200    404      200     404     404   200  403
      PATCH  /api/playbooks/{playbook}  desc 401 403    200    404      200     404     404   200  403
      POST   /api/playbooks/{playbook}/servers server 401 403 201 404   201     404     404   201  403
      GET    /api/playbooks/{playbook}/servers - 401 200 200   404      200     404     404   200  403
      DELETE /api/playbooks/{victim-playbook} - 401 403  204    404      204     404     404   204  403
      GET    /api/memory/events         -   401  200    200    200      200     200     200   200  200
      POST   /api/memory/events         mev 401  403    201    201      201     201     201   201  403
      GET    /api/memory/memories       -   401  200    200    200      200     200     200   200  200
      POST   /api/memory/memories       mem 401  403    201    201      201     201     201   201  403
      GET    /api/memory/memories/{memory} - 401 200    200    404      200     404     404   200  200
      GET    /api/memory/memories/{memory}/history - 401 200 200 404    200     404     404   200  200
      PATCH  /api/memory/memories/{memory} mtext 401 403 200    404      200     404     404   200  403
      DELETE /api/memory/memories/{victim-memory} - 401 403 204 404     204     404     404   204  403
      POST   /api/memory/search         q   401  200    200    200      200     200     200   200  200
      POST   /api/memory/search         qns 401  200    200    404      200     404     404   200  200
      POST   /api/memory/context        ctx 401  200    200    404      200     404     404   200  200
      GET    /api/memory/decisions      -   401  200    200    200      200     200     200   200  200
      POST   /api/memory/decisions      dec 401  403    201    201      201     201     201   201  403
      GET    /api/memory/namespaces     -   401  200    200    200      200     200     200   200  200
      PUT    /api/memory/namespaces/matrix-ttl ttl 401 403 403  403      200     200     200   403  403
      GET    /api/memory/namespaces/matrix-ns/export - 401 200 200 404    200     404     404   200  200
      POST   /auth/logout-all           -   401  200    200    200      200     200     200   403  403
      """;

  static DirectorProcess director;
  static Api api;
  static final Map<String, String> auth = new LinkedHashMap<>();
  static Api.Login tenantAdmin;
  static Api.Login viewer;
  static String memberName;
  static String playbook;
  static String memory;

  @BeforeAll
  static void start() throws Exception {
    Path workDir = Files.createTempDirectory("director-matrix");
    Map<String, String> env = Map.of("PASSWORD_HASH_COST", "4", "AUTH_RATE_LIMIT_MAX_ATTEMPTS", "100000");
    createGlobalAdmin(workDir, env);
    director = DirectorProcess.serve(workDir, env);
    api = new Api(director);
    String a = "matrix-a";
    tenantAdmin = api.registerTenant(a, "matrix-a-admin");
    viewer = api.addUser(tenantAdmin, "matrix-a-viewer", "viewer");
    memberName = "matrix-a-member";
    Api.Login member = api.addUser(tenantAdmin, memberName, "member");
    Api.Login otherAdmin = api.registerTenant("matrix-b", "matrix-b-admin");
    Api.Login otherMember = api.addUser(otherAdmin, "matrix-b-member", "member");
    Api.Login admin = api.login("root-admin");
    playbook = api.json(api.call("POST", "/api/playbooks", tenantAdmin.bearer(), Map.of("name", "matrix-playbook")), 201).get("id").asString();
    memory = api.json(api.call("POST", "/api/memory/memories", tenantAdmin.bearer(), Map.of("namespace", "matrix-ns", "text", "matrix memory")), 201)
        .get("id").asString();
    auth.put("anon", null);
    auth.put("viewer", viewer.bearer());
    auth.put("member", member.bearer());
    auth.put("other-member", otherMember.bearer());
    auth.put("tenant-admin", tenantAdmin.bearer());
    auth.put("other-admin", otherAdmin.bearer());
    auth.put("admin", admin.bearer());
    auth.put("key+", "Bearer " + api.createKey(tenantAdmin, "all", List.of("playbooks:read", "playbooks:write", "mcp:connect",
        "sessions:read", "sessions:write", "memory:read", "memory:write", "memory:secret", "metrics:read")).get("key").asString());
    auth.put("key-", "Bearer " + api.createKey(tenantAdmin, "narrow", List.of("memory:read")).get("key").asString());
  }

  /** The global admin of a deployment is made with the CLI, straight in the database, before the server starts. */
  static void createGlobalAdmin(Path workDir, Map<String, String> env) throws Exception {
    Api.createGlobalAdmin(workDir, env);
  }

  @AfterAll
  static void stop() {
    if (director != null) director.close();
  }

  static Stream<Arguments> cells() {
    List<Arguments> cells = new ArrayList<>();
    for (String line : MATRIX.strip().split("\n")) {
      String[] f = line.trim().split("\\s+");
      for (int i = 0; i < CALLERS.size(); i++) {
        cells.add(Arguments.of(f[0], f[1], f[2], CALLERS.get(i), Integer.parseInt(f[3 + i])));
      }
    }
    return cells.stream();
  }

  @ParameterizedTest(name = "{0} {1} as {3} -> {4}")
  @MethodSource("cells")
  void callerGetsTheExpectedStatus(String method, String pathTemplate, String body, String caller, int expected) throws Exception {
    String path = resolve(pathTemplate);
    var response = api.call(method, path, auth.get(caller), body(body));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
    if (expected >= 400) {
      assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    }
    if (caller.startsWith("other-") && expected == 404) {
      assertThat(response.body()).doesNotContain("matrix-a");
    }
  }

  /** Destructive rows act on a fresh resource per cell. */
  static String resolve(String template) throws Exception {
    if (template.contains("{tenant-key}")) {
      return template.replace("{tenant-key}", api.createKey(tenantAdmin, "victim", List.of("memory:read")).get("id").asString());
    }
    if (template.contains("{playbook}")) return template.replace("{playbook}", playbook);
    if (template.contains("{memory}")) return template.replace("{memory}", memory);
    if (template.contains("{victim-memory}")) {
      return template.replace("{victim-memory}", api.json(api.call("POST", "/api/memory/memories", tenantAdmin.bearer(),
          Map.of("namespace", "matrix-ns", "text", "doomed")), 201).get("id").asString());
    }
    if (template.contains("{victim-playbook}")) {
      return template.replace("{victim-playbook}", api.json(api.call("POST", "/api/playbooks", tenantAdmin.bearer(),
          Map.of("name", "victim-" + UUID.randomUUID())), 201).get("id").asString());
    }
    if (template.contains("{viewer}")) return template.replace("{viewer}", api.userId(viewer));
    if (template.contains("{member-session}")) {
      Api.Login fresh = api.login(memberName);
      JsonNode sessions = api.json(api.call("GET", "/auth/sessions", fresh.bearer(), null), 200);
      for (JsonNode s : sessions) {
        if (s.get("current").asBoolean()) return template.replace("{member-session}", s.get("id").asString());
      }
      throw new AssertionError("no current session");
    }
    return template;
  }

  static Object body(String kind) {
    return switch (kind) {
      case "key" -> Map.of("name", "matrix", "scopes", List.of("memory:read"));
      case "user" -> Map.of("username", "m-" + UUID.randomUUID().toString().substring(0, 8), "password", Api.PASSWORD, "role", "viewer");
      case "role" -> Map.of("role", "viewer");
      case "cfg" -> Map.of("PORT", "8080");
      case "pb" -> Map.of("name", "pb-" + UUID.randomUUID());
      case "desc" -> Map.of("description", "changed by the matrix");
      case "mev" -> Map.of("namespace", "matrix-writes", "content", "matrix event");
      case "mem" -> Map.of("namespace", "matrix-writes", "text", "matrix fact");
      case "mtext" -> Map.of("text", "matrix memory, changed");
      case "q" -> Map.of("query", "matrix");
      case "qns" -> Map.of("query", "matrix", "namespace", "matrix-ns");
      case "ctx" -> Map.of("query", "matrix", "namespace", "matrix-ns");
      case "dec" -> Map.of("namespace", "matrix-writes", "title", "matrix", "decision", "decided");
      case "ttl" -> Map.of("ttl_days", 30);
      case "server" -> Map.of("name", "s-" + UUID.randomUUID().toString().substring(0, 8), "transport", "stdio", "command", "npx");
      default -> null;
    };
  }


}
