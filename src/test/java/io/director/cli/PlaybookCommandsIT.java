package io.director.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code director playbook …} and {@code director mcp …} as a user types them, with a YAML file and a real upstream. */
class PlaybookCommandsIT {
  static final Path EVERYTHING = Path.of("test-peers/node_modules/@modelcontextprotocol/server-everything/dist/index.js").toAbsolutePath();
  static DirectorProcess server;
  static Path home;
  static Map<String, String> env;

  @BeforeAll
  static void start() throws Exception {
    server = DirectorProcess.serve(Files.createTempDirectory("director-cli-pb"), Map.of("PASSWORD_HASH_COST", "4"));
    Api api = new Api(server);
    Api.Login login = api.registerTenant("cli-pb", "cli-pb-admin");
    String key = api.createKey(login, "cli", List.of("playbooks:read", "playbooks:write", "mcp:connect")).get("key").asString();
    home = Files.createTempDirectory("director-cli-pb-home");
    env = new HashMap<>(Map.of("DIRECTOR_URL", "http://127.0.0.1:" + server.port(), "DIRECTOR_API_KEY", key,
        "XDG_CONFIG_HOME", home.toString()));
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  static DirectorProcess cli(String... args) throws Exception {
    DirectorProcess p = DirectorProcess.run(home, env, args);
    p.awaitExit(Duration.ofSeconds(90));
    return p;
  }

  @Test
  void applyExportAndCallAToolFromTheCommandLine() throws Exception {
    Path file = Files.writeString(home.resolve("playbook.yml"), """
        name: from-yaml
        description: Declared in a file
        servers:
          - name: everything
            transport: stdio
            command: node
            args: ["%s", "stdio"]
            env:
              API_TOKEN: yaml-secret-value-123
            tools:
              include: [echo]
        """.formatted(EVERYTHING));
    DirectorProcess created = cli("playbook", "apply", "-f", file.toString());
    assertThat(created.awaitExit(Duration.ofSeconds(1))).as(created.allOutput()).isZero();
    assertThat(created.stdout()).singleElement().asString().startsWith("created playbook from-yaml");
    DirectorProcess again = cli("playbook", "apply", "-f", file.toString());
    assertThat(again.stdout()).singleElement().asString().startsWith("applied playbook from-yaml");

    DirectorProcess exported = cli("playbook", "export", "from-yaml");
    assertThat(exported.awaitExit(Duration.ofSeconds(1))).isZero();
    String yaml = String.join("\n", exported.stdout());
    assertThat(yaml).contains("name: from-yaml").contains("'********'").doesNotContain("yaml-secret-value-123");
    Path roundTrip = Files.writeString(home.resolve("exported.yml"), yaml + "\n");
    assertThat(cli("playbook", "apply", "-f", roundTrip.toString()).awaitExit(Duration.ofSeconds(1))).isZero();

    DirectorProcess ls = cli("playbook", "ls");
    assertThat(String.join("\n", ls.stdout())).contains("from-yaml");
    DirectorProcess tools = cli("mcp", "list-tools", "from-yaml");
    assertThat(tools.awaitExit(Duration.ofSeconds(1))).as(tools.allOutput()).isZero();
    // the upstream's one allowed tool, next to the built-in memory tools every playbook has by default
    assertThat(tools.stdout().stream().filter(l -> !l.startsWith("memory_"))).singleElement().asString().startsWith("everything__echo");
    assertThat(tools.stdout()).anyMatch(l -> l.startsWith("memory_search"));
    DirectorProcess call = cli("mcp", "call-tool", "from-yaml", "everything__echo", "--args", "{\"message\":\"from the CLI\"}");
    assertThat(call.awaitExit(Duration.ofSeconds(1))).as(call.allOutput()).isZero();
    assertThat(String.join("\n", call.stdout())).contains("Echo: from the CLI");
    DirectorProcess badArgs = cli("mcp", "call-tool", "from-yaml", "everything__echo", "--args", "[1]");
    assertThat(badArgs.awaitExit(Duration.ofSeconds(1))).isEqualTo(1);

    assertThat(cli("playbook", "delete", "from-yaml").awaitExit(Duration.ofSeconds(1))).isZero();
    DirectorProcess gone = cli("playbook", "get", "from-yaml");
    assertThat(gone.awaitExit(Duration.ofSeconds(1))).isEqualTo(1);
    assertThat(gone.stderr()).singleElement().asString().contains("no playbook named 'from-yaml'");
  }

  @Test
  void connectWritesAClientConfigurationThatReachesThePlaybook() throws Exception {
    Path file = Files.writeString(home.resolve("connect.yml"), "name: connectable\n");
    assertThat(cli("playbook", "apply", "-f", file.toString()).awaitExit(Duration.ofSeconds(1))).isZero();
    Path vscode = home.resolve("project/.vscode/mcp.json");
    Files.createDirectories(vscode.getParent());
    Files.writeString(vscode, "{\"servers\":{\"other\":{\"type\":\"stdio\",\"command\":\"x\"}}}");
    DirectorProcess connect = cli("connect", "connectable", "--target", "vscode", "--file", vscode.toString());
    assertThat(connect.awaitExit(Duration.ofSeconds(1))).as(connect.allOutput()).isZero();
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(vscode))).isEqualTo("rw-------");
    tools.jackson.databind.JsonNode config = Api.JSON.readTree(Files.readString(vscode));
    assertThat(config.get("servers").has("other")).as("other servers are kept").isTrue();
    tools.jackson.databind.JsonNode entry = config.get("servers").get("director-connectable");
    assertThat(entry.get("type").asString()).isEqualTo("http");
    String url = entry.get("url").asString();
    String authorization = entry.get("headers").get("Authorization").asString();
    assertThat(url).startsWith("http://127.0.0.1:" + server.port() + "/playbooks/").endsWith("/mcp");
    var init = server.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).header("Content-Type", "application/json")
        .header("Authorization", authorization).POST(java.net.http.HttpRequest.BodyPublishers.ofString(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"vscode\",\"version\":\"1\"}}}")));
    assertThat(init.statusCode()).isEqualTo(200);
    assertThat(init.headers().firstValue("Mcp-Session-Id")).isPresent();

    DirectorProcess claude = cli("connect", "connectable", "--target", "claude", "--print");
    assertThat(claude.awaitExit(Duration.ofSeconds(1))).isZero();
    String printed = String.join("\n", claude.stdout());
    assertThat(printed).contains("mcp-remote").contains(url).contains("DIRECTOR_AUTHORIZATION");
    assertThat(cli("connect", "connectable", "--target", "emacs", "--print").awaitExit(Duration.ofSeconds(1))).isEqualTo(1);
  }

  @Test
  void aBrokenFileIsReportedInOneLine() throws Exception {
    Path file = Files.writeString(home.resolve("broken.yml"), "name: [unclosed\n");
    DirectorProcess p = cli("playbook", "apply", "-f", file.toString());
    assertThat(p.awaitExit(Duration.ofSeconds(1))).isEqualTo(1);
    assertThat(p.stderr()).singleElement().asString().contains("is not valid YAML");
    Path invalid = Files.writeString(home.resolve("invalid.yml"), "name: ok\nservers:\n  - name: x\n    transport: stdio\n    command: bash\n");
    DirectorProcess refused = cli("playbook", "apply", "-f", invalid.toString());
    assertThat(refused.awaitExit(Duration.ofSeconds(1))).isEqualTo(1);
    assertThat(refused.stderr()).singleElement().asString().contains("422").contains("gateway.command-not-allowed");
  }
}
