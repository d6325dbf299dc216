package io.director.gateway.mcp;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * One server-sent event stream of a client session — a POST's answer or the session's GET stream —
 * whose events carry ids and are kept (the last {@value #KEPT}), so that a client that lost the
 * connection can resume with {@code Last-Event-ID} and miss nothing. Events go to whichever
 * connection is attached now; while none is, they are only kept.
 */
public final class EventStream {
  static final int KEPT = 500;

  /** Where events go: false when that connection is gone. */
  public interface Sink {
    boolean send(String id, String data);
  }

  private record Event(long seq, String data) {}

  private final String key;
  private final Deque<Event> events = new ArrayDeque<>();
  private long seq;
  private Sink sink;
  private boolean done;
  private Runnable onDone = () -> {};

  EventStream(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  /** The id of an event of this stream. */
  String id(long n) {
    return key + "_" + n;
  }

  /** The stream key and sequence number of an event id, if it is one Director issued. */
  static Optional<Position> parse(String lastEventId) {
    if (lastEventId == null) return Optional.empty();
    int cut = lastEventId.lastIndexOf('_');
    if (cut <= 0) return Optional.empty();
    try {
      return Optional.of(new Position(lastEventId.substring(0, cut), Long.parseLong(lastEventId.substring(cut + 1))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Where in which stream a client was. */
  record Position(String stream, long seq) {}

  /** The sequence number of the last event added. */
  public synchronized long position() {
    return seq;
  }

  /** The id of the priming event a client may resume from before anything else was sent. */
  public synchronized String primingId() {
    return id(seq);
  }

  /** Appends an event and sends it to the attached connection, if any; false when none took it. */
  public synchronized boolean add(JsonNode message) {
    String data = JsonRpc.JSON.writeValueAsString(message);
    Event e = new Event(++seq, data);
    events.addLast(e);
    if (events.size() > KEPT) events.removeFirst();
    if (sink != null && !sink.send(id(e.seq()), data)) sink = null;
    return sink != null;
  }

  /** Attaches a connection, first replaying what came after {@code afterSeq}; true when the stream is already over. */
  public synchronized boolean attach(Sink to, long afterSeq) {
    for (Event e : events) {
      if (e.seq() > afterSeq && !to.send(id(e.seq()), e.data())) return done;
    }
    if (!done) sink = to;
    return done;
  }

  /** Detaches {@code from} if it is the current connection. */
  public synchronized void detach(Sink from) {
    if (sink == from) sink = null;
  }

  /** The stream is over (the answer was added); the attached connection is told through {@code onDone}. */
  public synchronized void finish() {
    done = true;
    sink = null;
    onDone.run();
  }

  public synchronized boolean done() {
    return done;
  }

  /** What to do when the stream finishes while a resumed connection is attached. */
  public synchronized void onDone(Runnable action) {
    onDone = action;
  }
}
