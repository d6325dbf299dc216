package io.director.memory.internal;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * all-MiniLM-L6-v2, quantized, run in-process by ONNX Runtime: 384 dimensions, no network, no key.
 * The model (shipped by LangChain4j on Maven Central) loads in the background at start, in under
 * a second. Each call runs on the caller's thread with one ONNX thread that does not spin-wait:
 * ONNX Runtime's default pool busy-waits between runs, which on a small machine starves
 * PostgreSQL and the rest of Director of CPU.
 */
final class LocalEmbedder implements Embedder {
  static final String MODEL = "all-minilm-l6-v2-q";
  private final CompletableFuture<MiniLm> model;

  LocalEmbedder() {
    model = CompletableFuture.supplyAsync(() -> {
      MiniLm m = new MiniLm(load());
      m.embed("warm up");
      return m;
    }, Thread.ofPlatform().name("memory-model-load").daemon()::start);
  }

  private static OnnxBertBiEncoder load() {
    ClassLoader loader = LocalEmbedder.class.getClassLoader();
    try (InputStream onnx = loader.getResourceAsStream("all-minilm-l6-v2-q.onnx");
        InputStream tokenizer = loader.getResourceAsStream("all-minilm-l6-v2-q-tokenizer.json")) {
      if (onnx == null || tokenizer == null) throw new IllegalStateException("the all-MiniLM-L6-v2 model is missing from the class path");
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      OrtSession.SessionOptions options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      options.addConfigEntry("session.inter_op.allow_spinning", "0");
      return new OnnxBertBiEncoder(env, env.createSession(onnx.readAllBytes(), options), tokenizer, PoolingMode.MEAN);
    } catch (IOException | OrtException e) {
      throw new IllegalStateException("cannot load the all-MiniLM-L6-v2 model: " + e.getMessage(), e);
    }
  }

  /** LangChain4j's in-process model around our own session; batches run on the calling thread. */
  private static final class MiniLm extends AbstractInProcessEmbeddingModel {
    private final OnnxBertBiEncoder encoder;

    MiniLm(OnnxBertBiEncoder encoder) {
      super(Runnable::run);
      this.encoder = encoder;
    }

    @Override
    protected OnnxBertBiEncoder model() {
      return encoder;
    }

    @Override
    protected Integer knownDimension() {
      return 384;
    }
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
    MiniLm m;
    try {
      m = model.join();
    } catch (RuntimeException e) {
      throw new EmbeddingUnavailable("the local embedding model failed to load", e);
    }
    if (texts.size() == 1) return List.of(m.embed(texts.get(0)).content().vector());
    return m.embedAll(texts.stream().map(TextSegment::from).toList()).content().stream().map(Embedding::vector).toList();
  }
}
