package io.director.gateway.mcp;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;

/** The client end of an exchange: where Director sends what an upstream says to that client. */
public interface Downstream {
  /** The capabilities the client declared (empty when it declared none or cannot be reached). */
  JsonNode capabilities();

  /** Sends a notification, best effort: false when the client cannot be reached now. */
  boolean notify(JsonNode notification);

  /** Sends a request to the client; completes with its whole response message (result or error). */
  CompletableFuture<JsonNode> request(String method, JsonNode params, Duration timeout);

  /** A client Director cannot reach (a REST call, a JSON-only answer with no open stream). */
  Downstream NONE = new Downstream() {
    @Override
    public JsonNode capabilities() {
      return JsonRpc.NODES.objectNode();
    }

    @Override
    public boolean notify(JsonNode notification) {
      return false;
    }

    @Override
    public CompletableFuture<JsonNode> request(String method, JsonNode params, Duration timeout) {
      return CompletableFuture.failedFuture(new JsonRpc.Failure(JsonRpc.METHOD_NOT_FOUND, "the client cannot be reached"));
    }
  };
}
