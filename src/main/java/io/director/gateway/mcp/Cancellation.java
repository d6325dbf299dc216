package io.director.gateway.mcp;

/**
 * Lets a client's {@code notifications/cancelled} reach the upstream request it started: the
 * upstream binds how to cancel its request; a cancel before the bind runs it at bind time.
 */
public final class Cancellation {
  public static final int REQUEST_CANCELLED = -32800;
  private Runnable action;
  private boolean cancelled;

  public static Cancellation none() {
    return new Cancellation();
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
