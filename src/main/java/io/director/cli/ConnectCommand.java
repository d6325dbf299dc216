package io.director.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code director connect PLAYBOOK --target …}: writes an MCP client's configuration so that it
 * reaches the playbook through Director, with an API key of its own (scope mcp:connect).
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
    description = "Configure an MCP client (claude, claude-code, cursor, vscode) to use a playbook.")
public final class ConnectCommand extends PlaybookCommand.Remote {
  @Parameters(paramLabel = "PLAYBOOK", description = "Id or name.") String playbook;

  @Option(names = "--target", required = true, description = "claude, claude-code, cursor or vscode.") String target;

  @Option(names = "--print", description = "Print the configuration instead of writing it.") boolean print;

  @Option(names = "--file", paramLabel = "PATH", description = "Write this file instead of the client's usual one.") Path file;

  @Option(names = "--name", paramLabel = "NAME", description = "Server name in the client (default: director-<playbook>).") String name;

  @Override
  public Integer call() throws Exception {
    String client = target.toLowerCase(Locale.ROOT);
    if (!List.of("claude", "claude-code", "cursor", "vscode").contains(client)) {
      throw new ApiClient.CliException("--target must be claude, claude-code, cursor or vscode");
    }
    String base = base();
    String auth = ApiClient.authorization(base);
    String id = PlaybookCommand.resolve(base, auth, playbook);
    String url = base + "/playbooks/" + id + "/mcp";
    String key = System.getenv("DIRECTOR_API_KEY");
    if (key == null || key.isBlank()) {
      JsonNode created = ApiClient.expect(ApiClient.send(base, "POST", "/api/keys", auth, ApiClient.JSON.writeValueAsString(
          Map.of("name", "connect " + client + " " + playbook, "scopes", List.of("mcp:connect")))), 201);
      key = created.path("key").asString();
    }
    String serverName = name != null ? name : "director-" + playbook.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-");
    Path path = file != null ? file : defaultFile(client);
    ObjectNode config = print || !Files.exists(path) ? ApiClient.JSON.createObjectNode() : (ObjectNode) ApiClient.JSON.readTree(Files.readString(path));
    ObjectNode servers = config.has(section(client)) ? (ObjectNode) config.get(section(client)) : config.putObject(section(client));
    servers.set(serverName, entry(client, url, "Bearer " + key));
    String json = config.toPrettyString();
    if (print) {
      System.out.println(json);
      return ExitCodes.OK;
    }
    Files.createDirectories(path.toAbsolutePath().getParent());
    Path tmp = Files.createTempFile(path.toAbsolutePath().getParent(), ".director", ".json",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, json + "\n");
    Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    System.out.println("wrote " + serverName + " to " + path + " (it holds an API key; the file is readable only by you)");
    return ExitCodes.OK;
  }

  private static String section(String client) {
    return client.equals("vscode") ? "servers" : "mcpServers";
  }

  private static ObjectNode entry(String client, String url, String authorization) {
    ObjectNode e = ApiClient.JSON.createObjectNode();
    switch (client) {
      case "claude" -> {
        // Claude Desktop starts local commands; mcp-remote bridges stdio to Streamable HTTP
        e.put("command", "npx");
        e.putArray("args").add("-y").add("mcp-remote").add(url).add("--header").add("Authorization:${DIRECTOR_AUTHORIZATION}");
        e.putObject("env").put("DIRECTOR_AUTHORIZATION", authorization);
      }
      case "cursor" -> {
        e.put("url", url);
        e.putObject("headers").put("Authorization", authorization);
      }
      default -> {
        e.put("type", "http");
        e.put("url", url);
        e.putObject("headers").put("Authorization", authorization);
      }
    }
    return e;
  }

  private static Path defaultFile(String client) {
    Path home = Path.of(System.getProperty("user.home"));
    return switch (client) {
      case "claude-code" -> Path.of(".mcp.json");
      case "vscode" -> Path.of(".vscode", "mcp.json");
      case "cursor" -> home.resolve(".cursor/mcp.json");
      default -> System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("mac")
          ? home.resolve("Library/Application Support/Claude/claude_desktop_config.json")
          : home.resolve(".config/Claude/claude_desktop_config.json");
    };
  }
}
