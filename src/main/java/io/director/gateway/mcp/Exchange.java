package io.director.gateway.mcp;

import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * One client request on its way upstream. It knows the client that made it, so what the upstream
 * sends while working on it — progress, log messages, sampling, elicitation and roots requests —
 * reaches that client and no other; and it lets a client's {@code notifications/cancelled} reach
 * the upstream request (the upstream binds how to cancel; a cancel before the bind runs at bind time).
 */
public final class Exchange {
  public static final int REQUEST_CANCELLED = -32800;
  /** Client capabilities that let an upstream send requests back while a call is in flight. */
  static final Set<String> INTERACTIVE = Set.of("sampling", "elicitation", "roots");

  private final Downstream client;
  private Runnable action;
  private boolean cancelled;

  public Exchange(Downstream client) {
    this.client = client;
  }

  public static Exchange none() {
    return new Exchange(Downstream.NONE);
  }

  public Downstream client() {
    return client;
  }

  /** Whether the client can answer requests from the upstream (sampling, elicitation or roots). */
  boolean interactive() {
    JsonNode caps = client.capabilities();
    return INTERACTIVE.stream().anyMatch(caps::has);
  }

  synchronized void bind(Runnable cancel) {
    if (cancelled) cancel.run();
    else action = cancel;
  }

  public synchronized void cancel() {
    if (cancelled) return;
    cancelled = true;
    if (action != null) action.run();
  }
}
