package io.director.memory.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * {@code director_memory_search_seconds{mode}}: search time inside Director (embedding included);
 * {@code director_memory_writes_total{type}}: items written; {@code director_memory_vectors} and
 * {@code director_memory_vector_index_bytes}: this instance's in-memory vector index.
 */
@Component
class MemoryMetrics {
  private final MeterRegistry meters;

  MemoryMetrics(MeterRegistry meters, VectorIndex vectors) {
    this.meters = meters;
    Gauge.builder("director.memory.vectors", vectors, VectorIndex::size).description("Vectors in this instance's memory index").register(meters);
    Gauge.builder("director.memory.vector.index.bytes", vectors, VectorIndex::bytes).description("Memory held by this instance's vector index")
        .register(meters);
  }

  void searched(String mode, Duration took) {
    Timer.builder("director.memory.search").description("Memory searches, embedding of the query included").tag("mode", mode)
        .publishPercentileHistogram().register(meters).record(took);
  }

  void written(String type, int count) {
    Counter.builder("director.memory.writes").description("Memory items written").tag("type", type).register(meters).increment(count);
  }
}
