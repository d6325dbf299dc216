package io.director.memory.internal;

import io.director.platform.db.Notifications;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Keeps this instance's {@link VectorIndex} equal to {@code memory_index}: loads every vector at
 * start, then follows changes made by any instance — woken by a NOTIFY from the table's trigger and
 * every two seconds regardless. Each pass re-reads the last few seconds of changes and removals, so
 * a transaction that commits out of order is still seen; a lost LISTEN connection means a full
 * reload.
 */
@Component
class VectorSync implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(VectorSync.class);
  private static final Duration OVERLAP = Duration.ofSeconds(5);
  private final SearchIndex index;
  private final VectorIndex vectors;
  private final Embedder embedder;
  private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("memory-vectors").daemon().factory());
  private final AtomicBoolean pending = new AtomicBoolean();
  private final AtomicBoolean reloadNeeded = new AtomicBoolean(true);
  private volatile boolean running;
  private volatile boolean loaded;
  private Instant watermark = Instant.EPOCH;

  VectorSync(SearchIndex index, VectorIndex vectors, Embedder embedder, Notifications notifications) {
    this.index = index;
    this.vectors = vectors;
    this.embedder = embedder;
    notifications.subscribe("director_memory_index", new Notifications.Listener() {
      @Override
      public void notified(String payload) {
        wake();
      }

      @Override
      public void reset() {
        reloadNeeded.set(true);
        wake();
      }
    });
  }

  /** Whether the first full load has finished. */
  boolean loaded() {
    return loaded;
  }

  /** Asks for a catch-up pass soon (passes coalesce). */
  void wake() {
    if (running && pending.compareAndSet(false, true)) worker.execute(this::pass);
  }

  @Override
  public void start() {
    running = true;
    worker.scheduleWithFixedDelay(this::pass, 0, 2, TimeUnit.SECONDS);
  }

  @Override
  public void stop() {
    running = false;
    worker.shutdownNow();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  private void pass() {
    pending.set(false);
    try {
      if (reloadNeeded.getAndSet(false)) reload();
      else catchUp();
    } catch (RuntimeException e) {
      log.warn("memory vector index: sync failed, retrying: {}", e.getMessage());
      if (!loaded) reloadNeeded.set(true);
    }
  }

  private void reload() {
    Instant start = index.databaseNow();
    long began = System.nanoTime();
    vectors.clear();
    int[] n = {0};
    index.vectors("model = :m", Map.of("m", embedder.model()), e -> {
      if (vectors.put(e)) n[0]++;
    });
    watermark = start.minus(OVERLAP);
    loaded = true;
    log.info("memory vector index: {} vectors loaded in {} ms ({} MiB, {})", n[0], (System.nanoTime() - began) / 1_000_000,
        vectors.bytes() >> 20, vectors.implementation());
  }

  private void catchUp() {
    Instant now = index.databaseNow();
    Instant since = watermark.minus(OVERLAP);
    for (Object[] r : index.removedSince(since)) vectors.remove((String) r[1], (UUID) r[0]);
    List<String> stale = new ArrayList<>();
    for (Object[] r : index.changedSince(since)) {
      UUID id = (UUID) r[0];
      String tenant = (String) r[1];
      if (!embedder.model().equals(r[3])) {
        vectors.remove(tenant, id);
      } else if (vectors.changedAt(tenant, id) != (long) r[2]) {
        stale.add(id.toString());
      }
    }
    for (int from = 0; from < stale.size(); from += 1000) {
      String[] ids = stale.subList(from, Math.min(stale.size(), from + 1000)).toArray(String[]::new);
      index.vectors("model = :m AND item_id = ANY (CAST(:ids AS uuid[]))", Map.of("m", embedder.model(), "ids", ids), vectors::put);
    }
    watermark = now;
  }
}
