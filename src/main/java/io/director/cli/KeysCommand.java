package io.director.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code director keys create|ls|revoke}: API keys of the logged-in user's tenant. */
@Command(name = "keys", mixinStandardHelpOptions = true, description = "Manage API keys.",
    subcommands = {KeysCommand.Create.class, KeysCommand.Ls.class, KeysCommand.Revoke.class})
public final class KeysCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "missing subcommand: create, ls or revoke");
  }

  abstract static class Remote implements Callable<Integer> {
    @Option(names = "--url", paramLabel = "URL", description = "Server URL (default: DIRECTOR_URL or the stored login's).")
    String url;

    String base() {
      return ApiClient.baseUrl(url);
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a key; its secret is printed once.")
  static final class Create extends Remote {
    @Option(names = "--name", required = true) String name;
    @Option(names = "--scope", required = true, description = "A scope such as mcp:connect; repeat for more.") java.util.List<String> scopes;
    @Option(names = "--expires-at", paramLabel = "INSTANT") String expiresAt;
    @Option(names = "--rate-limit", paramLabel = "N", description = "Requests per window for this key.") Integer rateLimit;

    @Override
    public Integer call() throws Exception {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      body.put("scopes", scopes);
      if (expiresAt != null) body.put("expires_at", expiresAt);
      if (rateLimit != null) body.put("rate_limit", rateLimit);
      String base = base();
      JsonNode key = ApiClient.expect(ApiClient.send(base, "POST", "/api/keys", ApiClient.authorization(base),
          ApiClient.JSON.writeValueAsString(body)), 201);
      System.out.println(key.path("key").asString());
      System.err.println("key " + key.path("id").asString() + " created; the secret above is shown only once");
      return ExitCodes.OK;
    }
  }

  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List keys (never their secrets).")
  static final class Ls extends Remote {
    @Override
    public Integer call() throws Exception {
      String base = base();
      JsonNode keys = ApiClient.expect(ApiClient.send(base, "GET", "/api/keys", ApiClient.authorization(base), null), 200);
      System.out.printf("%-36s  %-12s  %-24s  %-20s  %s%n", "ID", "PREFIX", "NAME", "LAST USED", "SCOPES");
      for (JsonNode k : keys) {
        System.out.printf("%-36s  %-12s  %-24s  %-20s  %s%n", k.path("id").asString(), k.path("prefix").asString(),
            k.path("name").asString(), k.path("last_used_at").isNull() ? "never" : k.path("last_used_at").asString(),
            k.path("scopes").toString());
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key at once, on every instance.")
  static final class Revoke extends Remote {
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() throws Exception {
      String base = base();
      ApiClient.expect(ApiClient.send(base, "DELETE", "/api/keys/" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8),
          ApiClient.authorization(base), null), 204);
      System.out.println("revoked " + id);
      return ExitCodes.OK;
    }
  }
}
