package io.director.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The real jar with its embedded database, driven over HTTP as a user would. */
class ServeEndToEndIT {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final String SECRET = "e2e-" + "Qm9vdHN0cmFwU2VjcmV0Rm9yVGVzdHM1Nzc3".repeat(2);
  static final String ALLOWED_ORIGIN = "https://console.example.test";
  static Path workDir;
  static DirectorProcess director;
  static Api api;
  static String bearer;

  @BeforeAll
  static void start() throws Exception {
    workDir = Files.createTempDirectory("director-e2e");
    director = DirectorProcess.serve(workDir, Map.of(
        "DIRECTOR_SECRET", SECRET,
        "ALLOWED_ORIGINS", ALLOWED_ORIGIN,
        "MAX_REQUEST_BODY_SIZE", "4KiB",
        "PASSWORD_HASH_COST", "4"));
    api = new Api(director);
    bearer = api.registerTenant("e2e", "e2e-admin").bearer();
  }

  @AfterAll
  static void stop() {
    if (director != null) director.close();
  }

  @Test
  void healthReportsOkWithTheDatabaseCheck() throws Exception {
    HttpResponse<String> response = director.get("/api/health");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("status").asString()).isEqualTo("ok");
    assertThat(body.get("version").asString()).isNotBlank().doesNotContain("@");
    assertThat(body.get("timestamp").asString()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    JsonNode database = findCheck(body, "database");
    assertThat(database.get("healthy").asBoolean()).isTrue();
    assertThat(database.get("latencyMs").isNumber()).isTrue();
    assertThat(database.get("message").asString()).startsWith("PostgreSQL 17");
    assertThat(response.body()).doesNotContain(SECRET).doesNotContain("jdbc:").doesNotContain(workDir.toString());
  }

