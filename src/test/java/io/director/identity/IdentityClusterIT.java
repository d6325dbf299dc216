package io.director.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Two Director instances on one PostgreSQL: revocations and rate limits hold across both. */
class IdentityClusterIT {
  static final String SECRET = "cluster-secret-" + "c2hhcmVkLWJ5LWJvdGgtaW5zdGFuY2Vz";
  static EmbeddedPostgres postgres;
  static DirectorProcess a;
  static DirectorProcess b;
  static Api apiA;
  static Api apiB;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().setDataDirectory(Files.createTempDirectory("director-cluster-pg")).start();
    try (Connection c = postgres.getPostgresDatabase().getConnection()) {
      c.createStatement().execute("CREATE DATABASE cluster");
    }
    Map<String, String> env = new HashMap<>(Map.of(
        "DATABASE_URL", "postgresql://postgres@127.0.0.1:" + postgres.getPort() + "/cluster",
        "DIRECTOR_SECRET", SECRET,
        "DIRECTOR_REGISTRATION", "closed",
        "PASSWORD_HASH_COST", "4"));
    adminCreate(env, "cluster-admin", "ops", "tenant_admin");
    adminCreate(env, "cluster-target", "ops", "member");
    adminCreate(env, "cluster-auditor", "ops", "tenant_admin");
    Map<String, String> envA = new HashMap<>(env);
    envA.put("TRUSTED_PROXIES", "127.0.0.1/32, ::1");
    a = DirectorProcess.serve(Files.createTempDirectory("director-cluster-a"), envA);
    b = DirectorProcess.serve(Files.createTempDirectory("director-cluster-b"), env);
    apiA = new Api(a);
    apiB = new Api(b);
  }

  static void adminCreate(Map<String, String> env, String username, String tenant, String role) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(DirectorProcess.javaBinary(), "-jar", DirectorProcess.JAR.toString(),
        "admin", "create", "--username", username, "--tenant", tenant, "--role", role)
        .directory(Files.createTempDirectory("director-cli").toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().write((Api.PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
  }

  @AfterAll
  static void stop() throws Exception {
    if (a != null) a.close();
    if (b != null) b.close();
    if (postgres != null) postgres.close();
  }

  @Test
  void closedRegistrationRefusesSelfServiceButTheCliAdminCanLogInOnBothInstances() throws Exception {
    HttpResponse<String> register = post(a, nextClient(), "/auth/register", Map.of("username", "walk-in", "password", Api.PASSWORD, "tenant_id", "walk-in"));
    assertThat(register.statusCode()).isEqualTo(403);
    assertThat(register.body()).contains("identity.registration-closed");
    Api.Login onA = login("cluster-admin");
    assertThat(apiB.json(apiB.call("GET", "/auth/me", onA.bearer(), null), 200).get("tenant_id").asString()).isEqualTo("ops");
  }

  @Test
  void aKeyRevokedOnOneInstanceIsRefusedByTheOtherAtOnce() throws Exception {
    Api.Login admin = login("cluster-admin");
    JsonNode key = apiA.createKey(admin, "shared", List.of("mcp:connect"));
    String bearer = "Bearer " + key.get("key").asString();
    assertThat(apiB.call("GET", "/auth/me", bearer, null).statusCode()).isEqualTo(200);
    apiA.json(apiA.call("DELETE", "/api/keys/" + key.get("id").asString(), admin.bearer(), null), 204);
    assertThat(apiB.call("GET", "/auth/me", bearer, null).statusCode()).isEqualTo(401);
  }

  @Test
  void disablingAKeysCreatorOnOneInstanceStopsTheKeyOnTheOtherAtOnce() throws Exception {
    Api.Login admin = login("cluster-admin");
    Api.Login member = apiA.addUser(admin, "cluster-member-" + System.nanoTime(), "member");
    String key = "Bearer " + apiA.createKey(member, "member-key", List.of("playbooks:read")).get("key").asString();
    for (int i = 0; i < 3; i++) assertThat(apiB.call("GET", "/auth/me", key, null).statusCode()).isEqualTo(200); // B has looked it up
    apiA.json(apiA.call("PATCH", "/api/users/" + apiA.userId(member), admin.bearer(), Map.of("disabled", true)), 200);
    assertThat(apiB.call("GET", "/auth/me", key, null).statusCode()).isEqualTo(401);
  }

  @Test
  void logoutAllOnOneInstanceEndsTheSessionOnTheOther() throws Exception {
    Api.Login login = login("cluster-admin");
    assertThat(apiA.call("GET", "/auth/me", login.bearer(), null).statusCode()).isEqualTo(200);
    apiB.json(apiB.call("POST", "/auth/logout-all", login.bearer(), null), 200);
    assertThat(apiA.call("GET", "/auth/me", login.bearer(), null).statusCode()).isEqualTo(401);
  }

  @Test
  void aKeysOwnRateLimitIsSharedByBothInstances() throws Exception {
    Api.Login admin = login("cluster-admin");
    JsonNode key = apiA.json(apiA.call("POST", "/api/keys", admin.bearer(),
        Map.of("name", "limited", "scopes", List.of("mcp:connect"), "rate_limit", 4)), 201);
    String bearer = "Bearer " + key.get("key").asString();
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> ok = (i % 2 == 0 ? apiA : apiB).call("GET", "/auth/me", bearer, null);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.headers().firstValue("RateLimit-Policy")).contains("\"api-key\";q=4;w=60");
      assertThat(ok.headers().firstValue("RateLimit")).hasValueSatisfying(v -> assertThat(v).startsWith("\"api-key\";r="));
    }
    for (Api api : List.of(apiA, apiB)) {
      HttpResponse<String> limited = api.call("GET", "/auth/me", bearer, null);
      assertThat(limited.statusCode()).isEqualTo(429);
      assertThat(limited.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
      assertThat(limited.body()).contains("identity.rate-limited");
      assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
      assertThat(limited.headers().firstValue("RateLimit")).hasValueSatisfying(v -> assertThat(v).contains(";r=0;"));
    }
  }

  @Test
  void loginAttemptsAreLimitedPerUsernameAcrossInstancesAndPerForwardedClientIp() throws Exception {
    String target = "cluster-target";
    int refused = 0;
    for (int i = 0; i < 6; i++) {
      // a different forwarded address each time on A, so only the per-username limit can stop it
      HttpResponse<String> r = post(i % 2 == 0 ? a : b, "198.51.100." + (i + 1), "/auth/login",
          Map.of("username", target, "password", "wrong-password-" + i));
      if (r.statusCode() == 429) {
        refused++;
        assertThat(r.headers().firstValue("Retry-After")).isPresent();
        assertThat(r.headers().firstValue("RateLimit-Policy")).hasValueSatisfying(v -> assertThat(v).startsWith("\"auth-"));
      } else {
        assertThat(r.statusCode()).isEqualTo(401);
      }
    }
    assertThat(refused).as("the sixth attempt on one username is refused").isGreaterThanOrEqualTo(1);

    JsonNode audit = apiA.json(apiA.call("GET", "/api/audit?type=login_failed&limit=50", login("cluster-auditor").bearer(), null), 200);
    List<String> ips = audit.get("events").findValues("ip").stream().map(JsonNode::asString).toList();
    assertThat(ips).as("A trusts its proxy (127.0.0.1) and records the forwarded client").contains("198.51.100.1");
    assertThat(ips).as("B trusts no proxy and records the peer").contains("127.0.0.1").doesNotContain("198.51.100.2");
  }

  private static int clients;

  /** Each login comes from its own forwarded address through A (which trusts its proxy), so tests do not share IP buckets. */
  private static synchronized String nextClient() {
    return "203.0.113." + (++clients);
  }

  private static Api.Login login(String username) throws Exception {
    JsonNode tokens = apiA.json(post(a, nextClient(), "/auth/login", Map.of("username", username, "password", Api.PASSWORD)), 200);
    return new Api.Login(tokens.get("access_token").asString(), tokens.get("refresh_token").asString());
  }

  private static HttpResponse<String> post(DirectorProcess d, String forwardedFor, String path, Map<String, String> body) throws Exception {
    return d.send(HttpRequest.newBuilder(d.uri(path)).header("Content-Type", "application/json")
        .header("X-Forwarded-For", forwardedFor)
        .POST(HttpRequest.BodyPublishers.ofString(Api.JSON.writeValueAsString(body))));
  }
}
