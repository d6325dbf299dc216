package io.director.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.director.testing.DirectorProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The real jar with DIRECTOR_ENV=production refuses unsafe starts with exit 78 and one FATAL line. */
class ProductionGuardIT {
  static final String STRONG_SECRET = "pQ7vX2mK9rT4wZ8nB3cF6hJ1sD5gL0aE";

  static Map<String, String> safeProduction() {
    Map<String, String> env = new HashMap<>();
    env.put("DIRECTOR_ENV", "production");
    env.put("DATABASE_URL", "postgres://director:pw@127.0.0.1:" + DirectorProcess.freePort() + "/director");
    env.put("DIRECTOR_SECRET", STRONG_SECRET);
    env.put("BASE_URL", "https://director.example.test");
    env.put("PORT", Integer.toString(DirectorProcess.freePort()));
    return env;
  }

  static Stream<Arguments> unsafe() {
    return Stream.of(
        Arguments.of("DANGEROUSLY_ALLOW_ARBITRARY_STDIO_SERVERS", Map.of("DANGEROUSLY_ALLOW_ARBITRARY_STDIO_SERVERS", "true")),
        Arguments.of("DANGEROUSLY_ALLOW_INSECURE_HTTP_SERVERS", Map.of("DANGEROUSLY_ALLOW_INSECURE_HTTP_SERVERS", "1")),
        Arguments.of("DANGEROUSLY_ALLOW_UNSANDBOXED_SESSIONS", Map.of("DANGEROUSLY_ALLOW_UNSANDBOXED_SESSIONS", "yes")),
        Arguments.of("DANGEROUSLY_ENABLE_SEEDING", Map.of("DANGEROUSLY_ENABLE_SEEDING", "true")),
        Arguments.of("DATABASE_URL", Map.of("DATABASE_URL", "")),
        Arguments.of("DIRECTOR_SECRET", Map.of("DIRECTOR_SECRET", "")),
        Arguments.of("DIRECTOR_SECRET", Map.of("DIRECTOR_SECRET", "too-short-secret")),
        Arguments.of("DIRECTOR_SECRET", Map.of("DIRECTOR_SECRET", "changeme-changeme-changeme-changeme")),
        Arguments.of("DIRECTOR_SECRET", Map.of("DIRECTOR_SECRET", "a".repeat(40))),
        Arguments.of("BASE_URL", Map.of("BASE_URL", "")));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("unsafe")
  void refusesToStartNamingTheVariable(String variable, Map<String, String> change) throws Exception {
    Map<String, String> env = safeProduction();
    env.putAll(change);
    env.values().removeIf(String::isEmpty);
    DirectorProcess director = DirectorProcess.run(Files.createTempDirectory("director-guard"), env, "serve");
    assertThat(director.awaitExit(Duration.ofSeconds(30))).isEqualTo(78);
    List<String> fatal = director.stderr().stream().filter(l -> l.startsWith("FATAL")).toList();
    assertThat(fatal).hasSize(1);
    assertThat(fatal.get(0)).contains(variable);
    assertThat(director.allOutput()).doesNotContain(STRONG_SECRET).doesNotContain("Exception");
  }

  @Test
  void aSafeProductionConfigurationPassesTheGuard() throws Exception {
    Path workDir = Files.createTempDirectory("director-guard-ok");
    DirectorProcess director = DirectorProcess.run(workDir, safeProduction(), "serve");
    int exit = director.awaitExit(Duration.ofSeconds(60));
    // the database does not exist, so the start fails later, but not at the guard
    assertThat(exit).isEqualTo(1);
    assertThat(director.stderr()).noneMatch(l -> l.startsWith("FATAL"));
    assertThat(director.stderr()).anySatisfy(l -> assertThat(l).startsWith("director: cannot start"));
    assertThat(workDir.resolve("data/postgres")).as("no embedded database in production").doesNotExist();
    assertThat(director.allOutput()).doesNotContain(STRONG_SECRET).doesNotContain(":pw@");
  }
}
