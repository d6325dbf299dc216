package io.director.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code director login} and {@code director keys …} against a running server, as a user would type them. */
class IdentityCommandsIT {
  static DirectorProcess server;
  static Path configHome;
  static Map<String, String> cliEnv;

  @BeforeAll
  static void start() throws Exception {
    server = DirectorProcess.serve(Files.createTempDirectory("director-cli-id"), Map.of("PASSWORD_HASH_COST", "4"));
    new Api(server).registerTenant("cli", "cli-user");
    configHome = Files.createTempDirectory("director-xdg");
    cliEnv = new HashMap<>(Map.of("XDG_CONFIG_HOME", configHome.toString(), "DIRECTOR_URL", "http://127.0.0.1:" + server.port()));
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  static DirectorProcess cli(Map<String, String> env, String input, String... args) throws Exception {
    DirectorProcess p = DirectorProcess.run(configHome, env, args);
    if (input != null) p.input(input);
    p.awaitExit(Duration.ofSeconds(60));
    return p;
  }

  @Test
  void loginStoresCredentialsPrivatelyAndKeysCommandsUseThem() throws Exception {
    DirectorProcess wrong = cli(cliEnv, "not-the-password\n", "login", "--username", "cli-user");
    assertThat(wrong.awaitExit(Duration.ofSeconds(1))).isEqualTo(1);
    assertThat(wrong.stderr()).singleElement().asString().contains("401").contains("identity.invalid-credentials");

    DirectorProcess login = cli(cliEnv, Api.PASSWORD + "\n", "login", "--username", "cli-user");
    assertThat(login.awaitExit(Duration.ofSeconds(1))).isZero();
    Path credentials = configHome.resolve("director/credentials.json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials))).isEqualTo("rw-------");
    assertThat(login.allOutput()).doesNotContain(Api.PASSWORD);

    DirectorProcess create = cli(cliEnv, null, "keys", "create", "--name", "from-cli", "--scope", "mcp:connect", "--scope", "playbooks:read");
    assertThat(create.awaitExit(Duration.ofSeconds(1))).isZero();
    String key = create.stdout().get(0);
    assertThat(key).startsWith("dk_");

    DirectorProcess ls = cli(cliEnv, null, "keys", "ls");
    assertThat(ls.awaitExit(Duration.ofSeconds(1))).isZero();
    assertThat(String.join("\n", ls.stdout())).contains("from-cli").contains(key.substring(0, 10)).doesNotContain(key);
    String id = ls.stdout().get(1).split("\\s+")[0];

    Map<String, String> withKey = new HashMap<>(cliEnv);
    withKey.put("DIRECTOR_API_KEY", key);
    withKey.put("XDG_CONFIG_HOME", Files.createTempDirectory("empty-xdg").toString());
    DirectorProcess asKey = cli(withKey, null, "keys", "ls");
    assertThat(asKey.awaitExit(Duration.ofSeconds(1))).isZero();

    DirectorProcess revoke = cli(cliEnv, null, "keys", "revoke", id);
    assertThat(revoke.awaitExit(Duration.ofSeconds(1))).isZero();
    DirectorProcess afterRevoke = cli(withKey, null, "keys", "ls");
    assertThat(afterRevoke.awaitExit(Duration.ofSeconds(1))).isEqualTo(1);
    assertThat(afterRevoke.stderr()).singleElement().asString().contains("401");
  }

  @Test
  void withoutALoginTheCommandsSaySoInOneLine() throws Exception {
    Map<String, String> env = new HashMap<>(cliEnv);
    env.put("XDG_CONFIG_HOME", Files.createTempDirectory("nobody-xdg").toString());
    DirectorProcess p = cli(env, null, "keys", "ls");
    assertThat(p.awaitExit(Duration.ofSeconds(1))).isEqualTo(1);
    assertThat(p.stderr()).containsExactly("director: not logged in: run 'director login' or set DIRECTOR_API_KEY");
  }
}
