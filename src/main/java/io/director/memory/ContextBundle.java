package io.director.memory;

import java.util.List;
import java.util.UUID;

/**
 * What an agent should know before it acts, within a token budget: the namespace's rules, active
 * decisions, the items most relevant to the query and the most recent events. Tokens are estimated
 * at four characters each.
 */
public record ContextBundle(String namespace, String query, int token_budget, int tokens_used, List<Section> sections) {

  /** One section ({@code rules}, {@code decisions}, {@code relevant}, {@code recent}). */
  public record Section(String name, List<Item> items, int tokens) {}

  /** One item with the id and type of its source. */
  public record Item(UUID source_id, String type, String kind, String text, java.time.Instant created_at, Double score, int tokens) {}
}
