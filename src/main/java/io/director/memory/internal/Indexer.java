package io.director.memory.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Embeds items and writes their index rows. Embedding happens before the transaction; when the
 * model cannot answer, the row is written without a vector (full text still finds it) and the
 * backfill job adds the vector later. After commit, this instance's vector index is updated at
 * once; the others follow through {@link VectorSync}.
 */
@Component
public class Indexer {
  private static final Logger log = LoggerFactory.getLogger(Indexer.class);
  private final SearchIndex index;
  private final VectorIndex vectors;
  private final Embedder embedder;

  Indexer(SearchIndex index, VectorIndex vectors, Embedder embedder) {
    this.index = index;
    this.vectors = vectors;
    this.embedder = embedder;
  }

  /** An item to index: its body is what search reads (already redacted). */
  public record Item(UUID id, String tenant, String type, String kind, List<String> tags, String body, Double importance, Instant validTo,
      Instant createdAt) {}

  /** An item with its vector (or none), ready to be written inside a transaction. */
  public record Prepared(Item item, float[] vector) {}

  /** Computes vectors for a batch in one model call; on failure, none. */
  public List<Prepared> prepare(List<Item> items) {
    List<float[]> vs = null;
    if (!items.isEmpty()) {
      try {
        vs = embedder.embed(items.stream().map(Item::body).toList());
      } catch (RuntimeException e) {
        log.warn("memory: embedding {} item(s) failed, indexing them for full text only until the backfill succeeds: {}", items.size(),
            e.getMessage());
      }
    }
    List<Prepared> out = new ArrayList<>(items.size());
    for (int i = 0; i < items.size(); i++) out.add(new Prepared(items.get(i), vs == null ? null : vs.get(i)));
    return out;
  }

  /** A written row, to hand to {@link #published} after commit. */
  public record Written(Prepared prepared, long namespaceId, long changedAt) {}

  /** Writes the index row (call inside the item's transaction). */
  public Written write(Prepared p, long namespaceId) {
    Item i = p.item();
    long changed = index.put(new SearchIndex.Row(i.id(), i.tenant(), namespaceId, i.type(), i.kind(), i.tags(), i.body(), p.vector(),
        embedder.model(), i.importance(), i.validTo(), i.createdAt()));
    return new Written(p, namespaceId, changed);
  }

  /** After commit: this instance searches the new vectors at once. */
  public void published(List<Written> written) {
    for (Written w : written) {
      if (w.prepared().vector() == null) continue;
      Item i = w.prepared().item();
      vectors.put(new VectorIndex.Entry(i.id(), i.tenant(), w.namespaceId(), i.type() + ":" + i.kind(), VectorIndex.bloom(i.tags()),
          i.createdAt().toEpochMilli(), w.changedAt(), w.prepared().vector()));
    }
  }

  /** After commit of a deletion. */
  public void removed(String tenant, UUID id) {
    vectors.remove(tenant, id);
  }

  /** Recent queries' vectors: a context bundle searches twice with one query, and agents repeat themselves. */
  private final java.util.Map<String, float[]> recentQueries = java.util.Collections.synchronizedMap(
      new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, float[]> eldest) {
          return size() > 256;
        }
      });

  /** The query's vector; empty when the model cannot answer. */
  public java.util.Optional<float[]> embedQuery(String query) {
    float[] known = recentQueries.get(query);
    if (known != null) return java.util.Optional.of(known);
    try {
      float[] v = embedder.embed(List.of(query)).get(0);
      recentQueries.put(query, v);
      return java.util.Optional.of(v);
    } catch (RuntimeException e) {
      log.warn("memory: embedding a query failed, searching full text only: {}", e.getMessage());
      return java.util.Optional.empty();
    }
  }
}
