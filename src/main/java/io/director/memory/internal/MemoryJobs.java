package io.director.memory.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Background work any instance may do, safe to run on all of them at once: per-namespace retention
 * (ttl_days), vectors for index rows that lack one (the model was unreachable, or it changed), and
 * pruning the removal log the vector indexes follow.
 */
@Component
class MemoryJobs implements org.springframework.context.SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(MemoryJobs.class);
  private static final int BATCH = 500;
  private final MemoryStore store;
  private final SearchIndex index;
  private final Embedder embedder;
  private final VectorSync sync;
  private final TransactionTemplate tx;
  private final Clock clock;
  private final Duration retentionInterval;
  private final java.util.concurrent.ScheduledExecutorService timer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
      Thread.ofPlatform().name("memory-retention").daemon().factory());
  private volatile boolean running;

  MemoryJobs(MemoryStore store, SearchIndex index, Embedder embedder, VectorSync sync, TransactionTemplate tx, Clock clock, MemoryConfig config) {
    this.retentionInterval = config.retentionInterval();
    this.store = store;
    this.index = index;
    this.embedder = embedder;
    this.sync = sync;
    this.tx = tx;
    this.clock = clock;
  }

  @Override
  public void start() {
    running = true;
    long every = Math.max(1000, retentionInterval.toMillis());
    timer.scheduleWithFixedDelay(() -> {
      try {
        retention();
      } catch (RuntimeException e) {
        log.warn("memory retention failed, retrying in {}: {}", retentionInterval, e.getMessage());
      }
    }, Math.min(every, 30_000), every, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  @Override
  public void stop() {
    running = false;
    timer.shutdownNow();
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  void retention() {
    for (MemoryStore.Namespace ns : store.withTtl()) {
      int removed;
      int total = 0;
      do {
        removed = store.expire(ns.id(), clock.instant().minus(Duration.ofDays(ns.ttlDays())), BATCH);
        total += removed;
      } while (removed > 0);
      if (total > 0) log.info("memory retention: {} item(s) older than {} days removed from namespace {}", total, ns.ttlDays(), ns.name());
    }
    index.pruneRemovals(clock.instant().minus(Duration.ofDays(1)));
  }

  /** Embeds up to 64 rows at a time, each batch claimed with SKIP LOCKED so instances share the work. */
  @Scheduled(fixedDelayString = "${director.memory.backfill-interval:15s}", initialDelayString = "10s")
  void backfill() {
    try {
      embedMissing();
    } catch (Embedder.EmbeddingUnavailable e) {
      log.warn("memory: vectors still missing, the embedding model is not answering: {}", e.getMessage());
    }
  }

  private void embedMissing() {
    int done;
    do {
      done = tx.execute(s -> {
        List<Object[]> rows = index.claimUnembedded(embedder.model(), 64);
        if (rows.isEmpty()) return 0;
        List<float[]> vectors = embedder.embed(rows.stream().map(r -> (String) r[1]).toList());
        for (int i = 0; i < rows.size(); i++) index.setEmbedding((java.util.UUID) rows.get(i)[0], vectors.get(i), embedder.model());
        return rows.size();
      });
      if (done > 0) {
        log.info("memory: {} index row(s) embedded with {}", done, embedder.model());
        sync.wake();
      }
    } while (done > 0);
  }
}
