package io.director.gateway.mcp;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Requests Director has sent to one client session (sampling, elicitation, roots) and is waiting
 * on. Director numbers them itself, so ids never clash with the upstream's or another session's,
 * and the client's responses — which arrive as separate messages — find their way back.
 */
final class ClientRequests {
  private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  /** Sends the request through {@code sender} (false: the client cannot be reached) and awaits the answer. */
  CompletableFuture<JsonNode> send(String method, JsonNode params, Duration timeout, Predicate<JsonNode> sender) {
    String id = "director-" + ids.incrementAndGet();
    CompletableFuture<JsonNode> answer = new CompletableFuture<>();
    pending.put(id, answer);
    ObjectNode request = JsonRpc.NODES.objectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
    if (params != null && !params.isNull()) request.set("params", params);
    if (!sender.test(request)) {
      pending.remove(id);
      return CompletableFuture.failedFuture(new JsonRpc.Failure(JsonRpc.INTERNAL_ERROR, "the client cannot be reached"));
    }
    return answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((r, e) -> pending.remove(id));
  }

  /** Delivers a client's response; false when no request of this session has its id. */
  boolean answer(JsonNode response) {
    JsonNode id = response.get("id");
    CompletableFuture<JsonNode> f = id != null && id.isString() ? pending.remove(id.asString()) : null;
    if (f == null) return false;
    f.complete(response);
    return true;
  }

  /** The session ended: nothing it was asked will be answered. */
  void failAll(String reason) {
    pending.values().forEach(f -> f.completeExceptionally(new JsonRpc.Failure(JsonRpc.INTERNAL_ERROR, reason)));
    pending.clear();
  }
}
