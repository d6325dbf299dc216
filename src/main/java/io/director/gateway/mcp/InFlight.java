package io.director.gateway.mcp;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The client requests one upstream connection is working on, so that what the upstream sends while
 * working — progress, log messages, requests for sampling, elicitation or roots — goes to the client
 * that asked and to no other, even when many clients share the connection.
 *
 * <p>Progress is matched by token: each client's token is swapped for one unique on this connection
 * and swapped back on the way down. Requests are matched by the stream they arrive on where the
 * transport has one (Streamable HTTP); stdio and legacy SSE carry no such link, so such a connection
 * takes at most one interactive exchange at a time ({@link #reserve}) and a request goes to it.
 */
final class InFlight {
  private record Progress(Exchange exchange, JsonNode clientToken) {}

  private static final Map<String, String> CAPABILITY = Map.of("sampling/createMessage", "sampling", "elicitation/create", "elicitation",
      "roots/list", "roots");

  private final Duration timeout;
  private final Map<String, Progress> progress = new ConcurrentHashMap<>();
  private final Set<Exchange> active = ConcurrentHashMap.newKeySet();
  private final AtomicReference<Exchange> interactive = new AtomicReference<>();
  private final AtomicLong tokens = new AtomicLong();

  InFlight(Duration timeout) {
    this.timeout = timeout;
  }

  /** Takes the connection's one interactive slot for {@code e}; false when another exchange holds it. */
  boolean reserve(Exchange e) {
    return !e.interactive() || interactive.compareAndSet(null, e) || interactive.get() == e;
  }

  /** How many client exchanges are in flight. */
  int size() {
    return active.size();
  }

  /** Starts an exchange; returns the params to send upstream (with a progress token of this connection's own). */
  JsonNode begin(Exchange e, JsonNode params) {
    if (e.client() == Downstream.NONE) return params;
    active.add(e);
    JsonNode token = params == null ? null : params.path("_meta").get("progressToken");
    if (token == null || !(token.isString() || token.isIntegralNumber())) return params;
    String own = "director-" + tokens.incrementAndGet();
    progress.put(own, new Progress(e, token));
    ObjectNode copy = ((ObjectNode) params).deepCopy();
    ((ObjectNode) copy.get("_meta")).put("progressToken", own);
    return copy;
  }

  void end(Exchange e) {
    if (e.client() == Downstream.NONE) return;
    active.remove(e);
    interactive.compareAndSet(e, null);
    progress.values().removeIf(p -> p.exchange() == e);
  }

  /**
   * Delivers a notification to the client it concerns; false when it concerns no client in
   * particular (the caller then treats it as the server's own). {@code related} is the exchange
   * whose stream carried it, if the transport says.
   */
  boolean notification(JsonNode message, Exchange related) {
    String method = message.path("method").asString("");
    JsonNode params = message.path("params");
    switch (method) {
      case "notifications/progress" -> {
        Progress p = progress.get(params.path("progressToken").asString(""));
        if (p == null) return true; // finished or never ours: dropped rather than shown to a stranger
        ObjectNode copy = ((ObjectNode) message).deepCopy();
        ((ObjectNode) copy.get("params")).set("progressToken", p.clientToken());
        p.exchange().client().notify(copy);
        return true;
      }
      case "notifications/message" -> {
        Exchange owner = owner(related);
        return owner != null && owner.client().notify(message);
      }
      case "notifications/cancelled" -> {
        return true; // the upstream gave up on a request to a client; that request times out on its own
      }
      default -> {
        return false;
      }
    }
  }

  /** The exchange a message from the upstream belongs to, or null when it cannot be told. */
  private Exchange owner(Exchange related) {
    if (related != null && related.client() != Downstream.NONE) return related;
    Exchange reserved = interactive.get();
    if (reserved != null) return reserved;
    if (active.size() == 1) {
      for (Exchange only : active) return only;
    }
    return null;
  }

  /**
   * Answers a request from the upstream: passed to the client of its exchange when that client
   * declared the capability, otherwise to {@code fallback}. Completes with the response to send
   * upstream (carrying the upstream's own id).
   */
  CompletableFuture<JsonNode> request(JsonNode message, Exchange related, java.util.function.Function<JsonNode, JsonNode> fallback) {
    JsonNode id = message.get("id");
    String method = message.path("method").asString("");
    if ("ping".equals(method)) return CompletableFuture.completedFuture(JsonRpc.result(id, JsonRpc.NODES.objectNode()));
    Exchange owner = owner(related);
    String capability = CAPABILITY.get(method);
    if (owner == null || capability == null || !owner.client().capabilities().has(capability)) {
      return CompletableFuture.completedFuture(fallback.apply(message));
    }
    return owner.client().request(method, message.get("params"), timeout).handle((response, error) -> {
      if (error != null) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        String why = cause instanceof java.util.concurrent.TimeoutException ? "the client did not answer " + method + " in time"
            : "the client did not answer " + method + ": " + cause.getMessage();
        return JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, why);
      }
      ObjectNode copy = ((ObjectNode) response).deepCopy();
      copy.set("id", id);
      return copy;
    });
  }
}
