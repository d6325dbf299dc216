package io.director.sessions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Director restarts: running sessions end with their instance and are reconciled as lost when it comes back. */
class SessionRestartIT {
  @Test
  void sessionsOfACrashedOrStoppedDirectorAreMarkedLostAfterRestartAndTheirSandboxesAreGone() throws Exception {
    assumeTrue(SandboxIT.bubblewrapWorks(), "bubblewrap cannot make a sandbox on this machine");
    Path work = Files.createTempDirectory("director-restart-sessions");
    Map<String, String> env = Map.of("PASSWORD_HASH_COST", "4", "AUTH_RATE_LIMIT_MAX_ATTEMPTS", "100");
    int marker = ThreadLocalRandom.current().nextInt(100_000, 999_999);
    String crashed;
    try (DirectorProcess first = DirectorProcess.serve(work, env)) {
      Api api = new Api(first);
      SessionTesting sessions = new SessionTesting(api, api.registerTenant("restart", "restart-admin").bearer());
      crashed = sessions.create(Map.of("command", List.of("sh", "-c", "echo before; sleep " + marker)));
      sessions.awaitStatus(crashed, "running");
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> SessionClusterIT.sleepers(marker) == 1);
      first.kill();
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> SessionClusterIT.sleepers(marker) == 0);
    }
    String stoppedWithDirector;
    try (DirectorProcess second = DirectorProcess.serve(work, env)) {
      Api api = new Api(second);
      SessionTesting sessions = new SessionTesting(api, api.login("restart-admin").bearer());
      JsonNode lost = sessions.awaitEnd(crashed);
      assertThat(lost.get("status").asString()).isEqualTo("lost");
      assertThat(lost.get("reason").asString()).isEqualTo("instance_lost");
      List<SessionTesting.Event> events = sessions.events(crashed, null);
      assertThat(events.stream().filter(e -> e.kind().equals("stdout")).map(e -> e.data().get("text").asString())).containsExactly("before");
      assertThat(events.get(events.size() - 1).kind()).isEqualTo("exit");
      stoppedWithDirector = sessions.create(Map.of("command", List.of("sleep", Integer.toString(marker + 1))));
      sessions.awaitStatus(stoppedWithDirector, "running");
      assertThat(second.terminate(Duration.ofSeconds(60))).isZero();
      assertThat(SessionClusterIT.sleepers(marker)).isZero();
    }
    try (DirectorProcess third = DirectorProcess.serve(work, env)) {
      Api api = new Api(third);
      JsonNode ended = new SessionTesting(api, api.login("restart-admin").bearer()).get(stoppedWithDirector);
      assertThat(ended.get("status").asString()).isEqualTo("lost");
      assertThat(ended.get("reason").asString()).isEqualTo("director_stopped");
    }
  }
}
