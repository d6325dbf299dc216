package io.director.memory.internal;

import io.director.platform.config.EffectiveConfig;
import io.director.platform.config.Sizes;
import java.net.URI;
import java.util.Optional;

/** The memory settings, typed. */
record MemoryConfig(
    Optional<URI> embeddingsUrl, Optional<String> embeddingsModel, Optional<String> embeddingsApiKey,
    long maxContentBytes, java.time.Duration retentionInterval, long writesPerMinute, long searchesPerMinute, long contextsPerMinute) {

  static MemoryConfig from(EffectiveConfig c) {
    return new MemoryConfig(c.raw("MEMORY_EMBEDDINGS_URL").map(URI::create), c.raw("MEMORY_EMBEDDINGS_MODEL"),
        c.raw("MEMORY_EMBEDDINGS_API_KEY"),
        Sizes.parse(c.raw("MEMORY_MAX_CONTENT_SIZE").orElse("64KiB")),
        io.director.platform.config.Durations.parse(c.raw("MEMORY_RETENTION_INTERVAL").orElse("10m")),
        Long.parseLong(c.raw("MEMORY_RATE_LIMIT_WRITES").orElse("100")),
        Long.parseLong(c.raw("MEMORY_RATE_LIMIT_SEARCH").orElse("300")),
        Long.parseLong(c.raw("MEMORY_RATE_LIMIT_CONTEXT").orElse("60")));
  }
}
