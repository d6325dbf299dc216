package io.director.gateway.mcp;

import io.director.gateway.UpstreamTransport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An upstream MCP server over Streamable HTTP. Each request is a POST whose answer comes back as
 * JSON or as a server-sent event stream (which may carry notifications and server requests before
 * the response). An upstream that forgets the session (404) is initialised again, transparently,
 * and the request retried once. Redirects are never followed.
 */
public final class HttpUpstream implements Upstream {
  private static final Logger log = LoggerFactory.getLogger("io.director.upstream");
  private static final String PROTOCOL = "2025-06-18";

  private final String label;
  private final URI url;
  private final Map<String, String> headers;
  private final Listener listener;
  private final HttpClient http;
  private final Duration timeout;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private volatile String sessionId;
  private volatile String protocolVersion = PROTOCOL;
  private volatile JsonNode initializeResult;
  private volatile boolean closed;
  private volatile boolean modern;
  private volatile Stream<String> listening;
  private final InFlight inFlight;

  private HttpUpstream(String label, UpstreamTransport.StreamableHttp spec, Listener listener, HttpClient http, Duration timeout) {
    this.label = label;
    this.url = spec.url();
    this.headers = spec.headers().entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().value()));
    this.listener = listener;
    this.http = http;
    this.timeout = timeout;
    this.inFlight = new InFlight(timeout);
  }

  public static HttpUpstream start(String label, UpstreamTransport.StreamableHttp spec, Listener listener, HttpClient http, Duration timeout)
      throws IOException {
    HttpUpstream upstream = new HttpUpstream(label, spec, listener, http, timeout);
    if (!upstream.discover()) upstream.initialize();
    return upstream;
  }

  /** The envelope every request of the stateless revision carries: Director's version, capabilities and name. */
  private static ObjectNode envelope() {
    ObjectNode meta = JsonRpc.NODES.objectNode().put(StatelessRevision.META_VERSION, StatelessRevision.VERSION);
    meta.set(StatelessRevision.META_CAPABILITIES, JsonRpc.initializeParams(StatelessRevision.VERSION).get("capabilities"));
    meta.putObject(StatelessRevision.META_CLIENT_INFO).put("name", "director").put("version", io.director.platform.Version.current());
    return meta;
  }

  /**
   * Asks the upstream whether it speaks the stateless revision. If it does, Director talks to it
   * that way (no initialize, no session); any other answer — an error, a refusal, an older server's
   * complaint about a missing session — means it is spoken to with initialize as before.
   */
  private boolean discover() {
    modern = true; // so the probe carries the headers of the revision it asks about
    ObjectNode params = JsonRpc.NODES.objectNode();
    params.set("_meta", envelope());
    try {
      JsonNode response = exchange(JsonRpc.request(ids.incrementAndGet(), "server/discover", params), true, Exchange.none())
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      JsonNode result = response.path("result");
      boolean offered = false;
      for (JsonNode v : result.path("supportedVersions")) offered |= StatelessRevision.VERSION.equals(v.asString(""));
      if (offered) {
        ObjectNode init = JsonRpc.NODES.objectNode().put("protocolVersion", StatelessRevision.VERSION);
        init.set("capabilities", result.path("capabilities").isObject() ? result.get("capabilities") : JsonRpc.NODES.objectNode());
        JsonNode info = result.path("_meta").path(StatelessRevision.META_SERVER_INFO);
        init.set("serverInfo", info.isObject() ? info : JsonRpc.NODES.objectNode().put("name", label));
        if (result.hasNonNull("instructions")) init.set("instructions", result.get("instructions"));
        initializeResult = init;
        protocolVersion = StatelessRevision.VERSION;
        log.info("upstream {} speaks the stateless revision {}", label, StatelessRevision.VERSION);
        subscribe();
        return true;
      }
    } catch (Exception e) {
      log.debug("upstream {} did not answer server/discover ({}); initialising", label, Upstreams.rootMessage(e));
    }
    modern = false;
    return false;
  }

  private void initialize() throws IOException {
    sessionId = null;
    ObjectNode params = JsonRpc.initializeParams(PROTOCOL);
    JsonNode response;
    try {
      response = exchange(JsonRpc.request(ids.incrementAndGet(), "initialize", params), true, Exchange.none()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IOException("upstream " + label + " did not complete initialize: " + Upstreams.rootMessage(e));
    }
    if (response.has("error")) {
      throw new IOException("upstream " + label + " refused initialize: " + response.get("error").path("message").asString(""));
    }
    initializeResult = response.get("result");
    protocolVersion = initializeResult.path("protocolVersion").asString(PROTOCOL);
    // the GET stream first: a server that changes its lists once initialised announces it there
    try {
      listen(sessionId).get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("upstream {}: GET stream not open yet: {}", label, Upstreams.rootMessage(e));
    }
    notify("notifications/initialized", null);
  }

  /**
   * Opens the GET stream on which the upstream sends what is not an answer to a request (list
   * changes, log messages), and opens it again when it drops, for as long as this session lasts.
   * An upstream that offers no such stream (405) is left alone.
   */
  private CompletableFuture<Void> listen(String session) {
    if (session == null) return CompletableFuture.completedFuture(null);
    return stream(() -> session.equals(sessionId), () -> {
      HttpRequest.Builder b = HttpRequest.newBuilder(url).header("Accept", "text/event-stream").header("Mcp-Session-Id", session)
          .header("MCP-Protocol-Version", protocolVersion).GET();
      headers.forEach(b::header);
      return b.build();
    });
  }

  /** The stateless revision's way to hear of list changes: a subscriptions/listen stream, reopened when it drops. */
  private CompletableFuture<Void> subscribe() {
    JsonNode caps = initializeResult.path("capabilities");
    ObjectNode wanted = JsonRpc.NODES.objectNode();
    if (caps.path("tools").path("listChanged").asBoolean(false)) wanted.put("toolsListChanged", true);
    if (caps.path("prompts").path("listChanged").asBoolean(false)) wanted.put("promptsListChanged", true);
    if (caps.path("resources").path("listChanged").asBoolean(false)) wanted.put("resourcesListChanged", true);
    if (wanted.isEmpty()) return CompletableFuture.completedFuture(null);
    return stream(() -> true, () -> {
      ObjectNode params = JsonRpc.NODES.objectNode();
      params.set("notifications", wanted);
      params.set("_meta", envelope());
      return post(JsonRpc.request(ids.incrementAndGet(), "subscriptions/listen", params));
    });
  }

  /**
   * Keeps an event stream of messages unrelated to any request open while {@code wanted} holds;
   * completes when the first attempt has its answer (open or refused).
   */
  private CompletableFuture<Void> stream(java.util.function.BooleanSupplier wanted, java.util.function.Supplier<HttpRequest> open) {
    CompletableFuture<Void> opened = new CompletableFuture<>();
    Thread.ofVirtual().name("upstream-" + label + "-listen").start(() -> {
      int failures = 0;
      while (!closed && wanted.getAsBoolean() && failures < 10) {
        try {
          HttpRequest request = open.get();
          HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
          opened.complete(null);
          if (response.statusCode() == 405 || response.statusCode() == 404) {
            response.body().close();
            return;
          }
          if (response.statusCode() / 100 != 2) {
            response.body().close();
            failures++;
          } else {
            failures = 0;
            listening = response.body();
            if (closed) return;
            readEvents(response.body(), -1, null);
          }
        } catch (IOException | RuntimeException e) {
          failures++;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        try {
          Thread.sleep(Math.min(30_000, 500L << Math.min(failures, 6)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      opened.complete(null);
    });
    return opened;
  }

  @Override
  public CompletableFuture<JsonNode> request(String method, JsonNode params, Duration requestTimeout, Exchange exchange) {
    JsonNode sent = inFlight.begin(exchange, params);
    if (!modern) return send(method, sent, requestTimeout, true, exchange).whenComplete((r, e) -> inFlight.end(exchange));
    ObjectNode enveloped = sent == null || !sent.isObject() ? JsonRpc.NODES.objectNode() : ((ObjectNode) sent).deepCopy();
    enveloped.withObject("_meta").setAll(envelope());
    return rounds(method, enveloped, requestTimeout, exchange, 1).whenComplete((r, e) -> inFlight.end(exchange));
  }

  /**
   * One round of a stateless request. A result that needs input (sampling, elicitation, roots) is
   * answered by asking the client of the exchange — as the server-to-client requests its revision
   * knows — and the request is sent again with the answers and the upstream's requestState.
   */
  private CompletableFuture<JsonNode> rounds(String method, ObjectNode params, Duration requestTimeout, Exchange exchange, int round) {
    return send(method, params, requestTimeout, false, exchange).thenCompose(response -> {
      JsonNode result = response.path("result");
      if (!"input_required".equals(result.path("resultType").asString(""))) return CompletableFuture.completedFuture(response);
      if (round >= 10) {
        return CompletableFuture.completedFuture(JsonRpc.error(response.get("id"), JsonRpc.INTERNAL_ERROR,
            "upstream " + label + " still asked for input after 10 rounds"));
      }
      Map<String, CompletableFuture<JsonNode>> answers = new java.util.LinkedHashMap<>();
      result.path("inputRequests").properties().forEach(e -> {
        ObjectNode asked = JsonRpc.NODES.objectNode().put("jsonrpc", "2.0").put("id", e.getKey()).put("method", e.getValue().path("method").asString(""));
        if (e.getValue().has("params")) asked.set("params", e.getValue().get("params"));
        answers.put(e.getKey(), inFlight.request(asked, exchange, listener::onRequest));
      });
      return CompletableFuture.allOf(answers.values().toArray(CompletableFuture[]::new)).thenCompose(ignored -> {
        ObjectNode retry = params.deepCopy();
        ObjectNode responses = retry.putObject("inputResponses");
        answers.forEach((key, answer) -> {
          JsonNode a = answer.join();
          if (a.has("result")) responses.set(key, a.get("result"));
        });
        retry.remove("requestState");
        if (result.hasNonNull("requestState")) retry.set("requestState", result.get("requestState"));
        return rounds(method, retry, requestTimeout, exchange, round + 1);
      });
    });
  }

  private CompletableFuture<JsonNode> send(String method, JsonNode params, Duration requestTimeout, boolean retry, Exchange exchange) {
    if (closed) return CompletableFuture.failedFuture(new JsonRpc.Failure(JsonRpc.UPSTREAM_UNAVAILABLE, "upstream " + label + " was stopped"));
    long id = ids.incrementAndGet();
    CompletableFuture<JsonNode> exchanged = exchange(JsonRpc.request(id, method, params), false, exchange);
    exchange.bind(() -> {
      CompletableFuture<JsonNode> f = pending.remove(id);
      if (f != null) {
        notify("notifications/cancelled", JsonRpc.NODES.objectNode().put("requestId", id).put("reason", "cancelled by the client"));
        f.completeExceptionally(new JsonRpc.Failure(Exchange.REQUEST_CANCELLED, "Request cancelled"));
      }
    });
    return exchanged
        .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((response, error) -> {
          if (error == null) return CompletableFuture.completedFuture(response);
          if (retry && Upstreams.rootMessage(error).contains("session expired")) {
            try {
              log.info("upstream {}: session expired, initialising again", label);
              initialize();
              return send(method, params, requestTimeout, false, exchange);
            } catch (IOException e) {
              return CompletableFuture.<JsonNode>failedFuture(new JsonRpc.Failure(JsonRpc.UPSTREAM_UNAVAILABLE, e.getMessage()));
            }
          }
          if (error instanceof java.util.concurrent.TimeoutException || error.getCause() instanceof java.util.concurrent.TimeoutException) {
            notify("notifications/cancelled", JsonRpc.NODES.objectNode().put("requestId", id).put("reason", "timeout"));
          }
          return CompletableFuture.<JsonNode>failedFuture(error instanceof JsonRpc.Failure ? error
              : new JsonRpc.Failure(JsonRpc.UPSTREAM_UNAVAILABLE, "upstream " + label + ": " + Upstreams.rootMessage(error)));
        })
        .thenCompose(f -> f);
  }

  /**
   * POSTs one message and completes with the response to it, reading JSON or an event stream. Each
   * exchange runs on a virtual thread of its own with a blocking connection from the JDK's
   * keep-alive pool: cheaper per call than an asynchronous client, and a slow upstream only holds
   * virtual threads.
   */
  private CompletableFuture<JsonNode> exchange(ObjectNode message, boolean initializing, Exchange related) {
    long id = message.get("id").asLong();
    CompletableFuture<JsonNode> result = new CompletableFuture<>();
    pending.put(id, result);
    byte[] body = JsonRpc.JSON.writeValueAsBytes(message);
    Thread.ofVirtual().name("upstream-" + label + "-call").start(() -> {
      java.net.HttpURLConnection c;
      int status;
      try {
        c = (java.net.HttpURLConnection) url.toURL().openConnection(java.net.Proxy.NO_PROXY);
        c.setInstanceFollowRedirects(false);
        c.setConnectTimeout(10_000);
        c.setReadTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis() + 1_000));
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        requestHeaders(message).forEach(c::setRequestProperty);
        try (var out = c.getOutputStream()) {
          out.write(body);
        }
        status = c.getResponseCode();
      } catch (IOException | RuntimeException e) {
        fail(id, "cannot reach " + url.getHost() + ": " + Upstreams.rootMessage(e));
        return;
      }
      String type = java.util.Objects.requireNonNullElse(c.getContentType(), "");
      try (java.io.InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
        if (modern && !initializing && status / 100 == 4 && type.startsWith("application/json") && in != null) {
          // the stateless revision answers some errors with a 4xx status and a JSON-RPC error body
          dispatch(JsonRpc.JSON.readTree(in.readAllBytes()), related);
          if (pending.containsKey(id)) fail(id, "answered HTTP " + status);
          return;
        }
        // 404 is how the transport says a session is gone; some servers answer 400 instead
        if ((status == 404 || status == 400) && sessionId != null && !initializing) {
          fail(id, "session expired (HTTP " + status + ")");
          return;
        }
        if (status / 100 != 2) {
          fail(id, "answered HTTP " + status);
          return;
        }
        if (initializing && c.getHeaderField("Mcp-Session-Id") != null) sessionId = c.getHeaderField("Mcp-Session-Id");
        if (type.startsWith("text/event-stream")) {
          readEvents(new java.io.BufferedReader(new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8)).lines(), id, related);
        } else {
          try {
            dispatch(JsonRpc.JSON.readTree(in.readAllBytes()), related);
          } catch (JacksonException e) {
            fail(id, "answered with invalid JSON");
          }
          if (pending.containsKey(id)) fail(id, "answered without a response to the request");
        }
      } catch (IOException | RuntimeException e) {
        fail(id, "answered in a way Director cannot read: " + Upstreams.rootMessage(e));
      }
    });
    return result.whenComplete((r, e) -> pending.remove(id));
  }

  private void readEvents(Stream<String> lines, long id, Exchange related) {
    StringBuilder data = new StringBuilder();
    try (lines) {
      var it = lines.iterator();
      while (it.hasNext() && (id < 0 ? !closed : pending.containsKey(id))) {
        String line = it.next();
        if (line.isEmpty()) {
          if (!data.isEmpty()) {
            try {
              dispatch(JsonRpc.JSON.readTree(data.toString()), related);
            } catch (JacksonException e) {
              log.warn("upstream {} sent an event that is not JSON; ignored", label);
            }
            data.setLength(0);
          }
        } else if (line.startsWith("data:")) {
          if (!data.isEmpty()) data.append('\n');
          data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
        }
      }
    } catch (RuntimeException e) {
      log.debug("upstream {}: event stream ended: {}", label, e.getMessage());
    }
    if (id >= 0 && pending.containsKey(id)) fail(id, "closed the event stream before answering");
  }

  /** Handles one message from the upstream; {@code related} is the exchange whose stream carried it. */
  private void dispatch(JsonNode message, Exchange related) {
    if (message.isArray()) {
      message.forEach(m -> dispatch(m, related));
    } else if (JsonRpc.isResponse(message)) {
      JsonNode id = message.get("id");
      CompletableFuture<JsonNode> f = id.isNumber() ? pending.get(id.asLong()) : null;
      if (f != null) f.complete(message);
    } else if (JsonRpc.isRequest(message)) {
      inFlight.request(message, related, listener::onRequest).thenAccept(response -> post(response, "response"));
    } else if (JsonRpc.isNotification(message)) {
      if (!inFlight.notification(message, related)) listener.onNotification(message);
    }
  }

  private void fail(long id, String reason) {
    CompletableFuture<JsonNode> f = pending.remove(id);
    if (f != null) f.completeExceptionally(new JsonRpc.Failure(JsonRpc.UPSTREAM_UNAVAILABLE, "upstream " + label + " " + reason));
  }

  /** The headers of a POST carrying {@code message}: content negotiation, session or revision headers, and the server's own. */
  private Map<String, String> requestHeaders(JsonNode message) {
    Map<String, String> h = new java.util.LinkedHashMap<>();
    h.put("Content-Type", "application/json");
    h.put("Accept", "application/json, text/event-stream");
    if (modern) {
      h.put("MCP-Protocol-Version", StatelessRevision.VERSION);
      String method = message.path("method").asString("");
      if (!method.isEmpty()) h.put(StatelessRevision.METHOD_HEADER, StatelessRevision.encodeHeader(method));
      String name = StatelessRevision.name(method, message.path("params"));
      if (name != null) h.put(StatelessRevision.NAME_HEADER, StatelessRevision.encodeHeader(name));
    } else {
      if (sessionId != null) h.put("Mcp-Session-Id", sessionId);
      if (initializeResult != null) h.put("MCP-Protocol-Version", protocolVersion);
    }
    h.putAll(headers);
    return h;
  }

  private HttpRequest post(JsonNode message) {
    HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout)
        .POST(HttpRequest.BodyPublishers.ofString(JsonRpc.JSON.writeValueAsString(message)));
    requestHeaders(message).forEach(b::header);
    return b.build();
  }

  private void post(JsonNode message, String what) {
    http.sendAsync(post(message), HttpResponse.BodyHandlers.discarding())
        .exceptionally(e -> {
          log.debug("upstream {}: cannot send {}: {}", label, what, e.getMessage());
          return null;
        });
  }

  @Override
  public void notify(String method, JsonNode params) {
    post(JsonRpc.notification(method, params), method);
  }

  @Override
  public JsonNode initializeResult() {
    return initializeResult;
  }

  @Override
  public boolean alive() {
    return !closed;
  }

  /** Ends the upstream session (DELETE), best effort. */
  @Override
  public void close() {
    closed = true;
    Stream<String> open = listening;
    if (open != null) open.close();
    pending.values().forEach(f -> f.completeExceptionally(new JsonRpc.Failure(JsonRpc.UPSTREAM_UNAVAILABLE, "upstream " + label + " was stopped")));
    Optional.ofNullable(sessionId).ifPresent(s -> {
      HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5)).header("Mcp-Session-Id", s).DELETE();
      headers.forEach(b::header);
      http.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding()).exceptionally(e -> null);
    });
  }
}
