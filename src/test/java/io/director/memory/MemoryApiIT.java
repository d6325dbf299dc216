package io.director.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Shared memory over REST on two instances of the real jar sharing one PostgreSQL: writes, search,
 * supersession, redaction, secrets, tenant isolation, deletion seen by every instance, retention,
 * export/import, bad input and rate limits.
 */
class MemoryApiIT {
  static EmbeddedPostgres postgres;
  static DirectorProcess a;
  static DirectorProcess b;
  static Api apiA;
  static Api apiB;
  static Api.Login one;
  static Api.Login two;
  static Api.Login member;

  @BeforeAll
  static void start() throws Exception {
    postgres = EmbeddedPostgres.builder().setDataDirectory(Files.createTempDirectory("director-memory-pg")).start();
    try (Connection c = postgres.getPostgresDatabase().getConnection()) {
      c.createStatement().execute("CREATE DATABASE memory");
    }
    Map<String, String> env = Map.of("DATABASE_URL", "postgresql://postgres@127.0.0.1:" + postgres.getPort() + "/memory",
        "DIRECTOR_SECRET", "memory-cluster-" + "bWVtb3J5LWNsdXN0ZXItc2VjcmV0LXNoYXJlZA", "PASSWORD_HASH_COST", "4",
        "AUTH_RATE_LIMIT_MAX_ATTEMPTS", "1000", "MEMORY_RETENTION_INTERVAL", "2s", "MEMORY_MAX_CONTENT_SIZE", "16KiB");
    a = DirectorProcess.serve(Files.createTempDirectory("director-memory-a"), env);
    b = DirectorProcess.serve(Files.createTempDirectory("director-memory-b"), env);
    apiA = new Api(a);
    apiB = new Api(b);
    one = apiA.registerTenant("memory-one", "memory-one-admin");
    two = apiA.registerTenant("memory-two", "memory-two-admin");
    member = apiA.addUser(one, "memory-one-member", "member");
  }

  @AfterAll
  static void stop() throws Exception {
    if (a != null) a.close();
    if (b != null) b.close();
    if (postgres != null) postgres.close();
  }

  static JsonNode post(Api api, Api.Login who, String path, Object body, int status) throws Exception {
    return api.json(api.call("POST", path, who.bearer(), body), status);
  }

  static List<String> searchIds(Api api, Api.Login who, Map<String, Object> body) throws Exception {
    JsonNode r = post(api, who, "/api/memory/search", body, 200);
    List<String> ids = new ArrayList<>();
    r.get("results").forEach(h -> ids.add(h.get("id").asString()));
    return ids;
  }

