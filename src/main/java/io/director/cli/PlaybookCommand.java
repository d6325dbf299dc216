package io.director.cli;

import java.io.IOException;
import java.io.Reader;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code director playbook ls|get|create|delete|apply|export}: playbooks as code (YAML or JSON files). */
@Command(name = "playbook", mixinStandardHelpOptions = true, description = "Manage playbooks.",
    subcommands = {PlaybookCommand.Ls.class, PlaybookCommand.Get.class, PlaybookCommand.Create.class, PlaybookCommand.Delete.class,
        PlaybookCommand.Apply.class, PlaybookCommand.Export.class})
public final class PlaybookCommand implements Runnable {
  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "missing subcommand: ls, get, create, delete, apply or export");
  }

  /** A playbook id, or its name (looked up in the caller's tenant). */
  static String resolve(String base, String auth, String idOrName) throws IOException {
    if (idOrName.matches("[0-9a-fA-F-]{36}")) return idOrName;
    for (JsonNode p : ApiClient.expect(ApiClient.send(base, "GET", "/api/playbooks", auth, null), 200)) {
      if (p.path("name").asString().equals(idOrName)) return p.path("id").asString();
    }
    throw new ApiClient.CliException("no playbook named '" + idOrName + "'");
  }

  static String readDocument(Path file) throws IOException {
    String text = Files.readString(file);
    if (file.toString().endsWith(".json")) return text;
    try (Reader r = Files.newBufferedReader(file)) {
      Object doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
      if (!(doc instanceof Map)) throw new ApiClient.CliException(file + ": must be a YAML mapping with a name and servers");
      return ApiClient.JSON.writeValueAsString(doc);
    } catch (YAMLException e) {
      throw new ApiClient.CliException(file + ": is not valid YAML: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
  }

  static void print(JsonNode node, String format) {
    if ("json".equals(format)) {
      System.out.println(node.toPrettyString());
      return;
    }
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    System.out.print(new Yaml(options).dump(ApiClient.JSON.convertValue(node, Map.class)));
  }

  abstract static class Remote implements Callable<Integer> {
    @Option(names = "--url", paramLabel = "URL", description = "Server URL (default: DIRECTOR_URL or the stored login's).")
    String url;

    String base() {
      return ApiClient.baseUrl(url);
    }
  }

  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List playbooks.")
  static final class Ls extends Remote {
    @Override
    public Integer call() throws Exception {
      String base = base();
      JsonNode list = ApiClient.expect(ApiClient.send(base, "GET", "/api/playbooks", ApiClient.authorization(base), null), 200);
      System.out.printf("%-36s  %-30s  %-7s  %s%n", "ID", "NAME", "SERVERS", "UPDATED");
      for (JsonNode p : list) {
        System.out.printf("%-36s  %-30s  %-7d  %s%n", p.path("id").asString(), p.path("name").asString(), p.path("servers").asInt(),
            p.path("updated_at").asString());
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a playbook (secrets masked).")
  static final class Get extends Remote {
    @Parameters(paramLabel = "PLAYBOOK", description = "Id or name.") String playbook;
    @Option(names = {"-o", "--output"}, defaultValue = "yaml", description = "yaml or json (default: ${DEFAULT-VALUE}).") String format;

    @Override
    public Integer call() throws Exception {
      String base = base();
      String auth = ApiClient.authorization(base);
      print(ApiClient.expect(ApiClient.send(base, "GET", "/api/playbooks/" + resolve(base, auth, playbook), auth, null), 200), format);
      return ExitCodes.OK;
    }
  }

  @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a playbook from a YAML or JSON file.")
  static final class Create extends Remote {
    @Option(names = {"-f", "--file"}, required = true) Path file;

    @Override
    public Integer call() throws Exception {
      String base = base();
      JsonNode created = ApiClient.expect(ApiClient.send(base, "POST", "/api/playbooks", ApiClient.authorization(base), readDocument(file)), 201);
      System.out.println("created playbook " + created.path("name").asString() + " (" + created.path("id").asString() + ")");
      return ExitCodes.OK;
    }
  }

  @Command(name = "apply", mixinStandardHelpOptions = true,
      description = "Create the playbook named in the file, or make the existing one match it (idempotent).")
  static final class Apply extends Remote {
    @Option(names = {"-f", "--file"}, required = true) Path file;

    @Override
    public Integer call() throws Exception {
      String base = base();
      var response = ApiClient.send(base, "PUT", "/api/playbooks/apply", ApiClient.authorization(base), readDocument(file));
      JsonNode applied = ApiClient.expect(response, 200, 201);
      System.out.println((response.statusCode() == 201 ? "created" : "applied") + " playbook " + applied.path("name").asString()
          + " (" + applied.path("id").asString() + ", revision " + applied.path("revision").asLong() + ")");
      return ExitCodes.OK;
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true, description = "Print a playbook as a file that apply accepts.")
  static final class Export extends Remote {
    @Parameters(paramLabel = "PLAYBOOK", description = "Id or name.") String playbook;
    @Option(names = {"-o", "--output"}, defaultValue = "yaml", description = "yaml or json (default: ${DEFAULT-VALUE}).") String format;

    @Override
    public Integer call() throws Exception {
      String base = base();
      String auth = ApiClient.authorization(base);
      print(ApiClient.expect(ApiClient.send(base, "GET", "/api/playbooks/" + resolve(base, auth, playbook) + "/export", auth, null), 200), format);
      return ExitCodes.OK;
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a playbook.")
  static final class Delete extends Remote {
    @Parameters(paramLabel = "PLAYBOOK", description = "Id or name.") String playbook;

    @Override
    public Integer call() throws Exception {
      String base = base();
      String auth = ApiClient.authorization(base);
      String id = resolve(base, auth, playbook);
      ApiClient.expect(ApiClient.send(base, "DELETE", "/api/playbooks/" + URLEncoder.encode(id, StandardCharsets.UTF_8), auth, null), 204);
      System.out.println("deleted playbook " + playbook);
      return ExitCodes.OK;
    }
  }
}
