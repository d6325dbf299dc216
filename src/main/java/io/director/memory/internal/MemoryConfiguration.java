package io.director.memory.internal;

import io.director.platform.config.EffectiveConfig;
import io.director.shared.DirectorException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The memory settings, the embedding model they choose and this instance's vector index. */
@Configuration(proxyBeanMethods = false)
class MemoryConfiguration {
  @Bean
  MemoryConfig memoryConfig(EffectiveConfig effective) {
    return MemoryConfig.from(effective);
  }

  @Bean
  Embedder memoryEmbedder(MemoryConfig config, io.director.platform.config.DirectorConfig director) {
    if (config.embeddingsUrl().isPresent()) {
      String model = config.embeddingsModel().orElseThrow(() -> DirectorException.invalid("config.invalid",
          "MEMORY_EMBEDDINGS_MODEL is required with MEMORY_EMBEDDINGS_URL"));
      return new RemoteEmbedder(config.embeddingsUrl().get(), model, config.embeddingsApiKey());
    }
    // the tokenizer unpacks its native library under ~/.djl.ai unless told otherwise: a service user may have no home
    if (System.getProperty("DJL_CACHE_DIR") == null && System.getenv("DJL_CACHE_DIR") == null) {
      System.setProperty("DJL_CACHE_DIR", director.dataDir().resolve("cache/djl").toAbsolutePath().toString());
    }
    return new LocalEmbedder();
  }

  @Bean
  VectorIndex memoryVectorIndex() {
    return new VectorIndex(Int8Dot.best());
  }
}
