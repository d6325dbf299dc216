package io.director.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code director session run|ls|status|logs|stop|files|rm}: agent sessions from the command line. */
@Command(name = "session", mixinStandardHelpOptions = true, description = "Run and manage sandboxed agent sessions.",
    subcommands = {SessionCommand.Run.class, SessionCommand.Ls.class, SessionCommand.Status.class, SessionCommand.Logs.class,
        SessionCommand.Stop.class, SessionCommand.Files.class, SessionCommand.Rm.class})
public final class SessionCommand implements Runnable {
  private static final HttpClient STREAMS = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "missing subcommand: run, ls, status, logs, stop, files or rm");
  }

  @Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
      description = "Run a command in a sandboxed session, stream its output, and exit with its exit code.")
  static final class Run extends PlaybookCommand.Remote {
    @Option(names = "--name", description = "Session name (default: the program's name).") String name;
    @Option(names = "--playbook", paramLabel = "P", description = "Playbook (id or name) whose tools the session may use.") String playbook;
    @Option(names = "--memory", paramLabel = "SIZE", description = "Memory limit, such as 512m or 2g.") String memory;
    @Option(names = "--cpus", paramLabel = "N", description = "CPU limit in cores, such as 0.5.") Double cpus;
    @Option(names = "--pids", paramLabel = "N", description = "Limit on processes and threads.") Integer pids;
    @Option(names = "--timeout", paramLabel = "DURATION", description = "Timeout, such as 90s, 10m or 2h.") String timeout;
    @Option(names = "--output", paramLabel = "SIZE", description = "Output kept, such as 16m.") String output;
    @Option(names = "--network", paramLabel = "MODE", description = "none, gateway, allowlist or open (default: none).") String network;
    @Option(names = "--allow", paramLabel = "HOST[:PORT]", description = "A host an allowlist session may reach (repeatable).") List<String> allow;
    @Option(names = {"-e", "--env"}, paramLabel = "NAME=VALUE", description = "An environment variable (repeatable).") List<String> env;
    @Option(names = {"-f", "--file"}, paramLabel = "PATH[=LOCAL]", description = "Put a local file into the workspace (repeatable).") List<String> files;
    @Option(names = {"-i", "--stdin"}, description = "Send this terminal's standard input to the session.") boolean stdin;
    @Option(names = "--detach", description = "Print the session id and return at once.") boolean detach;
    @Parameters(paramLabel = "COMMAND", arity = "1..*", description = "The command and its arguments (after --).") List<String> command;

    @Override
    public Integer call() throws Exception {
      String base = base();
      String auth = ApiClient.authorization(base);
      ObjectNode body = ApiClient.JSON.createObjectNode();
      if (name != null) body.put("name", name);
      command.forEach(body.putArray("command")::add);
      if (playbook != null) body.put("playbook_id", PlaybookCommand.resolve(base, auth, playbook));
      ObjectNode limits = ApiClient.JSON.createObjectNode();
      if (memory != null) limits.put("memory_mb", megabytes(memory, "--memory"));
      if (cpus != null) limits.put("cpus", cpus);
      if (pids != null) limits.put("pids", pids);
      if (timeout != null) limits.put("timeout_s", seconds(timeout));
      if (output != null) limits.put("output_mb", megabytes(output, "--output"));
      if (!limits.isEmpty()) body.set("limits", limits);
      if (network != null || allow != null) {
        ObjectNode net = body.putObject("network");
        if (network != null) net.put("mode", network);
        if (allow != null) allow.forEach(net.putArray("allow")::add);
      }
      if (env != null) {
        ObjectNode e = body.putObject("env");
        for (String kv : env) {
          int eq = kv.indexOf('=');
          if (eq <= 0) throw new ApiClient.CliException("--env takes NAME=VALUE, got '" + kv + "'");
          e.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
      if (files != null) {
        ObjectNode f = body.putObject("workspace").putObject("files");
        for (String spec : files) {
          int eq = spec.indexOf('=');
          String target = eq < 0 ? Path.of(spec).getFileName().toString() : spec.substring(0, eq);
          Path local = Path.of(eq < 0 ? spec : spec.substring(eq + 1));
          f.put(target, java.nio.file.Files.readString(local));
        }
      }
      if (stdin) body.put("stdin", true);
      JsonNode created = ApiClient.expect(ApiClient.send(base, "POST", "/api/sessions", auth, body.toString()), 201);
      String id = created.path("id").asString();
      if (detach) {
        System.out.println(id);
        return ExitCodes.OK;
      }
      System.err.println("session " + id + " (" + created.path("driver").asString() + ")");
      AtomicBoolean ended = new AtomicBoolean();
      Thread stopper = new Thread(() -> {
        if (ended.get()) return;
        try {
          ApiClient.send(base, "POST", "/api/sessions/" + id + "/stop", auth, null);
          System.err.println("director: stopping session " + id);
        } catch (IOException | RuntimeException e) {
          // exiting anyway
        }
      });
      Runtime.getRuntime().addShutdownHook(stopper);
      if (stdin) Thread.ofPlatform().daemon().start(() -> pipeStdin(base, auth, id));
      JsonNode exit = follow(base, auth, id, true);
      ended.set(true);
      return exitCode(exit);
    }

    private static void pipeStdin(String base, String auth, String id) {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = System.in) {
        int n;
        while ((n = in.read(buf)) > 0) {
          HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/api/sessions/" + id + "/input")).header("Authorization", auth)
              .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(buf, 0, n)).build();
          STREAMS.send(r, HttpResponse.BodyHandlers.discarding());
        }
        HttpRequest close = HttpRequest.newBuilder(URI.create(base + "/api/sessions/" + id + "/input?close=true")).header("Authorization", auth)
            .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.noBody()).build();
        STREAMS.send(close, HttpResponse.BodyHandlers.discarding());
      } catch (IOException | InterruptedException e) {
        // the session ended or the server went away
      }
    }
  }

  /** The session's exit as a process exit code: its own, 124 for a timeout (as timeout(1)), 143 when stopped, 1 otherwise. */
  static int exitCode(JsonNode exit) {
    if (exit == null) return ExitCodes.FAILURE;
    String status = exit.path("status").asString();
    if (status.equals("timed_out")) return 124;
    if (status.equals("stopped")) return 143;
    if (exit.path("exit_code").isIntegralNumber()) return exit.path("exit_code").asInt();
    return status.equals("completed") ? ExitCodes.OK : ExitCodes.FAILURE;
  }

  /** Prints the transcript (stdout to stdout, stderr to stderr), resuming after a dropped connection; answers the exit entry. */
  static JsonNode follow(String base, String auth, String id, boolean live) throws IOException, InterruptedException {
    AtomicLong last = new AtomicLong();
    int failures = 0;
    while (true) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/api/sessions/" + id + "/events?follow=" + live))
          .header("Authorization", auth).header("Accept", "text/event-stream");
      if (last.get() > 0) b.header("Last-Event-ID", Long.toString(last.get()));
      HttpResponse<java.util.stream.Stream<String>> response;
      try {
        response = STREAMS.send(b.build(), HttpResponse.BodyHandlers.ofLines());
      } catch (IOException e) {
        if (++failures > 5) throw new ApiClient.CliException("lost the session's stream: " + e.getMessage());
        Thread.sleep(1000);
        continue;
      }
      if (response.statusCode() != 200) {
        String text = String.join("\n", response.body().toList());
        ApiClient.expect(new StringResponse(response, text), 200);
      }
      String kind = "message";
      StringBuilder data = new StringBuilder();
      try {
        for (String line : (Iterable<String>) response.body()::iterator) {
          if (line.isEmpty()) {
            if (!data.isEmpty()) {
              JsonNode d = ApiClient.JSON.readTree(data.toString());
              data.setLength(0);
              failures = 0; // the stream works: only failures in a row count
              switch (kind) {
                case "stdout" -> print(System.out, d);
                case "stderr" -> print(System.err, d);
                case "truncated" -> System.err.println("director: output past " + d.path("limit_bytes").asLong() + " bytes was dropped");
                case "exit" -> {
                  System.out.flush();
                  return d;
                }
                default -> { }
              }
            }
            kind = "message";
          } else if (line.startsWith("id:")) {
            last.set(Long.parseLong(line.substring(3).trim()));
          } else if (line.startsWith("event:")) {
            kind = line.substring(6).trim();
          } else if (line.startsWith("data:")) {
            data.append(line.substring(5).trim());
          }
        }
      } catch (java.io.UncheckedIOException e) {
        if (++failures > 5) throw new ApiClient.CliException("lost the session's stream: " + e.getMessage());
        Thread.sleep(500);
        continue;
      }
      if (!live) return null;
      if (++failures > 5) throw new ApiClient.CliException("the session's stream keeps ending before the session does");
    }
  }

  private static void print(PrintStream out, JsonNode d) {
    out.print(d.path("text").asString());
    if (d.path("eol").asBoolean()) out.print('\n');
    out.flush();
  }

  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List sessions, newest first.")
  static final class Ls extends PlaybookCommand.Remote {
    @Option(names = "--status", description = "Only sessions with this status.") String status;
    @Option(names = "--limit", defaultValue = "50", description = "At most this many (default: ${DEFAULT-VALUE}).") int limit;

    @Override
    public Integer call() throws Exception {
      String base = base();
      String q = "?limit=" + limit + (status == null ? "" : "&status=" + URLEncoder.encode(status, StandardCharsets.UTF_8));
      JsonNode page = ApiClient.expect(ApiClient.send(base, "GET", "/api/sessions" + q, ApiClient.authorization(base), null), 200);
      System.out.printf("%-36s  %-20s  %-10s  %-14s  %s%n", "ID", "NAME", "STATUS", "REASON", "CREATED");
      for (JsonNode s : page.path("sessions")) {
        System.out.printf("%-36s  %-20s  %-10s  %-14s  %s%n", s.path("id").asString(), s.path("name").asString(),
            s.path("status").asString(), s.path("reason").asString(""), s.path("created_at").asString());
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show a session.")
  static final class Status extends PlaybookCommand.Remote {
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() throws Exception {
      String base = base();
      JsonNode s = ApiClient.expect(ApiClient.send(base, "GET", "/api/sessions/" + id, ApiClient.authorization(base), null), 200);
      Map<String, String> rows = new LinkedHashMap<>();
      for (String f : List.of("id", "name", "status", "reason", "exit_code", "driver", "created_at", "started_at", "ended_at", "output_bytes")) {
        if (s.hasNonNull(f)) rows.put(f, s.get(f).asString());
      }
      rows.put("command", String.join(" ", s.path("command").valueStream().map(JsonNode::asString).toList()));
      rows.put("limits", s.path("limits").toString());
      rows.put("network", s.path("network").path("mode").asString());
      rows.put("enforced", s.path("enforced").toString());
      rows.forEach((k, v) -> System.out.printf("%-12s %s%n", k + ":", v));
      return ExitCodes.OK;
    }
  }

  @Command(name = "logs", mixinStandardHelpOptions = true, description = "Print a session's output; -f follows it to the end.")
  static final class Logs extends PlaybookCommand.Remote {
    @Parameters(paramLabel = "ID") String id;
    @Option(names = {"-f", "--follow"}, description = "Keep printing until the session ends; exit with its exit code.") boolean followIt;

    @Override
    public Integer call() throws Exception {
      String base = base();
      JsonNode exit = follow(base, ApiClient.authorization(base), id, followIt);
      return followIt ? exitCode(exit) : ExitCodes.OK;
    }
  }

  @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop a session (SIGTERM, then SIGKILL after the grace period).")
  static final class Stop extends PlaybookCommand.Remote {
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() throws Exception {
      String base = base();
      JsonNode s = ApiClient.expect(ApiClient.send(base, "POST", "/api/sessions/" + id + "/stop", ApiClient.authorization(base), null), 202);
      System.out.println(s.path("id").asString() + " " + s.path("status").asString());
      return ExitCodes.OK;
    }
  }

  @Command(name = "files", mixinStandardHelpOptions = true, description = "List a session's workspace, or download a file with --get.")
  static final class Files extends PlaybookCommand.Remote {
    @Parameters(index = "0", paramLabel = "ID") String id;
    @Parameters(index = "1", paramLabel = "DIR", arity = "0..1", description = "A directory in the workspace.") String dir;
    @Option(names = "--get", paramLabel = "PATH", description = "Download this file (to stdout, or to -o).") String get;
    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Where --get writes.") Path out;

    @Override
    public Integer call() throws Exception {
      String base = base();
      String auth = ApiClient.authorization(base);
      if (get != null) {
        String path = java.util.Arrays.stream(get.split("/")).map(p -> URLEncoder.encode(p, StandardCharsets.UTF_8).replace("+", "%20"))
            .collect(java.util.stream.Collectors.joining("/"));
        HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/api/sessions/" + id + "/files/" + path)).header("Authorization", auth).build();
        HttpResponse<InputStream> response = STREAMS.send(r, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
          String text = new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
          ApiClient.expect(new StringResponse(response, text), 200);
        }
        try (InputStream in = response.body(); OutputStream o = out == null ? System.out : java.nio.file.Files.newOutputStream(out)) {
          in.transferTo(o);
        }
        return ExitCodes.OK;
      }
      String q = dir == null ? "" : "?dir=" + URLEncoder.encode(dir, StandardCharsets.UTF_8);
      JsonNode list = ApiClient.expect(ApiClient.send(base, "GET", "/api/sessions/" + id + "/files" + q, auth, null), 200);
      for (JsonNode f : list.path("files")) {
        System.out.printf("%-9s %12s  %s%n", f.path("type").asString(), f.path("type").asString().equals("file") ? f.path("size").asString() : "",
            f.path("path").asString());
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "rm", mixinStandardHelpOptions = true, description = "Delete a finished session, its transcript and its workspace.")
  static final class Rm extends PlaybookCommand.Remote {
    @Parameters(paramLabel = "ID") String id;

    @Override
    public Integer call() throws Exception {
      String base = base();
      ApiClient.expect(ApiClient.send(base, "DELETE", "/api/sessions/" + id, ApiClient.authorization(base), null), 204);
      return ExitCodes.OK;
    }
  }

  static long megabytes(String size, String option) {
    String s = size.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.endsWith("g") || s.endsWith("gb") || s.endsWith("gi")) return Long.parseLong(s.replaceAll("[a-z]+$", "")) * 1024;
      if (s.endsWith("m") || s.endsWith("mb") || s.endsWith("mi")) return Long.parseLong(s.replaceAll("[a-z]+$", ""));
      if (s.matches("\\d+")) return Long.parseLong(s);
    } catch (NumberFormatException e) {
      // below
    }
    throw new ApiClient.CliException(option + " takes a size such as 512m or 2g, got '" + size + "'");
  }

  static long seconds(String duration) {
    String s = duration.trim().toLowerCase(Locale.ROOT);
    try {
      if (s.endsWith("h")) return Long.parseLong(s.substring(0, s.length() - 1)) * 3600;
      if (s.endsWith("m")) return Long.parseLong(s.substring(0, s.length() - 1)) * 60;
      if (s.endsWith("s")) return Long.parseLong(s.substring(0, s.length() - 1));
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw new ApiClient.CliException("--timeout takes a duration such as 90s, 10m or 2h, got '" + duration + "'");
    }
  }

  /** A streamed answer's status and text, to report it like any other answer. */
  private record StringResponse(HttpResponse<?> source, String body) implements HttpResponse<String> {
    @Override public int statusCode() { return source.statusCode(); }
    @Override public HttpRequest request() { return source.request(); }
    @Override public java.util.Optional<HttpResponse<String>> previousResponse() { return java.util.Optional.empty(); }
    @Override public java.net.http.HttpHeaders headers() { return source.headers(); }
    @Override public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return java.util.Optional.empty(); }
    @Override public URI uri() { return source.uri(); }
    @Override public HttpClient.Version version() { return source.version(); }
  }

}
