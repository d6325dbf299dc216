package io.director.memory.internal;

import io.director.identity.Principal;
import io.director.memory.SearchHit;
import io.director.memory.SearchResults;
import io.director.shared.DirectorException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Search over a tenant's index: full text (PostgreSQL tsvector, websearch syntax), vectors
 * (exact, in memory) or both fused by reciprocal rank (k = 60). Candidates from either list are
 * re-read from PostgreSQL with the tenant and filters, so nothing deleted or foreign is returned.
 */
@Component
public class MemorySearch {
  static final int RRF_K = 60;
  private static final java.util.concurrent.Executor TEXT_SEARCHES = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
  static final double LOOSE_TEXT_WEIGHT = 0.5;
  public static final int MAX_K = 100;
  private static final Set<String> FIELDS = Set.of("query", "namespace", "kinds", "tags", "since", "k", "mode");
  private static final Set<String> MODES = Set.of("hybrid", "text", "vector");
  private final SearchIndex index;
  private final VectorIndex vectors;
  private final Indexer indexer;
  private final MemoryStore store;
  private final MemoryMetrics metrics;

  MemorySearch(SearchIndex index, VectorIndex vectors, Indexer indexer, MemoryStore store, MemoryMetrics metrics) {
    this.metrics = metrics;
    this.index = index;
    this.vectors = vectors;
    this.indexer = indexer;
    this.store = store;
  }

  /** A checked search request. */
  public record Request(String query, Optional<String> namespace, List<String> kinds, List<String> tags, Optional<java.time.Instant> since,
      int k, String mode) {}

  public static Request parse(JsonNode doc, Optional<String> namespace) {
    Fields.object(doc, "body", FIELDS);
    String query = Fields.text(doc, "query").orElse("");
    if (query.isBlank()) throw DirectorException.field("memory.empty-query", "query", "must not be empty");
    if (query.length() > 2000) throw DirectorException.field("memory.invalid", "query", "must be at most 2000 characters");
    int k = Fields.integer(doc, "k", 1, MAX_K).orElse(10);
    Set<String> allowed = new HashSet<>(MemoryItems.EVENT_KINDS);
    allowed.add("memory");
    List<String> kinds = Fields.strings(doc, "kinds", 16, 32);
    for (String kind : kinds) {
      if (!allowed.contains(kind)) throw DirectorException.field("memory.invalid-choice", "kinds", "entries must be among " + allowed.stream().sorted().toList());
    }
    Optional<String> ns = Fields.text(doc, "namespace").or(() -> namespace).map(n -> Fields.namespace(n, "namespace"));
    return new Request(query, ns, kinds, Fields.tags(doc, "tags"), Fields.instant(doc, "since"), k,
        Fields.choice(doc, "mode", MODES).orElse("hybrid"));
  }

  public SearchResults search(Principal p, Request r) {
    List<Long> namespaces = r.namespace().map(n -> List.of(namespaceId(p.tenantId(), n))).orElse(List.of());
    List<String> types = new ArrayList<>();
    List<String> kinds = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (String kind : r.kinds()) {
      switch (kind) {
        case "memory" -> keys.add("memory:memory");
        case "decision" -> {
          keys.add("decision:decision");
          keys.add("event:decision");
        }
        default -> keys.add("event:" + kind);
      }
      kinds.add(kind);
    }
    SearchIndex.Scope scope = new SearchIndex.Scope(p.tenantId(), namespaces, types, kinds, r.tags(), r.since());
    long started = System.nanoTime();
    SearchResults results = search(scope, keys, r.query(), r.k(), r.mode());
    metrics.searched(r.mode(), java.time.Duration.ofNanos(System.nanoTime() - started));
    return results;
  }

  long namespaceId(String tenant, String name) {
    return store.namespace(tenant, name).orElseThrow(() -> DirectorException.notFound("memory.unknown-namespace", "no namespace named " + name))
        .id();
  }

  /** The search itself, for the API and for context bundles; {@code kindKeys} are "type:kind" pairs (empty: any). */
  SearchResults search(SearchIndex.Scope scope, Set<String> kindKeys, String query, int k, String mode) {
    int candidates = Math.max(50, k * 4);
    // the full-text query runs in PostgreSQL while this thread embeds the query and scans the vectors
    CompletableFuture<List<SearchIndex.TextHit>> textual = mode.equals("vector") ? CompletableFuture.completedFuture(List.of())
        : CompletableFuture.supplyAsync(() -> index.text(scope, query, candidates), TEXT_SEARCHES);
    List<VectorIndex.Hit> vector = List.of();
    String used = mode;
    if (!mode.equals("text")) {
      Optional<float[]> q = indexer.embedQuery(query);
      if (q.isPresent()) {
        VectorIndex.Filter filter = new VectorIndex.Filter(Set.copyOf(scope.namespaces()), kindKeys, VectorIndex.bloom(scope.tags()),
            scope.since().map(java.time.Instant::toEpochMilli).orElse(Long.MIN_VALUE));
        vector = vectors.search(scope.tenant(), q.get(), filter, candidates);
      } else if (mode.equals("vector")) {
        throw DirectorException.unavailable("memory.embeddings-unavailable", "the embedding model is not answering; try mode text");
      } else {
        used = "text";
      }
    }
    List<SearchIndex.TextHit> text;
    try {
      text = textual.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw e;
    }
    Map<UUID, double[]> fused = new HashMap<>();
    LinkedHashSet<UUID> order = new LinkedHashSet<>();
    for (int i = 0; i < text.size(); i++) {
      // a row matching only some of the query's words counts half: alone it is weak evidence
      double weight = text.get(i).rank() >= 1 ? 1 : LOOSE_TEXT_WEIGHT;
      fused.computeIfAbsent(text.get(i).id(), id -> new double[] {0, -1, 0, -1, 0})[0] += weight / (RRF_K + i + 1);
      double[] f = fused.get(text.get(i).id());
      f[1] = i + 1;
      f[2] = text.get(i).rank();
      order.add(text.get(i).id());
    }
    for (int i = 0; i < vector.size(); i++) {
      double[] f = fused.computeIfAbsent(vector.get(i).id(), id -> new double[] {0, -1, 0, -1, 0});
      f[0] += 1.0 / (RRF_K + i + 1);
      f[3] = i + 1;
      f[4] = vector.get(i).similarity();
      order.add(vector.get(i).id());
    }
    List<UUID> ranked = new ArrayList<>(order);
    ranked.sort(Comparator.comparingDouble((UUID id) -> -fused.get(id)[0]));
    // read back a few more than k: some may be gone, or fail a filter the vector index only approximates (tags)
    List<SearchHit> hits = new ArrayList<>();
    for (int from = 0; from < ranked.size() && hits.size() < k; from += k * 2) {
      List<UUID> batch = ranked.subList(from, Math.min(ranked.size(), from + k * 2));
      Map<UUID, SearchIndex.Found> rows = index.fetch(scope, batch);
      for (UUID id : batch) {
        SearchIndex.Found row = rows.get(id);
        if (row == null || hits.size() >= k) continue;
        double[] f = fused.get(id);
        hits.add(new SearchHit(id, row.type(), row.kind(), row.namespace(), row.body(), row.tags(), row.createdAt(), round(f[0]),
            f[1] < 0 ? null : (int) f[1], f[1] < 0 ? null : round(f[2]), f[3] < 0 ? null : (int) f[3], f[3] < 0 ? null : round(f[4])));
      }
    }
    return new SearchResults(hits, used);
  }

  private static double round(double d) {
    return Math.round(d * 1e6) / 1e6;
  }
}
