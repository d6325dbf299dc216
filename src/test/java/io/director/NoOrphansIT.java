package io.director;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other integration test: no process the suite started — a Director, an upstream
 * MCP server it ran, an embedded PostgreSQL in a test's data directory, a test peer — is still
 * alive, whether it is still our descendant or was orphaned and adopted by init.
 */
@Order(Integer.MAX_VALUE)
class NoOrphansIT {
  @Test
  void noProcessStartedByTheSuiteOutlivesIt() {
    String checkout = Path.of("").toAbsolutePath().toString();
    String dataDirs = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().resolve("director-").toString();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(leftovers(checkout, dataDirs)).isEmpty());
  }

  static List<String> leftovers(String checkout, String dataDirs) {
    long self = ProcessHandle.current().pid();
    return Stream.concat(ProcessHandle.current().descendants(), ProcessHandle.allProcesses()).distinct()
        .filter(p -> p.pid() != self && p.isAlive())
        .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
        .filter(c -> c.contains(checkout + "/test-peers") || c.contains(checkout + "/target/director.jar") || c.contains(dataDirs))
        .toList();
  }
}
