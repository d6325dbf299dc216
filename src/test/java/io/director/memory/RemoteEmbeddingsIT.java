package io.director.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.director.testing.Api;
import io.director.testing.DirectorProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Embeddings from an OpenAI-compatible {@code /v1/embeddings} endpoint. The endpoint here is a
 * small server speaking that wire format (a hashed bag of words, so similar words give similar
 * vectors); it can be switched to failing to show that writes survive an outage and the vectors
 * are filled in afterwards.
 */
class RemoteEmbeddingsIT {
  static final String API_KEY = "emb-test-key-8f2a61c4d9e0";
  static HttpServer server;
  static final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  static final List<String> authorizations = new CopyOnWriteArrayList<>();
  static final AtomicBoolean failing = new AtomicBoolean();
  static DirectorProcess director;
  static Api api;
  static Api.Login owner;

  @BeforeAll
  static void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/v1/embeddings", exchange -> {
      JsonNode body = Api.JSON.readTree(exchange.getRequestBody().readAllBytes());
      requests.add(body);
      authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
      byte[] answer;
      int status;
      if (failing.get()) {
        status = 503;
        answer = "{\"error\":{\"message\":\"overloaded\"}}".getBytes(StandardCharsets.UTF_8);
      } else {
        status = 200;
        ObjectNode out = Api.JSON.createObjectNode().put("object", "list").put("model", body.get("model").asString());
        ArrayNode data = out.putArray("data");
        for (int i = 0; i < body.get("input").size(); i++) {
          ObjectNode item = data.addObject().put("object", "embedding").put("index", i);
          ArrayNode v = item.putArray("embedding");
          for (float x : bagOfWords(body.get("input").get(i).asString())) v.add(x);
        }
        answer = Api.JSON.writeValueAsBytes(out);
      }
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
    director = DirectorProcess.serve(Files.createTempDirectory("director-memory-remote"), Map.of("PASSWORD_HASH_COST", "4",
        "MEMORY_EMBEDDINGS_URL", "http://127.0.0.1:" + server.getAddress().getPort() + "/v1", "MEMORY_EMBEDDINGS_MODEL", "hash-64",
        "MEMORY_EMBEDDINGS_API_KEY", API_KEY));
    api = new Api(director);
    owner = api.registerTenant("remote-embeddings", "remote-embeddings-admin");
  }

  @AfterAll
  static void stop() {
    if (director != null) director.close();
    if (server != null) server.stop(0);
  }

  /** 64 dimensions, one bucket per word (by hash), normalized. */
  static float[] bagOfWords(String text) {
    float[] v = new float[64];
    for (String w : text.toLowerCase().split("[^a-z0-9]+")) {
      if (w.length() > 2) v[Math.floorMod(w.hashCode(), 64)] += 1;
    }
    double n = 0;
    for (float x : v) n += x * x;
    if (n == 0) v[0] = 1;
    else for (int i = 0; i < v.length; i++) v[i] /= (float) Math.sqrt(n);
    return v;
  }

  static List<String> vectorSearch(String query) throws IOException {
    JsonNode r = api.json(api.call("POST", "/api/memory/search", owner.bearer(), Map.of("query", query, "mode", "vector")), 200);
    return r.get("results").findValues("id").stream().map(JsonNode::asString).toList();
  }

  @Test
  void vectorsComeFromTheConfiguredEndpointWithItsModelAndKey() throws Exception {
    String id = api.json(api.call("POST", "/api/memory/memories", owner.bearer(), Map.of("namespace", "remote",
        "text", "Grafana dashboards live in the observability folder")), 201).get("id").asString();
    assertThat(requests).anySatisfy(r -> {
      assertThat(r.get("model").asString()).isEqualTo("hash-64");
      assertThat(r.get("input").toString()).contains("Grafana dashboards");
    });
    assertThat(authorizations).allMatch(("Bearer " + API_KEY)::equals);
    assertThat(vectorSearch("observability dashboards grafana")).first().isEqualTo(id);
    assertThat(director.get("/api/health").body()).contains("hash-64 (127.0.0.1)");
    assertThat(director.allOutput()).doesNotContain(API_KEY);
  }

  @Test
  void whileTheEndpointFailsWritesStillSucceedAndTheirVectorsArriveLater() throws Exception {
    failing.set(true);
    try {
      String id = api.json(api.call("POST", "/api/memory/memories", owner.bearer(), Map.of("namespace", "outage",
          "text", "Kibana retention for audit indices is ninety days")), 201).get("id").asString();
      // full text still finds it; hybrid says it fell back; vector alone is unavailable
      JsonNode hybrid = api.json(api.call("POST", "/api/memory/search", owner.bearer(), Map.of("query", "Kibana audit retention")), 200);
      assertThat(hybrid.get("mode").asString()).isEqualTo("text");
      assertThat(hybrid.get("results").findValues("id").stream().map(JsonNode::asString)).contains(id);
      var vector = api.call("POST", "/api/memory/search", owner.bearer(), Map.of("query", "Kibana audit retention", "mode", "vector"));
      assertThat(vector.statusCode()).isEqualTo(503);
      assertThat(Api.JSON.readTree(vector.body()).get("code").asString()).isEqualTo("memory.embeddings-unavailable");
      failing.set(false);
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
          .untilAsserted(() -> assertThat(vectorSearch("kibana audit indices retention")).contains(id));
    } finally {
      failing.set(false);
    }
  }
}
