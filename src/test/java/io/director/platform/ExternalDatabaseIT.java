package io.director.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.director.testing.DirectorProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Director against a PostgreSQL it does not own, reached with a pasted postgres:// URL that holds a password. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExternalDatabaseIT {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final String DB_PASSWORD = "Db-Pa55word-" + Long.toHexString(System.nanoTime());
  static Path pgData;
  static int pgPort;
  static EmbeddedPostgres postgres;
  static DirectorProcess director;
  static int managementPort;

  @BeforeAll
  static void start() throws Exception {
    pgData = Files.createTempDirectory("director-extpg");
    pgPort = DirectorProcess.freePort();
    postgres = startPostgres();
    try (Connection c = postgres.getPostgresDatabase().getConnection()) {
      c.createStatement().execute("CREATE ROLE director_app LOGIN PASSWORD '" + DB_PASSWORD + "'");
      c.createStatement().execute("CREATE DATABASE app OWNER director_app");
      c.createStatement().execute("CREATE DATABASE fresh OWNER director_app");
      c.createStatement().execute("CREATE DATABASE shared OWNER director_app");
    }
    managementPort = DirectorProcess.freePort();
    director = DirectorProcess.serve(Files.createTempDirectory("director-ext"), Map.of(
        "DATABASE_URL", url("app"),
        "MANAGEMENT_PORT", Integer.toString(managementPort),
        "DATABASE_CONNECTION_TIMEOUT", "2s",
        "HEALTH_CHECK_TIMEOUT", "2s"));
  }

  static String url(String database) {
    return "postgres://director_app:" + DB_PASSWORD + "@127.0.0.1:" + pgPort + "/" + database + "?sslmode=disable";
  }

  static EmbeddedPostgres startPostgres() throws Exception {
    return EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).setPort(pgPort).start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (director != null) director.close();
    if (postgres != null) postgres.close();
  }

  @Test
  @Order(1)
  void servesFromThePastedUrlWithoutEmbeddedDatabase() throws Exception {
    HttpResponse<String> health = director.get("/api/health");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).doesNotContain("127.0.0.1:" + pgPort).doesNotContain("director_app");
  }

  @Test
  @Order(2)
  void metricsMoveToTheManagementPort() throws Exception {
    assertThat(director.get("/metrics").statusCode()).isEqualTo(404);
    assertThat(director.get("/metrics/json").statusCode()).isEqualTo(404);
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("hikaricp_connections");
    HttpResponse<String> json = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/metrics/json")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(json.statusCode()).isEqualTo(200);
    HttpResponse<String> healthOnManagement = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/api/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(healthOnManagement.statusCode()).isEqualTo(404);
  }

  @Test
  @Order(3)
  void migrateAppliesTheSchemaToDatabaseUrlAndExits() throws Exception {
    Path workDir = Files.createTempDirectory("director-migrate");
    DirectorProcess first = DirectorProcess.run(workDir, Map.of("DATABASE_URL", url("fresh")), "migrate");
    assertThat(first.awaitExit(Duration.ofSeconds(60))).isZero();
    long migrations;
    try (var files = Files.list(Path.of("src/main/resources/db/migration"))) {
      migrations = files.filter(f -> f.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
    }
    assertThat(first.stdout()).contains("applied " + migrations + " migration(s); schema version " + migrations);
    DirectorProcess again = DirectorProcess.run(workDir, Map.of("DATABASE_URL", url("fresh")), "migrate");
    assertThat(again.awaitExit(Duration.ofSeconds(60))).isZero();
    assertThat(again.stdout()).anySatisfy(l -> assertThat(l).startsWith("applied 0 migration(s)"));
    assertThat(workDir.resolve("data/postgres")).doesNotExist();
    assertThat(first.allOutput() + again.allOutput()).doesNotContain(DB_PASSWORD);
  }

  @Test
  @Order(4)
  void twoInstancesStartingTogetherOnAFreshDatabaseShareItSafely() throws Exception {
    Map<String, String> env = Map.of("DATABASE_URL", url("shared"));
    try (DirectorProcess a = DirectorProcess.run(Files.createTempDirectory("director-a"), withPort(env), "serve");
        DirectorProcess b = DirectorProcess.run(Files.createTempDirectory("director-b"), withPort(env), "serve")) {
      a.awaitHealthy(Duration.ofSeconds(90));
      b.awaitHealthy(Duration.ofSeconds(90));
      try (Connection c = postgres.getDatabase("director_app", "shared").getConnection()) {
        var migrations = c.createStatement().executeQuery("SELECT count(*) FROM flyway_schema_history WHERE version = '1'");
        migrations.next();
        assertThat(migrations.getInt(1)).as("the schema was migrated once").isEqualTo(1);
        var live = c.createStatement().executeQuery("SELECT count(*) FROM director_instances WHERE stopped_at IS NULL");
        live.next();
        assertThat(live.getInt(1)).isEqualTo(2);
      }
      assertThat(a.terminate(Duration.ofSeconds(60))).isZero();
      assertThat(b.get("/api/health").statusCode()).as("one instance stopping does not affect the other").isEqualTo(200);
      assertThat(b.terminate(Duration.ofSeconds(60))).isZero();
    }
  }

  private static Map<String, String> withPort(Map<String, String> env) {
    Map<String, String> out = new java.util.HashMap<>(env);
    out.put("PORT", Integer.toString(DirectorProcess.freePort()));
    return out;
  }

  @Test
  @Order(5)
  void healthGoesDownWithinFiveSecondsOfADatabaseOutageAndRecoversByItself() throws Exception {
    postgres.close();
    long stopped = System.nanoTime();
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).until(() -> director.get("/api/health").statusCode() == 503);
    long detectedMs = (System.nanoTime() - stopped) / 1_000_000;
    assertThat(detectedMs).isLessThan(5_000);
    JsonNode down = JSON.readTree(director.get("/api/health").body());
    assertThat(down.get("status").asString()).isEqualTo("down");
    JsonNode database = null;
    for (JsonNode check : down.get("checks")) if (check.get("name").asString().equals("database")) database = check;
    assertThat(database).as(down.toString()).isNotNull();
    assertThat(database.get("healthy").asBoolean()).isFalse();
    assertThat(director.get("/api/health/ready").statusCode()).isEqualTo(503);
    assertThat(director.get("/api/health/live").statusCode()).isEqualTo(200);

    postgres = startPostgres();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> director.get("/api/health").statusCode() == 200);
    assertThat(director.get("/api/health/ready").statusCode()).isEqualTo(200);
  }

  @Test
  @Order(6)
  void theDatabasePasswordNeverReachesTheLog() {
    assertThat(director.allOutput()).doesNotContain(DB_PASSWORD);
    DirectorProcess.assertOneJsonObjectPerLine(director.stdout());
  }
}
