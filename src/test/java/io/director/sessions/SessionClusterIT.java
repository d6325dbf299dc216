package io.director.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two instances on one database: a session held by one is read, fed and stopped through the other,
 * and when its instance dies the other marks it lost while the sandbox dies with its instance.
 */
class SessionClusterIT {
  static EmbeddedPostgres postgres;
  static DirectorProcess a;
  static DirectorProcess b;
  static Api apiA;
  static Api apiB;
  static String bearer;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(SandboxIT.bubblewrapWorks(), "bubblewrap cannot make a sandbox on this machine");
    postgres = EmbeddedPostgres.builder().setDataDirectory(Files.createTempDirectory("director-sessions-pg")).start();
    try (Connection c = postgres.getPostgresDatabase().getConnection()) {
      c.createStatement().execute("CREATE DATABASE sessions");
    }
    Map<String, String> env = Map.of("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + postgres.getPort() + "/sessions",
        "DIRECTOR_SECRET", "sessions-cluster-" + "c2VjcmV0cy1tdXN0LW1hdGNoLWFjcm9zcw", "PASSWORD_HASH_COST", "4",
        "AUTH_RATE_LIMIT_MAX_ATTEMPTS", "100", "AGENT_SESSION_STOP_GRACE", "2s");
    a = DirectorProcess.serve(Files.createTempDirectory("director-sessions-a"), env);
    b = DirectorProcess.serve(Files.createTempDirectory("director-sessions-b"), env);
    apiA = new Api(a);
    apiB = new Api(b);
    bearer = apiA.registerTenant("cluster", "cluster-admin").bearer();
  }

  @AfterAll
  static void stop() throws Exception {
    if (a != null) a.close();
    if (b != null) b.close();
    if (postgres != null) postgres.close();
  }

  @Test
  void aSessionHeldByOneInstanceIsFedFollowedAndStoppedThroughTheOther() throws Exception {
    SessionTesting onA = new SessionTesting(apiA, bearer);
    SessionTesting onB = new SessionTesting(apiB, bearer);
    String id = onA.create(Map.of("command", List.of("sh", "-c", "while read line; do echo \"got:$line\"; done"),
        "stdin", true));
    onB.awaitStatus(id, "running");
    assertThat(apiB.call("POST", "/api/sessions/" + id + "/input", bearer, "through-b\n").statusCode()).isEqualTo(202);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> onB.stdout(id).contains("got:through-b"));
    // a follower on B sees the rest live and ends with the exit
    String[] live = new String[1];
    Thread follower = Thread.ofVirtual().start(() -> {
      try {
        live[0] = b.send(java.net.http.HttpRequest.newBuilder(b.uri("/api/sessions/" + id + "/events"))
            .header("Authorization", bearer).header("Last-Event-ID", "2").timeout(Duration.ofSeconds(60))).body();
      } catch (Exception e) {
        live[0] = e.toString();
      }
    });
    JsonNode stopped = apiB.json(apiB.call("POST", "/api/sessions/" + id + "/stop", bearer, null), 202);
    assertThat(stopped.get("id").asString()).isEqualTo(id);
    JsonNode ended = onB.awaitEnd(id);
    assertThat(ended.get("status").asString()).isEqualTo("stopped");
    follower.join(Duration.ofSeconds(30));
    List<SessionTesting.Event> events = SessionTesting.parse(live[0]);
    assertThat(events.get(0).id()).isEqualTo(3);
    assertThat(events.stream().map(e -> e.data().path("text").asString())).contains("got:through-b");
    assertThat(events.get(events.size() - 1).kind()).isEqualTo("exit");
  }

  @Test
  void whenTheInstanceHoldingASessionDiesTheSandboxDiesWithItAndTheOtherMarksItLost() throws Exception {
    DirectorProcess doomed = DirectorProcess.serve(Files.createTempDirectory("director-sessions-c"), Map.of(
        "DATABASE_URL", "postgresql://postgres@127.0.0.1:" + postgres.getPort() + "/sessions",
        "DIRECTOR_SECRET", "sessions-cluster-" + "c2VjcmV0cy1tdXN0LW1hdGNoLWFjcm9zcw", "PASSWORD_HASH_COST", "4"));
    int marker = ThreadLocalRandom.current().nextInt(100_000, 999_999);
    SessionTesting onDoomed = new SessionTesting(new Api(doomed), bearer);
    String id = onDoomed.create(Map.of("command", List.of("sh", "-c", "sleep " + marker + " & sleep " + (marker + 1) + "; wait")));
    onDoomed.awaitStatus(id, "running");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sleepers(marker) == 2);
    doomed.kill();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sleepers(marker) == 0);
    JsonNode lost = new SessionTesting(apiB, bearer).awaitEnd(id);
    assertThat(lost.get("status").asString()).isEqualTo("lost");
    assertThat(lost.get("reason").asString()).isEqualTo("instance_lost");
    List<SessionTesting.Event> events = new SessionTesting(apiB, bearer).events(id, null);
    assertThat(events.get(events.size() - 1).kind()).isEqualTo("exit");
    assertThat(Path.of("/sys/fs/cgroup/pids/director", id)).doesNotExist();
  }

  /** Processes running {@code sleep marker} or {@code sleep marker+1}, read from /proc (the JDK cannot name those in another mount namespace). */
  static long sleepers(int marker) throws Exception {
    List<String> names = List.of("sleep\0" + marker + "\0", "sleep\0" + (marker + 1) + "\0");
    long n = 0;
    try (var dirs = Files.list(Path.of("/proc"))) {
      for (Path d : dirs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
        try {
          if (names.contains(Files.readString(d.resolve("cmdline"), java.nio.charset.StandardCharsets.ISO_8859_1))) n++;
        } catch (java.io.IOException e) {
          // gone meanwhile
        }
      }
    }
    return n;
  }
}
