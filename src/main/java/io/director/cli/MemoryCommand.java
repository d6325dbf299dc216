package io.director.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code director memory remember|search|context|forget|export|import}: shared memory from the command line. */
@Command(name = "memory", mixinStandardHelpOptions = true, description = "Remember, search and manage shared agent memory.",
    subcommands = {MemoryCommand.Remember.class, MemoryCommand.Search.class, MemoryCommand.Context.class, MemoryCommand.Forget.class,
        MemoryCommand.Export.class, MemoryCommand.Import.class})
public final class MemoryCommand implements Runnable {
  /** Import requests stay well under the server's default 1 MiB body limit. */
  static final int IMPORT_CHUNK_BYTES = 512 * 1024;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
        "missing subcommand: remember, search, context, forget, export or import");
  }

  @Command(name = "remember", mixinStandardHelpOptions = true, description = "Store a memory and print its id.")
  static final class Remember extends PlaybookCommand.Remote {
    @Option(names = {"-n", "--namespace"}, required = true, description = "Namespace, such as a project or an agent.") String namespace;
    @Option(names = {"-t", "--tag"}, description = "A tag (repeatable); 'rule' puts it in every context bundle.") List<String> tags;
    @Option(names = "--importance", description = "0 to 1 (default 0.5).") Double importance;
    @Option(names = "--secret", description = "Store it encrypted, readable only with the memory:secret scope.") boolean secret;
    @Parameters(paramLabel = "TEXT", arity = "1..*", description = "What to remember.") List<String> text;

    @Override
    public Integer call() throws Exception {
      String base = base();
      ObjectNode body = ApiClient.JSON.createObjectNode().put("namespace", namespace).put("text", String.join(" ", text));
      if (tags != null) tags.forEach(body.putArray("tags")::add);
      if (importance != null) body.put("importance", importance);
      if (secret) body.put("sensitivity", "secret");
      JsonNode m = ApiClient.expect(ApiClient.send(base, "POST", "/api/memory/memories", ApiClient.authorization(base),
          ApiClient.JSON.writeValueAsString(body)), 201);
      System.out.println(m.path("id").asString());
      if (!m.path("redacted").isEmpty()) System.err.println("redacted before storing: " + m.path("redacted"));
      return ExitCodes.OK;
    }
  }

  @Command(name = "search", mixinStandardHelpOptions = true, description = "Search memories, decisions and events.")
  static final class Search extends PlaybookCommand.Remote {
    @Option(names = {"-n", "--namespace"}, description = "Only this namespace.") String namespace;
    @Option(names = {"-k", "--limit"}, defaultValue = "10", description = "Results (default: ${DEFAULT-VALUE}).") int k;
    @Option(names = "--mode", description = "hybrid (default), text or vector.") String mode;
    @Option(names = "--kind", description = "Only this kind: memory, decision or an event kind (repeatable).") List<String> kinds;
    @Option(names = "--json", description = "Print the answer as JSON.") boolean json;
    @Parameters(paramLabel = "QUERY", arity = "1..*") List<String> query;

    @Override
    public Integer call() throws Exception {
      String base = base();
      ObjectNode body = ApiClient.JSON.createObjectNode().put("query", String.join(" ", query)).put("k", k);
      if (namespace != null) body.put("namespace", namespace);
      if (mode != null) body.put("mode", mode);
      if (kinds != null) kinds.forEach(body.putArray("kinds")::add);
      JsonNode r = ApiClient.expect(ApiClient.send(base, "POST", "/api/memory/search", ApiClient.authorization(base),
          ApiClient.JSON.writeValueAsString(body)), 200);
      if (json) {
        System.out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
        return ExitCodes.OK;
      }
      for (JsonNode h : r.path("results")) {
        System.out.printf("%.4f  %-8s  %s  %s%n", h.path("score").asDouble(), h.path("type").asString(), h.path("id").asString(),
            oneLine(h.path("text").asString()));
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "context", mixinStandardHelpOptions = true, description = "Print a context bundle for a task.")
  static final class Context extends PlaybookCommand.Remote {
    @Option(names = {"-n", "--namespace"}, required = true) String namespace;
    @Option(names = "--budget", description = "Token budget (default 8000).") Integer budget;
    @Option(names = "--json", description = "Print the answer as JSON.") boolean json;
    @Parameters(paramLabel = "QUERY", arity = "0..*") List<String> query;

    @Override
    public Integer call() throws Exception {
      String base = base();
      ObjectNode body = ApiClient.JSON.createObjectNode().put("namespace", namespace).put("query", query == null ? "" : String.join(" ", query));
      if (budget != null) body.put("token_budget", budget);
      JsonNode r = ApiClient.expect(ApiClient.send(base, "POST", "/api/memory/context", ApiClient.authorization(base),
          ApiClient.JSON.writeValueAsString(body)), 200);
      if (json) {
        System.out.println(ApiClient.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r));
        return ExitCodes.OK;
      }
      for (JsonNode s : r.path("sections")) {
        if (s.path("items").isEmpty()) continue;
        System.out.println("## " + s.path("name").asString());
        for (JsonNode i : s.path("items")) System.out.println("- " + oneLine(i.path("text").asString()) + "  [" + i.path("source_id").asString() + "]");
        System.out.println();
      }
      System.out.println("(" + r.path("tokens_used").asInt() + " of " + r.path("token_budget").asInt() + " tokens)");
      return ExitCodes.OK;
    }
  }

  @Command(name = "forget", mixinStandardHelpOptions = true, description = "Delete a memory (or, with --decision/--event, another item).")
  static final class Forget extends PlaybookCommand.Remote {
    @Option(names = "--decision", description = "The id is a decision's.") boolean decision;
    @Option(names = "--event", description = "The id is an event's.") boolean event;
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() throws Exception {
      String base = base();
      String kind = decision ? "decisions" : event ? "events" : "memories";
      ApiClient.expect(ApiClient.send(base, "DELETE", "/api/memory/" + kind + "/" + enc(id), ApiClient.authorization(base), null), 204);
      System.out.println("forgotten " + id);
      return ExitCodes.OK;
    }
  }

  @Command(name = "export", mixinStandardHelpOptions = true, description = "Write a namespace as JSON lines (to stdout or a file).")
  static final class Export extends PlaybookCommand.Remote {
    @Parameters(paramLabel = "NAMESPACE") String namespace;
    @Option(names = {"-o", "--output"}, paramLabel = "FILE") Path output;

    @Override
    public Integer call() throws Exception {
      String base = base();
      var response = ApiClient.send(base, "GET", "/api/memory/namespaces/" + enc(namespace) + "/export", ApiClient.authorization(base), null);
      if (response.statusCode() != 200) ApiClient.expect(response, 200);
      if (output == null) {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        out.print(response.body());
        out.flush();
      } else {
        Files.writeString(output, response.body(), StandardCharsets.UTF_8);
        System.err.println("exported " + response.body().lines().count() + " lines to " + output);
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "import", mixinStandardHelpOptions = true, description = "Import JSON lines (from export) into a namespace.")
  static final class Import extends PlaybookCommand.Remote {
    @Parameters(index = "0", paramLabel = "NAMESPACE") String namespace;
    @Parameters(index = "1", paramLabel = "FILE", description = "The file, or - for stdin.") String file;

    @Override
    public Integer call() throws Exception {
      String base = base();
      List<String> lines = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()
          : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
      int[] totals = new int[4];
      for (String chunk : chunks(lines)) {
        JsonNode r = ApiClient.expect(send(base, chunk), 200);
        totals[0] += r.path("events").asInt();
        totals[1] += r.path("memories").asInt();
        totals[2] += r.path("decisions").asInt();
        totals[3] += r.path("skipped").asInt();
      }
      System.out.printf("imported %d events, %d memories, %d decisions into %s (%d already there)%n", totals[0], totals[1], totals[2],
          namespace, totals[3]);
      return ExitCodes.OK;
    }

    private java.net.http.HttpResponse<String> send(String base, String body) throws IOException {
      var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/memory/namespaces/" + enc(namespace) + "/import"))
          .timeout(java.time.Duration.ofMinutes(5)).header("Authorization", ApiClient.authorization(base))
          .header("Content-Type", "application/x-ndjson").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
      try {
        return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
    }
  }

  /** Splits lines into request bodies under {@link #IMPORT_CHUNK_BYTES}; the namespace line goes with the first. */
  static List<String> chunks(List<String> lines) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : lines) {
      if (line.isBlank()) continue;
      int size = line.getBytes(StandardCharsets.UTF_8).length + 1;
      if (current.length() > 0 && current.length() + size > IMPORT_CHUNK_BYTES) {
        out.add(current.toString());
        current.setLength(0);
      }
      current.append(line).append('\n');
    }
    if (current.length() > 0 || out.isEmpty()) out.add(current.toString());
    return out;
  }

  private static String oneLine(String s) {
    String t = s.replaceAll("\\s+", " ").trim();
    return t.length() > 120 ? t.substring(0, 119) + "…" : t;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
