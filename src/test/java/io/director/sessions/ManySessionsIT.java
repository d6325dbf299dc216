package io.director.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** 200 sessions at once on one instance: all run, Director stays healthy and within its threads, the 201st is refused. */
class ManySessionsIT {
  @Test
  void twoHundredConcurrentSessionsRunWithoutExhaustingDirector() throws Exception {
    assumeTrue(SandboxIT.bubblewrapWorks(), "bubblewrap cannot make a sandbox on this machine");
    try (DirectorProcess director = DirectorProcess.serve(Files.createTempDirectory("director-many"), Map.of("PASSWORD_HASH_COST", "4",
        "MAX_AGENT_SESSIONS", "200", "MAX_AGENT_SESSIONS_PER_TENANT", "500", "USER_RATE_LIMIT_MAX_REQUESTS", "100000",
        "AGENT_SESSION_STOP_GRACE", "2s"));
        ExecutorService pool = Executors.newFixedThreadPool(16)) {
      Api api = new Api(director);
      String bearer = api.registerTenant("many", "many-admin").bearer();
      SessionTesting sessions = new SessionTesting(api, bearer);
      List<Future<String>> creates = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        creates.add(pool.submit(() -> sessions.create(Map.of("command", List.of("sh", "-c", "echo up; sleep 120"), "limits", Map.of("memory_mb", 64)))));
      }
      List<String> ids = new ArrayList<>();
      for (Future<String> f : creates) ids.add(f.get());
      Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
          api.json(api.call("GET", "/api/sessions?status=running&limit=500", bearer, null), 200).get("sessions").size() == 200);
      HttpResponse<String> extra = sessions.post(Map.of("command", List.of("true")));
      assertThat(extra.statusCode()).isEqualTo(429);
      assertThat(Api.JSON.readTree(extra.body()).get("code").asString()).isEqualTo("sessions.instance-full");
      assertThat(director.get("/api/health/ready").statusCode()).isEqualTo(200);
      int threads = threads(director.pid());
      assertThat(threads).as("Director's threads with 200 sessions").isLessThan(600);
      for (String id : ids.subList(0, 5)) assertThat(sessions.stdout(id)).containsExactly("up");
      List<Future<?>> stops = new ArrayList<>();
      for (String id : ids) stops.add(pool.submit(() -> api.call("POST", "/api/sessions/" + id + "/stop", bearer, null)));
      for (Future<?> f : stops) f.get();
      Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() ->
          api.json(api.call("GET", "/api/sessions?status=stopped&limit=500", bearer, null), 200).get("sessions").size() == 200);
      assertThat(sessions.post(Map.of("command", List.of("true"))).statusCode()).as("slots are free again").isEqualTo(201);
    }
  }

  private static int threads(long pid) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("Threads:")) return Integer.parseInt(line.substring(8).trim());
    }
    throw new AssertionError("no thread count for " + pid);
  }
}
