package io.director.sessions.internal;

import io.director.sessions.SessionEvent;
import io.director.sessions.sandbox.OutputSink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * The transcripts of the sessions this instance runs: output split into lines, numbered, handed to
 * live listeners at once and written to PostgreSQL in batches every 100 ms (one statement for all
 * sessions). What a session may keep is bounded by its output limit; past it a {@code truncated}
 * entry is written and the rest dropped.
 */
@Component
public class Transcript {
  private static final Logger log = LoggerFactory.getLogger(Transcript.class);
  /** A line longer than this is cut into pieces, so one endless line cannot hold memory. */
  static final int MAX_LINE = 16 * 1024;

  private final SessionStore store;
  private final Clock clock;
  private final Map<UUID, Live> live = new ConcurrentHashMap<>();
  private final java.util.concurrent.locks.ReentrantLock flushing = new java.util.concurrent.locks.ReentrantLock();
  private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("session-transcript").daemon().factory());

  Transcript(SessionStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
    flusher.scheduleWithFixedDelay(this::flushSafely, 100, 100, TimeUnit.MILLISECONDS);
  }

  /** Starts the live transcript of a session, numbering after what is already stored. */
  Live open(UUID session, long outputLimit, Runnable onTruncate) {
    Live l = new Live(session, 0, outputLimit, onTruncate); // a new session: its transcript is empty
    live.put(session, l);
    return l;
  }

  Optional<Live> live(UUID session) {
    return Optional.ofNullable(live.get(session));
  }

  /** Writes everything pending of the session and forgets it (after its exit entry). */
  void close(UUID session) {
    Live l = live.get(session);
    if (l == null) return;
    l.flushPartials(true);
    flushSafely();
    if (l.hasUnwritten()) {
      // the database is away: keep the transcript in memory and try again, so that nothing is lost
      flusher.schedule(() -> close(session), 1, TimeUnit.SECONDS);
      return;
    }
    live.remove(session);
  }

  void shutdown() {
    flushSafely();
    flusher.shutdownNow();
  }

  private void flushSafely() {
    flushing.lock(); // a lock, not a monitor: this does JDBC and may run on virtual threads
    try {
      List<UUID> ids = new ArrayList<>();
      List<SessionEvent> events = new ArrayList<>();
      List<Live> changed = new ArrayList<>();
      for (Live l : live.values()) {
        l.flushPartials(false);
        List<SessionEvent> pending = l.takePending();
        if (pending.isEmpty() && !l.outputChanged) continue;
        pending.forEach(e -> ids.add(l.session));
        events.addAll(pending);
        changed.add(l);
      }
      if (events.isEmpty() && changed.isEmpty()) return;
      store.append(ids, events);
      for (Live l : changed) {
        if (!l.outputChanged) continue;
        l.outputChanged = false;
        store.output(l.session, l.bytes, l.truncated, Optional.ofNullable(l.firstOutput));
      }
      changed.forEach(Live::flushed);
    } catch (RuntimeException e) {
      live.values().forEach(Live::requeue);
      log.warn("writing session transcripts failed, will retry: {}", e.toString());
    } finally {
      flushing.unlock();
    }
  }

  /** One running session's transcript. */
  final class Live implements OutputSink {
    final UUID session;
    private final long limit;
    private final Runnable onTruncate;
    private long seq;
    private long bytes;
    private boolean truncated;
    private Instant firstOutput;
    private volatile boolean outputChanged;
    private final List<SessionEvent> pending = new ArrayList<>();
    /** Entries taken for writing but not yet known to be written: listeners that join now still need them. */
    private final List<SessionEvent> inFlight = new ArrayList<>();
    private final List<BlockingQueue<SessionEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream[] partial = {new ByteArrayOutputStream(), new ByteArrayOutputStream()};
    private final boolean[] partialFresh = new boolean[2];

    Live(UUID session, long lastSeq, long limit, Runnable onTruncate) {
      this.session = session;
      this.seq = lastSeq;
      this.limit = limit;
      this.onTruncate = onTruncate;
    }

    boolean truncated() {
      return truncated;
    }

    /** Adds an entry: numbered, handed to listeners, queued for writing. */
    synchronized SessionEvent add(String kind, ObjectNode data) {
      SessionEvent e = new SessionEvent(++seq, clock.instant(), kind, data.toString());
      pending.add(e);
      for (BlockingQueue<SessionEvent> q : listeners) {
        if (!q.offer(e)) listeners.remove(q); // a listener that stopped reading is dropped; it resumes from the store
      }
      return e;
    }

    /** Joins the live entries; answers those not yet in the store, which the listener must send after its replay. */
    synchronized List<SessionEvent> listen(BlockingQueue<SessionEvent> queue) {
      listeners.add(queue);
      List<SessionEvent> unwritten = new ArrayList<>(inFlight);
      unwritten.addAll(pending);
      return unwritten;
    }

    /** The entries not yet in the store. */
    synchronized List<SessionEvent> unwritten() {
      List<SessionEvent> unwritten = new ArrayList<>(inFlight);
      unwritten.addAll(pending);
      return unwritten;
    }

    void unlisten(BlockingQueue<SessionEvent> queue) {
      listeners.remove(queue);
    }

    private synchronized List<SessionEvent> takePending() {
      List<SessionEvent> out = List.copyOf(pending);
      inFlight.addAll(out);
      pending.clear();
      return out;
    }

    private synchronized void flushed() {
      inFlight.clear();
    }

    /** A write failed: what was taken goes back in front of what came since. */
    private synchronized void requeue() {
      pending.addAll(0, inFlight);
      inFlight.clear();
      outputChanged = true;
    }

    synchronized boolean hasUnwritten() {
      return !pending.isEmpty() || !inFlight.isEmpty();
    }

    /** Whether this listener still gets live entries (one that fell behind is dropped). */
    boolean listening(BlockingQueue<SessionEvent> queue) {
      return listeners.contains(queue);
    }

    @Override
    public synchronized void write(Stream stream, byte[] data, int offset, int length) {
      if (truncated) return;
      if (firstOutput == null) firstOutput = clock.instant();
      long room = limit - bytes;
      int take = (int) Math.min(length, Math.max(0, room));
      bytes += take;
      outputChanged = true;
      int s = stream.ordinal();
      ByteArrayOutputStream buf = partial[s];
      for (int i = offset; i < offset + take; i++) {
        byte b = data[i];
        if (b == '\n') {
          line(stream, buf, true);
        } else {
          buf.write(b);
          if (buf.size() >= MAX_LINE) line(stream, buf, false);
        }
      }
      partialFresh[s] = buf.size() > 0;
      if (take < length) {
        truncated = true;
        flushPartials(true);
        ObjectNode n = SessionStore.JSON.createObjectNode();
        n.put("output_bytes", bytes).put("limit_bytes", limit);
        add("truncated", n);
        onTruncate.run();
      }
    }

    /** Sends a partial line that has waited a whole flush interval (a prompt, a progress bar). */
    synchronized void flushPartials(boolean all) {
      for (Stream stream : Stream.values()) {
        int s = stream.ordinal();
        if (partial[s].size() == 0) continue;
        if (all || !partialFresh[s]) line(stream, partial[s], false);
        else partialFresh[s] = false;
      }
    }

    private void line(Stream stream, ByteArrayOutputStream buf, boolean eol) {
      ObjectNode n = SessionStore.JSON.createObjectNode();
      n.put("text", buf.toString(StandardCharsets.UTF_8)).put("eol", eol);
      buf.reset();
      add(stream == Stream.STDOUT ? "stdout" : "stderr", n);
    }
  }
}
