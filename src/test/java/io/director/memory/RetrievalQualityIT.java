package io.director.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Retrieval quality on a labelled set (src/test/resources/memory/retrieval-set.json): 265
 * memories of an engineering team, 85 queries — paraphrases that share no words with their answer,
 * bare identifiers among look-alike distractors, and mixes — with the memories that answer them.
 * recall@5 and MRR (over the top 10) for each mode; hybrid must beat both text and vector.
 */
class RetrievalQualityIT {
  static DirectorProcess director;
  static Api api;
  static Api.Login owner;
  static JsonNode set;
  static final Map<String, String> idOf = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    director = DirectorProcess.serve(Files.createTempDirectory("director-memory-quality"), Map.of("PASSWORD_HASH_COST", "4",
        "MEMORY_RATE_LIMIT_WRITES", "100000", "MEMORY_RATE_LIMIT_SEARCH", "100000"));
    api = new Api(director);
    owner = api.registerTenant("retrieval", "retrieval-admin");
    set = Api.JSON.readTree(Files.readString(Path.of("src/test/resources/memory/retrieval-set.json")));
    for (JsonNode m : set.get("memories")) {
      JsonNode created = api.json(api.call("POST", "/api/memory/memories", owner.bearer(), Map.of("namespace", "eng",
          "text", m.get("text").asString(), "tags", Api.JSON.treeToValue(m.get("tags"), List.class))), 201);
      idOf.put(created.get("id").asString(), m.get("id").asString());
    }
  }

  @AfterAll
  static void stop() {
    if (director != null) director.close();
  }

  /** recall@5 and MRR@10 of one mode, overall and per query type. */
  record Score(double recall5, double mrr) {}

  static Map<String, Score> evaluate(String mode) throws Exception {
    Map<String, List<double[]>> byType = new LinkedHashMap<>();
    for (JsonNode q : set.get("queries")) {
      JsonNode r = api.json(api.call("POST", "/api/memory/search", owner.bearer(), Map.of("query", q.get("query").asString(),
          "namespace", "eng", "k", 10, "mode", mode)), 200);
      List<String> ranked = new ArrayList<>();
      r.get("results").forEach(h -> ranked.add(idOf.get(h.get("id").asString())));
      List<String> relevant = new ArrayList<>();
      q.get("relevant").forEach(x -> relevant.add(x.asString()));
      long found = relevant.stream().filter(id -> ranked.subList(0, Math.min(5, ranked.size())).contains(id)).count();
      double reciprocal = 0;
      for (int i = 0; i < ranked.size(); i++) {
        if (relevant.contains(ranked.get(i))) {
          reciprocal = 1.0 / (i + 1);
          break;
        }
      }
      double[] score = {(double) found / relevant.size(), reciprocal};
      byType.computeIfAbsent("all", k -> new ArrayList<>()).add(score);
      byType.computeIfAbsent(q.get("type").asString(), k -> new ArrayList<>()).add(score);
    }
    Map<String, Score> out = new LinkedHashMap<>();
    byType.forEach((type, scores) -> out.put(type, new Score(scores.stream().mapToDouble(s -> s[0]).average().orElse(0),
        scores.stream().mapToDouble(s -> s[1]).average().orElse(0))));
    return out;
  }

  @Test
  void hybridSearchBeatsBothFullTextAndVectorsAlone() throws Exception {
    assertThat(set.get("memories").size()).isGreaterThanOrEqualTo(200);
    assertThat(set.get("queries").size()).isGreaterThanOrEqualTo(50);
    Map<String, Map<String, Score>> results = new LinkedHashMap<>();
    for (String mode : List.of("text", "vector", "hybrid")) results.put(mode, evaluate(mode));
    StringBuilder table = new StringBuilder("| mode | query type | recall@5 | MRR@10 |\n|---|---|---|---|\n");
    results.forEach((mode, scores) -> scores.forEach((type, s) ->
        table.append(String.format("| %s | %s | %.3f | %.3f |%n", mode, type, s.recall5(), s.mrr()))));
    System.out.println("memory retrieval quality (" + set.get("memories").size() + " memories, " + set.get("queries").size() + " queries)\n" + table);
    Files.writeString(Path.of("target/memory-retrieval-quality.md"), table.toString());

    Score text = results.get("text").get("all");
    Score vector = results.get("vector").get("all");
    Score hybrid = results.get("hybrid").get("all");
    assertThat(hybrid.recall5()).as(table.toString()).isGreaterThan(text.recall5()).isGreaterThan(vector.recall5());
    assertThat(hybrid.mrr()).as(table.toString()).isGreaterThan(text.mrr()).isGreaterThan(vector.mrr());
    // and each single method has the weakness the set is built to show
    assertThat(results.get("text").get("paraphrase").recall5()).as(table.toString()).isLessThan(results.get("vector").get("paraphrase").recall5());
    assertThat(results.get("vector").get("keyword").mrr()).as(table.toString()).isLessThan(results.get("text").get("keyword").mrr());
  }
}
