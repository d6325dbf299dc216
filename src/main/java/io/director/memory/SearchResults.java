package io.director.memory;

import java.util.List;

/** What a search answers: the hits, best first, and the mode used (hybrid falls back to text when embeddings fail). */
public record SearchResults(List<SearchHit> results, String mode) {
  public SearchResults {
    results = List.copyOf(results);
  }
}
