package io.director.memory.internal;

import io.director.identity.Principal;
import io.director.memory.ContextBundle;
import io.director.memory.Decision;
import io.director.memory.SearchHit;
import io.director.shared.DirectorException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Builds a context bundle. Sections get a share of the budget first — rules 20%, decisions 20%,
 * relevant 40%, recent 20% — then whatever a section left unused goes to the others in that order
 * of priority. Within a section items keep their order (most important, most relevant or newest
 * first); an item that does not fit is skipped, never cut.
 */
@Component
public class ContextAssembler {
  public static final int DEFAULT_BUDGET = 8000;
  private static final Set<String> FIELDS = Set.of("query", "namespace", "token_budget");
  private static final String[] SECTIONS = {"rules", "decisions", "relevant", "recent"};
  private static final double[] SHARES = {0.2, 0.2, 0.4, 0.2};
  private final MemoryStore store;
  private final MemorySearch search;
  private final SearchIndex index;
  private final Clock clock;

  ContextAssembler(MemoryStore store, MemorySearch search, SearchIndex index, Clock clock) {
    this.store = store;
    this.search = search;
    this.index = index;
    this.clock = clock;
  }

  /** Tokens of a text, estimated: four characters each, at least one. */
  static int tokens(String text) {
    return Math.max(1, (text.length() + 3) / 4);
  }

  public ContextBundle assemble(Principal p, JsonNode doc, Optional<String> namespace) {
    Fields.object(doc, "body", FIELDS);
    String query = Fields.text(doc, "query").orElse("");
    if (query.length() > 2000) throw DirectorException.field("memory.invalid", "query", "must be at most 2000 characters");
    String ns = Fields.namespace(Fields.text(doc, "namespace").or(() -> namespace)
        .orElseThrow(() -> DirectorException.field("memory.missing", "namespace", "is required")), "namespace");
    int budget = Fields.integer(doc, "token_budget", 100, 200_000).orElse(DEFAULT_BUDGET);
    long nsId = search.namespaceId(p.tenantId(), ns);
    SearchIndex.Scope scope = new SearchIndex.Scope(p.tenantId(), List.of(nsId), List.of(), List.of(), List.of(), Optional.empty());

    List<List<ContextBundle.Item>> candidates = new ArrayList<>();
    Set<UUID> used = new HashSet<>();
    List<ContextBundle.Item> rules = new ArrayList<>();
    for (MemoryStore.StoredMemory r : store.rules(p.tenantId(), nsId, clock.instant(), 100)) {
      rules.add(item(r.memory().id(), "memory", "memory", r.memory().text(), r.memory().updated_at(), null));
      used.add(r.memory().id());
    }
    candidates.add(rules);

    List<Decision> active = store.decisions(p.tenantId(), Optional.of(nsId), Optional.of("active"), Optional.empty(), 200);
    Map<UUID, Double> relevance = new HashMap<>();
    if (!query.isBlank() && !active.isEmpty()) {
      for (SearchHit h : search.search(scope.withTypes(List.of("decision"), List.of()), Set.of("decision:decision"), query, 50, "hybrid").results()) {
        relevance.put(h.id(), h.score());
      }
    }
    List<Decision> ordered = new ArrayList<>(active);
    ordered.sort((a, b) -> {
      int byRelevance = Double.compare(relevance.getOrDefault(b.id(), 0.0), relevance.getOrDefault(a.id(), 0.0));
      return byRelevance != 0 ? byRelevance : b.created_at().compareTo(a.created_at());
    });
    List<ContextBundle.Item> decisions = new ArrayList<>();
    for (Decision d : ordered) {
      String text = d.title() + ": " + d.decision() + (d.rationale().isEmpty() ? "" : " (because " + d.rationale() + ")");
      decisions.add(item(d.id(), "decision", "decision", text, d.created_at(), relevance.get(d.id())));
      used.add(d.id());
    }
    candidates.add(decisions);

    List<ContextBundle.Item> relevant = new ArrayList<>();
    if (!query.isBlank()) {
      for (SearchHit h : search.search(scope, Set.of(), query, 40, "hybrid").results()) {
        if (used.add(h.id())) relevant.add(item(h.id(), h.type(), h.kind(), h.text(), h.created_at(), h.score()));
      }
    }
    candidates.add(relevant);

    List<ContextBundle.Item> recent = new ArrayList<>();
    for (SearchIndex.Found f : index.recent(scope.withTypes(List.of("event"), List.of()), 50)) {
      if (used.add(f.id())) recent.add(item(f.id(), f.type(), f.kind(), f.body(), f.createdAt(), null));
    }
    candidates.add(recent);

    return fit(ns, query, budget, candidates);
  }

  static ContextBundle fit(String ns, String query, int budget, List<List<ContextBundle.Item>> candidates) {
    int[] spent = new int[SECTIONS.length];
    int total = 0;
    boolean[][] taken = new boolean[SECTIONS.length][];
    for (int s = 0; s < SECTIONS.length; s++) {
      taken[s] = new boolean[candidates.get(s).size()];
    }
    for (int pass = 0; pass < 2; pass++) {
      for (int s = 0; s < SECTIONS.length; s++) {
        int cap = pass == 0 ? (int) (budget * SHARES[s]) : budget;
        List<ContextBundle.Item> items = candidates.get(s);
        for (int i = 0; i < items.size(); i++) {
          if (taken[s][i]) continue;
          int t = items.get(i).tokens();
          if (spent[s] + t > cap || total + t > budget) continue;
          taken[s][i] = true;
          spent[s] += t;
          total += t;
        }
      }
    }
    List<ContextBundle.Section> sections = new ArrayList<>();
    for (int s = 0; s < SECTIONS.length; s++) {
      List<ContextBundle.Item> items = new ArrayList<>();
      for (int i = 0; i < taken[s].length; i++) if (taken[s][i]) items.add(candidates.get(s).get(i));
      sections.add(new ContextBundle.Section(SECTIONS[s], List.copyOf(items), spent[s]));
    }
    return new ContextBundle(ns, query, budget, total, List.copyOf(sections));
  }

  private static ContextBundle.Item item(UUID id, String type, String kind, String text, java.time.Instant at, Double score) {
    return new ContextBundle.Item(id, type, kind, text, at, score, tokens(text) + 8);
  }
}
