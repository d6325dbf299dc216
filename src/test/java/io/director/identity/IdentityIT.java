package io.director.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.director.identity.internal.Jwt;
import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import io.director.shared.Secret;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Users, tenants, login sessions, API keys and the audit log, against the real jar. */
class IdentityIT {
  static final String SECRET = "identity-it-" + "Zm9yZ2VkLXRva2Vucy1hcmUtcmVqZWN0ZWQ";
  static DirectorProcess director;
  static Api api;

  @BeforeAll
  static void start() throws Exception {
    director = DirectorProcess.serve(Files.createTempDirectory("director-identity"), Map.of(
        "DIRECTOR_SECRET", SECRET,
        "PASSWORD_HASH_COST", "4",
        "AUTH_RATE_LIMIT_MAX_ATTEMPTS", "100000",
        "MAX_SESSIONS", "3"));
    api = new Api(director);
  }

  @AfterAll
  static void stop() {
    if (director != null) director.close();
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @Test
  void theFirstUserOfANewTenantIsItsTenantAdmin() throws Exception {
    String tenant = unique("acme");
    JsonNode user = api.json(api.call("POST", "/auth/register", null,
        Map.of("username", tenant + "-ann", "password", Api.PASSWORD, "tenant_id", tenant)), 201);
    assertThat(user.get("role").asString()).isEqualTo("tenant_admin");
    assertThat(user.get("tenant_id").asString()).isEqualTo(tenant);
    assertThat(user.toString()).doesNotContain(Api.PASSWORD).doesNotContain("hash");

    HttpResponse<String> joinExisting = api.call("POST", "/auth/register", null,
        Map.of("username", tenant + "-bob", "password", Api.PASSWORD, "tenant_id", tenant));
    assertProblem(joinExisting, 409, "identity.tenant-exists");
    HttpResponse<String> takenName = api.call("POST", "/auth/register", null,
        Map.of("username", (tenant + "-ANN").toUpperCase(), "password", Api.PASSWORD, "tenant_id", unique("other")));
    assertProblem(takenName, 409, "identity.username-taken");
  }

  @Test
  void passwordRulesAnswer422NamingTheRuleAndWriteNothing() throws Exception {
    String tenant = unique("rules");
    HttpResponse<String> weak = api.call("POST", "/auth/register", null,
        Map.of("username", tenant + "-u", "password", "short", "tenant_id", tenant));
    assertProblem(weak, 422, "identity.password-too-short");
    assertThat(json(weak).get("detail").asString()).contains("at least 8 characters");
    // nothing was written: the tenant and the username are still free
    api.json(api.call("POST", "/auth/register", null, Map.of("username", tenant + "-u", "password", Api.PASSWORD, "tenant_id", tenant)), 201);
  }

  @Test
  void loginIssuesAShortLivedJwtAndAnOpaqueRefreshToken() throws Exception {
    String tenant = unique("login");
    api.json(api.call("POST", "/auth/register", null, Map.of("username", tenant + "-u", "password", Api.PASSWORD, "tenant_id", tenant)), 201);
    JsonNode tokens = api.json(api.call("POST", "/auth/login", null, Map.of("username", tenant + "-u", "password", Api.PASSWORD)), 200);
    assertThat(tokens.get("token_type").asString()).isEqualTo("Bearer");
    assertThat(tokens.get("expires_in").asLong()).isEqualTo(900);
    assertThat(tokens.get("refresh_token").asString()).startsWith("drt_").hasSizeGreaterThan(40);
    String[] jwt = tokens.get("access_token").asString().split("\\.");
    JsonNode header = Api.JSON.readTree(Base64.getUrlDecoder().decode(jwt[0]));
    JsonNode claims = Api.JSON.readTree(Base64.getUrlDecoder().decode(jwt[1]));
    assertThat(header.get("alg").asString()).isEqualTo("HS256");
    assertThat(claims.get("tenant").asString()).isEqualTo(tenant);
    assertThat(claims.get("roles").get(0).asString()).isEqualTo("tenant_admin");
    assertThat(claims.get("iss").asString()).isEqualTo("director");
    assertThat(claims.has("sub")).isTrue();
    assertThat(claims.has("jti")).isTrue();
    assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(900);
    JsonNode me = api.json(api.call("GET", "/auth/me", "Bearer " + tokens.get("access_token").asString(), null), 200);
    assertThat(me.get("name").asString()).isEqualTo(tenant + "-u");
  }

  @Test
  void anUnknownUserAndAWrongPasswordGetTheSameAnswer() throws Exception {
    Api.Login owner = api.registerTenant(unique("enum"), unique("enum-user"));
    String username = api.json(api.call("GET", "/auth/me", owner.bearer(), null), 200).get("name").asString();
    HttpResponse<String> wrongPassword = api.call("POST", "/auth/login", null, Map.of("username", username, "password", "not-the-password"));
    HttpResponse<String> unknownUser = api.call("POST", "/auth/login", null, Map.of("username", unique("nobody"), "password", "not-the-password"));
    assertProblem(wrongPassword, 401, "identity.invalid-credentials");
    assertProblem(unknownUser, 401, "identity.invalid-credentials");
    assertThat(withoutRequestId(wrongPassword.body())).isEqualTo(withoutRequestId(unknownUser.body()));
  }

  @Test
  void refreshRotatesAndReplayingARotatedTokenRevokesTheWholeFamily() throws Exception {
    Api.Login first = api.registerTenant(unique("rot"), unique("rot-user"));
    JsonNode second = api.json(api.call("POST", "/auth/token/refresh", null, Map.of("refresh_token", first.refresh())), 200);
    String r2 = second.get("refresh_token").asString();
    String a2 = second.get("access_token").asString();
    assertThat(r2).isNotEqualTo(first.refresh());
    api.json(api.call("GET", "/auth/me", "Bearer " + a2, null), 200);

    assertProblem(api.call("POST", "/auth/token/refresh", null, Map.of("refresh_token", first.refresh())), 401, "identity.invalid-refresh-token");
    assertProblem(api.call("POST", "/auth/token/refresh", null, Map.of("refresh_token", r2)), 401, "identity.invalid-refresh-token");
    assertThat(api.call("GET", "/auth/me", "Bearer " + a2, null).statusCode()).as("access tokens of the family die too").isEqualTo(401);
  }

  @Test
  void revokeLogoutAllAndSessionManagement() throws Exception {
    String user = unique("sess");
    Api.Login a = api.registerTenant(unique("sess"), user);
    Api.Login b = api.login(user);
    JsonNode sessions = api.json(api.call("GET", "/auth/sessions", a.bearer(), null), 200);
    assertThat(sessions).hasSize(2);
    assertThat(sessions.findValues("current").stream().filter(JsonNode::asBoolean)).hasSize(1);

    api.json(api.call("POST", "/auth/token/revoke", null, Map.of("refresh_token", b.refresh())), 200);
    assertThat(api.call("GET", "/auth/me", b.bearer(), null).statusCode()).isEqualTo(401);
    assertThat(api.call("POST", "/auth/token/refresh", null, Map.of("refresh_token", b.refresh())).statusCode()).isEqualTo(401);

    Api.Login c = api.login(user);
    String cSession = api.json(api.call("GET", "/auth/sessions", c.bearer(), null), 200).findValues("id").stream()
        .map(JsonNode::asString).filter(id -> !id.isEmpty()).findFirst().orElseThrow();
    Api.Login other = api.registerTenant(unique("sess-other"), unique("sess-other"));
    assertProblem(api.call("DELETE", "/auth/sessions/" + cSession, other.bearer(), null), 404, "identity.session-not-found");

    JsonNode out = api.json(api.call("POST", "/auth/logout-all", a.bearer(), null), 200);
    assertThat(out.get("revoked_sessions").asInt()).isEqualTo(2);
    assertThat(api.call("GET", "/auth/me", a.bearer(), null).statusCode()).isEqualTo(401);
    assertThat(api.call("GET", "/auth/me", c.bearer(), null).statusCode()).isEqualTo(401);
  }

  @Test
  void beyondMaxSessionsTheOldestIsEnded() throws Exception {
    String user = unique("max");
    Api.Login oldest = api.registerTenant(unique("max"), user);
    Api.Login l2 = api.login(user);
    api.login(user);
    Api.Login l4 = api.login(user);
    assertThat(api.call("GET", "/auth/me", oldest.bearer(), null).statusCode()).isEqualTo(401);
    assertThat(api.call("GET", "/auth/me", l2.bearer(), null).statusCode()).isEqualTo(200);
    assertThat(api.json(api.call("GET", "/auth/sessions", l4.bearer(), null), 200)).hasSize(3);
  }

  @Test
  void apiKeysAreShownOnceWorkInBothHeadersAndDieWhenRevoked() throws Exception {
    Api.Login owner = api.registerTenant(unique("keys"), unique("keys"));
    JsonNode created = api.createKey(owner, "ci", List.of("playbooks:read", "mcp:connect"));
    String key = created.get("key").asString();
    assertThat(key).startsWith("dk_").hasSizeGreaterThan(40);
    JsonNode listed = api.json(api.call("GET", "/api/keys", owner.bearer(), null), 200);
    assertThat(listed).hasSize(1);
    assertThat(listed.toString()).doesNotContain(key).contains(key.substring(0, 10));
    assertThat(listed.get(0).get("last_used_at").isNull()).isTrue();

    JsonNode viaBearer = api.json(api.call("GET", "/auth/me", "Bearer " + key, null), 200);
    assertThat(viaBearer.get("kind").asString()).isEqualTo("api_key");
    assertThat(viaBearer.get("scopes").toString()).isEqualTo("[\"mcp:connect\",\"playbooks:read\"]");
    HttpResponse<String> viaHeader = director.send(java.net.http.HttpRequest.newBuilder(director.uri("/auth/me")).header("X-API-Key", key));
    assertThat(viaHeader.statusCode()).isEqualTo(200);
    assertThat(api.json(api.call("GET", "/api/keys", owner.bearer(), null), 200).get(0).get("last_used_at").isNull()).isFalse();
    assertProblem(api.call("GET", "/metrics", "Bearer " + key, null), 403, "identity.missing-scope");

    api.json(api.call("DELETE", "/api/keys/" + created.get("id").asString(), owner.bearer(), null), 204);
    assertProblem(api.call("GET", "/auth/me", "Bearer " + key, null), 401, "identity.invalid-credentials");
    assertProblem(api.call("DELETE", "/api/keys/" + created.get("id").asString(), owner.bearer(), null), 404, "identity.key-not-found");
  }

  @Test
  void aKeyNeverHoldsMoreThanItsCreator() throws Exception {
    Api.Login admin = api.registerTenant(unique("grant"), unique("grant"));
    Api.Login viewer = api.addUser(admin, unique("viewer"), "viewer");
    assertProblem(api.call("POST", "/api/keys", viewer.bearer(), Map.of("name", "x", "scopes", List.of("playbooks:write"))), 403,
        "identity.scope-not-held");
    assertProblem(api.call("POST", "/api/keys", viewer.bearer(), Map.of("name", "x", "scopes", List.of("root"))), 400,
        "identity.unknown-scope");
    Api.Login member = api.addUser(admin, unique("member"), "member");
    String key = api.createKey(member, "w", List.of("playbooks:write")).get("key").asString();
    String memberId = api.userId(member);
    assertThat(api.json(api.call("GET", "/auth/me", "Bearer " + key, null), 200).get("scopes").toString()).contains("playbooks:write");
    api.json(api.call("PATCH", "/api/users/" + memberId, admin.bearer(), Map.of("role", "viewer")), 200);
    JsonNode scopes = api.json(api.call("GET", "/auth/me", "Bearer " + key, null), 200).get("scopes");
    assertThat(scopes.toString()).as("demoting the creator shrinks the key at once").isEqualTo("[]");
    assertThat(api.json(api.call("GET", "/auth/me", member.bearer(), null), 200).get("role").asString()).isEqualTo("viewer");
  }

  @Test
  void forgedAndMalformedTokensAre401() throws Exception {
    Api.Login real = api.registerTenant(unique("forge"), unique("forge"));
    String[] parts = real.access().split("\\.");
    JsonNode claims = Api.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    String sub = claims.get("sub").asString();
    String tenant = claims.get("tenant").asString();
    String sid = claims.get("sid").asString();
    Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
    String none = enc.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".";
    String hs512Header = enc.encodeToString("{\"alg\":\"HS512\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + "." + parts[2];
    Jwt rightKey = new Jwt(new Secret(SECRET), "director", Clock.systemUTC());
    Jwt wrongKey = new Jwt(new Secret(SECRET + "-but-different"), "director", Clock.systemUTC());
    Jwt wrongIssuer = new Jwt(new Secret(SECRET), "https://evil.example", Clock.systemUTC());
    Jwt future = new Jwt(new Secret(SECRET), "director", Clock.fixed(Instant.now().plus(Duration.ofHours(2)), ZoneOffset.UTC));
    Instant hour = Instant.now().plus(Duration.ofHours(1));
    List<String> forged = List.of(
        none,
        hs512Header,
        wrongKey.issue(sub, tenant, List.of("admin"), "j1", sid, hour),
        rightKey.issue(sub, tenant, List.of("admin"), "j2", sid, Instant.now().minus(Duration.ofMinutes(5))),
        future.issue(sub, tenant, List.of("admin"), "j3", sid, hour.plus(Duration.ofHours(3))),
        wrongIssuer.issue(sub, tenant, List.of("admin"), "j4", sid, hour),
        rightKey.issue(sub, tenant, List.of("admin"), "j5", UUID.randomUUID().toString(), hour),
        parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 2) + "AA",
        parts[0] + "." + parts[1],
        "not-a-token",
        "a.b.c",
        "x".repeat(10_000));
    for (String token : forged) {
      HttpResponse<String> response = api.call("GET", "/auth/me", "Bearer " + token, null);
      assertThat(response.statusCode()).as(token.length() > 60 ? token.substring(0, 60) : token).isEqualTo(401);
      assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
    }
    assertThat(api.call("GET", "/auth/me", "Bearer " + rightKey.issue(sub, tenant, List.of("viewer"), "ok", sid, hour), null).statusCode())
        .as("a token signed with the right key, issuer and session is accepted").isEqualTo(200);
  }

  @Test
  void everyAuthEndpointAnswersBadInputWith4xxProblemsNever5xx() throws Exception {
    Api.Login owner = api.registerTenant(unique("bad"), unique("bad"));
    String big = "x".repeat(100_000);
    List<Object> bodies = new ArrayList<>(List.of(
        "", "{", "[]", "null", "42", "\"text\"", "{}",
        Map.of("username", 42, "password", true, "tenant_id", 7),
        Map.of("username", List.of("a"), "password", Map.of("x", 1)),
        Map.of("username", big, "password", big, "tenant_id", big, "refresh_token", big, "name", big),
        Map.of("username", "Robert'); DROP TABLE users;--", "password", "' OR '1'='1' --x", "tenant_id", "t'; DELETE FROM tenants;--"),
        Map.of("username", "名前テスト", "password", "пароль-пароль-пароль", "tenant_id", "ünïcödé"),
        Map.of("username", "\u0000nul", "password", "\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000", "tenant_id", "nul"),
        Map.of("refresh_token", "drt_' OR 1=1 --"),
        Map.of("name", "", "scopes", List.of()),
        Map.of("name", "k", "scopes", "playbooks:read"),
        Map.of("name", "k", "scopes", List.of("playbooks:read"), "expires_at", "yesterday"),
        Map.of("name", "k", "scopes", List.of("playbooks:read"), "rate_limit", -5)));
    record Target(String method, String path, boolean authenticated) {}
    List<Target> targets = List.of(new Target("POST", "/auth/register", false), new Target("POST", "/auth/login", false),
        new Target("POST", "/auth/token/refresh", false), new Target("POST", "/auth/token/revoke", false),
        new Target("POST", "/api/keys", true), new Target("POST", "/api/users", true), new Target("PATCH", "/api/users/" + UUID.randomUUID(), true));
    for (Target target : targets) {
      for (Object body : bodies) {
        HttpResponse<String> response = api.call(target.method(), target.path(), target.authenticated() ? owner.bearer() : null, body);
        String label = target.path() + " " + (body instanceof String s ? s : Api.JSON.writeValueAsString(body)).substring(0, Math.min(60,
            (body instanceof String s2 ? s2 : Api.JSON.writeValueAsString(body)).length()));
        if (target.path().equals("/auth/token/revoke") && response.statusCode() == 200) continue; // RFC 7009: unknown tokens are fine
        assertThat(response.statusCode()).as(label).isBetween(400, 499);
        assertThat(response.headers().firstValue("Content-Type")).as(label).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(response.body()).as(label).doesNotContain("Exception").doesNotContain("SQL");
      }
    }
    // nothing half-written: the tenant admin still sees only itself, and the SQL-looking names did nothing
    JsonNode users = api.json(api.call("GET", "/api/users", owner.bearer(), null), 200);
    assertThat(users).hasSize(1);
    assertThat(api.call("GET", "/api/health", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void duplicateUsernamesRacingLeaveExactlyOneUserAndNoOrphanTenants() throws Exception {
    String username = unique("race");
    List<String> tenants = new ArrayList<>();
    for (int i = 0; i < 12; i++) tenants.add(unique("race-t" + i));
    List<Callable<Integer>> attempts = new ArrayList<>();
    for (String tenant : tenants) {
      attempts.add(() -> api.call("POST", "/auth/register", null, Map.of("username", username, "password", Api.PASSWORD, "tenant_id", tenant)).statusCode());
    }
    List<Integer> statuses = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(12)) {
      for (Future<Integer> f : pool.invokeAll(attempts)) statuses.add(f.get());
    }
    assertThat(statuses).containsOnly(201, 409);
    assertThat(statuses.stream().filter(s -> s == 201)).hasSize(1);
    int winners = 0;
    for (String tenant : tenants) {
      HttpResponse<String> again = api.call("POST", "/auth/register", null, Map.of("username", unique("other"), "password", Api.PASSWORD, "tenant_id", tenant));
      if (again.statusCode() == 409) winners++;
      else assertThat(again.statusCode()).as("a losing registration left no tenant behind").isEqualTo(201);
    }
    assertThat(winners).isEqualTo(1);
  }

  @Test
  void theAuditLogRecordsSecurityEventsPerTenantAndCannotBeChanged() throws Exception {
    String tenant = unique("audit");
    Api.Login admin = api.registerTenant(tenant, unique("audit-admin"));
    Api.Login member = api.addUser(admin, unique("audit-member"), "member");
    api.call("POST", "/auth/login", null, Map.of("username", unique("ghost"), "password", "wrong-wrong-wrong"));
    String adminName = api.json(api.call("GET", "/auth/me", admin.bearer(), null), 200).get("name").asString();
    api.call("POST", "/auth/login", null, Map.of("username", adminName, "password", "wrong-wrong-wrong"));
    JsonNode key = api.createKey(admin, "audited", List.of("mcp:connect"));
    api.json(api.call("DELETE", "/api/keys/" + key.get("id").asString(), admin.bearer(), null), 204);
    assertThat(api.call("GET", "/api/audit", member.bearer(), null).statusCode()).isEqualTo(403);
    api.json(api.call("PATCH", "/api/users/" + api.userId(member), admin.bearer(), Map.of("role", "viewer")), 200);
    Api.Login other = api.registerTenant(unique("audit-other"), unique("audit-other"));

    JsonNode page = api.json(api.call("GET", "/api/audit?limit=500", admin.bearer(), null), 200);
    List<String> types = page.get("events").findValues("type").stream().map(JsonNode::asString).toList();
    assertThat(types).contains("user_registered", "user_created", "login_succeeded", "login_failed", "api_key_created",
        "api_key_revoked", "permission_denied", "role_changed");
    assertThat(page.get("events").findValues("tenant_id").stream().map(JsonNode::asString)).containsOnly(tenant);
    JsonNode event = page.get("events").get(0);
    assertThat(event.get("ip").asString()).isEqualTo("127.0.0.1");
    assertThat(event.has("user_agent")).isTrue();
    assertThat(event.get("actor").asString()).startsWith("user:");

    JsonNode filtered = api.json(api.call("GET", "/api/audit?type=login_failed", admin.bearer(), null), 200);
    assertThat(filtered.get("events").findValues("type").stream().map(JsonNode::asString)).containsOnly("login_failed").hasSize(1);
    JsonNode firstPage = api.json(api.call("GET", "/api/audit?limit=2", admin.bearer(), null), 200);
    long before = firstPage.get("next_before").asLong();
    JsonNode secondPage = api.json(api.call("GET", "/api/audit?limit=2&before=" + before, admin.bearer(), null), 200);
    assertThat(secondPage.get("events").get(0).get("id").asLong()).isLessThan(before);
    JsonNode none = api.json(api.call("GET", "/api/audit?since=" + Instant.now().plus(Duration.ofDays(1)), admin.bearer(), null), 200);
    assertThat(none.get("events")).isEmpty();
    assertThat(api.json(api.call("GET", "/api/audit", other.bearer(), null), 200).get("events").toString()).doesNotContain(tenant);

    assertThat(api.call("DELETE", "/api/audit", admin.bearer(), null).statusCode()).isEqualTo(405);
    assertThat(api.call("PATCH", "/api/audit", admin.bearer(), "{}").statusCode()).isEqualTo(405);
  }

  static JsonNode json(HttpResponse<String> response) {
    return Api.JSON.readTree(response.body());
  }

  static String withoutRequestId(String body) {
    return body.replaceAll("\"requestId\":\"[^\"]*\"", "");
  }

  static void assertProblem(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    assertThat(json(response).get("code").asString()).isEqualTo(code);
  }
}
