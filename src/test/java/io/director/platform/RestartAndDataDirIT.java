package io.director.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.director.testing.DirectorProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The embedded database lives in the data dir: it survives restarts and crashes, and is never shared. */
class RestartAndDataDirIT {

  @Test
  void dataAndTheGeneratedSecretSurviveARestart() throws Exception {
    Path workDir = Files.createTempDirectory("director-restart");
    Path secretFile = workDir.resolve("data/secret");
    String secret;
    try (DirectorProcess first = DirectorProcess.serve(workDir, Map.of())) {
      assertThat(secretFile).exists();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secretFile))).isEqualTo("rw-------");
      secret = Files.readString(secretFile).trim();
      assertThat(secret).hasSizeGreaterThanOrEqualTo(32);
      assertThat(first.terminate(Duration.ofSeconds(60))).isZero();
      assertThat(first.allOutput()).doesNotContain(secret);
    }
    try (DirectorProcess second = DirectorProcess.serve(workDir, Map.of())) {
      assertThat(Files.readString(secretFile).trim()).isEqualTo(secret);
      List<String> instances = instancesIn(workDir);
      assertThat(instances).as("the first run's row is still there, marked stopped").hasSize(2);
      assertThat(instances.get(0)).endsWith("stopped");
      assertThat(instances.get(1)).endsWith("running");
      assertThat(second.terminate(Duration.ofSeconds(60))).isZero();
    }
  }

  @Test
  void aSecondServeOnTheSameDataDirFailsFastWithAClearMessage() throws Exception {
    Path workDir = Files.createTempDirectory("director-lock");
    try (DirectorProcess first = DirectorProcess.serve(workDir, Map.of())) {
      DirectorProcess second = DirectorProcess.run(workDir, Map.of("PORT", Integer.toString(DirectorProcess.freePort())), "serve");
      int exit = second.awaitExit(Duration.ofSeconds(30));
      assertThat(exit).isNotZero();
      assertThat(second.stderr()).anySatisfy(line -> assertThat(line).contains("in use by another Director process").contains("pid " + first.pid()));
      assertThat(first.get("/api/health").statusCode()).as("the first server is unharmed").isEqualTo(200);
    }
  }

  @Test
  void aCrashedServerLeavesNothingThatBlocksTheNextStart() throws Exception {
    Path workDir = Files.createTempDirectory("director-crash");
    DirectorProcess crashed = DirectorProcess.serve(workDir, Map.of());
    crashed.kill();
    try (DirectorProcess next = DirectorProcess.serve(workDir, Map.of())) {
      assertThat(next.get("/api/health").statusCode()).isEqualTo(200);
      assertThat(instancesIn(workDir)).hasSize(2);
    }
  }

  /** Rows of director_instances, oldest first, as "hostname running|stopped", read straight from the embedded PostgreSQL. */
  static List<String> instancesIn(Path workDir) throws Exception {
    List<String> pid = Files.readAllLines(workDir.resolve("data/postgres/postmaster.pid"));
    String port = pid.get(3).trim();
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/director", "postgres", "");
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT hostname, stopped_at IS NOT NULL AS stopped FROM director_instances ORDER BY started_at")) {
      List<String> rows = new java.util.ArrayList<>();
      while (rs.next()) rows.add(rs.getString(1) + " " + (rs.getBoolean(2) ? "stopped" : "running"));
      return rows;
    }
  }
}
