package io.director.memory.internal;

import io.director.platform.health.HealthCheck;
import org.springframework.stereotype.Component;

/** Says which vector index and embedding model are in use; never fails Director. */
@Component
class MemoryHealth implements HealthCheck {
  private final VectorIndex vectors;
  private final VectorSync sync;
  private final Embedder embedder;

  MemoryHealth(VectorIndex vectors, VectorSync sync, Embedder embedder) {
    this.vectors = vectors;
    this.sync = sync;
    this.embedder = embedder;
  }

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public boolean required() {
    return false;
  }

  @Override
  public Result check() {
    String index = "vector index: in-memory (exact, int8, " + vectors.implementation() + "), " + vectors.size() + " vectors, "
        + (vectors.bytes() >> 20) + " MiB; embeddings: " + embedder.describe();
    return sync.loaded() ? Result.healthy(index) : Result.unhealthy("vector index still loading; " + index);
  }
}
