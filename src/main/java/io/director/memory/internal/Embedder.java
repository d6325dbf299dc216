package io.director.memory.internal;

import java.util.List;

/** Turns texts into vectors: the built-in local model or a remote OpenAI-compatible API. */
interface Embedder {
  /** Stored with each vector, so vectors of another model are recomputed rather than compared. */
  String model();

  /** Where the vectors come from, for /api/health (never a key or a full URL). */
  String describe();

  /** One vector per text, in order. Throws {@link EmbeddingUnavailable} when the model cannot answer. */
  List<float[]> embed(List<String> texts);

  final class EmbeddingUnavailable extends RuntimeException {
    EmbeddingUnavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