  static long count(String sql) throws Exception {
    try (Connection c = postgres.getDatabase("postgres", "memory").getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static String text(String sql) throws Exception {
    try (Connection c = postgres.getDatabase("postgres", "memory").getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
      StringBuilder all = new StringBuilder();
      while (rs.next()) all.append(rs.getString(1)).append('\n');
      return all.toString();
    }
  }

  @Test
  void eventsMemoriesAndDecisionsAreStoredListedAndFoundByMeaningAndByWords() throws Exception {
    JsonNode event = post(apiA, one, "/api/memory/events", Map.of("namespace", "shop", "kind", "tool_result",
        "actor", Map.of("type", "tool", "id", "pytest"), "content", "The checkout tests failed because the Stripe sandbox returned HTTP 502",
        "content_json", Map.of("exit_code", 1), "tags", List.of("ci"), "refs", List.of("run-81")), 201);
    assertThat(event.get("kind").asString()).isEqualTo("tool_result");
    assertThat(event.get("actor").get("id").asString()).isEqualTo("pytest");
    JsonNode batch = post(apiA, one, "/api/memory/events", Map.of("namespace", "shop", "events", List.of(
        Map.of("kind", "message", "content", "Customer Acme asked for invoices in euros"),
        Map.of("kind", "task_update", "content", "Migrated the orders table to the new schema"))), 201);
    assertThat(batch.get("events")).hasSize(2);
    JsonNode memory = post(apiA, one, "/api/memory/memories", Map.of("namespace", "shop", "text",
        "Deployments to production happen through the release train every Tuesday morning", "tags", List.of("deploy"),
        "importance", 0.9), 201);
    String memoryId = memory.get("id").asString();
    assertThat(memory.get("version").asInt()).isEqualTo(1);

    // found by meaning (no shared words) on the other instance, and by an exact word
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(searchIds(apiB, one,
        Map.of("query", "when do we ship new releases to prod?", "namespace", "shop", "mode", "vector", "k", 1))).containsExactly(memoryId));
    JsonNode hit = post(apiB, one, "/api/memory/search", Map.of("query", "Stripe 502", "mode", "text"), 200).get("results").get(0);
    assertThat(hit.get("id").asString()).isEqualTo(event.get("id").asString());
    assertThat(hit.get("text_rank").asInt()).isEqualTo(1);
    assertThat(hit.get("vector_rank").isNull()).isTrue();
    JsonNode hybrid = post(apiA, one, "/api/memory/search", Map.of("query", "Stripe sandbox failure", "namespace", "shop"), 200);
    assertThat(hybrid.get("mode").asString()).isEqualTo("hybrid");
    JsonNode top = hybrid.get("results").get(0);
    assertThat(top.get("id").asString()).isEqualTo(event.get("id").asString());
    assertThat(top.get("text_rank").asInt()).isEqualTo(1);
    assertThat(top.get("vector_similarity").asDouble()).isGreaterThan(0.3);
    // filters
    assertThat(searchIds(apiA, one, Map.of("query", "Stripe sandbox failure", "kinds", List.of("memory")))).doesNotContain(event.get("id").asString());
    assertThat(searchIds(apiA, one, Map.of("query", "Stripe sandbox failure", "tags", List.of("ci")))).containsExactly(event.get("id").asString());
    assertThat(searchIds(apiA, one, Map.of("query", "Stripe sandbox failure", "since", Instant.now().plusSeconds(60).toString()))).isEmpty();

    // listing and reading back
    JsonNode events = apiA.json(apiA.call("GET", "/api/memory/events?namespace=shop&kind=tool_result", one.bearer(), null), 200);
    assertThat(events.get("events")).hasSize(1);
    assertThat(events.get("events").get(0).get("content_json").get("exit_code").asInt()).isEqualTo(1);
    assertThat(apiA.json(apiA.call("GET", "/api/memory/events?namespace=shop", one.bearer(), null), 200).get("events")).hasSize(3);

    // an update keeps the history (who wrote each version), and search follows the new text
    JsonNode updated = apiA.json(apiA.call("PATCH", "/api/memory/memories/" + memoryId, member.bearer(),
        Map.of("text", "Deployments to production happen through the release train every Thursday afternoon")), 200);
    assertThat(updated.get("version").asInt()).isEqualTo(2);
    apiA.json(apiA.call("PATCH", "/api/memory/memories/" + memoryId, one.bearer(), Map.of("importance", 0.7)), 200);
    JsonNode history = apiB.json(apiB.call("GET", "/api/memory/memories/" + memoryId + "/history", one.bearer(), null), 200);
    assertThat(history.get("versions")).hasSize(2);
    JsonNode v2 = history.get("versions").get(0);
    JsonNode v1 = history.get("versions").get(1);
    assertThat(v1.get("version").asInt()).isEqualTo(1);
    assertThat(v1.get("text").asString()).contains("Tuesday morning");
    assertThat(v1.get("importance").asDouble()).isEqualTo(0.9);
    assertThat(v1.get("changed_by").asString()).isEqualTo("user:" + apiA.userId(one));
    assertThat(v2.get("text").asString()).contains("Thursday afternoon");
    assertThat(v2.get("changed_by").asString()).isEqualTo("user:" + apiA.userId(member));
    assertThat(searchIds(apiA, one, Map.of("query", "Thursday afternoon", "mode", "text"))).containsExactly(memoryId);
    assertThat(searchIds(apiA, one, Map.of("query", "Tuesday morning", "mode", "text"))).isEmpty();
  }

  @Test
  void aDecisionThatSupersedesAnotherMarksItInTheSameTransaction() throws Exception {
    JsonNode first = post(apiA, one, "/api/memory/decisions", Map.of("namespace", "arch", "title", "Queue", "decision", "Use RabbitMQ for jobs",
        "rationale", "the team knows it", "alternatives", List.of("Kafka", "SQS")), 201);
    assertThat(first.get("status").asString()).isEqualTo("active");
    JsonNode second = post(apiB, one, "/api/memory/decisions", Map.of("namespace", "arch", "title", "Queue", "decision", "Use Kafka for jobs",
        "rationale", "we need replay", "supersedes", first.get("id").asString()), 201);
    JsonNode old = apiA.json(apiA.call("GET", "/api/memory/decisions/" + first.get("id").asString(), one.bearer(), null), 200);
    assertThat(old.get("status").asString()).isEqualTo("superseded");
    assertThat(old.get("superseded_by").asString()).isEqualTo(second.get("id").asString());
    JsonNode active = apiA.json(apiA.call("GET", "/api/memory/decisions?namespace=arch&status=active", one.bearer(), null), 200);
    assertThat(active.get("decisions").findValues("id").stream().map(JsonNode::asString)).containsExactly(second.get("id").asString());

    // superseding what is no longer active fails and stores nothing
    long before = count("SELECT count(*) FROM memory_decisions");
    HttpResponse<String> again = apiA.call("POST", "/api/memory/decisions", one.bearer(), Map.of("namespace", "arch", "title", "Queue",
        "decision", "Use SQS", "supersedes", first.get("id").asString()));
    assertThat(again.statusCode()).isEqualTo(422);
    assertThat(apiA.json(again, 422).get("field").asString()).isEqualTo("supersedes");
    // another tenant's decision cannot be superseded either
    HttpResponse<String> foreign = apiA.call("POST", "/api/memory/decisions", two.bearer(), Map.of("namespace", "arch", "title", "Queue",
        "decision", "Use SQS", "supersedes", second.get("id").asString()));
    assertThat(foreign.statusCode()).isEqualTo(422);
    assertThat(count("SELECT count(*) FROM memory_decisions")).isEqualTo(before);
    assertThat(apiA.json(apiA.call("GET", "/api/memory/decisions/" + second.get("id").asString(), one.bearer(), null), 200)
        .get("status").asString()).isEqualTo("active");

    // the context bundle shows only the active one
    JsonNode bundle = post(apiA, one, "/api/memory/context", Map.of("namespace", "arch", "query", "which message broker"), 200);
    JsonNode decisions = section(bundle, "decisions");
    assertThat(decisions.findValues("source_id").stream().map(JsonNode::asString)).containsExactly(second.get("id").asString());
  }

  @Test
  void credentialsAreRedactedBeforeTheyAreStoredOrEmbedded() throws Exception {
    String key = "sk-proj-Zq8LmW3vT9pXr2Ka7bNc4Ds1";
    JsonNode m = post(apiA, one, "/api/memory/memories", Map.of("namespace", "ops", "text",
        "The OpenAI key for the summariser is " + key + " and the database is postgres://svc:Hunt3r-2-secret@db.internal:5432/app"), 201);
    assertThat(m.get("text").asString()).doesNotContain(key).doesNotContain("Hunt3r-2-secret").contains("[REDACTED:api_key]");
    assertThat(m.get("redacted").toString()).contains("api_key", "url_password");
    JsonNode e = post(apiA, one, "/api/memory/events", Map.of("namespace", "ops", "content", "curl -H 'Authorization: Bearer abc.def.ghijklmnop123' ..."), 201);
    assertThat(e.get("content").asString()).doesNotContain("abc.def.ghijklmnop123");
    // nowhere in the database, and not findable
    String stored = text("SELECT text FROM memory_memories UNION ALL SELECT content FROM memory_events UNION ALL SELECT body FROM memory_index");
    assertThat(stored).doesNotContain(key).doesNotContain("Hunt3r-2-secret").doesNotContain("abc.def.ghijklmnop123");
    assertThat(searchIds(apiA, one, Map.of("query", key, "mode", "text"))).isEmpty();
    assertThat(a.allOutput() + b.allOutput()).doesNotContain(key).doesNotContain("Hunt3r-2-secret");
    // a credential inside structured content is refused rather than stored
    HttpResponse<String> json = apiA.call("POST", "/api/memory/events", one.bearer(), Map.of("namespace", "ops", "content", "config",
        "content_json", Map.of("password", "swordfish-2000")));
    assertThat(json.statusCode()).isEqualTo(422);
    assertThat(text("SELECT coalesce(content_json::text, '') FROM memory_events")).doesNotContain("swordfish-2000");
  }

  @Test
  void aSecretIsStoredEncryptedAndOnlyShownToHoldersOfTheSecretScope() throws Exception {
    String value = "vault unseal share 7f3a9c2e-LONG-unique-phrase";
    JsonNode secret = post(apiA, one, "/api/memory/memories", Map.of("namespace", "vault", "text", value, "sensitivity", "secret"), 201);
    String id = secret.get("id").asString();
    assertThat(secret.get("text").asString()).isEqualTo(value);
    assertThat(text("SELECT text || '|' || sealed FROM memory_memories WHERE id = '" + id + "'")).doesNotContain("7f3a9c2e").contains("|v1:");
    assertThat(count("SELECT count(*) FROM memory_index WHERE item_id = '" + id + "'")).isZero();
    // the admin (memory:secret) reads it on either instance; a member neither reads, lists nor finds it
    assertThat(apiB.json(apiB.call("GET", "/api/memory/memories/" + id, one.bearer(), null), 200).get("text").asString()).isEqualTo(value);
    assertThat(apiA.call("GET", "/api/memory/memories/" + id, member.bearer(), null).statusCode()).isEqualTo(404);
    assertThat(apiA.json(apiA.call("GET", "/api/memory/memories?namespace=vault", member.bearer(), null), 200).get("memories")).isEmpty();
    assertThat(searchIds(apiA, member, Map.of("query", "vault unseal share"))).doesNotContain(id);
    assertThat(searchIds(apiA, one, Map.of("query", "vault unseal share"))).doesNotContain(id);
    // and a member cannot store one
    HttpResponse<String> refused = apiA.call("POST", "/api/memory/memories", member.bearer(), Map.of("namespace", "vault", "text", "x",
        "sensitivity", "secret"));
    assertThat(refused.statusCode()).isEqualTo(403);
    // a secret event keeps its structured content sealed too
    JsonNode ev = post(apiA, one, "/api/memory/events", Map.of("namespace", "vault", "content", "root credentials rotated",
        "content_json", Map.of("new", "Pa55-rotated-abc"), "sensitivity", "secret"), 201);
    assertThat(text("SELECT content || coalesce(content_json::text, '') || sealed FROM memory_events WHERE id = '" + ev.get("id").asString() + "'"))
        .doesNotContain("Pa55-rotated-abc").doesNotContain("rotated");
    JsonNode back = apiA.json(apiA.call("GET", "/api/memory/events/" + ev.get("id").asString(), one.bearer(), null), 200);
    assertThat(back.get("content_json").get("new").asString()).isEqualTo("Pa55-rotated-abc");
  }

  @Test
  void identicalTextsInTwoTenantsNeverCross() throws Exception {
    String text = "The staging cluster is called bluebird-7 and runs in Frankfurt";
    String mine = post(apiA, one, "/api/memory/memories", Map.of("namespace", "shared-name", "text", text), 201).get("id").asString();
    String theirs = post(apiA, two, "/api/memory/memories", Map.of("namespace", "shared-name", "text", text), 201).get("id").asString();
    for (Api api : List.of(apiA, apiB)) {
      for (String mode : List.of("text", "vector", "hybrid")) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(searchIds(api, one,
            Map.of("query", "bluebird-7 Frankfurt staging", "mode", mode, "k", 100))).contains(mine).doesNotContain(theirs));
        assertThat(searchIds(api, two, Map.of("query", "bluebird-7 Frankfurt staging", "mode", mode, "k", 100))).contains(theirs).doesNotContain(mine);
      }
      assertThat(api.call("GET", "/api/memory/memories/" + theirs, one.bearer(), null).statusCode()).isEqualTo(404);
      assertThat(api.call("PATCH", "/api/memory/memories/" + theirs, one.bearer(), Map.of("text", "x")).statusCode()).isEqualTo(404);
      assertThat(api.call("DELETE", "/api/memory/memories/" + theirs, one.bearer(), null).statusCode()).isEqualTo(404);
      assertThat(api.call("GET", "/api/memory/memories/" + theirs + "/history", one.bearer(), null).statusCode()).isEqualTo(404);
    }
    // a namespace only the other tenant has is unknown, exactly like one nobody has
    post(apiA, two, "/api/memory/memories", Map.of("namespace", "only-in-two", "text", text), 201);
    HttpResponse<String> theirsNs = apiA.call("POST", "/api/memory/search", one.bearer(), Map.of("query", "bluebird", "namespace", "only-in-two"));
    HttpResponse<String> nobodys = apiA.call("POST", "/api/memory/search", one.bearer(), Map.of("query", "bluebird", "namespace", "nobody-has-it"));
    assertThat(theirsNs.statusCode()).isEqualTo(404).isEqualTo(nobodys.statusCode());
    assertThat(apiA.json(theirsNs, 404).get("detail").asString().replace("only-in-two", "X"))
        .isEqualTo(apiA.json(nobodys, 404).get("detail").asString().replace("nobody-has-it", "X"));
    assertThat(apiA.call("GET", "/api/memory/namespaces/only-in-two/export", one.bearer(), null).statusCode()).isEqualTo(404);
    assertThat(apiA.json(apiA.call("GET", "/api/memory/namespaces", one.bearer(), null), 200).findValues("name").stream()
        .map(JsonNode::asString)).doesNotContain("only-in-two");
    assertThat(apiA.json(apiA.call("GET", "/api/memory/memories?limit=500", one.bearer(), null), 200).get("memories").findValues("id")
        .stream().map(JsonNode::asString)).contains(mine).doesNotContain(theirs);
    JsonNode bundle = post(apiA, one, "/api/memory/context", Map.of("namespace", "shared-name", "query", "staging cluster"), 200);
    assertThat(bundle.toString()).contains(mine).doesNotContain(theirs);
  }

  @Test
  void aDeletedItemIsFoundByNoSearchOnAnyInstance() throws Exception {
    String memory = post(apiA, one, "/api/memory/memories", Map.of("namespace", "forget", "text",
        "The intern accidentally committed the customer export to the public wiki on March 3rd")).get("id").asString();
    String event = post(apiA, one, "/api/memory/events", Map.of("namespace", "forget", "content",
        "Rotated the wiki permissions after the customer export leak")).get("id").asString();
    String decision = post(apiA, one, "/api/memory/decisions", Map.of("namespace", "forget", "title", "Wiki",
        "decision", "Make the wiki private after the customer export leak")).get("id").asString();
    Map<String, Object> query = Map.of("query", "customer export leak on the wiki", "k", 20);
    for (Api api : List.of(apiA, apiB)) {
      for (String mode : List.of("text", "vector", "hybrid")) {
        Map<String, Object> q = new HashMap<>(query);
        q.put("mode", mode);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(searchIds(api, one, q)).contains(memory, event, decision));
      }
    }
    assertThat(apiB.call("DELETE", "/api/memory/memories/" + memory, one.bearer(), null).statusCode()).isEqualTo(204);
    assertThat(apiB.call("DELETE", "/api/memory/events/" + event, one.bearer(), null).statusCode()).isEqualTo(204);
    assertThat(apiB.call("DELETE", "/api/memory/decisions/" + decision, one.bearer(), null).statusCode()).isEqualTo(204);
    // at once, on both instances, in every mode: no search returns them
    for (Api api : List.of(apiA, apiB)) {
      for (String mode : List.of("text", "vector", "hybrid")) {
        Map<String, Object> q = new HashMap<>(query);
        q.put("mode", mode);
        assertThat(searchIds(api, one, q)).doesNotContain(memory, event, decision);
      }
      assertThat(post(api, one, "/api/memory/context", Map.of("namespace", "forget", "query", "customer export leak"), 200).toString())
          .doesNotContain(memory).doesNotContain(event).doesNotContain(decision);
      assertThat(api.call("GET", "/api/memory/memories/" + memory, one.bearer(), null).statusCode()).isEqualTo(404);
    }
    // text, vectors and index entries are gone from the database
    for (String id : List.of(memory, event, decision)) {
      assertThat(count("SELECT (SELECT count(*) FROM memory_index WHERE item_id = '" + id + "') + (SELECT count(*) FROM memory_memories WHERE id = '"
          + id + "') + (SELECT count(*) FROM memory_events WHERE id = '" + id + "') + (SELECT count(*) FROM memory_decisions WHERE id = '" + id
          + "') + (SELECT count(*) FROM memory_memory_history WHERE memory_id = '" + id + "')")).isZero();
    }
    assertThat(text("SELECT body FROM memory_index")).doesNotContain("intern accidentally");
    // and the other instance's in-memory vectors drop them too
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(apiA.director().get("/api/health").body())
        .contains("vectors").doesNotContain("still loading"));
  }

  static JsonNode post(Api api, Api.Login who, String path, Object body) throws Exception {
    return post(api, who, path, body, 201);
  }

  @Test
  void retentionDeletesWhatIsOlderThanTheNamespaceTtl() throws Exception {
    // only tenant admins set retention
    assertThat(apiA.call("PUT", "/api/memory/namespaces/short-lived", member.bearer(), Map.of("ttl_days", 1)).statusCode()).isEqualTo(403);
    JsonNode ns = apiA.json(apiA.call("PUT", "/api/memory/namespaces/short-lived", one.bearer(), Map.of("ttl_days", 1)), 200);
    assertThat(ns.get("ttl_days").asInt()).isEqualTo(1);
    String old = post(apiA, one, "/api/memory/events", Map.of("namespace", "short-lived", "content", "an ancient build log line",
        "created_at", Instant.now().minus(Duration.ofDays(3)).toString())).get("id").asString();
    String fresh = post(apiA, one, "/api/memory/events", Map.of("namespace", "short-lived", "content", "a recent build log line")).get("id").asString();
    String kept = post(apiA, one, "/api/memory/events", Map.of("namespace", "kept-forever", "content", "an ancient build log line elsewhere",
        "created_at", Instant.now().minus(Duration.ofDays(3)).toString())).get("id").asString();
    await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM memory_events WHERE id = '" + old + "'") == 0);
    assertThat(count("SELECT count(*) FROM memory_index WHERE item_id = '" + old + "'")).isZero();
    assertThat(count("SELECT count(*) FROM memory_events WHERE id IN ('" + fresh + "', '" + kept + "')")).isEqualTo(2);
    assertThat(searchIds(apiB, one, Map.of("query", "ancient build log", "mode", "text"))).doesNotContain(old).contains(kept);
    // bad retention values are refused
    assertThat(apiA.call("PUT", "/api/memory/namespaces/short-lived", one.bearer(), Map.of("ttl_days", 0)).statusCode()).isEqualTo(422);
    assertThat(apiA.call("PUT", "/api/memory/namespaces/short-lived", one.bearer(), Map.of("days", 3)).statusCode()).isEqualTo(422);
  }

  @Test
  void aNamespaceExportedAsJsonLinesImportsBackTheSame() throws Exception {
    post(apiA, one, "/api/memory/events", Map.of("namespace", "travel", "kind", "message", "content", "Booked the offsite in Lisbon",
        "content_json", Map.of("nights", 3), "tags", List.of("offsite")));
    String m = post(apiA, one, "/api/memory/memories", Map.of("namespace", "travel", "text", "Travel budget is 1500 EUR per trip",
        "tags", List.of("rule", "budget"), "importance", 0.8)).get("id").asString();
    apiA.json(apiA.call("PATCH", "/api/memory/memories/" + m, one.bearer(), Map.of("text", "Travel budget is 1800 EUR per trip")), 200);
    post(apiA, one, "/api/memory/memories", Map.of("namespace", "travel", "text", "the corporate card PIN vault entry is 4471", "sensitivity", "secret"));
    String d1 = post(apiA, one, "/api/memory/decisions", Map.of("namespace", "travel", "title", "Airline", "decision", "Fly TAP")).get("id").asString();
    post(apiA, one, "/api/memory/decisions", Map.of("namespace", "travel", "title", "Airline", "decision", "Fly Lufthansa", "supersedes", d1));

    String exported = export("travel");
    assertThat(exported.lines().count()).isEqualTo(1 + 1 + 2 + 2);
    assertThat(exported).contains("1500 EUR").contains("4471");
    // a member (no memory:secret) gets everything but the secret
    assertThat(apiA.call("GET", "/api/memory/namespaces/travel/export", member.bearer(), null).body()).doesNotContain("4471").contains("1800 EUR");

    HttpResponse<String> imported = a.send(HttpRequest.newBuilder(a.uri("/api/memory/namespaces/travel-copy/import"))
        .header("Authorization", one.bearer()).header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(exported)));
    JsonNode result = apiA.json(imported, 200);
    assertThat(result.get("events").asInt()).isEqualTo(1);
    assertThat(result.get("memories").asInt()).isEqualTo(2);
    assertThat(result.get("decisions").asInt()).isEqualTo(2);
    assertThat(normalize(export("travel-copy"))).isEqualTo(normalize(exported));
    // importing the same file again adds nothing
    JsonNode again = apiA.json(a.send(HttpRequest.newBuilder(a.uri("/api/memory/namespaces/travel-copy/import")).header("Authorization", one.bearer())
        .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(exported))), 200);
    assertThat(again.get("skipped").asInt()).isEqualTo(5);
    assertThat(again.get("memories").asInt()).isZero();
    // the copy is searchable, and a broken line imports nothing
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(post(apiB, one, "/api/memory/search",
        Map.of("query", "how much can I spend on a trip", "namespace", "travel-copy", "k", 1), 200).get("results").get(0).get("text").asString())
        .contains("1800 EUR"));
    long before = count("SELECT count(*) FROM memory_events");
    HttpResponse<String> broken = a.send(HttpRequest.newBuilder(a.uri("/api/memory/namespaces/travel-broken/import")).header("Authorization", one.bearer())
        .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofString(
            "{\"type\":\"event\",\"content\":\"fine\"}\n{\"type\":\"event\",\"content\":\"\"}\n")));
    assertThat(broken.statusCode()).isEqualTo(422);
    assertThat(apiA.json(broken, 422).get("field").asString()).isEqualTo("line 2");
    assertThat(count("SELECT count(*) FROM memory_events")).isEqualTo(before);
  }

  private String export(String ns) throws Exception {
    HttpResponse<String> r = apiA.call("GET", "/api/memory/namespaces/" + ns + "/export", one.bearer(), null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/x-ndjson");
    return r.body();
  }

  /** Export lines without what an import must change (ids, namespace name), sorted. */
  private static List<String> normalize(String jsonl) {
    Function<String, String> strip = line -> {
      JsonNode n = Api.JSON.readTree(line);
      tools.jackson.databind.node.ObjectNode o = (tools.jackson.databind.node.ObjectNode) n;
      o.remove("id");
      o.remove("name");
      if (o.has("superseded_by")) o.put("superseded_by", "<successor>");
      return o.toString();
    };
    return jsonl.lines().map(strip).sorted().toList();
  }

  @Test
  void badInputGetsAClearProblemAndStoresNothing() throws Exception {
    post(apiA, one, "/api/memory/memories", Map.of("namespace", "known", "text", "something to find"));
    long events = count("SELECT count(*) FROM memory_events");
    long memories = count("SELECT count(*) FROM memory_memories");
    record Case(String path, Object body, int status, String field) {}
    String big = "x".repeat(17 * 1024);
    List<Case> cases = List.of(
        new Case("/api/memory/search", Map.of("query", ""), 422, "query"),
        new Case("/api/memory/search", Map.of("query", "   "), 422, "query"),
        new Case("/api/memory/search", Map.of(), 422, "query"),
        new Case("/api/memory/search", Map.of("query", "x", "k", 0), 422, "k"),
        new Case("/api/memory/search", Map.of("query", "x", "k", 10000), 422, "k"),
        new Case("/api/memory/search", Map.of("query", "x", "k", "ten"), 422, "k"),
        new Case("/api/memory/search", Map.of("query", "x", "mode", "fuzzy"), 422, "mode"),
        new Case("/api/memory/search", Map.of("query", "x", "kinds", List.of("gossip")), 422, "kinds"),
        new Case("/api/memory/search", Map.of("query", "x", "since", "yesterday"), 422, "since"),
        new Case("/api/memory/search", Map.of("query", "x", "namespace", "no-such-namespace"), 404, null),
        new Case("/api/memory/search", Map.of("query", "x", "limit", 3), 422, "limit"),
        new Case("/api/memory/context", Map.of("query", "x"), 422, "namespace"),
        new Case("/api/memory/context", Map.of("query", "x", "namespace", "no-such-namespace"), 404, null),
        new Case("/api/memory/context", Map.of("query", "x", "namespace", "known", "token_budget", 5), 422, "token_budget"),
        new Case("/api/memory/events", Map.of("namespace", "known", "content", big), 413, null),
        new Case("/api/memory/events", Map.of("namespace", "known"), 422, "content"),
        new Case("/api/memory/events", Map.of("namespace", "known", "content", "x", "kind", "rumour"), 422, "kind"),
        new Case("/api/memory/events", Map.of("namespace", "known", "content", "x", "channel", "radio"), 422, "channel"),
        new Case("/api/memory/events", Map.of("namespace", "known", "content", "x", "actor", Map.of("type", "robot")), 422, "type"),
        new Case("/api/memory/events", Map.of("namespace", "known", "content", "x", "sensitivity", "top"), 422, "sensitivity"),
        new Case("/api/memory/events", Map.of("namespace", "../etc", "content", "x"), 422, "namespace"),
        new Case("/api/memory/events", Map.of("content", "x"), 422, "namespace"),
        new Case("/api/memory/events", Map.of("namespace", "known", "content", "x", "colour", "red"), 422, "colour"),
        new Case("/api/memory/events", Map.of("namespace", "known", "content", "nul \u0000 inside"), 422, "content"),
        new Case("/api/memory/events", Map.of("namespace", "known", "content", "x", "content_json", Map.of("k", "nul \u0000")), 422, "content_json"),
        new Case("/api/memory/search", Map.of("query", "nul \u0000"), 422, "query"),
        new Case("/api/memory/events", Map.of("namespace", "known", "events", List.of(Map.of("content", "fine"), Map.of("content", ""))), 422, "content"),
        new Case("/api/memory/memories", Map.of("namespace", "known", "text", big), 413, null),
        new Case("/api/memory/memories", Map.of("namespace", "known", "text", "x", "importance", 2), 422, "importance"),
        new Case("/api/memory/memories", Map.of("namespace", "known", "text", "x", "tags", List.of("a b")), 422, "tags"),
        new Case("/api/memory/memories", Map.of("namespace", "known", "text", "x", "valid_from", "2026-02-01T00:00:00Z",
            "valid_to", "2026-01-01T00:00:00Z"), 422, "valid_to"),
        new Case("/api/memory/decisions", Map.of("namespace", "known", "title", "t"), 422, "decision"),
        new Case("/api/memory/decisions", Map.of("namespace", "known", "title", "t", "decision", "d", "supersedes", "nope"), 422, "supersedes"));
    for (Case c : cases) {
      HttpResponse<String> r = apiA.call("POST", c.path(), one.bearer(), c.body());
      assertThat(r.statusCode()).as("%s %s → %s", c.path(), c.body(), r.body()).isEqualTo(c.status());
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
      JsonNode problem = Api.JSON.readTree(r.body());
      assertThat(problem.get("detail").asString()).isNotBlank();
      if (c.field() != null) assertThat(problem.get("field").asString()).as(r.body()).isEqualTo(c.field());
    }
    assertThat(apiA.call("POST", "/api/memory/events", one.bearer(), "{not json").statusCode()).isEqualTo(400);
    assertThat(apiA.call("GET", "/api/memory/memories/not-a-uuid", one.bearer(), null).statusCode()).isEqualTo(400);
    assertThat(apiA.call("GET", "/api/memory/events?limit=0", one.bearer(), null).statusCode()).isEqualTo(400);
    assertThat(apiA.call("GET", "/api/memory/events?namespace=nope", one.bearer(), null).statusCode()).isEqualTo(404);
    assertThat(count("SELECT count(*) FROM memory_events")).isEqualTo(events);
    assertThat(count("SELECT count(*) FROM memory_memories")).isEqualTo(memories);
  }

  @Test
  void writesAndContextBundlesAreRateLimitedPerKey() throws Exception {
    JsonNode key = apiA.createKey(one, "memory-limits", List.of("memory:read", "memory:write"));
    Api.Login keyLogin = new Api.Login(key.get("key").asString(), null);
    // the buckets refill gradually (100 a minute is one every 0.6 s), so a burst gets 100 plus what refilled meanwhile
    int created = 0;
    HttpResponse<String> last = null;
    long started = System.nanoTime();
    for (int i = 0; i < 200; i++) {
      last = apiA.call("POST", "/api/memory/events", keyLogin.bearer(), Map.of("namespace", "limits", "content", "event " + i));
      if (last.statusCode() == 201) created++;
      else break;
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    assertThat(last.statusCode()).isEqualTo(429);
    assertThat(created).isBetween(100, 100 + (int) Math.ceil(seconds / 0.6) + 1);
    assertThat(last.headers().firstValue("Retry-After")).isPresent();
    assertThat(Api.JSON.readTree(last.body()).get("code").asString()).isEqualTo("identity.rate-limited");
    long limitedAt = System.nanoTime();
    // the limit is per key: another key of the same tenant still writes, on the other instance too
    assertThat(apiB.call("POST", "/api/memory/events", one.bearer(), Map.of("namespace", "limits", "content", "other key")).statusCode()).isEqualTo(201);
    // and this key is limited there too: at most what refilled since gets through before a 429
    int through = 0;
    int status = 0;
    for (int i = 0; i < 20; i++) {
      status = apiB.call("POST", "/api/memory/events", keyLogin.bearer(), Map.of("namespace", "limits", "content", "still limited")).statusCode();
      if (status != 201) break;
      through++;
    }
    assertThat(status).isEqualTo(429);
    assertThat(through).isLessThanOrEqualTo(1 + (int) Math.ceil((System.nanoTime() - limitedAt) / 1e9 / 0.6));
    int bundles = 0;
    started = System.nanoTime();
    for (int i = 0; i < 150; i++) {
      last = apiA.call("POST", "/api/memory/context", keyLogin.bearer(), Map.of("namespace", "limits", "query", "event"));
      if (last.statusCode() == 200) bundles++;
      else break;
    }
    seconds = (System.nanoTime() - started) / 1e9;
    assertThat(last.statusCode()).isEqualTo(429);
    assertThat(bundles).isBetween(60, 60 + (int) Math.ceil(seconds) + 1);
    // a key without memory:write cannot write at all
    JsonNode reader = apiA.createKey(one, "memory-reader", List.of("memory:read"));
    assertThat(apiA.call("POST", "/api/memory/memories", "Bearer " + reader.get("key").asString(), Map.of("namespace", "limits", "text", "x"))
        .statusCode()).isEqualTo(403);
  }

  static JsonNode section(JsonNode bundle, String name) {
    for (JsonNode s : bundle.get("sections")) if (s.get("name").asString().equals(name)) return s.get("items");
    throw new AssertionError("no section " + name + " in " + bundle);
  }

  @Test
  void aContextBundleStaysWithinItsBudgetWithRulesDecisionsRelevantAndRecentItems() throws Exception {
    String rule = post(apiA, one, "/api/memory/memories", Map.of("namespace", "ctx", "text", "Never push directly to the main branch",
        "tags", List.of("rule"), "importance", 1)).get("id").asString();
    String decision = post(apiA, one, "/api/memory/decisions", Map.of("namespace", "ctx", "title", "CI", "decision",
        "Use GitHub Actions for CI")).get("id").asString();
    String relevant = post(apiA, one, "/api/memory/memories", Map.of("namespace", "ctx", "text",
        "Flaky integration tests are quarantined with the @Flaky annotation")).get("id").asString();
    for (int i = 0; i < 40; i++) {
      post(apiA, one, "/api/memory/events", Map.of("namespace", "ctx", "kind", "message", "content",
          "Status update number " + i + ": " + "worked on the dashboard layout and colours. ".repeat(6)));
    }
    String newest = post(apiA, one, "/api/memory/events", Map.of("namespace", "ctx", "kind", "message", "content", "Newest status update")).get("id").asString();
    JsonNode bundle = post(apiA, one, "/api/memory/context", Map.of("namespace", "ctx", "query", "what to do about flaky tests", "token_budget", 600), 200);
    assertThat(bundle.get("tokens_used").asInt()).isLessThanOrEqualTo(600).isGreaterThan(300);
    assertThat(bundle.get("sections").findValues("name").stream().map(JsonNode::asString)).containsExactly("rules", "decisions", "relevant", "recent");
    assertThat(section(bundle, "rules").get(0).get("source_id").asString()).isEqualTo(rule);
    assertThat(section(bundle, "decisions").get(0).get("source_id").asString()).isEqualTo(decision);
    assertThat(section(bundle, "relevant").get(0).get("source_id").asString()).isEqualTo(relevant);
    JsonNode recent = section(bundle, "recent");
    assertThat(recent.size()).isBetween(1, 20);
    int sum = 0;
    for (JsonNode s : bundle.get("sections")) for (JsonNode i : s.get("items")) sum += i.get("tokens").asInt();
    assertThat(sum).isEqualTo(bundle.get("tokens_used").asInt());
    // the newest events come first among the recent ones (unless the relevant section took them)
    List<String> recentIds = recent.findValues("source_id").stream().map(JsonNode::asString).toList();
    List<String> relevantIds = section(bundle, "relevant").findValues("source_id").stream().map(JsonNode::asString).toList();
    assertThat(relevantIds.contains(newest) || recentIds.get(0).equals(newest)).isTrue();
    // a bigger budget holds more
    JsonNode big = post(apiA, one, "/api/memory/context", Map.of("namespace", "ctx", "query", "what to do about flaky tests"), 200);
    assertThat(big.get("token_budget").asInt()).isEqualTo(8000);
    assertThat(big.get("tokens_used").asInt()).isGreaterThan(bundle.get("tokens_used").asInt()).isLessThanOrEqualTo(8000);
  }
}
