package io.director.gateway.mcp;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import tools.jackson.databind.JsonNode;

/** A live connection to one upstream MCP server, already initialised. */
public interface Upstream extends AutoCloseable {

  /** Sends a request; completes with the whole response message (result or error). */
  default CompletableFuture<JsonNode> request(String method, JsonNode params, Duration timeout) {
    return request(method, params, timeout, Exchange.none());
  }

  /**
   * As above, for a client's request: what the upstream sends while working on it goes to that
   * client, and cancelling the exchange cancels the request upstream (notifications/cancelled).
   */
  CompletableFuture<JsonNode> request(String method, JsonNode params, Duration timeout, Exchange exchange);

  /**
   * Whether this connection can take {@code exchange} now: a transport that cannot tell which
   * request an upstream's own request belongs to serves one interactive exchange at a time.
   */
  default boolean reserve(Exchange exchange) {
    return true;
  }

  void notify(String method, JsonNode params);

  /** The upstream's answer to initialize (capabilities, serverInfo, instructions). */
  JsonNode initializeResult();

  boolean alive();

  /** What an upstream sends that is not an answer to Director. */
  interface Listener {
    void onNotification(JsonNode message);

    /** Answers a request the upstream sends that no client exchange can take; returns the response message. */
    JsonNode onRequest(JsonNode message);

    /** The connection is gone for good (the process exited); not called for an explicit close. */
    void onExit(String reason);
  }

  @Override
  void close();
}
