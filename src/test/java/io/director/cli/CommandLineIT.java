package io.director.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.director.testing.DirectorProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CLI of the real jar: help, errors and exit codes, config and health commands. */
class CommandLineIT {
  static Path workDir;

  @BeforeAll
  static void setUp() throws Exception {
    workDir = Files.createTempDirectory("director-cli");
  }

  static DirectorProcess run(Map<String, String> env, String... args) throws Exception {
    DirectorProcess p = DirectorProcess.run(workDir, env, args);
    p.awaitExit(Duration.ofSeconds(60));
    return p;
  }

  @ParameterizedTest
  @ValueSource(strings = {"serve", "migrate", "config", "config validate", "config show", "health", "login", "keys", "keys create", "keys ls", "keys revoke", "admin", "admin create", "playbook", "playbook apply", "playbook export", "mcp", "mcp call-tool", "connect", "version"})
  void everyCommandHasHelp(String command) throws Exception {
    String[] args = (command + " --help").split(" ");
    DirectorProcess p = DirectorProcess.run(workDir, Map.of(), args);
    assertThat(p.awaitExit(Duration.ofSeconds(30))).isZero();
    assertThat(p.stdout()).anySatisfy(l -> assertThat(l).startsWith("Usage: director " + command));
  }

  @Test
  void anUnknownCommandPrintsOneLineAndExits2() throws Exception {
    DirectorProcess p = DirectorProcess.run(workDir, Map.of(), "frobnicate");
    assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
    assertThat(p.stderr()).containsExactly("director: unknown command 'frobnicate' (try --help)");
    assertThat(p.stdout()).isEmpty();
  }

  @Test
  void anUnknownOptionPrintsOneLineAndExits2() throws Exception {
    DirectorProcess p = DirectorProcess.run(workDir, Map.of(), "serve", "--frobnicate");
    assertThat(p.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
    // serve runs with the Vector API, and the JVM itself says so on stderr before Director starts
    assertThat(p.stderr().stream().filter(l -> !l.equals("WARNING: Using incubator modules: jdk.incubator.vector")))
        .containsExactly("director: Unknown option: '--frobnicate' (try --help)");
  }

  @Test
  void versionPrintsTheVersion() throws Exception {
    DirectorProcess p = DirectorProcess.run(workDir, Map.of(), "version");
    assertThat(p.awaitExit(Duration.ofSeconds(30))).isZero();
    assertThat(p.stdout()).singleElement().asString().matches("director \\d+\\.\\d+\\.\\d+.*");
  }

  @Test
  void configValidateListsEveryProblemAndExitsNonZero() throws Exception {
    Path file = Files.writeString(workDir.resolve("bad.yml"), "port: 0\ncolour: blue\nshutdown_timeout: soon\n");
    DirectorProcess p = run(Map.of("DATABASE_URL", "postgres://app:TopSecretPw1@db/x", "DIRECTOR_SECRET", "tiny"),
        "config", "validate", "--config", file.toString());
    assertThat(p.awaitExit(Duration.ofSeconds(5))).isEqualTo(1);
    assertThat(p.stderr()).hasSize(4).allSatisfy(l -> assertThat(l).startsWith("invalid: "));
    assertThat(String.join("\n", p.stderr())).contains("PORT").contains("'colour'").contains("SHUTDOWN_TIMEOUT").contains("DIRECTOR_SECRET");
    assertThat(p.allOutput()).doesNotContain("TopSecretPw1").doesNotContain("tiny");
  }

  @Test
  void configValidateAcceptsAGoodConfigurationAndShowsSources() throws Exception {
    Path file = Files.writeString(workDir.resolve("good.yml"), "port: 8123\nlog:\n  format: text\n");
    DirectorProcess p = run(Map.of("LOG_LEVEL", "warn"), "config", "validate", "--config", file.toString());
    assertThat(p.awaitExit(Duration.ofSeconds(5))).isZero();
    assertThat(p.stdout()).anySatisfy(l -> assertThat(l).matches("PORT\\s+8123\\s+\\[.*good.yml\\]"));
    assertThat(p.stdout()).anySatisfy(l -> assertThat(l).matches("LOG_LEVEL\\s+warn\\s+\\[environment\\]"));
    assertThat(p.stdout()).contains("configuration is valid");
  }

  @Test
  void configShowMasksTheSecretAndTheDatabasePassword() throws Exception {
    DirectorProcess p = run(Map.of("DATABASE_URL", "postgresql://app:TopSecretPw1@db:5432/x", "DIRECTOR_SECRET", "k".repeat(16) + "Z".repeat(20)),
        "config", "show");
    assertThat(p.awaitExit(Duration.ofSeconds(5))).isZero();
    String out = p.allOutput();
    assertThat(out).doesNotContain("TopSecretPw1").doesNotContain("kkkkkkkk").contains("postgresql://app:****@db:5432/x").contains("********");
  }

  @Test
  void healthAgainstNothingFailsWithOneLine() throws Exception {
    DirectorProcess p = run(Map.of(), "health", "--url", "http://127.0.0.1:" + DirectorProcess.freePort(), "--timeout", "3");
    assertThat(p.awaitExit(Duration.ofSeconds(5))).isEqualTo(1);
    assertThat(p.stderr()).singleElement().asString().startsWith("director: cannot reach http://127.0.0.1:");
  }

  @Test
  void healthAndTextLogsAgainstARunningServer() throws Exception {
    Path serverDir = Files.createTempDirectory("director-cli-serve");
    try (DirectorProcess server = DirectorProcess.serve(serverDir, Map.of("LOG_FORMAT", "text"))) {
      DirectorProcess p = run(Map.of(), "health", "--url", "http://127.0.0.1:" + server.port());
      assertThat(p.awaitExit(Duration.ofSeconds(5))).isZero();
      assertThat(p.stdout()).singleElement().asString().startsWith("{\"status\":\"ok\"");
      DirectorProcess.sleep(300);
      assertThat(server.stdout()).isNotEmpty().noneMatch(l -> l.startsWith("{"));
      assertThat(server.stdout()).anySatisfy(l -> assertThat(l).contains(" INFO ").contains("GET /api/health 200").contains("durationMs="));
    }
  }
}
