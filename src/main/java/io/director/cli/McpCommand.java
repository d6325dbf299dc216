package io.director.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/** {@code director mcp list-tools|call-tool}: a playbook's tools from the command line. */
@Command(name = "mcp", mixinStandardHelpOptions = true, description = "Use a playbook's MCP tools.",
    subcommands = {McpCommand.ListTools.class, McpCommand.CallTool.class})
public final class McpCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "missing subcommand: list-tools or call-tool");
  }

  @Command(name = "list-tools", mixinStandardHelpOptions = true, description = "List a playbook's tools and its upstreams' state.")
  static final class ListTools extends PlaybookCommand.Remote {
    @Parameters(paramLabel = "PLAYBOOK", description = "Id or name.") String playbook;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "120",
        description = "How long to wait for upstreams that are still starting (default: ${DEFAULT-VALUE}).")
    int waitSeconds;

    private static boolean starting(JsonNode overview) {
      for (JsonNode s : overview.path("servers")) {
        if ("starting".equals(s.path("state").asString())) return true;
      }
      return false;
    }

    @Override
    public Integer call() throws Exception {
      String base = base();
      String auth = ApiClient.authorization(base);
      String path = "/api/playbooks/" + PlaybookCommand.resolve(base, auth, playbook) + "/tools";
      JsonNode overview = ApiClient.expect(ApiClient.send(base, "GET", path, auth, null), 200);
      // upstreams start on first use (npx may be downloading); wait a while for them rather than show a partial list
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(waitSeconds);
      while (starting(overview) && System.nanoTime() < deadline) {
        Thread.sleep(1000);
        overview = ApiClient.expect(ApiClient.send(base, "GET", path, auth, null), 200);
      }
      for (JsonNode t : overview.path("tools")) {
        System.out.printf("%-48s  %s%n", t.path("name").asString(), t.path("description").asString("").lines().findFirst().orElse(""));
      }
      for (JsonNode s : overview.path("servers")) {
        if (!"ready".equals(s.path("state").asString())) {
          System.err.println("server " + s.path("name").asString() + ": " + s.path("state").asString()
              + (s.has("last_error") ? " (" + s.path("last_error").asString() + ")" : ""));
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "call-tool", mixinStandardHelpOptions = true, description = "Call a tool and print its result as JSON.")
  static final class CallTool extends PlaybookCommand.Remote {
    @Parameters(index = "0", paramLabel = "PLAYBOOK", description = "Id or name.") String playbook;
    @Parameters(index = "1", paramLabel = "TOOL") String tool;
    @Option(names = "--args", paramLabel = "JSON", defaultValue = "{}", description = "Tool arguments as a JSON object.") String args;

    @Override
    public Integer call() throws Exception {
      try {
        if (!ApiClient.JSON.readTree(args).isObject()) throw new ApiClient.CliException("--args must be a JSON object");
      } catch (JacksonException e) {
        throw new ApiClient.CliException("--args is not valid JSON");
      }
      String base = base();
      String auth = ApiClient.authorization(base);
      JsonNode result = ApiClient.expect(ApiClient.send(base, "POST", "/api/playbooks/" + PlaybookCommand.resolve(base, auth, playbook)
          + "/tools/" + URLEncoder.encode(tool, StandardCharsets.UTF_8).replace("+", "%20") + "/call", auth, args), 200);
      System.out.println(result.toPrettyString());
      return result.path("isError").asBoolean(false) ? ExitCodes.FAILURE : ExitCodes.OK;
    }
  }
}