  @Test
  void livenessAndReadinessProbesAnswerWithoutAuthentication() throws Exception {
    assertThat(director.get("/api/health/live").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = director.get("/api/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(ready.body()).get("status").asString()).isEqualTo("ok");
  }

  @Test
  void prometheusMetricsCoverRoutesJvmPoolAndProcess() throws Exception {
    director.get("/api/health/live");
    authorized("/no/such/route");
    assertThat(director.get("/metrics").statusCode()).as("metrics need credentials on the main port").isEqualTo(401);
    HttpResponse<String> response = authorized("/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    String text = response.body();
    assertThat(text)
        .containsPattern("http_server_requests_seconds_bucket\\{.*uri=\"/api/health/live\".*le=")
        .containsPattern("http_server_requests_seconds_count\\{.*status=\"404\".*uri=\"NOT_FOUND\"")
        .contains("jvm_memory_used_bytes")
        .contains("hikaricp_connections_max")
        .contains("process_cpu_usage");
  }

  @Test
  void metricsJsonHasTheCoreFigures() throws Exception {
    director.get("/api/health");
    HttpResponse<String> response = authorized("/metrics/json");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("http").get("requests").asLong()).isPositive();
    assertThat(body.get("jvm").get("heapUsedBytes").asDouble()).isPositive();
    assertThat(body.get("databasePool").get("max").asDouble()).isEqualTo(10.0);
    assertThat(body.get("uptimeSeconds").asDouble()).isPositive();
  }

  @Test
  void requestIdIsTakenFromTheCallerOrGeneratedAndAlwaysReturned() throws Exception {
    HttpResponse<String> given = director.send(HttpRequest.newBuilder(director.uri("/api/health/live")).header("X-Request-Id", "trace-abc.123"));
    assertThat(given.headers().firstValue("X-Request-Id")).contains("trace-abc.123");
    HttpResponse<String> generated = director.get("/api/health/live");
    assertThat(generated.headers().firstValue("X-Request-Id")).hasValueSatisfying(id -> assertThat(id).hasSizeGreaterThan(8));
    HttpResponse<String> hostile = director.send(HttpRequest.newBuilder(director.uri("/api/health/live")).header("X-Request-Id", "bad id\"{}"));
    assertThat(hostile.headers().firstValue("X-Request-Id")).hasValueSatisfying(id -> assertThat(id).doesNotContain("\"").doesNotContain(" "));
  }

  @Test
  void everyRequestIsLoggedOnceAsAJsonLineWithRouteStatusAndDuration() throws Exception {
    String requestId = "log-check-" + System.nanoTime();
    director.send(HttpRequest.newBuilder(director.uri("/api/health")).header("X-Request-Id", requestId));
    await().atMost(Duration.ofSeconds(5)).until(() -> linesWith(requestId).stream().anyMatch(l -> l.contains("\"route\"")));
    List<String> requestLines = linesWith(requestId).stream().filter(l -> l.contains("\"route\"")).toList();
    assertThat(requestLines).hasSize(1);
    JsonNode line = JSON.readTree(requestLines.get(0));
    assertThat(line.get("level").asString()).isEqualTo("INFO");
    assertThat(line.get("logger").asString()).isNotBlank();
    assertThat(line.get("requestId").asString()).isEqualTo(requestId);
    assertThat(line.get("method").asString()).isEqualTo("GET");
    assertThat(line.get("route").asString()).isEqualTo("/api/health");
    assertThat(line.get("status").asInt()).isEqualTo(200);
    assertThat(line.get("durationMs").isNumber()).isTrue();
    DirectorProcess.assertOneJsonObjectPerLine(director.stdout());
  }

  @Test
  void malformedJsonIs400ProblemJson() throws Exception {
    HttpResponse<String> response = post("/api/config/validate", "application/json", "{\"PORT\": ");
    assertProblem(response, 400, "request.malformed-body");
  }

  @Test
  void robotsTxtIsServedStatically() throws Exception {
    HttpResponse<String> response = director.get("/robots.txt");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("Disallow: /");
    assertProblem(authorized("/static/robots.txt"), 404, "request.unknown-route");
  }

  @Test
  void unknownRouteIs404ProblemJson() throws Exception {
    assertProblem(authorized("/api/nothing-here"), 404, "request.unknown-route");
    assertProblem(director.get("/api/nothing-here"), 401, "identity.unauthenticated");
  }

  @Test
  void wrongMethodIs405ProblemJsonWithAllow() throws Exception {
    HttpResponse<String> response = director.send(HttpRequest.newBuilder(director.uri("/api/keys")).header("Authorization", bearer)
        .PUT(HttpRequest.BodyPublishers.noBody()));
    assertProblem(response, 405, "request.method-not-allowed");
    assertThat(response.headers().firstValue("Allow")).hasValueSatisfying(v -> assertThat(v).contains("GET").contains("POST"));
  }

  @Test
  void bodyOverTheLimitIs413ProblemJson() throws Exception {
    String big = "{\"PORT\":\"" + "9".repeat(5000) + "\"}";
    assertProblem(post("/api/config/validate", "application/json", big), 413, "request.body-too-large");
  }

  @Test
  void chunkedBodyOverTheLimitIs413ProblemJson() throws Exception {
    byte[] big = ("{\"PORT\":\"" + "9".repeat(9000) + "\"}").getBytes();
    HttpResponse<String> response = director.send(HttpRequest.newBuilder(director.uri("/api/config/validate"))
        .header("Content-Type", "application/json")
        .header("Authorization", bearer)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))));
    assertProblem(response, 413, "request.body-too-large");
  }

  @Test
  void wrongContentTypeIs415ProblemJson() throws Exception {
    assertProblem(post("/api/config/validate", "text/plain", "PORT=1"), 415, "request.unsupported-media-type");
  }

  @Test
  void configValidationApiFindsProblemsWithoutEchoingValues() throws Exception {
    HttpResponse<String> response = post("/api/config/validate", "application/json",
        "{\"PORT\": 70000, \"DIRECTOR_ENV\": \"production\", \"DIRECTOR_SECRET\": \"changeme-changeme-changeme-changeme\", \"NOPE\": 1}");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("valid").asBoolean()).isFalse();
    String problems = body.get("problems").toString();
    assertThat(problems).contains("PORT").contains("NOPE").contains("DATABASE_URL").contains("BASE_URL").contains("placeholder");
    assertThat(problems).doesNotContain("changeme-changeme");
  }

  @Test
  void securityHeadersAreOnEveryResponse() throws Exception {
    for (String path : List.of("/api/health", "/api/nothing-here", "/metrics", "/auth/me")) {
      HttpResponse<String> response = director.get(path);
      assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
      assertThat(response.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("frame-ancestors 'none'"));
      assertThat(response.headers().firstValue("Strict-Transport-Security")).as("no HSTS without an https BASE_URL").isEmpty();
    }
  }

  @Test
  void corsAllowsOnlyConfiguredOrigins() throws Exception {
    HttpResponse<String> allowed = director.send(HttpRequest.newBuilder(director.uri("/api/health"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", ALLOWED_ORIGIN).header("Access-Control-Request-Method", "GET"));
    assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).contains(ALLOWED_ORIGIN);
    HttpResponse<String> denied = director.send(HttpRequest.newBuilder(director.uri("/api/health"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "https://evil.example.test").header("Access-Control-Request-Method", "GET"));
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(denied.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void secretsAndCredentialsNeverReachTheLog() throws Exception {
    String bearer = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2VuLXBheWxvYWQ.c2lnbmF0dXJlLXZhbHVl";
    director.send(HttpRequest.newBuilder(director.uri("/api/nothing-here?token=" + bearer))
        .header("Authorization", "Bearer " + bearer).header("X-Api-Key", "dk_liveKeyValue0123456789"));
    post("/api/config/validate", "application/json", "{\"DIRECTOR_SECRET\": \"" + SECRET + "\", \"PORT\": ");
    DirectorProcess.sleep(500);
    String logs = director.allOutput();
    assertThat(logs).doesNotContain(SECRET).doesNotContain(bearer).doesNotContain("dk_liveKeyValue0123456789");
    String devSecret = Files.exists(workDir.resolve("data/secret")) ? Files.readString(workDir.resolve("data/secret")).trim() : "";
    assertThat(devSecret).as("an explicit DIRECTOR_SECRET is used instead of generating one").isEmpty();
  }

  private static HttpResponse<String> post(String path, String contentType, String body) throws Exception {
    return director.send(HttpRequest.newBuilder(director.uri(path)).header("Content-Type", contentType).header("Authorization", bearer)
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  private static HttpResponse<String> authorized(String path) throws Exception {
    return director.send(HttpRequest.newBuilder(director.uri(path)).header("Authorization", bearer));
  }

  static void assertProblem(HttpResponse<String> response, int status, String code) throws Exception {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.get("status").asInt()).isEqualTo(status);
    assertThat(body.get("code").asString()).isEqualTo(code);
    assertThat(body.get("title").asString()).isNotBlank();
    assertThat(body.get("detail").asString()).isNotBlank();
    assertThat(body.get("type").asString()).endsWith(code);
    assertThat(body.get("requestId").asString()).isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
    assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("java.");
  }

  private static JsonNode findCheck(JsonNode body, String name) {
    for (JsonNode check : body.get("checks")) {
      if (check.get("name").asString().equals(name)) return check;
    }
    throw new AssertionError("no check named " + name + " in " + body);
  }

  private static List<String> linesWith(String text) {
    return director.stdout().stream().filter(l -> l.contains(text)).toList();
  }
}
