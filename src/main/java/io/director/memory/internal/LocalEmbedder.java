package io.director.memory.internal;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * all-MiniLM-L6-v2, quantized, run in-process by ONNX Runtime: 384 dimensions, no network, no key.
 * The model loads in the background at start (under a second), so the first write does not wait.
 */
final class LocalEmbedder implements Embedder {
  static final String MODEL = "all-minilm-l6-v2-q";
  private final CompletableFuture<AllMiniLmL6V2QuantizedEmbeddingModel> model;

  LocalEmbedder() {
    model = CompletableFuture.supplyAsync(() -> {
      AllMiniLmL6V2QuantizedEmbeddingModel m = new AllMiniLmL6V2QuantizedEmbeddingModel();
      m.embed("warm up");
      return m;
    }, Thread.ofPlatform().name("memory-model-load").daemon()::start);
  }

  @Override
  public String model() {
    return MODEL;
  }

  @Override
  public String describe() {
    return MODEL + " (built in, local)";
  }

  @Override
  public List<float[]> embed(List<String> texts) {
    AllMiniLmL6V2QuantizedEmbeddingModel m;
    try {
      m = model.join();
    } catch (RuntimeException e) {
      throw new EmbeddingUnavailable("the local embedding model failed to load", e);
    }
    if (texts.size() == 1) return List.of(m.embed(texts.get(0)).content().vector());
    return m.embedAll(texts.stream().map(TextSegment::from).toList()).content().stream().map(Embedding::vector).toList();
  }
}
