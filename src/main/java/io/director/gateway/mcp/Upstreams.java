package io.director.gateway.mcp;

import io.director.gateway.UpstreamServer;
import io.director.gateway.UpstreamTransport;
import io.director.platform.config.DirectorConfig;
import io.director.platform.config.EffectiveConfig;
import io.director.shared.Crypto;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The running upstreams: one shared connection per upstream server (never one per client session),
 * plus, for transports that cannot tell which call an upstream's own request belongs to, up to
 * MCP_UPSTREAM_POOL_SIZE connections in all so that calls of clients that answer sampling,
 * elicitation or roots requests each get a connection of their own while they run. Started on first use, restarted with exponential backoff after a crash, stopped when idle and on
 * shutdown. An edit to a server's settings gives it a new fingerprint, so the next use starts a
 * fresh process and the old one is stopped.
 */
@Component
public class Upstreams {
  private static final Logger log = LoggerFactory.getLogger(Upstreams.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

  private final McpConfig config;
  private final Path workDir;
  private final java.net.http.HttpClient httpClient = java.net.http.HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).followRedirects(java.net.http.HttpClient.Redirect.NEVER)
      .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()).build();
  private final Map<UUID, Entry> entries = new ConcurrentHashMap<>();
  /** Every child process ever started and not yet reaped, including ones still in their handshake. */
  private final java.util.Set<Process> children = ConcurrentHashMap.newKeySet();

  private final org.springframework.context.ApplicationEventPublisher events;

  Upstreams(EffectiveConfig effective, DirectorConfig directorConfig, io.micrometer.core.instrument.MeterRegistry meters,
      org.springframework.context.ApplicationEventPublisher events) {
    this.events = events;
    this.config = McpConfig.from(effective);
    this.workDir = Path.of(System.getProperty("java.io.tmpdir"));
    for (String state : List.of("starting", "ready", "failed", "stopped")) {
      io.micrometer.core.instrument.Gauge.builder("director.upstreams", this, u -> u.count(state)).tag("state", state)
          .description("upstream MCP servers by state").register(meters);
    }
  }

  private double count(String state) {
    return entries.values().stream().filter(e -> state.equals(e.state)).count();
  }

  /** An upstream announced that one of its lists changed. */
  public record UpstreamListChanged(UUID serverId, String notification) {}

  public McpConfig config() {
    return config;
  }

  /** What a client or operator sees of an upstream. */
  public record State(String state, Optional<String> lastError) {}

  /** One upstream server's connection and cached tool list. */
  private final class Entry {
    final UUID serverId;
    volatile String fingerprint;
    volatile Upstream connection;
    volatile CompletableFuture<Upstream> starting;
    volatile String state = "stopped";
    volatile String lastError;
    /** Cached list results by list method (tools/list, prompts/list, …). */
    final Map<String, List<JsonNode>> lists = new ConcurrentHashMap<>();
    volatile Instant lastUsed = Instant.now();
    volatile int failures;
    volatile Instant retryAt = Instant.EPOCH;
    /** Further connections for interactive calls, with when each was last leased. */
    final Map<Upstream, Instant> extras = new ConcurrentHashMap<>();
    int extrasStarting;

    Entry(UUID serverId) {
      this.serverId = serverId;
    }
  }

  public State state(UpstreamServer server) {
    Entry e = entries.get(server.id());
    if (e == null || !fingerprint(server).equals(e.fingerprint)) return new State("stopped", Optional.empty());
    return new State(e.state, Optional.ofNullable(e.lastError));
  }

  /** A live connection to the server, starting it when needed; fails fast while it is backing off. */
  public CompletableFuture<Upstream> connect(String playbookLabel, UpstreamServer server) {
    Entry e = entries.computeIfAbsent(server.id(), Entry::new);
    String fp = fingerprint(server);
    synchronized (e) {
      e.lastUsed = Instant.now();
      if (!fp.equals(e.fingerprint)) {
        stop(e);
        e.fingerprint = fp;
        e.failures = 0;
        e.retryAt = Instant.EPOCH;
      }
      if (e.connection != null && e.connection.alive()) return CompletableFuture.completedFuture(e.connection);
      if (e.starting != null) return e.starting;
      if (Instant.now().isBefore(e.retryAt)) {
        return CompletableFuture.failedFuture(new JsonRpc.Failure(JsonRpc.UPSTREAM_UNAVAILABLE,
            "upstream '" + server.name() + "' is unavailable: " + e.lastError));
      }
      e.state = "starting";
      String label = playbookLabel + "/" + server.name();
      CompletableFuture<Upstream> start = CompletableFuture.supplyAsync(() -> open(server, label, listener(e, fp)),
          runnable -> Thread.ofVirtual().start(runnable));
      e.starting = start;
      start.whenComplete((connection, error) -> {
        synchronized (e) {
          e.starting = null;
          if (error == null && fp.equals(e.fingerprint)) {
            e.connection = connection;
            e.state = "ready";
            e.lastError = null;
            e.failures = 0;
            log.info("upstream {} ready", label);
          } else if (error == null) {
            connection.close(); // edited while starting
          } else {
            failed(e, rootMessage(error));
          }
        }
      });
      return start;
    }
  }

  /**
   * A connection that can take {@code exchange}: the shared one, unless the exchange is interactive
   * and the transport needs a connection of its own for that (see {@link Upstream#reserve}); then a
   * free pooled one, a new one while the pool is below its bound, or the next one to come free.
   */
  public CompletableFuture<Upstream> lease(String playbookLabel, UpstreamServer server, Exchange exchange) {
    CompletableFuture<Upstream> shared = connect(playbookLabel, server);
    if (!exchange.interactive()) return shared;
    long until = System.nanoTime() + config.requestTimeout().toNanos();
    return shared.thenCompose(primary -> primary.reserve(exchange) ? CompletableFuture.completedFuture(primary)
        : pooled(playbookLabel, server, exchange, until));
  }

  private CompletableFuture<Upstream> pooled(String playbookLabel, UpstreamServer server, Exchange exchange, long until) {
    Entry e = entries.get(server.id());
    if (e == null) return connect(playbookLabel, server);
    synchronized (e) {
      Upstream primary = e.connection;
      if (primary != null && primary.reserve(exchange)) return CompletableFuture.completedFuture(primary);
      for (Upstream extra : e.extras.keySet()) {
        if (extra.alive() && extra.reserve(exchange)) {
          e.extras.put(extra, Instant.now());
          return CompletableFuture.completedFuture(extra);
        }
      }
      if (1 + e.extras.size() + e.extrasStarting < config.poolSize()) {
        e.extrasStarting++;
        String label = playbookLabel + "/" + server.name() + "#" + (e.extras.size() + e.extrasStarting);
        String fp = e.fingerprint;
        return CompletableFuture.supplyAsync(() -> open(server, label, extraListener(e)), runnable -> Thread.ofVirtual().start(runnable))
            .whenComplete((extra, error) -> {
              synchronized (e) {
                e.extrasStarting--;
                if (error == null && fp.equals(e.fingerprint)) e.extras.put(extra, Instant.now());
                else if (error == null) extra.close();
              }
            })
            .thenCompose(extra -> pooled(playbookLabel, server, exchange, until));
      }
    }
    if (System.nanoTime() > until) {
      return CompletableFuture.failedFuture(new JsonRpc.Failure(JsonRpc.UPSTREAM_UNAVAILABLE, "all " + config.poolSize()
          + " connections of upstream '" + server.name() + "' are busy with calls that may ask their clients for input"));
    }
    return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(25, TimeUnit.MILLISECONDS))
        .thenCompose(ignored -> pooled(playbookLabel, server, exchange, until));
  }

  private Upstream open(UpstreamServer server, String label, Upstream.Listener listener) {
    try {
      return switch (server.transport()) {
        case UpstreamTransport.Stdio stdio -> StdioUpstream.start(label, stdio, workDir, listener, config.requestTimeout(), this::track);
        case UpstreamTransport.StreamableHttp http -> HttpUpstream.start(label, http, listener, httpClient, config.requestTimeout());
        case UpstreamTransport.LegacySse sse -> SseUpstream.start(label, sse, listener, httpClient, config.requestTimeout());
      };
    } catch (IOException ex) {
      throw new JsonRpc.Failure(JsonRpc.UPSTREAM_UNAVAILABLE, ex.getMessage());
    }
  }

  /** A pooled connection's listener: lists are the shared connection's business; an exit just drops it. */
  private Upstream.Listener extraListener(Entry e) {
    return new Upstream.Listener() {
      @Override
      public void onNotification(JsonNode message) {
        unrelated(e, message);
      }

      @Override
      public JsonNode onRequest(JsonNode message) {
        return unanswerable(message);
      }

      @Override
      public void onExit(String reason) {
        e.extras.keySet().removeIf(u -> !u.alive());
      }
    };
  }

  /** The server's tools as the upstream lists them (all pages), cached until it says they changed. */
  public CompletableFuture<List<JsonNode>> tools(String playbookLabel, UpstreamServer server) {
    return list(playbookLabel, server, Kind.TOOLS);
  }

  /** What a list method returns and the capability an upstream must declare for it. */
  public enum Kind {
    TOOLS("tools/list", "tools", "tools"),
    PROMPTS("prompts/list", "prompts", "prompts"),
    RESOURCES("resources/list", "resources", "resources"),
    RESOURCE_TEMPLATES("resources/templates/list", "resourceTemplates", "resources");

    final String method;
    final String field;
    final String capability;

    Kind(String method, String field, String capability) {
      this.method = method;
      this.field = field;
      this.capability = capability;
    }
  }

  /** Everything the server lists for {@code kind} (all pages), cached until it announces a change. */
  public CompletableFuture<List<JsonNode>> list(String playbookLabel, UpstreamServer server, Kind kind) {
    Entry existing = entries.get(server.id());
    if (existing != null && fingerprint(server).equals(existing.fingerprint) && existing.connection != null && existing.connection.alive()) {
      List<JsonNode> cached = existing.lists.get(kind.method);
      if (cached != null) {
        existing.lastUsed = Instant.now();
        return CompletableFuture.completedFuture(cached);
      }
    }
    return connect(playbookLabel, server).thenCompose(c -> {
      JsonNode caps = c.initializeResult() == null ? null : c.initializeResult().path("capabilities");
      if (caps != null && !caps.has(kind.capability)) return CompletableFuture.completedFuture(List.<JsonNode>of());
      return listAll(c, kind, new ArrayList<>(), null);
    }).thenApply(list -> {
      Entry e = entries.get(server.id());
      if (e != null) e.lists.put(kind.method, List.copyOf(list));
      return list;
    });
  }

  private CompletableFuture<List<JsonNode>> listAll(Upstream c, Kind kind, List<JsonNode> acc, String cursor) {
    ObjectNode params = JsonRpc.NODES.objectNode();
    if (cursor != null) params.put("cursor", cursor);
    return c.request(kind.method, params, config.requestTimeout()).thenCompose(response -> {
      if (response.has("error")) {
        return CompletableFuture.failedFuture(new JsonRpc.Failure(JsonRpc.UPSTREAM_UNAVAILABLE,
            kind.method + " failed upstream: " + response.get("error").path("message").asString("")));
      }
      JsonNode result = response.path("result");
      result.path(kind.field).forEach(acc::add);
      String next = result.hasNonNull("nextCursor") ? result.get("nextCursor").asString() : null;
      return next != null && !next.isEmpty() && acc.size() < 10_000 ? listAll(c, kind, acc, next) : CompletableFuture.completedFuture(acc);
    });
  }

  private Upstream.Listener listener(Entry e, String fp) {
    return new Upstream.Listener() {
      @Override
      public void onNotification(JsonNode message) {
        String method = message.path("method").asString("");
        switch (method) {
          case "notifications/tools/list_changed" -> e.lists.remove(Kind.TOOLS.method);
          case "notifications/prompts/list_changed" -> e.lists.remove(Kind.PROMPTS.method);
          case "notifications/resources/list_changed" -> {
            e.lists.remove(Kind.RESOURCES.method);
            e.lists.remove(Kind.RESOURCE_TEMPLATES.method);
          }
          default -> {
            unrelated(e, message);
            return;
          }
        }
        try {
          events.publishEvent(new UpstreamListChanged(e.serverId, method));
        } catch (RuntimeException ex) {
          log.debug("list_changed listener failed: {}", ex.getMessage());
        }
      }

      @Override
      public JsonNode onRequest(JsonNode message) {
        return unanswerable(message);
      }

      @Override
      public void onExit(String reason) {
        synchronized (e) {
          if (!fp.equals(e.fingerprint) || "stopped".equals(e.state)) return;
          e.connection = null;
          e.lists.clear();
          failed(e, reason);
        }
      }
    };
  }

  /** An upstream notification that concerns no one call (a log message, a resource update): for the sessions of its playbooks. */
  public record UpstreamNotification(UUID serverId, JsonNode message) {}

  private void unrelated(Entry e, JsonNode message) {
    String method = message.path("method").asString("");
    if (!method.equals("notifications/message") && !method.equals("notifications/resources/updated")) return; // the upstream's own business
    try {
      events.publishEvent(new UpstreamNotification(e.serverId, message));
    } catch (RuntimeException ex) {
      log.debug("notification listener failed: {}", ex.getMessage());
    }
  }

  /**
   * A request from an upstream that no client call can take: roots/list outside a call gets an empty
   * list (Director shares the connection between clients, so it has no roots of its own to offer);
   * anything else an error naming why.
   */
  static JsonNode unanswerable(JsonNode message) {
    String method = message.path("method").asString("");
    if ("roots/list".equals(method)) return JsonRpc.result(message.get("id"), JsonRpc.NODES.objectNode().set("roots", JsonRpc.NODES.arrayNode()));
    return JsonRpc.error(message.get("id"), JsonRpc.METHOD_NOT_FOUND,
        method + " cannot be answered: no client that supports it is waiting on this upstream");
  }

  private void failed(Entry e, String reason) {
    e.failures++;
    e.state = "failed";
    e.lastError = reason;
    long backoffMs = Math.min(MAX_BACKOFF.toMillis(), 1000L << Math.min(16, e.failures - 1));
    e.retryAt = Instant.now().plusMillis(backoffMs);
    log.warn("upstream {} failed ({} in a row), next attempt in {} ms: {}", e.serverId, e.failures, backoffMs, reason);
  }

  private void stop(Entry e) {
    e.extras.keySet().forEach(Upstream::close);
    e.extras.clear();
    Upstream c = e.connection;
    e.connection = null;
    e.lists.clear();
    e.state = "stopped";
    if (c != null) c.close();
  }

  /** Stops upstreams nobody used for MCP_UPSTREAM_IDLE_TIMEOUT. */
  @Scheduled(fixedDelayString = "30s", initialDelayString = "30s")
  void reapIdle() {
    Instant cutoff = Instant.now().minus(config.upstreamIdle());
    Instant extraCutoff = Instant.now().minusSeconds(60);
    for (Entry e : entries.values()) {
      synchronized (e) {
        e.extras.entrySet().removeIf(x -> {
          if (x.getKey().alive() && !x.getValue().isBefore(extraCutoff)) return false;
          x.getKey().close();
          return true;
        });
        if (e.connection != null && e.lastUsed.isBefore(cutoff)) {
          log.info("stopping idle upstream {}", e.serverId);
          stop(e);
        }
      }
    }
  }

  private void track(Process process) {
    children.add(process);
    process.onExit().thenRun(() -> children.remove(process));
  }

  @PreDestroy
  void closeAll() {
    entries.values().forEach(e -> {
      synchronized (e) {
        stop(e);
      }
    });
    // processes still in their handshake have no connection yet
    List.copyOf(children).parallelStream().forEach(StdioUpstream::kill);
  }

  /** Waits for a future with a deadline, mapping failures to JSON-RPC failures. */
  public static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new JsonRpc.Failure(JsonRpc.UPSTREAM_UNAVAILABLE, what + " did not answer within " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      throw e.getCause() instanceof JsonRpc.Failure f ? f : new JsonRpc.Failure(JsonRpc.UPSTREAM_UNAVAILABLE, what + " failed: " + rootMessage(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JsonRpc.Failure(JsonRpc.INTERNAL_ERROR, "interrupted");
    }
  }

  static String rootMessage(Throwable t) {
    Throwable c = t;
    while ((c instanceof java.util.concurrent.CompletionException || c instanceof ExecutionException) && c.getCause() != null) c = c.getCause();
    if (c instanceof TimeoutException) return "timed out";
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }

  private static String fingerprint(UpstreamServer s) {
    ObjectNode spec = JsonRpc.NODES.objectNode().put("kind", s.transport().kind());
    switch (s.transport()) {
      case UpstreamTransport.Stdio stdio -> {
        spec.put("command", stdio.command());
        ArrayNode args = spec.putArray("args");
        stdio.args().forEach(args::add);
        stdio.cwd().ifPresent(c -> spec.put("cwd", c));
        ObjectNode env = spec.putObject("env");
        stdio.env().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(en -> env.put(en.getKey(), en.getValue().value()));
      }
      case UpstreamTransport.StreamableHttp http -> spec.put("url", http.url().toString()).put("headers", http.headers().toString());
      case UpstreamTransport.LegacySse sse -> spec.put("url", sse.url().toString()).put("headers", sse.headers().toString());
    }
    return HexFormat.of().formatHex(Crypto.sha256(JsonRpc.JSON.writeValueAsString(spec)));
  }
}
