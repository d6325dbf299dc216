package io.director.memory.internal;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Any OpenAI-compatible {@code POST /embeddings} endpoint (OpenAI, Azure-style gateways, Ollama, vLLM, TEI). */
final class RemoteEmbedder implements Embedder {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int BATCH = 128;
  private final URI endpoint;
  private final String model;
  private final Optional<String> apiKey;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  RemoteEmbedder(URI url, String model, Optional<String> apiKey) {
    String u = url.toString().replaceAll("/+$", "");
    this.endpoint = URI.create(u.endsWith("/embeddings") ? u : u + "/embeddings");
    this.model = model;
    this.apiKey = apiKey;
  }

  @Override
  public String model() {
    return model;
  }

  @Override
  public String describe() {
    return model + " (" + endpoint.getHost() + ")";
  }

  @Override
  public List<float[]> embed(List<String> texts) {
    List<float[]> out = new ArrayList<>(texts.size());
    for (int from = 0; from < texts.size(); from += BATCH) out.addAll(batch(texts.subList(from, Math.min(texts.size(), from + BATCH))));
    return out;
  }

  private List<float[]> batch(List<String> texts) {
    ObjectNode body = JSON.createObjectNode().put("model", model);
    ArrayNode input = body.putArray("input");
    texts.forEach(input::add);
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    apiKey.ifPresent(k -> request.header("Authorization", "Bearer " + k));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      throw new EmbeddingUnavailable("the embeddings endpoint " + endpoint.getHost() + " is unreachable", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddingUnavailable("interrupted", e);
    }
    if (response.statusCode() != 200) {
      throw new EmbeddingUnavailable("the embeddings endpoint " + endpoint.getHost() + " answered HTTP " + response.statusCode(), null);
    }
    JsonNode data;
    try {
      data = JSON.readTree(response.body()).path("data");
    } catch (RuntimeException e) {
      throw new EmbeddingUnavailable("the embeddings endpoint answered something other than JSON", e);
    }
    if (!data.isArray() || data.size() != texts.size()) {
      throw new EmbeddingUnavailable("the embeddings endpoint answered " + data.size() + " vectors for " + texts.size() + " texts", null);
    }
    float[][] vectors = new float[texts.size()][];
    for (int i = 0; i < data.size(); i++) {
      JsonNode item = data.get(i);
      int index = item.path("index").asInt(i);
      JsonNode e = item.path("embedding");
      if (index < 0 || index >= vectors.length || !e.isArray() || e.isEmpty()) {
        throw new EmbeddingUnavailable("the embeddings endpoint answered a malformed vector", null);
      }
      float[] v = new float[e.size()];
      for (int j = 0; j < v.length; j++) v[j] = (float) e.get(j).asDouble();
      vectors[index] = v;
    }
    for (float[] v : vectors) if (v == null) throw new EmbeddingUnavailable("the embeddings endpoint left a text without a vector", null);
    return List.of(vectors);
  }
}
