package io.director.gateway.mcp;

import io.director.gateway.UpstreamTransport;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An upstream MCP server run as a child process, speaking newline-delimited JSON-RPC on stdin and
 * stdout. Director numbers its own requests, so many downstream sessions can share one process.
 * The child gets a minimal environment — none of Director's own secrets — and dies with its whole
 * process tree when the connection closes.
 */
public final class StdioUpstream implements Upstream {
  private static final Logger log = LoggerFactory.getLogger("io.director.upstream");
  private static final int MAX_LINE = 16 * 1024 * 1024;
  private static final List<String> INHERITED = List.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR");

  private final String label;
  private final Process process;
  private final BufferedWriter stdin;
  private final Listener listener;
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final Deque<String> recentStderr = new ArrayDeque<>();
  private final InFlight inFlight;
  private volatile boolean alive = true;
  private volatile JsonNode initializeResult;

  private StdioUpstream(String label, Process process, Listener listener, Duration timeout) {
    this.label = label;
    this.inFlight = new InFlight(timeout);
    this.process = process;
    this.listener = listener;
    this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
  }

  /** Starts the process and completes the MCP handshake, or fails within {@code timeout}. */
  public static StdioUpstream start(String label, UpstreamTransport.Stdio spec, Path defaultCwd, Listener listener, Duration timeout,
      java.util.function.Consumer<Process> spawned) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(spec.command());
    command.addAll(spec.args());
    ProcessBuilder pb = new ProcessBuilder(command).directory(spec.cwd().map(Path::of).orElse(defaultCwd).toFile());
    Map<String, String> env = pb.environment();
    Map<String, String> own = Map.copyOf(env);
    env.clear();
    for (String name : INHERITED) {
      if (own.containsKey(name)) env.put(name, own.get(name));
    }
    spec.env().forEach((k, v) -> env.put(k, v.value()));
    Process process = pb.start();
    spawned.accept(process);
    StdioUpstream upstream = new StdioUpstream(label, process, listener, timeout);
    upstream.pumpStdout();
    upstream.pumpStderr();
    upstream.handshake(timeout);
    return upstream;
  }

  private void handshake(Duration timeout) throws IOException {
    ObjectNode params = JsonRpc.initializeParams("2025-06-18");
    JsonNode response;
    try {
      response = request("initialize", params, timeout).get(timeout.toMillis() + 100, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      close();
      throw new IOException("upstream " + label + " did not complete initialize: " + describe(e) + stderrTail());
    }
    if (response.has("error")) {
      close();
      throw new IOException("upstream " + label + " refused initialize: " + response.get("error").path("message").asString(""));
    }
    initializeResult = response.get("result");
    notify("notifications/initialized", null);
  }

  @Override
  public CompletableFuture<JsonNode> request(String method, JsonNode params, Duration timeout, Exchange exchange) {
    long id = ids.incrementAndGet();
    CompletableFuture<JsonNode> future = new CompletableFuture<>();
    if (!alive) {
      inFlight.end(exchange);
      future.completeExceptionally(new JsonRpc.Failure(JsonRpc.UPSTREAM_UNAVAILABLE, "upstream " + label + " is not running"));
      return future;
    }
    JsonNode sent = inFlight.begin(exchange, params);
    pending.put(id, future);
    exchange.bind(() -> {
      if (pending.remove(id) != null) {
        notify("notifications/cancelled", JsonRpc.NODES.objectNode().put("requestId", id).put("reason", "cancelled by the client"));
        future.completeExceptionally(new JsonRpc.Failure(Exchange.REQUEST_CANCELLED, "Request cancelled"));
      }
    });
    try {
      send(JsonRpc.request(id, method, sent));
    } catch (IOException e) {
      pending.remove(id);
      inFlight.end(exchange);
      future.completeExceptionally(new JsonRpc.Failure(JsonRpc.UPSTREAM_UNAVAILABLE, "upstream " + label + " is not accepting input"));
      return future;
    }
    return future.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, e) -> {
      inFlight.end(exchange);
      if (pending.remove(id) != null && e instanceof java.util.concurrent.TimeoutException) {
        notify("notifications/cancelled", JsonRpc.NODES.objectNode().put("requestId", id).put("reason", "timeout"));
      }
    });
  }

  @Override
  public boolean reserve(Exchange exchange) {
    return alive && inFlight.reserve(exchange);
  }

  @Override
  public void notify(String method, JsonNode params) {
    try {
      send(JsonRpc.notification(method, params));
    } catch (IOException e) {
      log.debug("upstream {}: cannot send {}: {}", label, method, e.getMessage());
    }
  }

  @Override
  public JsonNode initializeResult() {
    return initializeResult;
  }

  @Override
  public boolean alive() {
    return alive && process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  private void send(JsonNode message) throws IOException {
    String line = JsonRpc.JSON.writeValueAsString(message);
    synchronized (stdin) {
      stdin.write(line);
      stdin.write('\n');
      stdin.flush();
    }
  }

  private void pumpStdout() {
    Thread.ofVirtual().name("upstream-" + label + "-out").start(() -> {
      InputStream in = new java.io.BufferedInputStream(process.getInputStream(), 65536);
      try {
        String line;
        while ((line = readLine(in)) != null) {
          if (line.isBlank()) continue;
          JsonNode message;
          try {
            message = JsonRpc.JSON.readTree(line);
          } catch (JacksonException e) {
            log.warn("upstream {} wrote a line that is not JSON-RPC; ignored", label);
            continue;
          }
          dispatch(message);
        }
      } catch (IOException e) {
        log.debug("upstream {}: stdout closed: {}", label, e.getMessage());
      }
      exited();
    });
  }

  private void dispatch(JsonNode message) {
    if (JsonRpc.isResponse(message)) {
      JsonNode id = message.get("id");
      CompletableFuture<JsonNode> f = id.isNumber() ? pending.remove(id.asLong()) : null;
      if (f != null) f.complete(message);
    } else if (JsonRpc.isRequest(message)) {
      inFlight.request(message, null, listener::onRequest).thenAccept(response -> {
        try {
          send(response);
        } catch (IOException | RuntimeException e) {
          log.debug("upstream {}: cannot answer {}: {}", label, message.path("method").asString(""), e.getMessage());
        }
      });
    } else if (JsonRpc.isNotification(message)) {
      if (!inFlight.notification(message, null)) listener.onNotification(message);
    } else {
      log.warn("upstream {} sent a message that is neither request, response nor notification; ignored", label);
    }
  }

  private void pumpStderr() {
    Thread.ofVirtual().name("upstream-" + label + "-err").start(() -> {
      try {
        InputStream err = new java.io.BufferedInputStream(process.getErrorStream(), 8192);
        String line;
        while ((line = readLine(err)) != null) {
          synchronized (recentStderr) {
            recentStderr.addLast(line.length() > 500 ? line.substring(0, 500) : line);
            if (recentStderr.size() > 20) recentStderr.removeFirst();
          }
          log.debug("upstream {} stderr: {}", label, line);
        }
      } catch (IOException ignored) {
        // process ended
      }
    });
  }

  private void exited() {
    if (!alive) return;
    alive = false;
    String reason = "upstream " + label + " exited" + (process.isAlive() ? "" : " with " + exitCode());
    JsonRpc.Failure failure = new JsonRpc.Failure(JsonRpc.UPSTREAM_UNAVAILABLE, reason);
    pending.values().forEach(f -> f.completeExceptionally(failure));
    pending.clear();
    listener.onExit(reason + stderrTail());
  }

  private String exitCode() {
    try {
      return Integer.toString(process.waitFor(1, TimeUnit.SECONDS) ? process.exitValue() : -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "?";
    }
  }

  private String stderrTail() {
    synchronized (recentStderr) {
      return recentStderr.isEmpty() ? "" : "; stderr: " + recentStderr.peekLast();
    }
  }

  /** Reads one line; a line over 16 MiB is dropped whole so a runaway upstream cannot exhaust memory. */
  private static String readLine(InputStream in) throws IOException {
    java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream(256);
    boolean overflow = false;
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        return overflow ? "" : buf.toString(StandardCharsets.UTF_8);
      }
      if (buf.size() < MAX_LINE) buf.write(b);
      else overflow = true;
    }
    return buf.size() == 0 ? null : buf.toString(StandardCharsets.UTF_8);
  }

  /** Ends the process and every process it started. */
  @Override
  public void close() {
    alive = false;
    kill(process);
    JsonRpc.Failure failure = new JsonRpc.Failure(JsonRpc.UPSTREAM_UNAVAILABLE, "upstream " + label + " was stopped");
    pending.values().forEach(f -> f.completeExceptionally(failure));
    pending.clear();
  }

  /** SIGTERM to a process and its descendants, SIGKILL to whatever is left after three seconds. */
  public static void kill(Process process) {
    List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
    tree.forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(3, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  private static String describe(Throwable e) {
    Throwable c = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
    return c instanceof java.util.concurrent.TimeoutException ? "timed out" : c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }
}
