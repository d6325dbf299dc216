package io.director.gateway.mcp;

import io.director.gateway.UpstreamTransport;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * An upstream on the legacy HTTP+SSE transport (2024-11-05): one long GET event stream that
 * announces a message endpoint and carries every answer; requests are POSTed to that endpoint. The
 * endpoint must be on the same origin as the stream, so an upstream cannot steer Director elsewhere.
 */
public final class SseUpstream implements Upstream {
  private static final Logger log = LoggerFactory.getLogger("io.director.upstream");

  private final String label;
  private final URI url;
  private final Map<String, String> headers;
  private final Listener listener;
  private final HttpClient http;
  private final AtomicLong ids = new AtomicLong();
  private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final CompletableFuture<URI> endpoint = new CompletableFuture<>();
  private volatile Stream<String> stream;
  private volatile JsonNode initializeResult;
  private volatile boolean closed;
  private final InFlight inFlight;

  private SseUpstream(String label, UpstreamTransport.LegacySse spec, Listener listener, HttpClient http, Duration timeout) {
    this.label = label;
    this.inFlight = new InFlight(timeout);
    this.url = spec.url();
    this.headers = spec.headers().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().value()));
    this.listener = listener;
    this.http = http;
  }

  public static SseUpstream start(String label, UpstreamTransport.LegacySse spec, Listener listener, HttpClient http, Duration timeout)
      throws IOException {
    SseUpstream upstream = new SseUpstream(label, spec, listener, http, timeout);
    try {
      upstream.connect(timeout);
      upstream.handshake(timeout);
    } catch (IOException | RuntimeException e) {
      upstream.close();
      throw e instanceof IOException io ? io : new IOException(e.getMessage());
    }
    return upstream;
  }

  private void connect(Duration timeout) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(url).header("Accept", "text/event-stream").GET();
    headers.forEach(b::header);
    HttpResponse<Stream<String>> response;
    try {
      response = http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IOException("upstream " + label + ": cannot open the event stream: " + Upstreams.rootMessage(e));
    }
    if (response.statusCode() != 200) {
      response.body().close();
      throw new IOException("upstream " + label + ": the event stream answered HTTP " + response.statusCode());
    }
    stream = response.body();
    Thread.ofVirtual().name("upstream-" + label + "-sse").start(this::read);
    try {
      endpoint.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IOException("upstream " + label + ": no endpoint event: " + Upstreams.rootMessage(e));
    }
  }

  private void handshake(Duration timeout) throws IOException {
    ObjectNode params = JsonRpc.initializeParams("2024-11-05");
    JsonNode response;
    try {
      response = request("initialize", params, timeout).get(timeout.toMillis() + 100, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IOException("upstream " + label + " did not complete initialize: " + Upstreams.rootMessage(e));
    }
    if (response.has("error")) throw new IOException("upstream " + label + " refused initialize: " + response.get("error").path("message").asString(""));
    initializeResult = response.get("result");
    notify("notifications/initialized", null);
  }

  private void read() {
    String event = "message";
    StringBuilder data = new StringBuilder();
    try {
      for (Iterator<String> it = stream.iterator(); it.hasNext(); ) {
        String line = it.next();
        if (line.startsWith("event:")) {
          event = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          if (!data.isEmpty()) data.append('\n');
          data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
        } else if (line.isEmpty()) {
          if (!data.isEmpty()) handle(event, data.toString());
          event = "message";
          data.setLength(0);
        }
      }
    } catch (RuntimeException e) {
      log.debug("upstream {}: event stream failed: {}", label, e.getMessage());
    }
    if (!closed) {
      closed = true;
      JsonRpc.Failure failure = new JsonRpc.Failure(JsonRpc.UPSTREAM_UNAVAILABLE, "upstream " + label + " closed its event stream");
      pending.values().forEach(f -> f.completeExceptionally(failure));
      pending.clear();
      endpoint.completeExceptionally(failure);
      listener.onExit("upstream " + label + " closed its event stream");
    }
  }

  private void handle(String event, String data) {
    if (event.equals("endpoint")) {
      URI resolved = url.resolve(data.trim());
      if (!sameOrigin(resolved)) {
        endpoint.completeExceptionally(new IOException("announced an endpoint on another origin"));
        return;
      }
      endpoint.complete(resolved);
      return;
    }
    JsonNode message;
    try {
      message = JsonRpc.JSON.readTree(data);
    } catch (JacksonException e) {
      log.warn("upstream {} sent an event that is not JSON; ignored", label);
      return;
    }
    if (JsonRpc.isResponse(message)) {
      JsonNode id = message.get("id");
      CompletableFuture<JsonNode> f = id.isNumber() ? pending.remove(id.asLong()) : null;
      if (f != null) f.complete(message);
    } else if (JsonRpc.isRequest(message)) {
      inFlight.request(message, null, listener::onRequest).thenAccept(this::post);
    } else if (JsonRpc.isNotification(message)) {
      if (!inFlight.notification(message, null)) listener.onNotification(message);
    }
  }

  private boolean sameOrigin(URI other) {
    return url.getScheme().equalsIgnoreCase(other.getScheme()) && url.getHost().equalsIgnoreCase(other.getHost())
        && url.getPort() == other.getPort();
  }

  @Override
  public CompletableFuture<JsonNode> request(String method, JsonNode params, Duration timeout, Exchange exchange) {
    if (closed) {
      inFlight.end(exchange);
      return CompletableFuture.failedFuture(new JsonRpc.Failure(JsonRpc.UPSTREAM_UNAVAILABLE, "upstream " + label + " is not connected"));
    }
    long id = ids.incrementAndGet();
    CompletableFuture<JsonNode> future = new CompletableFuture<>();
    JsonNode sent = inFlight.begin(exchange, params);
    pending.put(id, future);
    exchange.bind(() -> {
      if (pending.remove(id) != null) {
        notify("notifications/cancelled", JsonRpc.NODES.objectNode().put("requestId", id).put("reason", "cancelled by the client"));
        future.completeExceptionally(new JsonRpc.Failure(Exchange.REQUEST_CANCELLED, "Request cancelled"));
      }
    });
    post(JsonRpc.request(id, method, sent)).whenComplete((status, error) -> {
      if (error != null || status / 100 != 2) {
        CompletableFuture<JsonNode> f = pending.remove(id);
        if (f != null) {
          f.completeExceptionally(new JsonRpc.Failure(JsonRpc.UPSTREAM_UNAVAILABLE,
              "upstream " + label + (error != null ? ": " + Upstreams.rootMessage(error) : " answered HTTP " + status)));
        }
      }
    });
    return future.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, e) -> {
      inFlight.end(exchange);
      if (pending.remove(id) != null && e instanceof java.util.concurrent.TimeoutException) {
        notify("notifications/cancelled", JsonRpc.NODES.objectNode().put("requestId", id).put("reason", "timeout"));
      }
    });
  }

  @Override
  public boolean reserve(Exchange exchange) {
    return !closed && inFlight.reserve(exchange);
  }

  private CompletableFuture<Integer> post(JsonNode message) {
    URI target = endpoint.getNow(null);
    if (target == null) return CompletableFuture.failedFuture(new IOException("no message endpoint"));
    HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JsonRpc.JSON.writeValueAsString(message)));
    headers.forEach(b::header);
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode);
  }

  @Override
  public void notify(String method, JsonNode params) {
    post(JsonRpc.notification(method, params)).exceptionally(e -> 0);
  }

  @Override
  public JsonNode initializeResult() {
    return initializeResult;
  }

  @Override
  public boolean alive() {
    return !closed;
  }

  @Override
  public void close() {
    closed = true;
    Stream<String> s = stream;
    if (s != null) s.close();
    JsonRpc.Failure failure = new JsonRpc.Failure(JsonRpc.UPSTREAM_UNAVAILABLE, "upstream " + label + " was stopped");
    pending.values().forEach(f -> f.completeExceptionally(failure));
    pending.clear();
  }
}
